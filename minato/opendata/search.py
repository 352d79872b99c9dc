"""A parsed catalogue search, shared by the portal's search page and CKAN's package_search.

``minato.opendata.ckan.query`` turns CKAN's Solr-style ``q``/``fq``/``sort`` into a ``Query``;
the portal builds one from its form. ``selectors.datasets_search`` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# The fields one may filter and facet by, as CKAN names them.
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
# Filterable but not faceted: one dataset each.
IDENTITY_FIELDS = ("name", "id")
FILTER_FIELDS = FACET_FIELDS + IDENTITY_FIELDS + ("standard",)
RANGE_FIELDS = ("metadata_modified", "metadata_created")
SORT_FIELDS = ("score", "id", "name", "title_string", "metadata_modified", "metadata_created")

MAX_ROWS = 1000
MAX_TERMS = 8


@dataclass(frozen=True)
class Filter:
    field: str  # one of FILTER_FIELDS
    value: str
    negated: bool = False


@dataclass(frozen=True)
class Range:
    field: str  # one of RANGE_FIELDS
    start: datetime | None  # inclusive; None: open
    end: datetime | None


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...] = ()  # free text; every term must match
    filters: tuple[Filter, ...] = ()
    # Groups of filters of which any one must match (CKAN's field:a OR field:b).
    any_of: tuple[tuple[Filter, ...], ...] = ()
    ranges: tuple[Range, ...] = ()
    sort: tuple[tuple[str, bool], ...] = ()  # (field of SORT_FIELDS, descending)
    start: int = 0
    rows: int = 10
    facet_fields: tuple[str, ...] = ()
    facet_limit: int = 50  # per field; -1: all
    # Also datasets that are drafts (staff only).
    include_drafts: bool = False


@dataclass
class SearchResult:
    count: int
    documents: list[dict]  # CKAN package dicts (Dataset.document)
    # {field: {value: count}}, most frequent first, for the fields asked.
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def facet_token(field_name: str, value: str) -> str:
    """How a value is written in ``Dataset.facet_text``: ``|tags:防災|``."""
    return f"|{field_name}:{value}|"


def folded(text: str) -> str:
    """ASCII letters in lower case, everything else as it is (``Dataset.facet_match``)."""
    return text.translate(_ASCII_LOWER)
