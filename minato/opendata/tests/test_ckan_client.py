"""A real CKAN client, ckanapi's RemoteCKAN, reads the catalogue over HTTP as it reads a CKAN
site: its results, and its errors turned back into ckanapi's exceptions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ckanapi
import pytest

from minato.opendata.ckan import datastore
from minato.opendata.models import Dataset, Resource
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

CSV = "番号,施設名\n1,芝公園\n2,麻布図書館\n3,赤坂区民センター\n"


@pytest.fixture
def published() -> dict[str, Any]:
    datastore.tables.clear()
    organization = factories.organization(
        name="kankyo", title={"ja": "環境課", "en": "Environment Division"}
    )
    parks = factories.dataset(
        organization=organization, name="parks", title={"ja": "公園一覧", "en": "Parks"}
    )
    facilities = factories.dataset(
        organization=organization,
        name="facilities",
        title={"ja": "施設一覧", "en": "Facilities"},
        tags=["施設"],
    )
    table = factories.csv_resource(facilities, text=CSV)
    return {"parks": parks, "facilities": facilities, "table": table}


@pytest.fixture
def site(live_server: Any) -> Iterator[ckanapi.RemoteCKAN]:
    with ckanapi.RemoteCKAN(live_server.url, user_agent="minato-tests") as remote:
        yield remote


def test_package_search_through_ckanapi(
    site: ckanapi.RemoteCKAN, published: dict[str, Any]
) -> None:
    result = site.action.package_search(fq="tags:施設", rows=10, **{"facet.field": ["tags"]})
    assert result["count"] == 1
    assert result["results"][0]["name"] == "facilities"
    assert result["facets"]["tags"] == {"施設": 1}


def test_package_show_and_organization_list_through_ckanapi(
    site: ckanapi.RemoteCKAN, published: dict[str, Any]
) -> None:
    package = site.action.package_show(id="parks")
    organizations = site.action.organization_list(all_fields=True)
    assert package == Dataset.objects.get(name="parks").document
    assert [(org["name"], org["package_count"]) for org in organizations] == [("kankyo", 2)]


def test_datastore_search_through_ckanapi(
    site: ckanapi.RemoteCKAN, published: dict[str, Any]
) -> None:
    table: Resource = published["table"]
    result = site.action.datastore_search(
        resource_id=str(table.public_id), filters={"施設名": "麻布図書館"}, limit=5
    )
    assert result["records"] == [{"_id": 2, "番号": "2", "施設名": "麻布図書館"}]
    assert result["total"] == 1


def test_a_client_that_only_gets_reads_the_same(
    live_server: Any, published: dict[str, Any]
) -> None:
    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as remote:
        names = remote.action.package_list()
        shown = remote.action.package_show(id="facilities")
    assert names == ["facilities", "parks"]
    assert shown["name"] == "facilities"


def test_an_unknown_dataset_raises_ckanapis_not_found(
    site: ckanapi.RemoteCKAN, published: dict[str, Any]
) -> None:
    with pytest.raises(ckanapi.NotFound):
        site.action.package_show(id="nothing")
    with pytest.raises(ckanapi.NotFound):
        site.action.datastore_search(resource_id="nothing")


def test_a_bad_query_raises_ckanapis_search_query_error(site: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.SearchQueryError):
        site.action.package_search(fq='tags:"unbalanced')


def test_too_many_rows_raise_ckanapis_validation_error(site: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.ValidationError) as raised:
        site.action.package_search(rows=1001)
    assert raised.value.error_dict["rows"] == ["Must be less than or equal to 1000"]


def test_a_write_raises_ckanapis_not_authorized(site: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.NotAuthorized):
        site.action.package_create(name="new-dataset")
