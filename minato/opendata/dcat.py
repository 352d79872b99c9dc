"""The catalogue described for machines: DCAT-AP 3.0 as Turtle, RDF/XML and JSON-LD (at the
addresses and in the shape of CKAN's ckanext-dcat, which DCAT harvesters already read), and
schema.org Dataset JSON-LD for a dataset's page (for search engines' dataset search).

Everything is built from each dataset's stored CKAN document (``documents.refresh``), so the
whole catalogue costs one query for the documents, one for the theme labels and one for the
freshness of the page asked for, however many datasets there are.

Where DCAT-AP names a controlled vocabulary, its URIs are used: the EU frequency, file-type,
language, access-right and planned-availability tables, IANA media types, and ADMS publisher
types. The ward is identified by e-Stat's Statistical LOD URI of its standard area code
(統計に用いる標準地域コード), the Japanese government's own linked-data name for it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.safestring import SafeString, mark_safe
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from minato.opendata import selectors
from minato.opendata.models import LICENSE_URLS, Dataset, License
from minato.opendata.standard.definitions import definition
from minato.opendata.standard.lg_code import MINATO_NAME

CNT = Namespace("http://www.w3.org/2011/content#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

PREFIXES: dict[str, Namespace] = {
    "cnt": CNT,
    "dcat": DCAT,
    "dcatap": DCATAP,
    "dct": DCT,
    "foaf": FOAF,
    "hydra": HYDRA,
    "locn": LOCN,
    "skos": SKOS,
    "spdx": SPDX,
    "vcard": VCARD,
}
# JSON-LD is compacted with the same prefixes, so its keys read like the Turtle.
JSONLD_CONTEXT: dict[str, str] = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
    "rdf": str(RDF),
    "xsd": str(XSD),
}

EU = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
PUBLIC_ACCESS = URIRef(EU + "access-right/PUBLIC")
STABLE = URIRef(EU + "planned-availability/STABLE")
JAPANESE = URIRef(EU + "language/JPN")
ENGLISH = URIRef(EU + "language/ENG")
# e-Stat's Statistical LOD names areas "C" + the 5-digit standard area code (13103: 港区).
MINATO_AREA = URIRef("http://data.e-stat.go.jp/lod/sac/C13103")
# The EU file-type table's codes for the formats the catalogue accepts.
FILE_TYPES = {"CSV", "JSON", "GEOJSON", "XLSX", "PDF"}
# The licence of the catalogue's own metadata: the ward's default for what it publishes.
CATALOGUE_LICENSE = LICENSE_URLS[License.CC_BY_4]
CATALOGUE_TITLE = {"ja": "港区オープンデータカタログ", "en": "Minato City Open Data Catalogue"}
CATALOGUE_DESCRIPTION = {
    "ja": "東京都港区が公開するオープンデータの一覧です。",
    "en": "The open data published by Minato City, Tokyo.",
}
THEMES_TITLE = {"ja": "港区オープンデータの分類", "en": "Themes of Minato City open data"}
# RDF keeps the languages DCAT-AP harvesters expect; やさしい日本語 has no BCP 47 tag.
RDF_LANGUAGES = ("ja", "en")

FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "rdf": ("xml", "application/rdf+xml; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
}
# As ckanext-dcat does, a harvester pages through the catalogue (hydra:PagedCollection).
PAGE_SIZE = 1000
# Raised when what is written changes, so that cached catalogues and ETags are not reused.
OUTPUT_VERSION = "1"
# The key already changes with every change of what the catalogue shows; the timeout only
# bounds how long an unused page stays in the cache.
CACHE_SECONDS = 24 * 60 * 60

_SAFE_URI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_HASH = re.compile(r"^[0-9a-fA-F]{64}$")
_FREQUENCY = re.compile(r"^[A-Z_]{1,20}$")
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9-]{5,19}$")
_EMAIL = re.compile(r"^[^\s<>\"@]+@[^\s<>\"@]+$")


# --- URIs ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _catalogue_path() -> str:
    # In the default language whatever the request's: a URI must not change with the
    # client's Accept-Language. Cached: themes and publishers ask for it per dataset.
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("opendata:catalogue")


def catalogue_page_url() -> str:
    """The catalogue's home page, which is also its foaf:homepage."""
    return settings.SITE_URL + _catalogue_path()


def catalogue_uri() -> str:
    return catalogue_page_url() + "#catalog"


def publisher_uri() -> str:
    return catalogue_page_url() + "#publisher"


def themes_uri() -> str:
    return catalogue_page_url() + "#themes"


def dataset_uri(name: str) -> str:
    """``<SITE_URL>/opendata/dataset/<name>``: the dataset's page without its slash, which
    redirects to the page (and stays one string whichever page layout it lands on)."""
    return f"{settings.SITE_URL}/opendata/dataset/{quote(name)}"


def distribution_uri(dataset_name: str, resource_id: str) -> str:
    """As ckanext-dcat names a distribution: the resource's page under its dataset. Not its
    download URL, which would make a linked endpoint's address the distribution itself."""
    return f"{dataset_uri(dataset_name)}/resource/{quote(resource_id)}"


def theme_uri(group_name: str) -> str:
    # The catalogue filtered by the group: a URI that opens the theme's datasets.
    return catalogue_page_url() + "?" + urlencode({"groups": group_name})


def organization_uri(organization_name: str) -> str:
    return catalogue_page_url() + "?" + urlencode({"organization": organization_name})


def catalogue_url(fmt: str, *, modified_since: datetime | None = None, page: int = 1) -> str:
    """The address of one page of the catalogue in one format (hydra's page links)."""
    query: dict[str, str] = {}
    if modified_since is not None:
        query["modified_since"] = modified_since.isoformat()
    query["page"] = str(page)
    path = reverse("dcat:catalogue", kwargs={"fmt": fmt})
    return f"{settings.SITE_URL}{path}?{urlencode(query)}"


# --- Values ------------------------------------------------------------------------------


def _uri(value: Any) -> URIRef | None:
    """A URIRef for an http(s) URL, or None: a stray space or quote in a staff-typed URL must
    not make the RDF/XML serialiser fail for the whole catalogue."""
    if isinstance(value, str) and _SAFE_URI.match(value):
        return URIRef(value)
    return None


def _moment(value: Any) -> datetime | None:
    """A CKAN timestamp (UTC without an offset) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _texts(value: Any, fallback: Any = None) -> dict[str, str]:
    texts = value if isinstance(value, Mapping) else {}
    found = {lang: str(texts[lang]) for lang in RDF_LANGUAGES if texts.get(lang)}
    if not found and fallback:
        found = {"ja": str(fallback)}
    return found


def _telephone(number: Any) -> URIRef | None:
    """A tel: URI in the international form (03-3578-2111 → tel:+81-3-3578-2111)."""
    if not isinstance(number, str) or not _PHONE.match(number.strip()):
        return None
    number = number.strip()
    if number.startswith("+"):
        return URIRef("tel:" + number)
    if number.startswith("0"):
        return URIRef("tel:+81-" + number[1:])
    return None


def _email(address: Any) -> URIRef | None:
    if not isinstance(address, str) or not _EMAIL.match(address.strip()):
        return None
    return URIRef("mailto:" + address.strip())


# --- Graphs ------------------------------------------------------------------------------


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("rdf", RDF)
    graph.bind("xsd", XSD)
    return graph


class _Writer:
    """Adds one document's triples to a graph; the helpers skip empty values, so that a
    missing field leaves its property out instead of writing an empty literal."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def add(self, subject: Node, predicate: URIRef, value: Node | None) -> None:
        if value is not None:
            self.graph.add((subject, predicate, value))

    def texts(self, subject: Node, predicate: URIRef, texts: Mapping[str, str]) -> None:
        for lang, text in texts.items():
            self.graph.add((subject, predicate, Literal(text, lang=lang)))

    def moment(self, subject: Node, predicate: URIRef, value: Any) -> None:
        moment = _moment(value)
        if moment is not None:
            self.graph.add((subject, predicate, Literal(moment, datatype=XSD.dateTime)))

    def typed(self, subject: Node, predicate: URIRef, value: URIRef | None, kind: URIRef) -> None:
        if value is not None:
            self.graph.add((subject, predicate, value))
            self.graph.add((value, RDF.type, kind))


def _add_ward(writer: _Writer) -> URIRef:
    ward = URIRef(publisher_uri())
    writer.add(ward, RDF.type, FOAF.Agent)
    writer.add(ward, RDF.type, FOAF.Organization)
    names = settings.MUNICIPALITY_NAME
    writer.texts(ward, FOAF.name, {lang: names[lang] for lang in RDF_LANGUAGES if lang in names})
    writer.add(ward, DCT.type, LOCAL_AUTHORITY)
    writer.add(ward, FOAF.homepage, URIRef(settings.SITE_URL + "/"))
    return ward


def _add_area(writer: _Writer, subject: Node, spatial_text: Any) -> None:
    text = str(spatial_text or "").strip()
    if not text:
        return
    if text in (MINATO_NAME, "港区"):
        writer.typed(subject, DCT.spatial, MINATO_AREA, DCT.Location)
        writer.texts(MINATO_AREA, SKOS.prefLabel, {"ja": MINATO_NAME, "en": "Minato, Tokyo"})
        return
    # Any other place is named only: a gazetteer URI for it is not known here.
    place = BNode()
    writer.add(subject, DCT.spatial, place)
    writer.add(place, RDF.type, DCT.Location)
    writer.add(place, LOCN.geographicName, Literal(text, lang="ja"))
    writer.add(place, SKOS.prefLabel, Literal(text, lang="ja"))


def _add_theme(writer: _Writer, name: str, labels: Mapping[str, str]) -> URIRef:
    theme = URIRef(theme_uri(name))
    writer.add(theme, RDF.type, SKOS.Concept)
    writer.texts(theme, SKOS.prefLabel, labels)
    writer.add(theme, SKOS.inScheme, URIRef(themes_uri()))
    return theme


def _add_publisher(writer: _Writer, document: Mapping[str, Any]) -> URIRef | None:
    organization = document.get("organization") or {}
    if not organization.get("name"):
        return None
    agent = URIRef(organization_uri(organization["name"]))
    writer.add(agent, RDF.type, FOAF.Agent)
    writer.add(agent, RDF.type, FOAF.Organization)
    writer.texts(
        agent,
        FOAF.name,
        _texts(organization.get("title_translated"), organization.get("title")),
    )
    writer.add(agent, DCT.type, LOCAL_AUTHORITY)
    # The organisation's address is its department's desk, never a person's.
    writer.add(agent, FOAF.mbox, _email(document.get("author_email")))
    return agent


def _add_contact(writer: _Writer, dataset: URIRef, document: Mapping[str, Any]) -> None:
    organization = document.get("organization") or {}
    name = document.get("maintainer") or organization.get("title") or document.get("author")
    email = _email(document.get("maintainer_email") or document.get("author_email"))
    phone = _telephone(document.get("contact_phone"))
    if not (name or email or phone):
        return
    contact = BNode()
    writer.add(dataset, DCAT.contactPoint, contact)
    writer.add(contact, RDF.type, VCARD.Organization)
    if name:
        writer.add(contact, VCARD.fn, Literal(str(name), lang="ja"))
    writer.add(contact, VCARD.hasEmail, email)
    writer.add(contact, VCARD.hasTelephone, phone)


def _add_temporal(writer: _Writer, dataset: URIRef, document: Mapping[str, Any]) -> None:
    start, end = _day(document.get("temporal_start")), _day(document.get("temporal_end"))
    if start is None and end is None:
        return
    period = BNode()
    writer.add(dataset, DCT.temporal, period)
    writer.add(period, RDF.type, DCT.PeriodOfTime)
    if start is not None:
        writer.add(period, DCAT.startDate, Literal(start, datatype=XSD.date))
    if end is not None:
        writer.add(period, DCAT.endDate, Literal(end, datatype=XSD.date))


def _add_standard(writer: _Writer, dataset: URIRef, key: Any) -> None:
    found = definition(key) if isinstance(key, str) and key else None
    if found is None:
        return
    # One workbook page defines every standard dataset, so the standard is a blank node
    # titled after its sheet and pointing at that page.
    standard = BNode()
    writer.add(dataset, DCT.conformsTo, standard)
    writer.add(standard, RDF.type, DCT.Standard)
    writer.texts(
        standard,
        DCT.title,
        {
            "ja": f"自治体標準オープンデータセット {found.title_ja}",
            "en": f"Municipal standard open dataset: {found.title_en}",
        },
    )
    writer.add(standard, FOAF.page, _uri(found.source_url))


def _add_distribution(
    writer: _Writer,
    dataset: URIRef,
    dataset_name: str,
    resource: Mapping[str, Any],
    license_uri: URIRef | None,
    fallback_modified: Any,
) -> None:
    if not resource.get("id"):
        return
    distribution = URIRef(distribution_uri(dataset_name, str(resource["id"])))
    writer.add(dataset, DCAT.distribution, distribution)
    writer.add(distribution, RDF.type, DCAT.Distribution)
    writer.add(distribution, DCT.identifier, Literal(str(resource["id"])))
    writer.texts(
        distribution, DCT.title, _texts(resource.get("name_translated"), resource.get("name"))
    )
    writer.texts(
        distribution,
        DCT.description,
        _texts(resource.get("description_translated"), resource.get("description")),
    )
    url = _uri(resource.get("url"))
    writer.add(distribution, DCAT.accessURL, url)
    served_here = resource.get("url_type") == "upload"
    if served_here:
        # A linked endpoint may be an API or a page; only the files served here are known
        # to be downloads, and their addresses outlive new versions.
        writer.add(distribution, DCAT.downloadURL, url)
        writer.typed(distribution, DCATAP.availability, STABLE, SKOS.Concept)
    mimetype = resource.get("mimetype")
    if isinstance(mimetype, str) and _MEDIA_TYPE.match(mimetype):
        writer.typed(
            distribution, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + mimetype), DCT.MediaType
        )
    file_type = str(resource.get("format") or "").upper()
    if file_type in FILE_TYPES:
        writer.typed(
            distribution,
            DCT["format"],  # DCT.format would be str.format
            URIRef(EU + "file-type/" + file_type),
            DCT.MediaTypeOrExtent,
        )
    size = resource.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        writer.add(distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger))
    digest = resource.get("hash")
    if isinstance(digest, str) and _HASH.match(digest):
        checksum = BNode()
        writer.add(distribution, SPDX.checksum, checksum)
        writer.add(checksum, RDF.type, SPDX.Checksum)
        writer.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        writer.add(checksum, SPDX.checksumValue, Literal(digest.lower(), datatype=XSD.hexBinary))
    writer.typed(distribution, DCT.license, license_uri, DCT.LicenseDocument)
    writer.moment(distribution, DCT.issued, resource.get("created"))
    writer.moment(distribution, DCT.modified, resource.get("last_modified") or fallback_modified)
    encoding = resource.get("encoding")
    if isinstance(encoding, str) and encoding:
        # The Shift_JIS copy and the UTF-8 original are otherwise identical: this is how a
        # harvester tells them apart (DCAT-AP has no property of its own for it).
        writer.add(distribution, CNT.characterEncoding, Literal(encoding))


def add_dataset(
    graph: Graph, document: Mapping[str, Any], themes: Mapping[str, Mapping[str, str]]
) -> URIRef | None:
    """Add one dataset (a CKAN package dict) as a dcat:Dataset; None for a document without
    a name or id, which ``documents.refresh`` never writes but an old row might hold."""
    name, identifier = document.get("name"), document.get("id")
    if not name or not identifier:
        return None
    writer = _Writer(graph)
    dataset = URIRef(dataset_uri(str(name)))
    writer.add(dataset, RDF.type, DCAT.Dataset)
    writer.add(dataset, DCT.identifier, Literal(str(identifier)))
    writer.texts(
        dataset, DCT.title, _texts(document.get("title_translated"), document.get("title"))
    )
    writer.texts(
        dataset,
        DCT.description,
        _texts(document.get("notes_translated"), document.get("notes")),
    )
    for tag in document.get("tags") or []:
        if isinstance(tag, Mapping) and tag.get("name"):
            writer.add(dataset, DCAT.keyword, Literal(str(tag["name"])))
    for group in document.get("groups") or []:
        if isinstance(group, Mapping) and group.get("name"):
            labels = themes.get(group["name"]) or _texts(None, group.get("title"))
            writer.add(dataset, DCAT.theme, _add_theme(writer, group["name"], labels))
    writer.add(dataset, DCT.publisher, _add_publisher(writer, document))
    _add_contact(writer, dataset, document)
    writer.moment(dataset, DCT.issued, document.get("metadata_created"))
    writer.moment(dataset, DCT.modified, document.get("metadata_modified"))
    frequency = document.get("frequency")
    if isinstance(frequency, str) and _FREQUENCY.match(frequency):
        writer.typed(
            dataset, DCT.accrualPeriodicity, URIRef(EU + "frequency/" + frequency), DCT.Frequency
        )
    _add_area(writer, dataset, document.get("spatial_text"))
    _add_temporal(writer, dataset, document)
    writer.typed(dataset, DCAT.landingPage, _uri(document.get("url")), FOAF.Document)
    writer.typed(dataset, DCT.accessRights, PUBLIC_ACCESS, DCT.RightsStatement)
    # The data itself is Japanese; the English is only in the metadata.
    writer.typed(dataset, DCT.language, JAPANESE, DCT.LinguisticSystem)
    _add_standard(writer, dataset, document.get("standard"))
    license_uri = _uri(document.get("license_url"))
    for resource in document.get("resources") or []:
        if isinstance(resource, Mapping):
            _add_distribution(
                writer,
                dataset,
                str(name),
                resource,
                license_uri,
                document.get("metadata_modified"),
            )
    return dataset


def add_catalogue(graph: Graph, *, modified: datetime | None) -> URIRef:
    """The dcat:Catalog itself, with its publisher, homepage and theme taxonomy."""
    writer = _Writer(graph)
    catalogue = URIRef(catalogue_uri())
    writer.add(catalogue, RDF.type, DCAT.Catalog)
    writer.texts(catalogue, DCT.title, CATALOGUE_TITLE)
    writer.texts(catalogue, DCT.description, CATALOGUE_DESCRIPTION)
    writer.add(catalogue, DCT.publisher, _add_ward(writer))
    writer.typed(catalogue, DCT.language, JAPANESE, DCT.LinguisticSystem)
    writer.typed(catalogue, DCT.language, ENGLISH, DCT.LinguisticSystem)
    writer.typed(catalogue, FOAF.homepage, URIRef(catalogue_page_url()), FOAF.Document)
    writer.typed(catalogue, DCT.license, URIRef(CATALOGUE_LICENSE), DCT.LicenseDocument)
    if modified is not None:
        writer.add(
            catalogue, DCT.modified, Literal(modified.astimezone(UTC), datatype=XSD.dateTime)
        )
    _add_area(writer, catalogue, MINATO_NAME)
    scheme = URIRef(themes_uri())
    writer.typed(catalogue, DCAT.themeTaxonomy, scheme, SKOS.ConceptScheme)
    writer.texts(scheme, DCT.title, THEMES_TITLE)
    return catalogue


def add_paging(graph: Graph, fmt: str, *, state: CatalogueState, page: int) -> None:
    """hydra's paging, as ckanext-dcat writes it (and harvesters follow): the page itself is
    the hydra:PagedCollection, with the total and the first, last, previous and next pages."""
    since = state.modified_since
    here = URIRef(catalogue_url(fmt, modified_since=since, page=page))
    graph.add((here, RDF.type, HYDRA.PagedCollection))
    graph.add((here, HYDRA.totalItems, Literal(state.count, datatype=XSD.integer)))
    graph.add((here, HYDRA.itemsPerPage, Literal(PAGE_SIZE, datatype=XSD.integer)))
    links = {
        HYDRA.firstPage: 1,
        HYDRA.lastPage: state.pages,
        HYDRA.previousPage: page - 1 if page > 1 else None,
        HYDRA.nextPage: page + 1 if page < state.pages else None,
    }
    for predicate, number in links.items():
        if number is not None:
            url = catalogue_url(fmt, modified_since=since, page=number)
            graph.add((here, predicate, URIRef(url)))


def dataset_graph(document: Mapping[str, Any], themes: Mapping[str, Mapping[str, str]]) -> Graph:
    graph = new_graph()
    add_dataset(graph, document, themes)
    return graph


# --- Serialisation -----------------------------------------------------------------------


def serialize(graph: Graph, fmt: str) -> bytes:
    """The graph in one of FORMATS' keys (``ttl``, ``rdf``, ``jsonld``), UTF-8."""
    rdflib_format, _content_type = FORMATS[fmt]
    if fmt == "jsonld":
        return graph.serialize(
            format=rdflib_format, context=JSONLD_CONTEXT, auto_compact=True, encoding="utf-8"
        )
    return graph.serialize(format=rdflib_format, encoding="utf-8")


def _turtle_statements(graph: Graph) -> bytes:
    # rdflib writes the prefixes first, then a blank line, then the statements.
    text = graph.serialize(format="turtle", encoding="utf-8")
    lines = text.split(b"\n")
    start = 0
    while start < len(lines) and (lines[start].startswith(b"@prefix") or not lines[start]):
        start += 1
    return b"\n".join(lines[start:]).strip() + b"\n\n"


def _catalogue_turtle(
    documents: Iterable[Mapping[str, Any]],
    themes: Mapping[str, Mapping[str, str]],
    *,
    state: CatalogueState,
    page: int,
) -> bytes:
    """Turtle written one dataset at a time and joined under one set of prefixes.

    rdflib's Turtle writer looks up a prefix for every URI in a tree of all the namespaces
    it has seen; each dataset's distributions add one (``…/dataset/<name>/resource/``), so
    one graph of a thousand datasets takes seconds, most of them in that lookup. Small
    graphs keep the tree small. Concatenated Turtle is one valid document: every part uses
    the same prefixes, and blank nodes are written inline or with labels unique to rdflib.
    """
    head = new_graph()
    catalogue = add_catalogue(head, modified=state.metadata_modified)
    add_paging(head, "ttl", state=state, page=page)
    parts: list[bytes] = []
    for document in documents:
        graph = new_graph()
        dataset = add_dataset(graph, document, themes)
        if dataset is not None:
            head.add((catalogue, DCAT.dataset, dataset))
            parts.append(_turtle_statements(graph))
    prefixes = "".join(
        f"@prefix {prefix}: <{namespace}> .\n"
        for prefix, namespace in sorted(JSONLD_CONTEXT.items())
    ).encode()
    return prefixes + b"\n" + _turtle_statements(head) + b"".join(parts)


def catalogue_body(
    documents: Iterable[Mapping[str, Any]],
    themes: Mapping[str, Mapping[str, str]],
    fmt: str,
    *,
    state: CatalogueState,
    page: int,
) -> bytes:
    """One page of the catalogue, serialised."""
    if fmt == "ttl":
        return _catalogue_turtle(documents, themes, state=state, page=page)
    graph = new_graph()
    catalogue = add_catalogue(graph, modified=state.metadata_modified)
    add_paging(graph, fmt, state=state, page=page)
    for document in documents:
        dataset = add_dataset(graph, document, themes)
        if dataset is not None:
            graph.add((catalogue, DCAT.dataset, dataset))
    return serialize(graph, fmt)


# --- Reading the catalogue ---------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueState:
    """What one request for the catalogue would show, known before anything is built."""

    modified_since: datetime | None
    count: int
    # The newest metadata_modified of the datasets listed.
    metadata_modified: datetime | None
    # The newest change of anything the answer shows: a document rebuilt without a new
    # metadata_modified (an organisation renamed) or a theme relabelled changes it too.
    last_modified: datetime | None
    fingerprint: str

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))


@dataclass(frozen=True)
class Themes:
    labels: dict[str, dict[str, str]]
    last_modified: datetime | None


def themes() -> Themes:
    """Every group's labels, by name: the documents carry only the Japanese title."""
    groups = list(selectors.groups())
    return Themes(
        labels={group.name: _texts(group.title) for group in groups},
        last_modified=max((group.updated_at for group in groups), default=None),
    )


def _newest(*moments: datetime | None) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


def _fingerprint(*parts: Any) -> str:
    text = repr((OUTPUT_VERSION, settings.SITE_URL, *parts))
    return hashlib.sha256(text.encode()).hexdigest()


def catalogue_datasets(modified_since: datetime | None) -> QuerySet[Dataset]:
    return selectors.dataset_names(modified_since=modified_since)


def catalogue_state(
    datasets: QuerySet[Dataset], *, modified_since: datetime | None, labels: Themes
) -> CatalogueState:
    """One aggregate query: how many datasets, and when the newest changed."""
    found = datasets.order_by().aggregate(
        count=Count("pk"), modified=Max("metadata_modified"), updated=Max("updated_at")
    )
    last_modified = _newest(found["modified"], found["updated"], labels.last_modified)
    return CatalogueState(
        modified_since=modified_since,
        count=found["count"],
        metadata_modified=found["modified"],
        last_modified=last_modified,
        fingerprint=_fingerprint(
            "catalogue", found["count"], found["updated"], labels.last_modified, modified_since
        ),
    )


def catalogue_etag(state: CatalogueState, fmt: str, page: int) -> str:
    return _fingerprint(state.fingerprint, fmt, page)[:40]


def catalogue_document(
    datasets: QuerySet[Dataset], fmt: str, *, state: CatalogueState, page: int, labels: Themes
) -> bytes:
    """One page of the catalogue, from the cache when nothing it shows has changed since it
    was built: building a thousand datasets takes a second or two."""
    key = "opendata:dcat:" + catalogue_etag(state, fmt, page)
    body = cache.get(key)
    if body is None:
        start = (page - 1) * PAGE_SIZE
        documents = datasets.values_list("document", flat=True)[start : start + PAGE_SIZE]
        body = catalogue_body(documents, labels.labels, fmt, state=state, page=page)
        cache.set(key, body, CACHE_SECONDS)
    return body


def dataset_etag(dataset: Dataset, labels: Themes, fmt: str) -> str:
    return _fingerprint("dataset", dataset.pk, dataset.updated_at, labels.last_modified, fmt)[:40]


def parse_modified_since(value: str) -> datetime:
    """An ISO 8601 date or date and time as an aware datetime. Without an offset it is UTC,
    as CKAN's own timestamps are (and harvesters send back the dct:modified they saw).
    Raises ValueError."""
    text = value.strip()
    candidates = [text]
    # An unencoded "+09:00" in a query string arrives as " 09:00".
    repaired = re.sub(r" (\d{2}(?::?\d{2})?)$", r"+\1", text)
    if repaired != text:
        candidates.append(repaired)
    for candidate in candidates:
        try:
            moment = parse_datetime(candidate)
            if moment is None:
                day = parse_date(candidate)
                moment = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            try:
                return moment.astimezone(UTC)
            except OverflowError:  # 9999-12-31T23:00:00-10:00 is past what a datetime holds
                break
    raise ValueError(value)


# --- schema.org --------------------------------------------------------------------------


def _pick(texts: Any, language: str, fallback: Any = "") -> str:
    if isinstance(texts, Mapping):
        return str(texts.get(language) or texts.get("ja") or fallback or "")
    return str(fallback or "")


def _iso(value: Any) -> str | None:
    moment = _moment(value)
    return moment.isoformat() if moment else None


def _temporal_coverage(document: Mapping[str, Any]) -> str | None:
    start, end = _day(document.get("temporal_start")), _day(document.get("temporal_end"))
    if start is None and end is None:
        return None
    # ISO 8601 intervals, ".." for an open end, as schema.org's temporalCoverage takes them.
    return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"


def schema_org_dataset(document: Mapping[str, Any], *, language: str | None = None) -> dict:
    """A schema.org Dataset for the dataset's page: what Google Dataset Search and others
    read. Its name and description are in the page's language (``language``, or the active
    one), falling back to Japanese, so that they match what the page shows."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    organization = document.get("organization") or {}
    ward = settings.MUNICIPALITY_NAME
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": dataset_uri(str(document.get("name", ""))),
        "name": _pick(document.get("title_translated"), language, document.get("title")),
        "description": _pick(document.get("notes_translated"), language, document.get("notes")),
        "url": document.get("url"),
        "identifier": document.get("id"),
        "keywords": [
            str(tag["name"])
            for tag in document.get("tags") or []
            if isinstance(tag, Mapping) and tag.get("name")
        ],
        "creator": {
            "@type": "Organization",
            "name": _pick(
                organization.get("title_translated"), language, organization.get("title")
            ),
            "parentOrganization": {
                "@type": "Organization",
                "name": ward.get(language, ward["ja"]),
            },
        },
        "publisher": {
            "@type": "Organization",
            "name": ward.get(language, ward["ja"]),
            "url": settings.SITE_URL + "/",
        },
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": CATALOGUE_TITLE.get(language, CATALOGUE_TITLE["ja"]),
            "url": catalogue_page_url(),
        },
        "isAccessibleForFree": True,
        # The language of the data, not of this description of it.
        "inLanguage": "ja",
    }
    if document.get("license_url"):
        data["license"] = document["license_url"]
    elif document.get("license_title"):
        data["license"] = {"@type": "CreativeWork", "name": document["license_title"]}
    if document.get("author_email"):
        data["creator"]["email"] = document["author_email"]
    modified, created = (
        _iso(document.get("metadata_modified")),
        _iso(document.get("metadata_created")),
    )
    if modified:
        data["dateModified"] = modified
    if created:
        data["datePublished"] = created
    coverage = _temporal_coverage(document)
    if coverage:
        data["temporalCoverage"] = coverage
    if document.get("spatial_text"):
        data["spatialCoverage"] = {"@type": "Place", "name": str(document["spatial_text"])}
    downloads = []
    for resource in document.get("resources") or []:
        if not isinstance(resource, Mapping) or not resource.get("url"):
            continue
        download: dict[str, Any] = {
            "@type": "DataDownload",
            "name": _pick(resource.get("name_translated"), language, resource.get("name")),
            "contentUrl": resource["url"],
            "encodingFormat": resource.get("mimetype") or resource.get("format") or "",
        }
        if resource.get("last_modified"):
            download["dateModified"] = _iso(resource["last_modified"])
        downloads.append(download)
    data["distribution"] = downloads
    return data


# json_script's escapes: a "</script>" or "<!--" in a title cannot end or confuse the
# element, and U+2028/U+2029 stay inert for older JavaScript parsers.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def schema_org_script(document: Mapping[str, Any], *, language: str | None = None) -> SafeString:
    """The schema.org JSON, safe to write unescaped inside
    ``<script type="application/ld+json">…</script>`` (``{{ schema_org }}``)."""
    text = json.dumps(
        schema_org_dataset(document, language=language), ensure_ascii=False, sort_keys=True
    )
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - every <, > and & escaped
