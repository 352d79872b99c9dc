"""/api/v1/notices: the current notices with every translation, public and read only."""

from __future__ import annotations

import pytest
from django.test import Client

from minato.accounts.models import Department, User
from minato.information.models import Notice
from minato.information.tests.factories import published_notice

pytestmark = pytest.mark.django_db


def test_the_api_lists_current_notices_with_all_their_languages(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    notice = published_notice(charlie, departments["kumin"], areas=["shiba"])
    published_notice(
        charlie, departments["kumin"], kind=Notice.Kind.EVENT, category=Notice.Category.EVENTS
    )
    listing = client.get("/api/v1/notices", {"kind": "news"})
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == str(notice.public_id) and item["areas"] == ["shiba"]
    assert set(item["content"]) == {"ja", "en"}
    assert item["url"].endswith(f"/notices/{notice.public_id}/")
    one = client.get(f"/api/v1/notices/{notice.public_id}")
    assert one.status_code == 200 and one.json()["content"]["en"]["title"]


def test_unknown_notices_and_bad_filters_are_problems(client: Client) -> None:
    missing = client.get("/api/v1/notices/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")
    bad = client.get("/api/v1/notices", {"area": "atlantis"})
    assert bad.status_code in (400, 422)
    assert bad["Content-Type"].startswith("application/problem+json")
