"""Small builders of notices for the information tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from minato.accounts.models import Department, User
from minato.information import services
from minato.information.models import Notice


def notice_values(department: Department, **overrides: Any) -> dict[str, Any]:
    return {
        "department": department,
        "kind": Notice.Kind.NEWS,
        "category": Notice.Category.WARD,
        "areas": [],
        "content": {
            "ja": {"title": "年末年始の窓口", "body": "12月29日から1月3日まで休みです。"},
            "en": {"title": "Counters over the New Year", "body": "Closed 29 Dec to 3 Jan."},
        },
        "starts_at": timezone.now() - timedelta(hours=1),
        "ends_at": None,
        "event_starts_at": None,
        "event_place": "",
        **overrides,
    }


def published_notice(author: User, department: Department, **overrides: Any) -> Notice:
    notice = services.notice_save(
        staff=author, notice=None, values=notice_values(department, **overrides)
    )
    return services.notice_publish(staff=author, notice=notice)


def shelter(department: Department, **overrides: Any) -> Any:
    """A shelter of ``department`` in Shiba, closed unless said otherwise."""
    from minato.information.models import Shelter

    values = {
        "slug": "shiba-elementary",
        "name": {"ja": "芝小学校", "en": "Shiba Elementary School"},
        "kinds": ["shelter", "evacuation_site"],
        "hazards": ["earthquake"],
        "area": "shiba",
        "department": department,
        "address": "港区芝2-5-1",
        "latitude": "35.650300",
        "longitude": "139.749100",
        "capacity": 10,
        "checkin_key": "the-key-in-the-qr-code",
        **overrides,
    }
    return Shelter.objects.create(**values)
