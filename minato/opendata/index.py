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
from bisect import bisect_right
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


class Haystack:
    """Texts joined into one string, so that finding which of them contain a needle is one
    pass of ``str.find`` (about ten times faster than testing each text in a loop)."""

    SEPARATOR = "\n"  # never in a search text or reading: both have their spaces collapsed

    def __init__(self, texts: list[str]) -> None:
        self.joined = self.SEPARATOR.join(texts)
        self.starts: list[int] = []
        position = 0
        for text in texts:
            self.starts.append(position)
            position += len(text) + 1

    def containing(self, needle: str) -> set[int]:
        """The positions (in the list given) of the texts that contain ``needle``."""
        found: set[int] = set()
        if not needle or self.SEPARATOR in needle:
            return found
        hit = self.joined.find(needle)
        while hit != -1:
            number = bisect_right(self.starts, hit) - 1
            found.add(number)
            following = number + 1
            if following == len(self.starts):
                break
            hit = self.joined.find(needle, self.starts[following])
        return found


@dataclass(frozen=True)
class _Catalogue:
    revision: str
    expires: float  # on the monotonic clock
    entries: list[Entry]
    published: list[Entry]
    published_text: Haystack
    published_reading: Haystack


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
        published = [entry for entry in built if entry.active]
        _held = _Catalogue(
            revision=revision,
            expires=time.monotonic() + settings.OPENDATA_SEARCH_CACHE_SECONDS,
            entries=built,
            published=published,
            published_text=Haystack([entry.search_text for entry in published]),
            published_reading=Haystack([entry.search_reading for entry in published]),
        )
        return _held


def entries() -> list[Entry]:
    """Every dataset that is not deleted, as the catalogue is now (not to be changed)."""
    return _current().entries


def published() -> list[Entry]:
    """Every published dataset, as the catalogue is now (not to be changed)."""
    return _current().published


def published_containing(text: str, reading: str | None) -> list[Entry]:
    """The published datasets whose search text contains ``text`` or whose reading contains
    ``reading``, in the index's order."""
    catalogue = _current()
    numbers = catalogue.published_text.containing(text)
    if reading:
        numbers |= catalogue.published_reading.containing(reading)
    return [catalogue.published[number] for number in sorted(numbers)]


def clear() -> None:
    global _held
    with _lock:
        _held = None
