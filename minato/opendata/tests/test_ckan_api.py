"""CKAN's Action API at /api/3/action/ and /api/action/: the envelope and its errors, every
action, package_search's parameters and datastore_search over the catalogue's CSV files."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from minato.opendata import services
from minato.opendata.ckan import actions, datastore
from minato.opendata.models import Dataset, Resource
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db

PATHS = ("/api/3/action", "/api/action")
CSV = "番号,施設名,地区\n1,芝公園,芝\n2,麻布図書館,麻布\n3,赤坂区民センター,赤坂\n4,芝浦港南,芝浦\n"
FUZZ = examples(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _get(client: Client, action: str, path: str = PATHS[0], **params: Any) -> Any:
    return client.get(f"{path}/{action}", params)


def _post(client: Client, action: str, body: Any, path: str = PATHS[0]) -> Any:
    return client.post(f"{path}/{action}", json.dumps(body), content_type="application/json")


def _result(response: Any) -> Any:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["result"]


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    return body["error"]


@pytest.fixture(autouse=True)
def _fresh_table_cache() -> None:
    datastore.tables.clear()


@pytest.fixture
def catalogue() -> dict[str, Any]:
    """Two organisations, two groups, and four published datasets and a draft."""
    kankyo = factories.organization(
        name="kankyo", title={"ja": "環境課", "en": "Environment Division"}
    )
    bosai = factories.organization(
        name="bosai", title={"ja": "防災課", "en": "Disaster Prevention"}
    )
    safety = factories.group(name="safety", title={"ja": "安全・安心", "en": "Safety"})
    family = factories.group(name="family", title={"ja": "子育て", "en": "Families"})
    shelters = factories.dataset(
        organization=bosai,
        name="shelters",
        title={"ja": "避難所一覧", "en": "Shelters"},
        tags=["防災", "避難所"],
        groups=[safety],
    )
    parks = factories.dataset(
        organization=kankyo,
        name="parks",
        title={"ja": "公園一覧", "en": "Parks"},
        tags=["公園", "子育て 支援"],
        groups=[family],
    )
    nurseries = factories.dataset(
        organization=kankyo,
        name="nurseries",
        title={"ja": "保育園一覧", "en": "Nurseries"},
        tags=["子育て 支援"],
        groups=[family],
    )
    hazard = factories.dataset(
        organization=bosai,
        name="hazard-map",
        title={"ja": "ハザードマップ", "en": "Hazard map"},
        tags=["防災"],
        groups=[safety],
    )
    factories.file_resource(hazard, format=Resource.Format.JSON, content=b'{"areas": []}')
    draft = factories.dataset(organization=bosai, name="draft-plan", state=Dataset.State.DRAFT)
    return {
        "kankyo": kankyo,
        "bosai": bosai,
        "safety": safety,
        "family": family,
        "shelters": shelters,
        "parks": parks,
        "nurseries": nurseries,
        "hazard": hazard,
        "draft": draft,
    }


@pytest.fixture
def facilities() -> Resource:
    dataset = factories.dataset(name="facilities", title={"ja": "施設一覧", "en": "Facilities"})
    return factories.csv_resource(dataset, text=CSV)


def _names(results: list[dict[str, Any]]) -> list[str]:
    return [package["name"] for package in results]


# --- The envelope -----------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "version"), [("/api", 1), ("/api/3", 3), ("/api/3/", 3)])
def test_the_api_root_answers_its_version_as_ckan_does(
    client: Client, path: str, version: int
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"version": version}


@pytest.mark.parametrize("path", PATHS)
def test_both_action_paths_answer_in_ckans_envelope(client: Client, path: str) -> None:
    response = _get(client, "site_read", path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json;charset=utf-8"
    assert response.json() == {
        "help": f"{settings.SITE_URL}/api/3/action/help_show?name=site_read",
        "success": True,
        "result": True,
    }


@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_action_is_a_bad_request(client: Client, path: str) -> None:
    response = _get(client, "package_explode", path)
    assert response.status_code == 400
    assert response.json() == "Bad request - Action name not known: package_explode"


@pytest.mark.parametrize(
    "body",
    [
        b"{id: 1",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"id": "\xff\xfe"}',
        b'{"id": "\\ud800"}',
        b'{"id": "a\\u0000b"}',
    ],
)
def test_a_body_that_is_not_readable_json_is_a_bad_request(client: Client, body: bytes) -> None:
    response = client.post("/api/3/action/package_show", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json().startswith("Bad request - JSON Error: ")


def test_a_json_body_that_is_not_an_object_is_a_bad_request(client: Client) -> None:
    response = _post(client, "package_show", ["shelters"])
    assert response.status_code == 400
    assert response.json() == (
        "Bad request - JSON Error: Request data JSON decoded to ['shelters'] but it needs "
        "to be a dictionary."
    )


@pytest.mark.parametrize("path", PATHS)
def test_get_with_parameters_and_post_with_json_give_the_same_answer(
    client: Client, catalogue: dict[str, Any], path: str
) -> None:
    by_get = _result(_get(client, "package_show", path, id="shelters"))
    by_post = _result(_post(client, "package_show", {"id": "shelters"}, path))
    assert by_get == by_post
    assert by_get["name"] == "shelters"


def test_a_form_encoded_post_is_read_as_ckan_reads_it(
    client: Client, catalogue: dict[str, Any]
) -> None:
    as_fields = _result(client.post("/api/3/action/package_show", {"id": "parks"}))
    # Old clients send the JSON object as the name of the only form field.
    as_json_name = _result(
        client.post(
            "/api/3/action/package_show",
            '{"id": "parks"}=1',
            content_type="application/x-www-form-urlencoded",
        )
    )
    assert as_fields["name"] == as_json_name["name"] == "parks"


def test_the_api_needs_no_session_and_no_csrf_token(catalogue: dict[str, Any]) -> None:
    browserless = Client(enforce_csrf_checks=True)
    response = _post(browserless, "package_show", {"id": "shelters"})
    assert response.status_code == 200
    assert not response.cookies


def test_any_web_page_may_read_the_answers_and_errors(client: Client) -> None:
    assert _get(client, "site_read")["Access-Control-Allow-Origin"] == "*"
    assert _get(client, "package_show", id="nothing")["Access-Control-Allow-Origin"] == "*"
    assert _get(client, "nothing")["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_request_is_answered_for_any_origin(client: Client) -> None:
    response = client.options("/api/3/action/package_search", HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Content-Type" in response["Access-Control-Allow-Headers"]


def test_a_jsonp_callback_wraps_a_get_answer(client: Client) -> None:
    response = _get(client, "site_read", callback="jQuery123_456")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript;charset=utf-8"
    content = response.content.decode()
    assert content.startswith("jQuery123_456(") and content.endswith(");")
    assert json.loads(content[len("jQuery123_456(") : -2])["result"] is True


@pytest.mark.parametrize(
    "callback", ["alert(1)//", "</script><script>alert(1)</script>", "a b", "f;x=1"]
)
def test_a_callback_that_is_not_a_javascript_name_is_ignored(client: Client, callback: str) -> None:
    response = _get(client, "site_read", callback=callback)
    assert response["Content-Type"] == "application/json;charset=utf-8"
    assert response.json()["result"] is True


def test_jsonp_wraps_neither_errors_nor_posts(client: Client) -> None:
    error = _get(client, "package_show", id="nothing", callback="cb")
    posted = client.post(
        "/api/3/action/site_read?callback=cb", "{}", content_type="application/json"
    )
    assert error["Content-Type"] == posted["Content-Type"] == "application/json;charset=utf-8"
    assert error.status_code == 404 and posted.status_code == 200


def test_a_write_action_is_refused_as_for_a_client_without_an_api_key(client: Client) -> None:
    refused = _error(_post(client, "package_create", {"name": "new"}), 403)
    assert refused == {
        "__type": "Authorization Error",
        "message": "Access denied: this catalogue's API is read-only",
    }
    # Asked by GET, a write action is a bad request, as in CKAN.
    by_get = _get(client, "package_create", name="new")
    assert by_get.status_code == 400
    assert by_get.json() == (
        "Bad request - JSON Error: Invalid request. Please use POST method for your request"
    )


def test_an_unexpected_error_is_an_internal_server_error_in_the_envelope(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: dict[str, Any]) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(actions.ACTIONS, "site_read", broken)
    error = _error(_get(client, "site_read"), 500)
    assert error == {"__type": "Internal Server Error", "message": "Internal Server Error"}


def test_a_method_other_than_get_and_post_is_not_allowed(client: Client) -> None:
    response = client.delete("/api/3/action/package_show")
    assert response.status_code == 405
    assert "POST" in response["Allow"]


# --- package_search ---------------------------------------------------------------------------


def test_package_search_answers_ckans_result_with_the_stored_packages(
    client: Client, catalogue: dict[str, Any]
) -> None:
    result = _result(_get(client, "package_search"))
    assert list(result) == ["count", "facets", "results", "sort", "search_facets"]
    assert result["count"] == 4
    assert result["sort"] == "score desc, metadata_modified desc"
    assert result["facets"] == result["search_facets"] == {}
    shown = _result(_get(client, "package_show", id="shelters"))
    assert shown in result["results"]
    assert "draft-plan" not in _names(result["results"])


def test_package_search_orders_by_modification_newest_first_by_default(
    client: Client, catalogue: dict[str, Any]
) -> None:
    result = _result(_get(client, "package_search"))
    modified = [package["metadata_modified"] for package in result["results"]]
    assert modified == sorted(modified, reverse=True)


def test_free_text_finds_datasets_by_their_title(client: Client, catalogue: dict[str, Any]) -> None:
    result = _result(_get(client, "package_search", q="避難所"))
    assert _names(result["results"]) == ["shelters"]


def test_field_terms_in_q_and_fq_filter_the_datasets(
    client: Client, catalogue: dict[str, Any]
) -> None:
    by_q = _result(_get(client, "package_search", q="organization:bosai"))
    by_fq = _result(_post(client, "package_search", {"fq": 'tags:"子育て 支援"'}))
    both = _result(_get(client, "package_search", q="organization:kankyo", fq="tags:公園"))
    assert set(_names(by_q["results"])) == {"shelters", "hazard-map"}
    assert set(_names(by_fq["results"])) == {"parks", "nurseries"}
    assert _names(both["results"]) == ["parks"]


def test_a_negated_term_excludes_datasets(client: Client, catalogue: dict[str, Any]) -> None:
    result = _result(_get(client, "package_search", fq="-organization:bosai -groups:family"))
    assert result["count"] == 0
    result = _result(_get(client, "package_search", q="tags:防災 AND NOT res_format:JSON"))
    assert _names(result["results"]) == ["shelters"]


def test_filters_ignore_the_case_of_ascii_letters_only(
    client: Client, catalogue: dict[str, Any]
) -> None:
    services.dataset_update(dataset=catalogue["parks"], tags=["AED", "Ｐａｒｋ"])

    def names(fq: str) -> list[str]:
        return _names(_result(_get(client, "package_search", fq=fq))["results"])

    assert names("res_format:json") == names("res_format:JSON") == ["hazard-map"]
    assert names("tags:aed") == ["parks"]
    assert names("tags:park") == ["parks"]  # tags are NFKC: Ｐａｒｋ is stored as Park
    assert names("-tags:aed organization:kankyo") == ["nurseries"]
    assert names("organization:BOSAI") == names("organization:bosai")


def test_or_between_publishers_finds_either_as_ckanext_harvest_asks(
    client: Client, catalogue: dict[str, Any]
) -> None:
    since = "metadata_modified:[2000-01-01T00:00:00Z TO *]"
    either = _result(
        _get(client, "package_search", fq=f"organization:kankyo OR organization:bosai {since}")
    )
    narrowed = _result(
        _get(client, "package_search", fq="organization:kankyo OR tags:防災 -groups:family")
    )

    assert either["count"] == 4
    assert set(_names(narrowed["results"])) == {"shelters", "hazard-map"}


def test_fq_list_adds_filters(client: Client, catalogue: dict[str, Any]) -> None:
    result = _result(
        _post(client, "package_search", {"fq_list": ["groups:safety", "res_format:JSON"]})
    )
    assert _names(result["results"]) == ["hazard-map"]


def test_rows_of_1000_are_allowed_and_1001_is_a_validation_error(
    client: Client, catalogue: dict[str, Any]
) -> None:
    assert _result(_get(client, "package_search", rows="1000"))["count"] == 4
    error = _error(_get(client, "package_search", rows="1001"), 409)
    assert error == {
        "__type": "Validation Error",
        "rows": ["Must be less than or equal to 1000"],
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rows": "ten"}, {"rows": ["Invalid integer"]}),
        ({"start": "1.5"}, {"start": ["Invalid integer"]}),
        ({"rows": "-1"}, {"rows": ["Must be a natural number"]}),
        ({"start": "-10"}, {"start": ["Must be a natural number"]}),
        ({"facet.limit": "x"}, {"facet.limit": ["Invalid integer"]}),
        ({"facet.field": "tags"}, {"facet.field": ["Could not parse as valid JSON"]}),
    ],
)
def test_parameters_that_are_not_what_they_should_be_are_validation_errors(
    client: Client, params: dict[str, str], expected: dict[str, list[str]]
) -> None:
    error = _error(_get(client, "package_search", **params), 409)
    assert error == {**expected, "__type": "Validation Error"}


def test_start_and_rows_page_through_the_results(client: Client, catalogue: dict[str, Any]) -> None:
    pages = [
        _result(_get(client, "package_search", sort="name asc", rows="3", start=str(start)))
        for start in (0, 3)
    ]
    assert [page["count"] for page in pages] == [4, 4]
    assert _names(pages[0]["results"]) + _names(pages[1]["results"]) == [
        "hazard-map",
        "nurseries",
        "parks",
        "shelters",
    ]


def test_sort_orders_by_the_given_fields(client: Client, catalogue: dict[str, Any]) -> None:
    result = _result(_get(client, "package_search", sort="name desc"))
    assert result["sort"] == "name desc"
    assert _names(result["results"]) == ["shelters", "parks", "nurseries", "hazard-map"]


@pytest.mark.parametrize("sort", ["name", "views_recent desc", "name sideways"])
def test_a_sort_the_catalogue_cannot_do_is_a_search_query_error(client: Client, sort: str) -> None:
    error = _error(_get(client, "package_search", sort=sort), 400)
    assert error["__type"] == "Search Query Error"
    assert error["message"].startswith('Search Query is invalid: \'Invalid "sort" parameter')


def test_facets_count_values_and_search_facets_name_them(
    client: Client, catalogue: dict[str, Any]
) -> None:
    result = _result(
        _get(client, "package_search", **{"facet.field": '["organization","tags","license_id"]'})
    )
    assert result["facets"]["organization"] == {"bosai": 2, "kankyo": 2}
    assert result["facets"]["tags"] == {"防災": 2, "子育て 支援": 2, "避難所": 1, "公園": 1}
    organizations = result["search_facets"]["organization"]
    assert organizations["title"] == "organization"
    assert organizations["items"] == [
        {"name": "bosai", "display_name": "防災課", "count": 2},
        {"name": "kankyo", "display_name": "環境課", "count": 2},
    ]
    licence = result["search_facets"]["license_id"]["items"][0]
    assert licence["name"] == "cc-by-4.0"
    assert licence["display_name"] == "Creative Commons Attribution 4.0 (CC BY 4.0)"


def test_facet_limit_and_mincount_narrow_the_facets(
    client: Client, catalogue: dict[str, Any]
) -> None:
    limited = _result(
        _get(client, "package_search", **{"facet.field": '["tags"]', "facet.limit": "1"})
    )
    counted = _result(
        _get(client, "package_search", **{"facet.field": '["tags"]', "facet.mincount": "2"})
    )
    assert len(limited["facets"]["tags"]) == 1
    assert counted["facets"]["tags"] == {"防災": 2, "子育て 支援": 2}


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"unbalanced'},
        {"fq": "metadata_modified:[2024-01-01T00:00:00Z TO *"},
        {"fq": "colour:blue"},
        {"fq": "metadata_modified:[yesterday TO *]"},
        {"q": "parks OR organization:b"},
        {"facet.field": '["colour"]'},
        {"modified_since": "last week"},
    ],
)
def test_a_query_the_catalogue_cannot_run_is_a_search_query_error(
    client: Client, params: dict[str, str]
) -> None:
    error = _error(_get(client, "package_search", **params), 400)
    assert error["__type"] == "Search Query Error"
    assert error["message"].startswith("Search Query is invalid: ")


def test_an_unknown_parameter_is_a_search_query_error_as_in_ckan(client: Client) -> None:
    error = _error(_get(client, "package_search", colour="blue"), 400)
    assert error["message"] == "Search Query is invalid: \"Invalid search parameters: ['colour']\""


def test_modified_since_and_a_modification_range_find_recent_datasets(
    client: Client, catalogue: dict[str, Any]
) -> None:
    long_ago = timezone.now() - timedelta(days=30)
    Dataset.objects.exclude(name="parks").update(metadata_modified=long_ago)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    by_extension = _result(_get(client, "package_search", modified_since=since))
    by_range = _result(
        _get(client, "package_search", fq="metadata_modified:[NOW-1DAY TO NOW+1DAY]")
    )
    assert _names(by_extension["results"]) == _names(by_range["results"]) == ["parks"]


def test_the_ckan_harvesters_search_pages_by_id_since_its_last_run(
    client: Client, catalogue: dict[str, Any]
) -> None:
    # ckanext-harvest's CKAN harvester: rows, start, sort=id asc and an fq of its last run.
    last_run = (timezone.now() - timedelta(hours=1)).replace(tzinfo=None).isoformat()
    result = _result(
        _get(
            client,
            "package_search",
            fq=f"metadata_modified:[{last_run}Z TO *]",
            sort="id asc",
            rows="100",
            start="0",
        )
    )
    assert result["count"] == 4
    ids = [package["id"] for package in result["results"]]
    assert ids == sorted(ids, key=lambda value: uuid.UUID(value).bytes)


def test_fl_returns_only_the_fields_asked_for(client: Client, catalogue: dict[str, Any]) -> None:
    result = _result(_get(client, "package_search", fl="name,title", sort="name asc", rows="1"))
    assert result["results"] == [{"name": "hazard-map", "title": "ハザードマップ"}]


def test_a_search_page_takes_the_same_few_queries_however_many_results(
    client: Client, catalogue: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for number in range(20):
        factories.dataset(organization=catalogue["bosai"], name=f"extra-{number}")
    with django_assert_max_num_queries(4):
        result = _result(
            _get(client, "package_search", rows="100", **{"facet.field": '["organization"]'})
        )
    assert result["count"] == 24


@FUZZ
@given(
    q=st.text(max_size=40),
    fq=st.text(alphabet=st.sampled_from('ab:"[]{}() *-+!TO\\テスト'), max_size=30),
    rows=st.one_of(st.text(max_size=5), st.integers(-5, 2000).map(str)),
    sort=st.text(alphabet=st.sampled_from("namesc ,dti_"), max_size=20),
)
def test_no_parameters_make_package_search_fail(
    client: Client, catalogue: dict[str, Any], q: str, fq: str, rows: str, sort: str
) -> None:
    response = _post(client, "package_search", {"q": q, "fq": fq, "rows": rows, "sort": sort})
    assert response.status_code in (200, 400, 409)
    body = response.json()
    if isinstance(body, str):  # CKAN's answer to unreadable data (here: a NUL character)
        assert response.status_code == 400 and body.startswith("Bad request - ")
    else:
        assert body["success"] is (response.status_code == 200)


# --- Datasets, resources and the site ---------------------------------------------------------


def test_package_show_finds_a_dataset_by_name_and_by_id(
    client: Client, catalogue: dict[str, Any]
) -> None:
    by_name = _result(_get(client, "package_show", id="parks"))
    by_id = _result(_get(client, "package_show", id=str(catalogue["parks"].public_id)))
    assert by_name == by_id == Dataset.objects.get(name="parks").document
    assert by_name["organization"]["name"] == "kankyo"


@pytest.mark.parametrize("name", ["nothing", "draft-plan"])
def test_an_unknown_or_unpublished_dataset_is_not_found(
    client: Client, catalogue: dict[str, Any], name: str
) -> None:
    error = _error(_get(client, "package_show", id=name), 404)
    assert error == {"__type": "Not Found Error", "message": "Not found"}


def test_package_show_without_an_id_is_a_validation_error(client: Client) -> None:
    error = _error(_get(client, "package_show"), 409)
    assert error == {"__type": "Validation Error", "name_or_id": ["Missing value"]}


def test_package_list_names_the_published_datasets_page_by_page(
    client: Client, catalogue: dict[str, Any]
) -> None:
    everything = _result(_get(client, "package_list"))
    page = _result(_get(client, "package_list", limit="2", offset="1"))
    assert everything == ["hazard-map", "nurseries", "parks", "shelters"]
    assert page == ["nurseries", "parks"]


def test_package_list_since_a_time_names_what_changed_since(
    client: Client, catalogue: dict[str, Any]
) -> None:
    Dataset.objects.exclude(name="shelters").update(
        metadata_modified=timezone.now() - timedelta(days=10)
    )
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert _result(_get(client, "package_list", modified_since=since)) == ["shelters"]
    error = _error(_get(client, "package_list", modified_since="soon"), 409)
    assert "modified_since" in error


def test_current_package_list_with_resources_lists_the_newest_first(
    client: Client, catalogue: dict[str, Any]
) -> None:
    result = _result(_get(client, "current_package_list_with_resources", limit="2"))
    assert len(result) == 2
    assert result[0]["metadata_modified"] >= result[1]["metadata_modified"]
    assert result[0]["resources"]


def test_resource_show_answers_the_resource_of_a_published_dataset(
    client: Client, catalogue: dict[str, Any]
) -> None:
    resource = catalogue["hazard"].resources.get(format=Resource.Format.JSON)
    shown = _result(_get(client, "resource_show", id=str(resource.public_id)))
    assert shown["id"] == str(resource.public_id)
    assert shown["format"] == "JSON"
    assert shown["package_id"] == str(catalogue["hazard"].public_id)


def test_an_unknown_resource_is_not_found_and_a_missing_id_is_invalid(
    client: Client, catalogue: dict[str, Any]
) -> None:
    draft_resource = catalogue["draft"].resources.first()
    assert _error(_get(client, "resource_show", id="nothing"), 404)["__type"] == "Not Found Error"
    if draft_resource is not None:
        _error(_get(client, "resource_show", id=str(draft_resource.public_id)), 404)
    assert _error(_get(client, "resource_show"), 409)["id"] == ["Missing value"]


def test_status_show_says_which_ckan_the_site_answers_like(client: Client) -> None:
    status = _result(_get(client, "status_show"))
    assert status["ckan_version"] == actions.CKAN_VERSION
    assert status["site_url"] == settings.SITE_URL
    assert status["locale_default"] == "ja"
    assert "datastore" in status["extensions"]
    assert set(status) == {
        "site_title",
        "site_description",
        "site_url",
        "ckan_version",
        "error_emails_to",
        "locale_default",
        "extensions",
    }


def test_help_show_answers_an_actions_help_text(client: Client) -> None:
    help_text = _result(_get(client, "help_show", name="package_search"))
    assert help_text == actions.package_search.__doc__
    error = _error(_get(client, "help_show", name="nothing"), 404)
    assert error["message"] == "Not found: Action function not found"
    assert _error(_get(client, "help_show"), 409)["name"] == ["Missing value"]


# --- Organisations, groups and tags -----------------------------------------------------------


def test_organization_list_names_the_organizations_by_title(
    client: Client, catalogue: dict[str, Any]
) -> None:
    # CKAN sorts by title unless told otherwise: 環境課 after 防災課 in code point order.
    assert _result(_get(client, "organization_list")) == sorted(
        ["kankyo", "bosai"], key=lambda name: {"kankyo": "環境課", "bosai": "防災課"}[name]
    )
    assert _result(_get(client, "organization_list", sort="name asc")) == ["bosai", "kankyo"]


def test_organization_list_with_all_fields_counts_the_datasets(
    client: Client, catalogue: dict[str, Any]
) -> None:
    organizations = _result(
        _post(client, "organization_list", {"all_fields": True, "sort": "name desc"})
    )
    assert [organization["name"] for organization in organizations] == ["kankyo", "bosai"]
    kankyo = organizations[0]
    assert kankyo["package_count"] == 2
    assert kankyo["display_name"] == "環境課"
    assert kankyo["is_organization"] is True
    assert kankyo["id"] == str(catalogue["kankyo"].public_id)


def test_organization_list_filters_by_names_and_sorts_by_package_count(
    client: Client, catalogue: dict[str, Any]
) -> None:
    factories.organization(name="empty")
    by_count = _result(_get(client, "organization_list", sort="package_count"))
    chosen = _result(_get(client, "organization_list", organizations="bosai,empty"))
    assert by_count[-1] == "empty"
    assert sorted(chosen) == ["bosai", "empty"]


def test_a_list_sort_ckan_does_not_allow_is_a_validation_error(client: Client) -> None:
    error = _error(_get(client, "group_list", sort="colour"), 409)
    assert error == {"__type": "Validation Error", "message": "Cannot sort by field `colour`"}


def test_organization_show_includes_its_datasets_when_asked(
    client: Client, catalogue: dict[str, Any]
) -> None:
    shown = _result(_get(client, "organization_show", id="bosai", include_datasets="true"))
    plain = _result(_get(client, "organization_show", id=str(catalogue["bosai"].public_id)))
    assert shown["package_count"] == plain["package_count"] == 2
    assert {package["name"] for package in shown["packages"]} == {"shelters", "hazard-map"}
    assert "packages" not in plain
    assert shown["users"] == []


def test_group_list_and_group_show_answer_the_themes(
    client: Client, catalogue: dict[str, Any]
) -> None:
    groups = _result(_get(client, "group_list", all_fields="true", sort="name asc"))
    shown = _result(_get(client, "group_show", id="family", include_datasets="True"))
    assert [(group["name"], group["package_count"]) for group in groups] == [
        ("family", 2),
        ("safety", 2),
    ]
    assert shown["is_organization"] is False
    assert {package["name"] for package in shown["packages"]} == {"parks", "nurseries"}


@pytest.mark.parametrize(
    ("action", "identifier"),
    [("organization_show", "nothing"), ("group_show", "bosai"), ("organization_show", "family")],
)
def test_an_unknown_organization_or_group_is_not_found(
    client: Client, catalogue: dict[str, Any], action: str, identifier: str
) -> None:
    assert _error(_get(client, action, id=identifier), 404)["__type"] == "Not Found Error"


def test_tag_list_names_the_tags_of_published_datasets(
    client: Client, catalogue: dict[str, Any]
) -> None:
    names = _result(_get(client, "tag_list"))
    found = _result(_get(client, "tag_list", query="子育て"))
    full = _result(_get(client, "tag_list", query="防災", all_fields="true"))
    assert names == sorted(["防災", "避難所", "公園", "子育て 支援"])
    assert found == ["子育て 支援"]
    assert full[0]["name"] == full[0]["display_name"] == "防災"
    assert full[0]["id"]


# --- datastore_search -------------------------------------------------------------------------


def test_datastore_search_answers_the_rows_of_a_csv(client: Client, facilities: Resource) -> None:
    result = _result(_get(client, "datastore_search", resource_id=str(facilities.public_id)))
    assert result["fields"] == [
        {"id": "_id", "type": "int"},
        {"id": "番号", "type": "text"},
        {"id": "施設名", "type": "text"},
        {"id": "地区", "type": "text"},
    ]
    assert result["records"][0] == {"_id": 1, "番号": "1", "施設名": "芝公園", "地区": "芝"}
    assert result["total"] == 4
    assert result["total_was_estimated"] is False
    assert result["limit"] == 100
    assert result["resource_id"] == str(facilities.public_id)
    assert "offset" not in result


def test_datastore_search_pages_with_links_to_the_next_page(
    client: Client, facilities: Resource
) -> None:
    resource_id = str(facilities.public_id)
    first = _result(_get(client, "datastore_search", resource_id=resource_id, limit="3"))
    link = urlparse(first["_links"]["next"])
    second = _result(client.get(first["_links"]["next"]))
    assert link.path == "/api/3/action/datastore_search"
    assert parse_qs(link.query) == {"resource_id": [resource_id], "limit": ["3"], "offset": ["3"]}
    assert (
        first["_links"]["start"]
        == f"/api/3/action/datastore_search?resource_id={resource_id}&limit=3"
    )
    assert [record["_id"] for record in first["records"]] == [1, 2, 3]
    assert [record["_id"] for record in second["records"]] == [4]
    assert second["offset"] == 3 and second["total"] == 4


def test_datastore_search_filters_by_values_and_searches_text(
    client: Client, facilities: Resource
) -> None:
    resource_id = str(facilities.public_id)
    filtered = _result(
        _get(
            client, "datastore_search", resource_id=resource_id, filters='{"地区": ["芝", "麻布"]}'
        )
    )
    searched = _result(_post(client, "datastore_search", {"resource_id": resource_id, "q": "公園"}))
    by_column = _result(
        _get(client, "datastore_search", resource_id=resource_id, q='{"施設名": "センター"}')
    )
    assert [record["施設名"] for record in filtered["records"]] == ["芝公園", "麻布図書館"]
    assert filtered["total"] == 2
    assert [record["_id"] for record in searched["records"]] == [1]
    assert [record["_id"] for record in by_column["records"]] == [3]


def test_datastore_search_sorts_and_selects_fields(client: Client, facilities: Resource) -> None:
    result = _result(
        _post(
            client,
            "datastore_search",
            {"resource_id": str(facilities.public_id), "sort": "地区 desc", "fields": ["施設名"]},
        )
    )
    assert result["fields"] == [{"id": "施設名", "type": "text"}]
    # Code point order, as PostgreSQL's C collation: 麻 > 赤 > 芝浦 > 芝.
    assert result["records"] == [
        {"施設名": "麻布図書館"},
        {"施設名": "赤坂区民センター"},
        {"施設名": "芝浦港南"},
        {"施設名": "芝公園"},
    ]


def test_datastore_search_answers_lists_and_csv_when_asked(
    client: Client, facilities: Resource
) -> None:
    resource_id = str(facilities.public_id)
    lists = _result(
        _get(client, "datastore_search", resource_id=resource_id, records_format="lists", limit="1")
    )
    text = _result(
        _get(client, "datastore_search", resource_id=resource_id, records_format="csv", limit="2")
    )
    assert lists["records"] == [[1, "1", "芝公園", "芝"]]
    assert text["records"] == "1,1,芝公園,芝\n2,2,麻布図書館,麻布\n"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filters": '{"colour": "blue"}'}, {"filters": ['invalid value "colour"']}),
        ({"sort": "colour desc"}, {"sort": ['invalid value "colour desc"']}),
        ({"fields": "施設名,colour"}, {"fields": ['invalid value "colour"']}),
        ({"filters": "{not json"}, {"filters": ["Cannot parse JSON"]}),
        ({"limit": "many"}, {"limit": ["Invalid integer"]}),
        ({"colour": "blue"}, {"__junk": ["The input field ['colour'] was not expected."]}),
    ],
)
def test_datastore_search_refuses_fields_the_table_does_not_have(
    client: Client, facilities: Resource, params: dict[str, str], expected: dict[str, Any]
) -> None:
    error = _error(
        _get(client, "datastore_search", resource_id=str(facilities.public_id), **params), 409
    )
    assert error == {**expected, "__type": "Validation Error"}


def test_datastore_search_lowers_a_limit_above_ckans_maximum(
    client: Client, facilities: Resource
) -> None:
    result = _result(
        _get(client, "datastore_search", resource_id=str(facilities.public_id), limit="50000")
    )
    assert result["limit"] == datastore.ROWS_MAX


def test_the_shift_jis_twin_of_a_csv_answers_the_same_rows(
    client: Client, facilities: Resource
) -> None:
    twin = facilities.variants.get()
    original = _result(_get(client, "datastore_search", resource_id=str(facilities.public_id)))
    variant = _result(_get(client, "datastore_search", resource_id=str(twin.public_id)))
    assert variant["records"] == original["records"]


def test_a_resource_that_is_not_a_table_is_not_found_in_the_datastore(
    client: Client, catalogue: dict[str, Any]
) -> None:
    document = catalogue["hazard"].resources.get(format=Resource.Format.JSON)
    for resource_id in (str(document.public_id), "nothing"):
        error = _error(_get(client, "datastore_search", resource_id=resource_id), 404)
        assert error == {
            "__type": "Not Found Error",
            "message": f'Not found: Resource "{resource_id}" was not found.',
        }


def test_further_pages_of_a_file_do_not_read_it_again(
    client: Client, facilities: Resource, django_assert_num_queries: Any
) -> None:
    resource_id = str(facilities.public_id)
    with django_assert_num_queries(2):  # the resource's version, then its file
        _get(client, "datastore_search", resource_id=resource_id, limit="2")
    with django_assert_num_queries(1):
        _get(client, "datastore_search", resource_id=resource_id, limit="2", offset="2")


def test_a_new_version_of_a_file_is_searched_afresh(client: Client, facilities: Resource) -> None:
    resource_id = str(facilities.public_id)
    _result(_get(client, "datastore_search", resource_id=resource_id))
    services.resource_upload_version(
        resource=facilities, content="番号,施設名,地区\n9,新しい施設,高輪\n".encode()
    )
    result = _result(_get(client, "datastore_search", resource_id=resource_id))
    assert result["records"] == [{"_id": 1, "番号": "9", "施設名": "新しい施設", "地区": "高輪"}]


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "filters", "sort", "fields", "limit", "offset", "distinct", "id"]),
        st.one_of(
            # Without NUL: the site refuses it in any address before a view sees it.
            st.text(max_size=20).filter(lambda text: "\x00" not in text),
            st.sampled_from(['{"地区": "芝"}', '{"_id": [1, 2]}', '{"施設名": 1}', "[1]", "null"]),
        ),
    )
)
def test_no_parameters_make_datastore_search_fail(
    client: Client, facilities: Resource, params: dict[str, str]
) -> None:
    response = _get(client, "datastore_search", resource_id=str(facilities.public_id), **params)
    assert response.status_code in (200, 404, 409)
    assert response.json()["success"] is (response.status_code == 200)
