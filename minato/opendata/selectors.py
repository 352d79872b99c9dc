"""Reads for the open-data catalogue: search, datasets, resources and download statistics."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from minato.accounts.permissions import in_visible_departments, visible_department_ids
from minato.core import search_text
from minato.opendata import index
from minato.opendata.models import (
    Dataset,
    DownloadMonth,
    Group,
    Organization,
    Resource,
    ResourceVersion,
)
from minato.opendata.search import MAX_TERMS, Query, SearchResult, facet_token, folded


def as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _name_or_id(name_or_id: str) -> Q:
    # CKAN clients name things by either (package_show?id=wifi-spots or ?id=<uuid>).
    key = Q(name=name_or_id)
    found_uuid = as_uuid(name_or_id)
    if found_uuid is not None:
        key |= Q(public_id=found_uuid)
    return key


def _matching(query: Query) -> list[index.Entry]:
    """The index entries that pass every clause: every term in the text or (for two kana
    or more) the reading, every filter's token (ASCII case ignored: fq=res_format:csv finds
    CSV) present or, negated, absent, one token of each OR group, and every range. Each
    clause narrows the last one's list, so the first does the most work."""
    found: list[index.Entry] | None = None
    for term in query.terms[:MAX_TERMS]:
        text = search_text.normalise(term)
        if not text:
            continue
        reading = search_text.reading(text)
        reading = reading if len(reading) >= 2 else ""
        if found is None and not query.include_drafts:
            found = index.published_containing(text, reading)
            continue
        found = index.entries() if found is None else found
        found = [
            e for e in found if text in e.search_text or (reading and reading in e.search_reading)
        ]
    if found is None:
        found = index.entries() if query.include_drafts else index.published()
    for condition in query.filters:
        token = folded(facet_token(condition.field, condition.value))
        negated = condition.negated
        found = [e for e in found if (token in e.facet_match) is not negated]
    for group in query.any_of:
        tokens = [folded(facet_token(choice.field, choice.value)) for choice in group]
        found = [e for e in found if any(token in e.facet_match for token in tokens)]
    for period in query.ranges:
        column = "created_at" if period.field == "metadata_created" else "metadata_modified"
        start, end = period.start, period.end
        if start is not None:
            found = [e for e in found if getattr(e, column) >= start]
        if end is not None:
            found = [e for e in found if getattr(e, column) <= end]
    return list(found)


def _score(terms: tuple[str, ...]) -> Callable[[index.Entry], int]:
    # Relevance without a search engine: a term in the title counts more than one elsewhere.
    texts = [text for text in (search_text.normalise(t) for t in terms[:MAX_TERMS]) if text]
    return lambda entry: sum(2 if text in entry.sort_title else 1 for text in texts)


def _sorted(matches: list[index.Entry], query: Query) -> list[index.Entry]:
    order = [
        (field, descending)
        for field, descending in query.sort or (("score", True), ("metadata_modified", True))
        if field != "score" or query.terms
    ]
    keys: dict[str, Callable[[index.Entry], Any]] = {
        "id": attrgetter("public_id"),
        "name": attrgetter("name"),
        "title_string": attrgetter("sort_title"),
        "metadata_modified": attrgetter("metadata_modified"),
        "metadata_created": attrgetter("created_at"),
        "score": _score(query.terms),
    }
    # Stable sorts, the last key first: the name breaks every tie.
    ordered = sorted(matches, key=attrgetter("name"))
    for field, descending in reversed(order):
        ordered.sort(key=keys[field], reverse=descending)
    return ordered


def _count_facets(entries: list[index.Entry], fields: tuple[str, ...], limit: int) -> dict:
    # Count each distinct token once, then split only those: far fewer than the tokens.
    tokens = Counter(token for entry in entries for token in entry.facet_tokens)
    counters: dict[str, Counter[str]] = {field: Counter() for field in fields}
    for token, count in tokens.items():
        field, _, value = token.partition(":")
        if field in counters:
            counters[field][value] += count
    return {
        field: dict(counter.most_common(None if limit < 0 else limit))
        for field, counter in counters.items()
    }


def datasets_search(query: Query) -> SearchResult:
    """Datasets matching the query: the count, one page of package dicts, and the facets.

    The clauses are tested against the process's search index (``index``), and only the
    page's documents are read from the database.
    """
    matches = _sorted(_matching(query), query)
    page_ids = [entry.pk for entry in matches[query.start : query.start + query.rows]]
    documents = dict(
        Dataset.objects.filter(pk__in=page_ids).order_by().values_list("pk", "document")
    )
    facets = {}
    if query.facet_fields:
        facets = _count_facets(matches, query.facet_fields, query.facet_limit)
    return SearchResult(
        count=len(matches),
        # A dataset deleted since the index was built is left out, not an error.
        documents=[documents[pk] for pk in page_ids if pk in documents],
        facets=facets,
    )


def dataset_public(name_or_id: str) -> Dataset | None:
    """A published dataset by its name or id, with what its pages show."""
    return (
        Dataset.objects.filter(_name_or_id(name_or_id), state=Dataset.State.ACTIVE)
        .select_related("organization")
        .first()
    )


def dataset_names(*, modified_since: Any = None) -> QuerySet[Dataset]:
    datasets = Dataset.objects.filter(state=Dataset.State.ACTIVE)
    if modified_since is not None:
        datasets = datasets.filter(metadata_modified__gte=modified_since)
    return datasets.order_by("name")


def resource_public(public_id: Any) -> Resource | None:
    """A resource of a published dataset, with its content's version."""
    found_uuid = as_uuid(public_id)
    if found_uuid is None:
        return None
    return (
        Resource.objects.filter(public_id=found_uuid, dataset__state=Dataset.State.ACTIVE)
        .select_related("dataset", "current")
        .defer("current__content")
        .first()
    )


def resource_package(public_id: Any) -> dict[str, Any] | None:
    """The package dict of a published resource's dataset: one row, not the file."""
    found_uuid = as_uuid(public_id)
    if found_uuid is None:
        return None
    document = (
        Resource.objects.filter(public_id=found_uuid, dataset__state=Dataset.State.ACTIVE)
        .values_list("dataset__document", flat=True)
        .first()
    )
    return document if isinstance(document, dict) else None


@dataclass(frozen=True)
class TabularContent:
    """Where a tabular resource's text is, without reading it: the version and its hash."""

    version_id: int
    sha256: str


def tabular_content(public_id: Any) -> TabularContent | None:
    """The text of a published CSV resource (for a Shift_JIS variant, its UTF-8 original's,
    the same text), or None for anything that is not a CSV with content."""
    found_uuid = as_uuid(public_id)
    if found_uuid is None:
        return None
    row = (
        Resource.objects.filter(public_id=found_uuid, dataset__state=Dataset.State.ACTIVE)
        .values(
            "format",
            "kind",
            "variant_of_id",
            "current_id",
            "current__sha256",
            "variant_of__current_id",
            "variant_of__current__sha256",
        )
        .first()
    )
    if row is None or row["format"] != Resource.Format.CSV or row["kind"] == Resource.Kind.LINK:
        return None
    if row["variant_of_id"]:
        version_id, sha256 = row["variant_of__current_id"], row["variant_of__current__sha256"]
    else:
        version_id, sha256 = row["current_id"], row["current__sha256"]
    if version_id is None:
        return None
    return TabularContent(version_id=version_id, sha256=sha256)


def version_content(version_id: int) -> bytes:
    return bytes(ResourceVersion.objects.values_list("content", flat=True).get(pk=version_id))


def resource_content(resource: Resource) -> ResourceVersion | None:
    """The version a resource serves: its file as downloaded."""
    return resource.current


def organizations() -> QuerySet[Organization]:
    return Organization.objects.all()


def organization(name_or_id: str) -> Organization | None:
    return Organization.objects.filter(_name_or_id(name_or_id)).first()


def groups() -> QuerySet[Group]:
    return Group.objects.all()


def group(name_or_id: str) -> Group | None:
    return Group.objects.filter(_name_or_id(name_or_id)).first()


def package_counts(field: str) -> dict[str, int]:
    """How many published datasets each organisation, group or tag has (by name)."""
    return _count_facets(index.published(), (field,), -1)[field]


def tags(query: str = "") -> list[str]:
    """Every tag of a published dataset, sorted; only those containing ``query``."""
    names = package_counts("tags")
    needle = search_text.normalise(query)
    return sorted(name for name in names if needle in search_text.normalise(name))


# --- Staff ---------------------------------------------------------------------------------


def staff_datasets(user: Any) -> QuerySet[Dataset]:
    """Datasets of the organisations of the departments the user may see (withdrawn ones
    too, so that they can be published again)."""
    datasets = Dataset.objects.select_related("organization").order_by("-metadata_modified")
    visible = visible_department_ids(user)  # None: every department (system administrators)
    if visible is None:
        return datasets
    return datasets.filter(organization__department_id__in=visible)


def staff_resources(dataset: Dataset) -> QuerySet[Resource]:
    """A dataset's files for the console, with their versions' numbers but not content."""
    return (
        dataset.resources.select_related("current").defer("current__content").order_by("position")
    )


def staff_dataset(user: Any, name: str) -> Dataset | None:
    return staff_datasets(user).filter(name=name).first()


def staff_organizations(user: Any) -> QuerySet[Organization]:
    return in_visible_departments(Organization.objects.all(), user)


# --- Download statistics -------------------------------------------------------------------


# The target of the plan's indicator オープンデータの月間ダウンロード数 (initiative 37).
MONTHLY_DOWNLOADS_TARGET = 63000


@dataclass(frozen=True)
class MonthCount:
    month: date
    downloads: int


def dataset_downloads(dataset: Dataset, *, months: int = 12) -> list[MonthCount]:
    """The dataset's downloads per month, newest first."""
    rows = (
        DownloadMonth.objects.filter(dataset=dataset)
        .values("month")
        .annotate(total=Sum("count"))
        .order_by("-month")[:months]
    )
    return [MonthCount(month=row["month"], downloads=row["total"]) for row in rows]


def monthly_downloads(*, months: int = 12) -> list[MonthCount]:
    """The plan's KPI (initiative 37, target 63,000 a month): all downloads per month."""
    rows = (DownloadMonth.objects.values("month").annotate(total=Sum("count")).order_by("-month"))[
        :months
    ]
    return [MonthCount(month=row["month"], downloads=row["total"]) for row in rows]


def downloads_by_dataset_month() -> QuerySet:
    """Rows of (month, dataset name, title, downloads) of the months that have ended, for
    the statistics dataset: the month under way would change its file with every download,
    a new version a minute that harvesters would fetch again and again."""
    this_month = timezone.localdate().replace(day=1)
    return (
        DownloadMonth.objects.filter(month__lt=this_month)
        .values("month", "dataset__name", "dataset__title")
        .annotate(total=Sum("count"))
        .order_by("-month", "dataset__name")
    )
