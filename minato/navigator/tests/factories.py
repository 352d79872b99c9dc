"""Small factories with Minato-like defaults for navigator tests. The guide is written here,
not borrowed from the demo's guides.json (demo data is for staff to edit)."""

from __future__ import annotations

from datetime import time
from typing import Any

from minato.accounts.models import Department
from minato.navigator.guide import services as guide_services
from minato.navigator.models import Guide, Office
from minato.navigator.queues import services as queue_services


def t(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en or ja}


def moving_in_definition() -> dict[str, Any]:
    """転入 cut down: a date, a branch on where from, one question asked only sometimes, and
    items for the counter, online (with a prefill) and another office."""
    return {
        "questions": [
            {"id": "moved_on", "type": "date", "label": t("住み始めた日", "Moving-in day")},
            {
                "id": "moved_from",
                "type": "choice",
                "label": t("どこから", "From where"),
                "options": [
                    {"value": "japan", "label": t("国内", "Japan")},
                    {"value": "abroad", "label": t("海外", "Abroad")},
                ],
            },
            {
                "id": "online_tenshutsu",
                "type": "yesno",
                "label": t("転出届をオンラインで出しましたか", "Moved out online?"),
                "show_if": [{"question": "moved_from", "in": ["japan"]}],
            },
            {"id": "dog", "type": "yesno", "label": t("犬を飼っていますか", "A dog?")},
        ],
        "items": [
            {
                "key": "tennyu",
                "title": t("転入届", "Notice of moving in"),
                "where": "counter",
                "order": 10,
                "deadline": {"from": "moved_on", "days": 14},
                "bring": [t("転出証明書", "Certificate of moving out")],
                "fee_yen": 0,
                "uses": ["family_name", "given_name", "moved_on"],
            },
            {
                "key": "garbage",
                "title": t("粗大ごみ", "Large waste"),
                "procedure": "sodai-gomi",
                "where": "online",
                "order": 20,
                "prefill": {"preferred_date": "moved_on"},
            },
            {
                "key": "dog",
                "title": t("犬の登録事項変更", "Dog's new address"),
                "where": "other",
                "place": t("みなと保健所", "Minato Public Health Center"),
                "order": 30,
                "when": [{"question": "dog", "in": ["yes"]}],
            },
            {
                "key": "abroad",
                "title": t("海外からの転入", "Moving in from abroad"),
                "where": "counter",
                "order": 5,
                "when": [{"question": "moved_from", "in": ["abroad"]}],
            },
        ],
    }


def make_guide(slug: str = "tennyu", **overrides: Any) -> Guide:
    data: dict[str, Any] = {
        "name": t("転入", "Moving in"),
        "summary": t("区外から引っ越すとき", "When you move in"),
        "definition": moving_in_definition(),
    }
    data.update(overrides)
    return guide_services.guide_upsert(slug=slug, **data)


QUEUES = [
    {"slug": "ido", "prefix": "A", "name": t("住民異動", "Moving"), "service_minutes": 10},
    {"slug": "shomei", "prefix": "B", "name": t("証明書", "Certificates"), "service_minutes": 5},
]


def make_office(department: Department, slug: str = "shiba", **overrides: Any) -> Office:
    data: dict[str, Any] = {
        "name": t("芝地区総合支所", "Shiba Branch Office"),
        "address": "港区芝公園一丁目5番25号",
        "department": department,
        "opens_at": time(8, 30),
        "closes_at": time(17, 0),
        "queues": QUEUES,
        "desks": 3,
    }
    data.update(overrides)
    return queue_services.office_upsert(slug=slug, **data)
