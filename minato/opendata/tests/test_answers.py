"""package_search answers kept between requests (answers.py): the same bytes as computed ones,
reused until the catalogue changes, never across a change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from minato.opendata import answers, services
from minato.opendata.models import Dataset
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db

SEARCH = "/api/3/action/package_search"


@pytest.fixture(autouse=True)
def _no_kept_answers() -> None:
    answers.clear()


def _count(client: Client, **params: Any) -> int:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return int(response.json()["result"]["count"])


def test_a_kept_answer_is_the_answer_computed_byte_for_byte(client: Client, settings: Any) -> None:
    factories.dataset(name="parks", title={"ja": "公園一覧", "en": "Parks"}, tags=["公園"])
    params = {"q": "公園", "facet.field": '["tags","res_format"]', "rows": "5"}
    computed_first = client.get(SEARCH, params).content
    kept = client.get(SEARCH, params).content
    settings.OPENDATA_SEARCH_CACHE_BYTES = 0
    computed_again = client.get(SEARCH, params).content

    assert kept == computed_first == computed_again
    assert list(json.loads(kept)) == ["help", "success", "result"]
    assert json.loads(kept)["result"]["count"] == 1


def test_a_repeated_search_asks_the_database_nothing(
    client: Client, django_assert_num_queries: Any
) -> None:
    factories.dataset(name="parks", tags=["公園"])
    params = {"q": "公園", "facet.field": '["tags"]'}
    client.get(SEARCH, params)

    with django_assert_num_queries(0):
        assert client.get(SEARCH, params).status_code == 200


def test_publishing_unpublishing_and_editing_show_at_once(client: Client) -> None:
    draft = factories.dataset(name="pools", tags=["プール"], state=Dataset.State.DRAFT)
    factories.csv_resource(draft)
    assert _count(client, q="プール") == 0

    services.dataset_set_state(dataset=draft, state=Dataset.State.ACTIVE)
    assert _count(client, q="プール") == 1

    services.dataset_update(dataset=draft, tags=["水泳"])
    assert _count(client, q="プール") == 0
    assert _count(client, q="水泳") == 1

    services.dataset_set_state(dataset=draft, state=Dataset.State.DELETED)
    assert _count(client, q="水泳") == 0


def test_a_change_gives_the_catalogue_a_new_revision_again_after_it_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    dataset = factories.dataset(name="parks")
    before = answers.revision()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dataset_set_state(dataset=dataset, state=Dataset.State.DRAFT)
    during = answers.revision()
    for callback in callbacks:
        callback()

    assert len({before, during, answers.revision()}) == 3


def test_searches_relative_to_now_are_computed_each_time(
    client: Client, django_assert_num_queries: Any
) -> None:
    factories.dataset(name="parks")
    params = {"fq": "metadata_modified:[NOW-7DAYS TO NOW]"}
    assert _count(client, **params) == 1

    with django_assert_num_queries(1):  # the page, shorter than a page: the count too
        assert _count(client, **params) == 1


def test_errors_are_not_kept() -> None:
    calls: list[int] = []

    def failing() -> bytes:
        calls.append(1)
        raise ValueError("rows over the maximum")

    for _ in range(2):
        with pytest.raises(ValueError, match="rows"):
            answers.remembered("package_search", {"rows": "5000"}, failing)

    assert calls == [1, 1]


def test_the_oldest_answers_go_first_when_the_room_is_full(settings: Any) -> None:
    settings.OPENDATA_SEARCH_CACHE_BYTES = 8 * 100
    computed: list[str] = []

    def answer(name: str) -> bytes:
        return answers.remembered(
            "package_search", {"q": name}, lambda: computed.append(name) or b"x" * 100
        )

    for name in ("a", "b", "c", "d", "e", "f", "g", "h", "i"):
        answer(name)
    answer("i")  # kept
    answer("a")  # pushed out by the ninth

    assert computed == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "a"]


def test_an_answer_larger_than_an_eighth_of_the_room_is_not_kept(settings: Any) -> None:
    settings.OPENDATA_SEARCH_CACHE_BYTES = 800
    computed: list[int] = []

    def large() -> bytes:
        computed.append(1)
        return "避".encode() * 40  # 120 bytes, over 100

    answers.remembered("package_search", {}, large)
    answers.remembered("package_search", {}, large)

    assert computed == [1, 1]


def test_a_kept_answer_is_wrapped_for_a_jsonp_callback(client: Client) -> None:
    factories.dataset(name="parks", tags=["公園"])
    client.get(SEARCH, {"q": "公園"})

    wrapped = client.get(SEARCH, {"q": "公園", "callback": "show"})

    assert wrapped["Content-Type"].startswith("application/javascript")
    body = wrapped.content.decode()
    assert body.startswith("show(") and body.endswith(");")
    assert json.loads(body[5:-2])["result"]["count"] == 1
