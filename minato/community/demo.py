"""A demo neighbourhood association, loaded by ``manage.py load_demo`` (idempotent: kept if
one with the same name exists). The demo resident hanako@example.jp is its officer and a
member of one household, so one account shows both sides of the board."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from minato.accounts.models import Department
from minato.community import services
from minato.community.models import Association, Circular, Member
from minato.community.services import CircularDraft

NAME = "芝二丁目町会(デモ)"
OFFICER_EMAIL = "hanako@example.jp"
DEPARTMENT = "shiba.kyodo-suishin"
# (group, household, on paper); the officer's own household first.
HOUSEHOLDS = [
    ("1班", "港 (芝2-5-1)", False),
    ("1班", "芝田 (芝2-5-3)", False),
    ("1班", "増上 (芝2-5-7)", True),
    ("2班", "金杉 (芝2-6-2)", False),
    ("2班", "古川 (芝2-6-9)", True),
    ("3班", "浜松 (芝2-7-4)", False),
]


def load() -> str:
    officer = get_user_model().objects.filter(email=OFFICER_EMAIL).first()
    department = Department.objects.filter(code=DEPARTMENT).first()
    if officer is None or department is None:
        return "no neighbourhood association (the demo resident is missing)"
    if Association.objects.filter(name=NAME).exists():
        return f"{NAME} at /circulars/ (officer {OFFICER_EMAIL})"
    association = Association.objects.create(
        slug="shiba-2-chome-demo", name=NAME, area="shiba", department=department
    )
    association.officers.create(user=officer)
    groups = {
        name: services.group_create(officer=officer, association=association, name=name)
        for name in dict.fromkeys(group for group, _label, _paper in HOUSEHOLDS)
    }
    households = [
        services.household_create(
            officer=officer,
            association=association,
            label=label,
            group=groups[group],
            paper=paper,
        )
        for group, label, paper in HOUSEHOLDS
    ]
    Member.objects.create(household=households[0], user=officer)
    services.circular_post(
        author=officer,
        association=association,
        draft=CircularDraft(
            kind=Circular.Kind.NOTICE,
            title="12月の資源回収日のお知らせ",
            body="12月の資源回収は第2・第4水曜日です。朝8時までに集積所へお出しください。",
        ),
    )
    services.circular_post(
        author=officer,
        association=association,
        draft=CircularDraft(
            kind=Circular.Kind.VOTE,
            title="来年の夏祭り開催について",
            body="来年8月の夏祭りを例年どおり開催することに賛成か反対か、世帯ごとにお答えください。",
            deadline=timezone.now() + timedelta(days=14),
        ),
    )
    return (
        f"{NAME} with {len(households)} households; {OFFICER_EMAIL} is its officer "
        "(/circulars/boards/shiba-2-chome-demo/) and a member (/circulars/)"
    )
