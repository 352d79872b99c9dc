"""Demo data for the notification hub: the demo residents' choices (topics, areas, a child's
birth month for hanako) and a broadcast written by the demo clerk of 芝地区 区民課, waiting for
the demo supervisor's approval (the two-person rule). Idempotent.

Accounts sit above this app (decision 0004), so their models are looked up by name."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from minato.notifications import broadcasts
from minato.notifications.models import Broadcast, ChildBirthMonth, Preference, Topic

AUTHOR_EMAIL = "clerk@city.minato.example"
APPROVER_EMAIL = "supervisor@city.minato.example"
TITLE = "芝地区 防災訓練のお知らせ（デモ）"
CONTENT = {
    "ja": {
        "subject": "芝地区の防災訓練のお知らせ",
        "body": "1月17日（日）10時から、芝公園で防災訓練を行います。"
        "起震車の体験や消火器の使い方を学べます。申込みは不要です。",
    },
    "en": {
        "subject": "Disaster drill in Shiba",
        "body": "A disaster drill takes place in Shiba Park on Sunday 17 January from 10:00. "
        "Try the earthquake simulator and learn to use an extinguisher. No booking needed.",
    },
    "ja-easy": {
        "subject": "しばで ぼうさいくんれんが あります",
        "body": "1がつ17にち（にちようび）10じから しばこうえんで くんれんを します。"
        "もうしこみは いりません。",
    },
}


def _first_of_month_years_ago(years: int) -> date:
    today = timezone.localdate()
    return date(today.year - years, today.month, 1)


def load() -> str:
    users = get_user_model()
    residents = users.objects.filter(kind="resident")
    chosen = 0
    for resident in residents:
        preference, created = Preference.objects.get_or_create(
            user=resident,
            defaults={"topics": [Topic.DISASTER, Topic.EVENTS, Topic.CHILDCARE], "areas": []},
        )
        chosen += int(created)
        if resident.email == "hanako@example.jp" and not preference.children.exists():
            ChildBirthMonth.objects.create(
                preference=preference, born_on=_first_of_month_years_ago(1)
            )
    author = users.objects.filter(email=AUTHOR_EMAIL).first()
    department = apps.get_model("accounts", "Department").objects.filter(code="shiba.kumin").first()
    if author is None or department is None:
        return f"{chosen} residents' choices; no broadcast (the demo clerk is missing)"
    broadcast = Broadcast.objects.filter(title=TITLE).first()
    if broadcast is None:
        broadcast = broadcasts.broadcast_save(
            staff=author,
            broadcast=None,
            values={
                "department": department,
                "title": TITLE,
                "topic": Topic.EVENTS,
                "areas": ["shiba"],
                "languages": [],
                "child_age_bands": [],
                "content": CONTENT,
                "is_emergency": False,
                "scheduled_for": None,
            },
        )
        broadcasts.broadcast_submit(staff=author, broadcast=broadcast)
    return (
        f"{chosen} residents' choices; a broadcast by {AUTHOR_EMAIL} waiting for "
        f"{APPROVER_EMAIL} to approve it at /staff/messages/"
    )
