"""The search index each process keeps (index.py): built once per catalogue revision, and
the same answers as the stored texts would give."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minato.opendata import index, selectors, services
from minato.opendata.models import Dataset
from minato.opendata.search import Filter, Query
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_index() -> None:
    index.clear()


def _names(query: Query) -> list[str]:
    return [document["name"] for document in selectors.datasets_search(query).documents]


def test_a_search_reads_only_its_page_from_the_database_once_the_index_is_built(
    django_assert_num_queries: Any,
) -> None:
    for number in range(3):
        factories.dataset(name=f"parks-{number}", tags=["公園"])
    selectors.datasets_search(Query(terms=("公園",)))

    with django_assert_num_queries(1):  # the page's documents
        found = selectors.datasets_search(Query(terms=("こうえん",), facet_fields=("tags",)))

    assert found.count == 3
    assert found.facets == {"tags": {"公園": 3}}


def test_the_index_follows_every_change_the_services_make() -> None:
    dataset = factories.dataset(name="pools", tags=["プール"])
    assert _names(Query(terms=("プール",))) == ["pools"]

    services.dataset_update(dataset=dataset, tags=["水泳"])
    assert _names(Query(terms=("プール",))) == []
    services.dataset_set_state(dataset=dataset, state=Dataset.State.DRAFT)
    assert _names(Query(terms=("水泳",))) == []
    assert _names(Query(terms=("水泳",), include_drafts=True)) == ["pools"]
    services.dataset_set_state(dataset=dataset, state=Dataset.State.DELETED)
    assert _names(Query(terms=("水泳",), include_drafts=True)) == []


def test_a_change_made_around_the_services_shows_once_the_index_is_too_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    factories.dataset(name="pools", tags=["プール"])
    by_tag = Query(filters=(Filter("tags", "プール"),))
    assert _names(by_tag) == ["pools"]
    Dataset.objects.filter(name="pools").update(facet_match="|tags:水泳|")

    assert _names(by_tag) == ["pools"]  # held: nothing told the catalogue
    later = time.monotonic() + 61  # past OPENDATA_SEARCH_CACHE_SECONDS
    monkeypatch.setattr(index.time, "monotonic", lambda: later)
    assert _names(by_tag) == []


def test_titles_sort_by_code_point_on_both_databases() -> None:
    for name, title in [("bb", "あいう"), ("aa", "アイウ"), ("cc", "ABC"), ("dd", "abd")]:
        factories.dataset(name=name, title={"ja": title, "en": title})

    ascending = _names(Query(sort=(("title_string", False),)))

    # sort_title is NFKC and lower case: abc < abd < あいう < アイウ.
    assert ascending == ["cc", "dd", "bb", "aa"]


@given(
    texts=st.lists(st.text(alphabet="あいうアイab ", max_size=12), max_size=12),
    needle=st.text(alphabet="あいうアイab ", min_size=1, max_size=3),
)
def test_a_haystack_finds_exactly_the_texts_that_contain_a_needle(
    texts: list[str], needle: str
) -> None:
    expected = {number for number, text in enumerate(texts) if needle in text}

    assert index.Haystack(texts).containing(needle) == expected


def test_a_search_of_the_published_and_of_the_drafts_agree() -> None:
    for number, title in enumerate(["人口の推移", "人工芝の公園", "保育園一覧", "子ども人口"]):
        factories.dataset(name=f"data-{number}", title={"ja": title, "en": title})

    published = _names(Query(terms=("人口",), sort=(("name", False),)))
    with_drafts = _names(Query(terms=("人口",), sort=(("name", False),), include_drafts=True))

    # 人口 and 人工 share the reading ジンコウ: a kana search finds both, as before.
    assert published == with_drafts == ["data-0", "data-1", "data-3"]
