"""The catalogue's search index: what a search compares, held by each process.

A search clause is a substring test (``ほいくえん`` inside a dataset's reading), which no
database index answers: PostgreSQL and SQLite scan every row for it, and a search asked for
the first time cost about 18 ms of CPU over 5,000 datasets (docs/benchmarks.md). So each
process keeps the few short strings a search compares, per dataset (a few MB for 5,000), and
tests them in Python: matching, counting and the facets take about a millisecond, and only
the page's documents are read from the database.

The index follows the catalogue's revision (``answers``): it is rebuilt by the first search
after any change to a dataset, so that a search never misses a change the services made,
and at the latest after ``OPENDATA_SEARCH_CACHE_SECONDS`` for a change made around them.
Strings compare by code point, on both databases.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from minato.opendata import answers
from minato.opendata.models import Dataset


@dataclass(frozen=True, slots=True)
class Entry:
    pk: int
    active: bool  # published; otherwise a draft (deleted datasets are left out)
    search_text: str
    search_reading: str
    facet_match: str
    facet_tokens: tuple[str, ...]  # "organization:kankyo", "tags:防災", … as shown
    sort_title: str
    name: str
    public_id: str
    metadata_modified: datetime
    created_at: datetime


@dataclass(frozen=True)
class _Catalogue:
    revision: str
    expires: float  # on the monotonic clock
    entries: list[Entry]
    published: list[Entry]


_lock = threading.Lock()
_held: _Catalogue | None = None


def _build() -> list[Entry]:
    rows = (
        Dataset.objects.exclude(state=Dataset.State.DELETED)
        .order_by()
        .values_list(
            "pk",
            "state",
            "search_text",
            "search_reading",
            "facet_match",
            "facet_text",
            "sort_title",
            "name",
            "public_id",
            "metadata_modified",
            "created_at",
        )
    )
    return [
        Entry(
            pk=pk,
            active=state == Dataset.State.ACTIVE,
            search_text=text,
            search_reading=reading,
            facet_match=facet_match,
            facet_tokens=tuple(token for token in facet_text.split("|") if token),
            sort_title=sort_title,
            name=name,
            public_id=str(public_id),
            metadata_modified=modified,
            created_at=created,
        )
        for (
            pk,
            state,
            text,
            reading,
            facet_match,
            facet_text,
            sort_title,
            name,
            public_id,
            modified,
            created,
        ) in rows
    ]


def _current() -> _Catalogue:
    global _held
    revision = answers.revision()
    held = _held
    if held is not None and held.revision == revision and held.expires > time.monotonic():
        return held
    with _lock:
        held = _held
        if held is not None and held.revision == revision and held.expires > time.monotonic():
            return held
        built = _build()
        _held = _Catalogue(
            revision=revision,
            expires=time.monotonic() + settings.OPENDATA_SEARCH_CACHE_SECONDS,
            entries=built,
            published=[entry for entry in built if entry.active],
        )
        return _held


def entries() -> list[Entry]:
    """Every dataset that is not deleted, as the catalogue is now (not to be changed)."""
    return _current().entries


def published() -> list[Entry]:
    """Every published dataset, as the catalogue is now (not to be changed)."""
    return _current().published


def clear() -> None:
    global _held
    with _lock:
        _held = None
