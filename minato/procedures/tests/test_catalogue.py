from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from minato.accounts.models import Department
from minato.core.models import AuditEvent
from minato.procedures.catalogue import selectors as catalogue_selectors
from minato.procedures.models import Procedure
from minato.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


def _slugs(query: str) -> list[str]:
    return [p.slug for p in catalogue_selectors.procedures_search(query=query)]


@pytest.mark.parametrize(
    "query",
    [
        "粗大ごみ",
        "そだいごみ",
        "ｿﾀﾞｲｺﾞﾐ",
        "ソダイゴミ",
        "粗大ゴミ",
        "oversized",
        "OVERSIZED WASTE",
        "家具",
        "かぐ",
    ],
)
def test_search_finds_oversized_waste_whatever_the_script_or_width(
    catalogue: dict[str, Procedure], query: str
) -> None:
    assert _slugs(query) == ["sodai-gomi"]


def test_every_word_of_the_query_must_match(catalogue: dict[str, Procedure]) -> None:
    assert _slugs("住民票 郵送") == ["juminhyo"]
    assert _slugs("住民票 ごみ") == []
    assert _slugs("ＤＸ 存在しない言葉") == []


def test_browse_by_category_and_life_event(catalogue: dict[str, Procedure]) -> None:
    assert [p.slug for p in catalogue_selectors.procedures_search(category="gomi")] == [
        "sodai-gomi"
    ]
    assert [p.slug for p in catalogue_selectors.procedures_search(life_event="hikkoshi")] == [
        "sodai-gomi"
    ]


def test_search_results_come_before_browsing_and_the_form_jumps_to_them(
    client: Client, catalogue: dict[str, Procedure]
) -> None:
    page = client.get("/procedures/?q=そだいごみ").content.decode()
    assert page.index('id="results-title"') < page.index('id="browse-categories"')
    assert 'action="/procedures/#results-title"' in page
    # Before any search, browsing comes first.
    landing = client.get("/procedures/").content.decode()
    assert landing.index('id="browse-categories"') < landing.index('id="results-title"')


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/procedures/?q=パスポート", "「パスポート」に一致する手続きはありません。"),
        ("/en/procedures/?q=passport", "No procedure matches “passport”."),
    ],
)
def test_a_search_with_no_hits_says_where_to_ask(
    client: Client, catalogue: dict[str, Procedure], path: str, expected: str
) -> None:
    page = client.get(path).content.decode()
    assert expected in page
    assert 'href="tel:03-3578-2111"' in page and 'href="#browse-categories"' in page


def test_the_english_search_hint_does_not_ask_for_kanji_or_kana(
    client: Client, catalogue: dict[str, Procedure]
) -> None:
    page = client.get("/en/procedures/").content.decode()
    hint = re.search(r'<[^>]+id="id_q_hint"[^>]*>(.*?)</', page, re.S)
    assert hint is not None
    assert not re.search(r"[぀-ヿ一-鿿]|kanji|kana", hint.group(1))


def test_online_share_excludes_procedures_the_law_keeps_offline(
    catalogue: dict[str, Procedure],
) -> None:
    share = catalogue_selectors.online_share()
    assert (share.online, share.eligible, share.kept_offline_by_law) == (2, 3, 1)
    assert share.percent == 66.7


def test_a_counter_only_procedure_must_give_its_legal_reason(
    departments: dict[str, Department],
) -> None:
    with pytest.raises(ValidationError):
        make_procedure("x", departments["kumin"], availability="counter_by_law")
    assert not Procedure.objects.filter(slug="x").exists()


def test_fees_must_match_their_type(departments: dict[str, Department]) -> None:
    with pytest.raises(ValidationError):
        make_procedure("y", departments["kumin"], fee_type="fixed", fee_amount_yen=None)
    with pytest.raises(ValidationError):
        make_procedure("z", departments["kumin"], name={"en": "No Japanese"})


def test_catalogue_changes_are_audited_with_old_and_new_values(
    catalogue: dict[str, Procedure], departments: dict[str, Department]
) -> None:
    make_procedure("sodai-gomi", departments["kankyo"], fee_amount_yen=500)
    event = AuditEvent.objects.filter(action="procedures.procedure_updated").latest("sequence")
    assert event.changes["fee_amount_yen"] == [400, 500]


@pytest.mark.parametrize("prefix", ["", "/en", "/ja-easy"])
def test_catalogue_pages_in_every_language(
    client: Client, catalogue: dict[str, Procedure], prefix: str
) -> None:
    page = client.get(f"{prefix}/procedures/?q=そだいごみ")
    assert page.status_code == 200
    assert "sodai-gomi" in page.content.decode()
    detail = client.get(f"{prefix}/procedures/inkan-toroku/")
    assert "港区印鑑条例" in detail.content.decode() or "Seal Ordinance" in detail.content.decode()


def test_unpublished_procedures_are_hidden(
    client: Client, catalogue: dict[str, Procedure], departments: dict[str, Department]
) -> None:
    make_procedure(
        "inu-toroku",
        departments["kumin"],
        is_published=False,
        name={"ja": "犬の登録", "en": "Dog registration"},
        fee_type="fixed",
        fee_amount_yen=3000,
        availability="not_yet_online",
    )
    assert client.get("/procedures/inu-toroku/").status_code == 404
    assert client.get("/api/v1/procedures/inu-toroku").status_code == 404


def test_the_api_lists_and_searches_the_catalogue(
    client: Client, catalogue: dict[str, Procedure]
) -> None:
    everything = client.get("/api/v1/procedures").json()
    assert everything["count"] == 4
    found = client.get("/api/v1/procedures", {"q": "ｿﾀﾞｲｺﾞﾐ"}).json()
    assert [item["slug"] for item in found["items"]] == ["sodai-gomi"]
    item = found["items"][0]
    assert item["department"] == "kankyo.kankyo"
    assert item["categories"] == ["gomi"] and item["fee_amount_yen"] == 400
    assert client.get("/api/v1/procedures/sodai-gomi").json()["name"]["en"].startswith("Oversized")
    assert client.get("/api/v1/procedures", {"category": "BAD VALUE"}).status_code == 422
