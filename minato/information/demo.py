"""Demo notices, loaded by ``manage.py load_demo`` (idempotent: a notice with the same
Japanese title is kept). Written and published by the demo clerk of 芝地区総合支所区民課."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from minato.accounts.models import Department
from minato.information import alerts, services
from minato.information.models import Alert, Notice

AUTHOR_EMAIL = "clerk@city.minato.example"
ISSUER_EMAIL = "supervisor@city.minato.example"
ALERT_HEADLINE = "芝地区に避難指示(古川の増水)"
DEPARTMENT = "shiba.kumin"


def _at(days: int, hour: int = 9) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _notices() -> list[dict[str, Any]]:
    return [
        {
            "kind": Notice.Kind.NEWS,
            "category": Notice.Category.WARD,
            "areas": [],
            "starts_at": _at(-2),
            "content": {
                "ja": {
                    "title": "年末年始の窓口の開設日について",
                    "body": "12月29日から1月3日まで、区役所と各総合支所の窓口はお休みです。\n"
                    "オンライン手続はこの期間も24時間ご利用いただけます。",
                },
                "en": {
                    "title": "Ward office counters over the New Year holidays",
                    "body": "The counters of the ward office and the branch offices are closed "
                    "from 29 December to 3 January.\nOnline procedures stay open 24 hours.",
                },
                "ja-easy": {
                    "title": "12がつ29にち から 1がつ3にち は まどぐち が やすみ です",
                    "body": "くやくしょ の まどぐち は やすみ です。\n"
                    "インターネット の てつづき は いつでも できます。",
                },
                "zh": {
                    "title": "年末年初窗口办公安排",
                    "body": "12月29日至1月3日，区政府及各综合支所窗口休息。\n"
                    "网上手续期间照常24小时受理。",
                },
                "ko": {
                    "title": "연말연시 창구 운영 안내",
                    "body": "12월 29일부터 1월 3일까지 구청 및 각 종합지소 창구는 쉽니다.\n"
                    "온라인 신청은 이 기간에도 24시간 이용할 수 있습니다.",
                },
            },
        },
        {
            "kind": Notice.Kind.EVENT,
            "category": Notice.Category.EVENTS,
            "areas": ["shiba"],
            "starts_at": _at(-1),
            "event_starts_at": _at(14, 13),
            "event_place": "芝地区総合支所 区民協働スペース",
            "content": {
                "ja": {
                    "title": "芝地区 防災ウォークラリー参加者募集",
                    "body": "地域の避難場所や消火器の場所を歩いて確かめます。"
                    "小学生以上どなたでも。\n"
                    "申込みは予約ページから。",
                },
                "en": {
                    "title": "Shiba disaster-preparedness walk: join us",
                    "body": "Walk the neighbourhood to find evacuation sites and fire "
                    "extinguishers. Anyone from primary-school age.\nBook on the bookings page.",
                },
            },
        },
        {
            "kind": Notice.Kind.NEWS,
            "category": Notice.Category.GARBAGE,
            "areas": [],
            "starts_at": _at(-5),
            "content": {
                "ja": {
                    "title": "粗大ごみの年末の受付は12月26日まで",
                    "body": "年内収集分の粗大ごみの受付は12月26日(金)までです。"
                    "お早めにお申し込みください。",
                },
                "ja-easy": {
                    "title": "おおきい ごみ の もうしこみ は 12がつ26にち まで",
                    "body": "ことし の おおきい ごみ は 12がつ26にち まで に "
                    "もうしこんで ください。",
                },
            },
        },
    ]


def load() -> str:
    author = get_user_model().objects.filter(email=AUTHOR_EMAIL).first()
    department = Department.objects.filter(code=DEPARTMENT).first()
    if author is None or department is None:
        return "no notices (the demo clerk is missing)"
    created = 0
    for values in _notices():
        title = values["content"]["ja"]["title"]
        if Notice.objects.filter(content__ja__title=title).exists():
            continue
        notice = services.notice_save(
            staff=author,
            notice=None,
            values={
                "department": department,
                "ends_at": None,
                "event_starts_at": None,
                "event_place": "",
                **values,
            },
        )
        services.notice_publish(staff=author, notice=notice)
        created += 1
    if not Alert.objects.filter(content__ja__headline=ALERT_HEADLINE).exists():
        alert = alerts.alert_save(staff=author, alert=None, values=_drill(department))
        alerts.alert_submit(staff=author, alert=alert)
    return (
        f"{created} notices published by {AUTHOR_EMAIL} (at /notices/ and /staff/information/); "
        f"a drill evacuation alert waiting for {ISSUER_EMAIL} to issue it at "
        "/staff/information/alerts/"
    )


def _drill(department: Department) -> dict[str, Any]:
    """A drill, so that issuing it in the demo shows every channel marked as a drill."""
    return {
        "department": department,
        "event": Alert.Event.EVACUATION_ORDER,
        "mode": Alert.Mode.EXERCISE,
        "areas": ["shiba"],
        "expires_at": timezone.now() + timedelta(days=30),
        "content": {
            "ja": {
                "headline": ALERT_HEADLINE,
                "description": "古川が氾濫するおそれがあります(訓練)。",
                "instruction": "芝公園など近くの避難場所へ移動してください。",
            },
            "en": {
                "headline": "Evacuation order for Shiba (Furukawa river rising)",
                "description": "The Furukawa river may flood (drill).",
                "instruction": "Go to the nearest evacuation site, such as Shiba Park.",
            },
            "ja-easy": {
                "headline": "しば に ひなんしじ (かわ の みず が ふえて います)",
                "description": "ふるかわ の みず が あふれる かもしれません (くんれん)。",
                "instruction": "ちかく の ひなんばしょ に にげて ください。",
            },
        },
    }
