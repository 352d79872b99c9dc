"""The public notice pages, their feeds and the console: what people see and can do."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from minato.accounts.models import Department, User
from minato.information.models import Notice
from minato.information.tests.factories import published_notice

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_list_shows_current_notices_in_the_readers_language_with_cache_headers(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    published_notice(charlie, departments["kumin"])
    japanese_only = published_notice(
        charlie,
        departments["kumin"],
        content={"ja": {"title": "粗大ごみの受付", "body": "26日までです。"}},
    )
    page = client.get("/notices/")
    assert page.status_code == 200
    assert "年末年始の窓口" in page.text and "粗大ごみの受付" in page.text
    assert "public" in page["Cache-Control"] and "max-age=60" in page["Cache-Control"]
    english = client.get("/en/notices/")
    assert "Counters over the New Year" in english.text
    # Not translated: the Japanese title, marked as Japanese for screen readers.
    assert 'lang="ja">粗大ごみの受付' in english.text and "In Japanese only." in english.text
    detail = client.get(f"/en/notices/{japanese_only.public_id}/")
    assert detail.status_code == 200 and "This notice is in Japanese only." in detail.text


def test_filters_narrow_the_list_and_a_bad_filter_is_explained(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    published_notice(charlie, departments["kumin"], areas=["azabu"])
    shiba = published_notice(
        charlie,
        departments["kumin"],
        areas=["shiba"],
        content={"ja": {"title": "芝の催し", "body": "本文"}},
    )
    page = client.get("/notices/", {"area": "shiba"})
    assert "芝の催し" in page.text and "年末年始の窓口" not in page.text
    assert str(shiba.public_id) in page.text
    bad = client.get("/notices/", {"kind": "rumour"})
    assert bad.status_code == 400 and 'class="error-summary' in bad.text


def test_chinese_and_korean_texts_are_offered_on_the_notice_page(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    notice = published_notice(
        charlie,
        departments["kumin"],
        content={
            "ja": {"title": "窓口のお知らせ", "body": "本文"},
            "zh": {"title": "窗口通知", "body": "正文"},
        },
    )
    page = client.get(f"/notices/{notice.public_id}/")
    assert 'href="?lang=zh"' in page.text and "한국어" not in page.text
    chinese = client.get(f"/notices/{notice.public_id}/", {"lang": "zh"})
    assert 'lang="zh"' in chinese.text and "窗口通知" in chinese.text


def test_drafts_withdrawn_and_unknown_notices_are_not_found(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    notice = published_notice(charlie, departments["kumin"])
    Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.WITHDRAWN)
    assert client.get(f"/notices/{notice.public_id}/").status_code == 404
    assert client.get("/notices/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_atom_and_rss_feeds_list_the_notices_in_the_feeds_language(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    notice = published_notice(charlie, departments["kumin"])
    atom = client.get("/en/notices/feed.atom")
    assert atom.status_code == 200 and atom["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(atom.content)  # noqa: S314 (our own feed, from the test client)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Counters over the New Year"
    assert entry.findtext(f"{ATOM}id") == f"urn:uuid:{notice.public_id}"
    link = entry.find(f"{ATOM}link")
    assert link is not None and link.get("href", "").endswith(f"/en/notices/{notice.public_id}/")
    rss = ET.fromstring(client.get("/ja-easy/notices/feed.rss").content)  # noqa: S314
    assert rss.findtext("channel/language") == "ja-x-easy"
    assert rss.findtext("channel/item/title") == "年末年始の窓口"  # no Easy Japanese text


def test_a_clerk_writes_publishes_and_withdraws_a_notice_in_the_console(
    staff_client: Callable[[User], Client], departments: dict[str, Department], charlie: User
) -> None:
    console = staff_client(charlie)
    assert console.get(reverse("staff:information:notices")).status_code == 200
    form: dict[str, Any] = {
        "department": departments["kumin"].pk,
        "kind": "news",
        "category": "ward",
        "starts_at": "2026-01-01T09:00",
        "title_ja": "図書館の休館日",
        "body_ja": "1月5日は休館します。",
        "title_en": "",
        "body_en": "",
    }
    missing = console.post(reverse("staff:information:notice_new"), {**form, "body_ja": ""})
    assert missing.status_code == 400 and not Notice.objects.exists()
    half = console.post(reverse("staff:information:notice_new"), {**form, "title_en": "Closed"})
    assert half.status_code == 400 and "題名と本文の両方" in half.text
    saved = console.post(reverse("staff:information:notice_new"), form)
    notice = Notice.objects.get()
    assert saved.status_code == 302 and notice.status == Notice.Status.DRAFT
    console.post(reverse("staff:information:notice_publish", args=[notice.public_id]))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    console.post(reverse("staff:information:notice_withdraw", args=[notice.public_id]))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.WITHDRAWN


def test_staff_of_another_department_cannot_open_a_notice(
    staff_client: Callable[[User], Client],
    departments: dict[str, Department],
    charlie: User,
    erin: User,
) -> None:
    notice = published_notice(charlie, departments["kumin"])
    other = staff_client(erin)
    url = reverse("staff:information:notice", args=[notice.public_id])
    assert other.get(url).status_code == 404
    withdraw = reverse("staff:information:notice_withdraw", args=[notice.public_id])
    assert other.post(withdraw).status_code == 404
    assert Notice.objects.get().status == Notice.Status.PUBLISHED
