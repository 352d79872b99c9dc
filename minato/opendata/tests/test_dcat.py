"""DCAT-AP at /catalog.* and /opendata/dataset/<name>.*, and the schema.org JSON-LD of a
dataset's page. Every RDF answer is parsed back with rdflib and checked triple by triple,
the way a harvester would read it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from django.utils.http import http_date
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from minato.opendata import dcat, services
from minato.opendata.dcat import CNT, DCAT, DCT, FOAF, HYDRA, SKOS, SPDX, VCARD
from minato.opendata.models import Dataset, Resource
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db

PARSERS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
CONTENT_TYPES = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# A plain Namespace: rdflib's XSD warns when pytest looks for attributes on the module.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Built catalogues are cached; each test starts from none.
    cache.clear()


def parsed(response, fmt: str = "ttl") -> Graph:
    assert response.status_code == 200, response.content
    return Graph().parse(data=response.content, format=PARSERS[fmt])


def ref(dataset: Dataset) -> URIRef:
    return URIRef(dcat.dataset_uri(dataset.name))


def distribution(graph: Graph, dataset: Dataset, encoding: str) -> URIRef:
    """The dataset's CSV distribution in one encoding."""
    for node in graph.objects(ref(dataset), DCAT.distribution):
        if graph.value(node, CNT.characterEncoding) == Literal(encoding):
            assert isinstance(node, URIRef)
            return node
    raise AssertionError(f"no {encoding} distribution")


# --- The catalogue ---------------------------------------------------------------------


def test_the_catalogue_lists_published_datasets_and_no_drafts_or_withdrawn_ones(
    client: Client,
) -> None:
    published = factories.dataset()
    draft = factories.dataset(state=Dataset.State.DRAFT)
    withdrawn = factories.dataset(state=Dataset.State.DELETED)

    graph = parsed(client.get("/catalog.ttl"))

    catalogue = URIRef(dcat.catalogue_uri())
    assert set(graph.objects(catalogue, DCAT.dataset)) == {ref(published)}
    assert (ref(draft), None, None) not in graph
    assert (ref(withdrawn), None, None) not in graph


@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
def test_the_catalogue_is_served_in_each_format_with_its_media_type(
    client: Client, fmt: str
) -> None:
    published = factories.dataset()

    response = client.get(f"/catalog.{fmt}")

    assert response["Content-Type"].startswith(CONTENT_TYPES[fmt])
    graph = parsed(response, fmt)
    assert (ref(published), RDF.type, DCAT.Dataset) in graph
    assert (URIRef(dcat.catalogue_uri()), RDF.type, DCAT.Catalog) in graph


def test_the_json_ld_is_compacted_with_the_prefixes(client: Client) -> None:
    factories.dataset()

    body = json.loads(client.get("/catalog.jsonld").content)

    assert body["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    types = {node.get("@type") for node in body["@graph"] if isinstance(node.get("@type"), str)}
    assert {"dcat:Catalog", "dcat:Dataset", "dcat:Distribution"} <= types


def test_the_catalogue_describes_itself_and_the_ward_that_publishes_it(client: Client) -> None:
    factories.dataset()

    graph = parsed(client.get("/catalog.ttl"))

    catalogue = URIRef(dcat.catalogue_uri())
    assert (catalogue, DCT.title, Literal("港区オープンデータカタログ", lang="ja")) in graph
    assert (catalogue, DCT.title, Literal("Minato City Open Data Catalogue", lang="en")) in graph
    assert graph.value(catalogue, DCT.description) is not None
    assert graph.value(catalogue, FOAF.homepage) == URIRef(dcat.catalogue_page_url())
    assert graph.value(catalogue, FOAF.homepage).endswith("/opendata/")
    assert graph.value(catalogue, DCT.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(catalogue, DCT.spatial) == dcat.MINATO_AREA
    assert graph.value(catalogue, DCT.modified).datatype == XSD.dateTime
    assert set(graph.objects(catalogue, DCT.language)) == {dcat.JAPANESE, dcat.ENGLISH}
    ward = graph.value(catalogue, DCT.publisher)
    assert (ward, RDF.type, FOAF.Agent) in graph
    assert (ward, FOAF.name, Literal("港区", lang="ja")) in graph
    assert (ward, FOAF.name, Literal("Minato City", lang="en")) in graph


def test_a_dataset_has_its_title_and_description_in_both_languages(client: Client) -> None:
    published = factories.dataset(
        title={"ja": "避難所一覧", "en": "Evacuation shelters"},
        notes={"ja": "区内の避難所", "en": "Shelters in the ward"},
    )

    graph = parsed(client.get("/catalog.ttl"))

    assert set(graph.objects(ref(published), DCT.title)) == {
        Literal("避難所一覧", lang="ja"),
        Literal("Evacuation shelters", lang="en"),
    }
    assert set(graph.objects(ref(published), DCT.description)) == {
        Literal("区内の避難所", lang="ja"),
        Literal("Shelters in the ward", lang="en"),
    }
    assert graph.value(ref(published), DCT.identifier) == Literal(str(published.public_id))


def test_a_dataset_has_keywords_themes_publisher_and_dates(client: Client) -> None:
    theme = factories.group(name="bousai", title={"ja": "防災", "en": "Disaster prevention"})
    organization = factories.organization(title={"ja": "防災課", "en": "Disaster Prevention"})
    published = factories.dataset(
        organization=organization, tags=["避難所", "防災"], groups=[theme]
    )

    graph = parsed(client.get("/catalog.ttl"))

    dataset = ref(published)
    assert set(graph.objects(dataset, DCAT.keyword)) == {Literal("避難所"), Literal("防災")}
    concept = graph.value(dataset, DCAT.theme)
    assert concept == URIRef(dcat.theme_uri("bousai"))
    assert (concept, SKOS.prefLabel, Literal("Disaster prevention", lang="en")) in graph
    assert (concept, SKOS.inScheme, URIRef(dcat.themes_uri())) in graph
    publisher = graph.value(dataset, DCT.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert (publisher, FOAF.name, Literal("防災課", lang="ja")) in graph
    assert graph.value(dataset, DCT.issued).datatype == XSD.dateTime
    assert graph.value(dataset, DCT.modified).toPython() == published.metadata_modified
    assert graph.value(dataset, DCAT.landingPage) == URIRef(published.document["url"])


def test_a_dataset_has_a_contact_point_with_email_and_telephone(client: Client) -> None:
    published = factories.dataset(
        contact_name="情報政策課 統計係",
        contact_email="toukei@city.minato.example",
        contact_phone="03-3578-2111",
    )

    graph = parsed(client.get("/catalog.ttl"))

    contact = graph.value(ref(published), DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert graph.value(contact, VCARD.fn) == Literal("情報政策課 統計係", lang="ja")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:toukei@city.minato.example")
    assert graph.value(contact, VCARD.hasTelephone) == URIRef("tel:+81-3-3578-2111")


def test_the_frequency_is_the_eu_frequency_uri(client: Client) -> None:
    published = factories.dataset(frequency=Dataset.Frequency.MONTHLY)

    graph = parsed(client.get("/catalog.ttl"))

    assert graph.value(ref(published), DCT.accrualPeriodicity) == URIRef(FREQUENCY + "MONTHLY")


def test_the_period_and_place_covered_are_described(client: Client) -> None:
    published = factories.dataset(
        temporal_start=date(2024, 4, 1), temporal_end=date(2025, 3, 31), spatial="東京都港区"
    )

    graph = parsed(client.get("/catalog.ttl"))

    period = graph.value(ref(published), DCT.temporal)
    assert (period, RDF.type, DCT.PeriodOfTime) in graph
    assert graph.value(period, DCAT.startDate) == Literal(date(2024, 4, 1), datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal(date(2025, 3, 31), datatype=XSD.date)
    assert graph.value(ref(published), DCT.spatial) == dcat.MINATO_AREA


def test_another_place_is_named_as_a_location(client: Client) -> None:
    published = factories.dataset(spatial="芝浦港南地区")

    graph = parsed(client.get("/catalog.ttl"))

    place = graph.value(ref(published), DCT.spatial)
    assert (place, RDF.type, DCT.Location) in graph
    assert graph.value(place, SKOS.prefLabel) == Literal("芝浦港南地区", lang="ja")


def test_each_csv_encoding_is_a_distribution_with_media_type_and_licence(
    client: Client,
) -> None:
    published = factories.dataset()

    graph = parsed(client.get("/catalog.ttl"))

    resources = {item["encoding"]: item for item in published.document["resources"]}
    for encoding in ("UTF-8", "Shift_JIS"):
        node = distribution(graph, published, encoding)
        resource = resources[encoding]
        assert node == URIRef(f"{ref(published)}/resource/{resource['id']}")
        assert (node, RDF.type, DCAT.Distribution) in graph
        assert graph.value(node, DCAT.mediaType) == URIRef(
            "http://www.iana.org/assignments/media-types/text/csv"
        )
        assert graph.value(node, DCT["format"]) == URIRef(
            "http://publications.europa.eu/resource/authority/file-type/CSV"
        )
        assert graph.value(node, CNT.characterEncoding) == Literal(encoding)
        assert graph.value(node, DCAT.downloadURL) == URIRef(resource["url"])
        assert graph.value(node, DCAT.accessURL) == URIRef(resource["url"])
        assert graph.value(node, DCT.license) == URIRef(
            "https://creativecommons.org/licenses/by/4.0/"
        )


def test_the_size_and_checksum_stated_are_those_of_the_file_served(client: Client) -> None:
    published = factories.dataset()

    graph = parsed(client.get("/catalog.ttl"))

    stated = {}
    for encoding in ("UTF-8", "Shift_JIS"):
        node = distribution(graph, published, encoding)
        served = client.get(str(graph.value(node, DCAT.downloadURL)))
        content = b"".join(served.streaming_content) if served.streaming else served.content
        size = graph.value(node, DCAT.byteSize)
        checksum = graph.value(node, SPDX.checksum)
        stated[encoding] = (size, checksum)
        # Both files are stored as they are served (a BOM; cp932), so both state their own.
        assert size == Literal(len(content), datatype=XSD.nonNegativeInteger)
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert graph.value(checksum, SPDX.checksumValue) == Literal(
            hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary
        )
    assert stated["UTF-8"] != stated["Shift_JIS"]


def test_a_file_served_as_stored_states_its_size_and_checksum(client: Client) -> None:
    published = factories.dataset()
    factories.file_resource(published, format=Resource.Format.JSON, content=b'{"a": 1}')

    graph = parsed(client.get("/catalog.ttl"))

    media = URIRef("http://www.iana.org/assignments/media-types/application/json")
    (node,) = graph.subjects(DCAT.mediaType, media)
    assert graph.value(node, DCAT.byteSize) == Literal(8, datatype=XSD.nonNegativeInteger)
    checksum = graph.value(node, SPDX.checksum)
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert graph.value(checksum, SPDX.checksumValue) == Literal(
        hashlib.sha256(b'{"a": 1}').hexdigest(), datatype=XSD.hexBinary
    )
    assert graph.value(node, CNT.characterEncoding) is None


def test_a_linked_endpoint_is_an_access_url_not_a_download(client: Client) -> None:
    published = factories.dataset()
    services.resource_link_add(
        dataset=published,
        name={"ja": "API"},
        fmt=Resource.Format.JSON,
        url="https://api.example.jp/shelters",
    )

    graph = parsed(client.get("/catalog.ttl"))

    (node,) = graph.subjects(DCAT.accessURL, URIRef("https://api.example.jp/shelters"))
    assert graph.value(node, DCAT.downloadURL) is None
    assert str(node).startswith(str(ref(published)) + "/resource/")


def test_uris_do_not_change_with_the_clients_language(client: Client) -> None:
    published = factories.dataset()

    graph = parsed(client.get("/catalog.ttl", HTTP_ACCEPT_LANGUAGE="en"))

    assert (URIRef(dcat.catalogue_uri()), DCAT.dataset, ref(published)) in graph
    assert "/en/" not in dcat.catalogue_uri()


def test_modified_since_lists_only_datasets_changed_since_then(client: Client) -> None:
    old = factories.dataset()
    Dataset.objects.filter(pk=old.pk).update(metadata_modified=timezone.now() - timedelta(days=10))
    recent = factories.dataset()
    since = (timezone.now() - timedelta(days=1)).astimezone(UTC).replace(tzinfo=None)

    graph = parsed(client.get("/catalog.ttl", {"modified_since": since.isoformat()}))

    assert set(graph.objects(URIRef(dcat.catalogue_uri()), DCAT.dataset)) == {ref(recent)}


def test_modified_since_accepts_an_offset_whose_plus_arrived_as_a_space() -> None:
    parsed_moment = dcat.parse_modified_since("2025-04-01T09:00:00 09:00")

    assert parsed_moment == datetime(2025, 4, 1, 0, 0, tzinfo=UTC)


def test_modified_since_without_an_offset_is_utc_as_ckan_writes_it() -> None:
    assert dcat.parse_modified_since("2025-04-01") == datetime(2025, 4, 1, tzinfo=UTC)
    assert dcat.parse_modified_since("2025-04-01T09:00:00") == datetime(2025, 4, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2025-13-01", "2025-02-30T00:00:00", "9999-12-31T23:00:00-10:00", "x" * 500],
)
def test_a_bad_modified_since_is_a_400_in_plain_text(client: Client, value: str) -> None:
    response = client.get("/catalog.ttl", {"modified_since": value})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"modified_since" in response.content


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "9999999"])
def test_a_bad_page_number_is_a_400_in_plain_text(client: Client, value: str) -> None:
    response = client.get("/catalog.ttl", {"page": value})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_a_page_past_the_last_is_a_404_in_plain_text(client: Client) -> None:
    factories.dataset()

    response = client.get("/catalog.ttl", {"page": "2"})

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_the_catalogue_is_paged_with_hydra_links(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dcat, "PAGE_SIZE", 2)
    names = sorted(factories.dataset().name for _ in range(3))

    first = parsed(client.get("/catalog.rdf"), "rdf")
    second = parsed(client.get("/catalog.rdf", {"page": "2"}), "rdf")

    catalogue = URIRef(dcat.catalogue_uri())
    assert len(set(first.objects(catalogue, DCAT.dataset))) == 2
    assert set(second.objects(catalogue, DCAT.dataset)) == {URIRef(dcat.dataset_uri(names[2]))}
    (paging,) = first.subjects(RDF.type, HYDRA.PagedCollection)
    assert first.value(paging, HYDRA.totalItems).toPython() == 3
    assert first.value(paging, HYDRA.itemsPerPage).toPython() == 2
    assert str(first.value(paging, HYDRA.nextPage)).endswith("/catalog.rdf?page=2")
    assert str(first.value(paging, HYDRA.lastPage)).endswith("/catalog.rdf?page=2")
    assert first.value(paging, HYDRA.previousPage) is None
    (paging,) = second.subjects(RDF.type, HYDRA.PagedCollection)
    assert second.value(paging, HYDRA.nextPage) is None
    assert str(second.value(paging, HYDRA.previousPage)).endswith("/catalog.rdf?page=1")


def test_building_the_catalogue_takes_the_same_few_queries_for_any_number_of_datasets(
    client: Client, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        factories.dataset(groups=[factories.group()])

    # The themes, the freshness aggregate and the page of documents (the session and user
    # lookups of the middleware come on top).
    with django_assert_max_num_queries(5):
        response = client.get("/catalog.ttl")

    assert response.status_code == 200


def test_a_second_request_is_served_from_the_cache(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.dataset()
    builds = []
    build = dcat.catalogue_body
    monkeypatch.setattr(
        dcat, "catalogue_body", lambda *args, **kwargs: builds.append(1) or build(*args, **kwargs)
    )
    first = client.get("/catalog.ttl").content

    second = client.get("/catalog.ttl").content

    assert second == first
    assert len(builds) == 1


# --- Caching headers and conditional requests -------------------------------------------


def test_the_answer_is_public_cacheable_and_open_to_other_origins(client: Client) -> None:
    published = factories.dataset()

    response = client.get("/catalog.ttl")

    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('"')
    published.refresh_from_db()
    assert response["Last-Modified"] == http_date(int(published.updated_at.timestamp()))


def test_a_request_with_the_current_etag_gets_304(client: Client) -> None:
    factories.dataset()
    etag = client.get("/catalog.jsonld")["ETag"]

    response = client.get("/catalog.jsonld", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_request_if_modified_since_the_last_change_gets_304(client: Client) -> None:
    factories.dataset()
    last_modified = client.get("/catalog.ttl")["Last-Modified"]

    response = client.get("/catalog.ttl", HTTP_IF_MODIFIED_SINCE=last_modified)

    assert response.status_code == 304


def test_a_change_to_a_dataset_changes_the_etag(client: Client) -> None:
    published = factories.dataset()
    etag = client.get("/catalog.ttl")["ETag"]

    services.dataset_update(dataset=published, title={"ja": "新しい題名"})
    response = client.get("/catalog.ttl", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert b"\xe6\x96\xb0\xe3\x81\x97\xe3\x81\x84" in response.content  # 新しい


def test_each_format_has_its_own_etag(client: Client) -> None:
    factories.dataset()

    etags = {client.get(f"/catalog.{fmt}")["ETag"] for fmt in PARSERS}

    assert len(etags) == 3


def test_only_get_and_head_are_answered(client: Client) -> None:
    assert client.post("/catalog.ttl").status_code == 405
    assert client.head("/catalog.ttl").status_code == 200


# --- One dataset -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
def test_one_dataset_is_served_in_each_format(client: Client, fmt: str) -> None:
    published = factories.dataset(frequency=Dataset.Frequency.ANNUAL)
    other = factories.dataset()

    response = client.get(f"/opendata/dataset/{published.name}.{fmt}")

    assert response["Content-Type"].startswith(CONTENT_TYPES[fmt])
    graph = parsed(response, fmt)
    assert (ref(published), RDF.type, DCAT.Dataset) in graph
    assert (ref(other), None, None) not in graph
    assert graph.value(ref(published), DCT.accrualPeriodicity) == URIRef(FREQUENCY + "ANNUAL")
    assert len(set(graph.objects(ref(published), DCAT.distribution))) == 2
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_unknown_dataset_is_a_404_in_plain_text(client: Client) -> None:
    response = client.get("/opendata/dataset/no-such-dataset.ttl")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_a_draft_dataset_is_not_served(client: Client) -> None:
    draft = factories.dataset(state=Dataset.State.DRAFT)

    response = client.get(f"/opendata/dataset/{draft.name}.rdf")

    assert response.status_code == 404


def test_a_dataset_answers_304_to_its_current_etag(client: Client) -> None:
    published = factories.dataset()
    path = f"/opendata/dataset/{published.name}.ttl"
    etag = client.get(path)["ETag"]

    response = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_the_dataset_page_itself_is_still_the_html_page(client: Client) -> None:
    published = factories.dataset()

    response = client.get(f"/opendata/dataset/{published.name}/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# --- schema.org ------------------------------------------------------------------------

SCHEMA_ORG_KEYS = {
    "@context",
    "@type",
    "@id",
    "name",
    "description",
    "url",
    "identifier",
    "keywords",
    "license",
    "creator",
    "publisher",
    "includedInDataCatalog",
    "dateModified",
    "datePublished",
    "temporalCoverage",
    "spatialCoverage",
    "distribution",
    "isAccessibleForFree",
    "inLanguage",
}


def test_the_schema_org_dataset_has_the_keys_dataset_search_reads() -> None:
    published = factories.dataset(
        tags=["避難所"], temporal_start=date(2024, 4, 1), frequency=Dataset.Frequency.DAILY
    )

    with translation.override("ja"):
        data = dcat.schema_org_dataset(published.document)

    assert set(data) == SCHEMA_ORG_KEYS
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Dataset"
    assert data["name"] == published.title["ja"]
    assert data["url"] == published.document["url"]
    assert data["identifier"] == str(published.public_id)
    assert data["keywords"] == ["避難所"]
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["creator"]["@type"] == "Organization"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "港区",
        "url": data["publisher"]["url"],
    }
    assert data["temporalCoverage"] == "2024-04-01/.."
    assert data["spatialCoverage"] == {"@type": "Place", "name": "東京都港区"}
    assert data["isAccessibleForFree"] is True
    assert data["inLanguage"] == "ja"
    assert datetime.fromisoformat(data["dateModified"]) == published.metadata_modified
    assert {item["@type"] for item in data["distribution"]} == {"DataDownload"}
    assert {item["encodingFormat"] for item in data["distribution"]} == {"text/csv"}
    assert {item["contentUrl"] for item in data["distribution"]} == {
        item["url"] for item in published.document["resources"]
    }
    json.dumps(data)


def test_the_schema_org_name_follows_the_pages_language() -> None:
    published = factories.dataset(title={"ja": "避難所一覧", "en": "Evacuation shelters"})

    with translation.override("en"):
        data = dcat.schema_org_dataset(published.document)

    assert data["name"] == "Evacuation shelters"
    assert data["publisher"]["name"] == "Minato City"


def test_the_schema_org_script_cannot_close_the_script_element() -> None:
    published = factories.dataset(
        title={"ja": "</script><script>alert(1)</script> & <!-- 一覧", "en": "x"}
    )

    text = dcat.schema_org_script(published.document)

    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text)["name"].startswith("</script>")
