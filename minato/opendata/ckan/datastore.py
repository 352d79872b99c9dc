"""ckanext-datastore's ``datastore_search`` over the catalogue's CSV files.

CKAN copies each CSV into a PostgreSQL table (xloader) and searches that; the catalogue
already keeps every CSV as UTF-8 text, so it reads the file itself. A version's rows are
parsed once and kept in a small in-process cache keyed by the content's SHA-256, so paging
through a file does not parse it again, and a new version (another hash) is parsed afresh.

As in a datastore filled by xloader, every column is text and ``_id`` numbers the rows from 1.
The full-text search (``q``, ``full_text``) matches each word anywhere in a value, after the
same normalisation as the catalogue's search (width, case), instead of PostgreSQL's English
stemming, which means nothing for Japanese.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any
from urllib.parse import urlencode

from minato.core import search_text
from minato.opendata.ckan import (
    ValidationError,
    boolean,
    integer,
    natural_number,
    string_list,
    text,
)

ROWS_DEFAULT = 100
# CKAN's ckan.datastore.search.rows_max: a larger limit is lowered to it, not refused.
ROWS_MAX = 32000
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
PARAMETERS = frozenset(
    {
        "resource_id",
        "id",
        "q",
        "full_text",
        "plain",
        "language",
        "filters",
        "limit",
        "offset",
        "fields",
        "sort",
        "distinct",
        "include_total",
        "total_estimation_threshold",
        "records_format",
    }
)
# The cache holds at most this many parsed files, and files of at most this many bytes in all
# (a parsed file takes a few times its size in memory).
CACHE_ENTRIES = 16
CACHE_BYTES = 48 * 1024 * 1024

_SORT_CLAUSE = re.compile(r"^(.+?)( +(asc|desc))?( +nulls +(first|last))? *$", re.IGNORECASE)

Cell = str | None


@dataclass
class Table:
    """A CSV file's columns (its header, made unique) and rows (missing cells are None)."""

    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    size: int = 0
    _normalised: list[tuple[str, ...]] | None = field(default=None, repr=False)

    def normalised(self) -> list[tuple[str, ...]]:
        # Computed on the first full-text search of the file, then kept with it.
        if self._normalised is None:
            self._normalised = [
                tuple(search_text.normalise(cell or "") for cell in row) for row in self.rows
            ]
        return self._normalised


def _column_names(header: list[str]) -> tuple[str, ...]:
    # The datastore needs unique names, and _id is its own.
    names: list[str] = []
    taken = {"_id"}
    for position, raw in enumerate(header, start=1):
        name = raw.strip() or f"column_{position}"
        unique, number = name, 2
        while unique in taken:
            unique, number = f"{name}_{number}", number + 1
        taken.add(unique)
        names.append(unique)
    return tuple(names)


def parse(content: bytes) -> Table | None:
    """The table in a UTF-8 CSV file; None if it is not one."""
    try:
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        header = next(reader, [])
        columns = _column_names(header)
        width = len(columns)
        rows = [
            tuple((row + [None] * width)[:width]) if len(row) != width else tuple(row)
            for row in reader
            if row
        ]
    except (UnicodeDecodeError, csv.Error):
        return None
    return Table(columns=columns, rows=rows, size=len(content))


class _TableCache:
    """The parsed tables of the most recently read versions (least recently used leave)."""

    def __init__(self) -> None:
        self._tables: OrderedDict[str, Table | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str, load: Callable[[], bytes]) -> Table | None:
        with self._lock:
            if sha256 in self._tables:
                self._tables.move_to_end(sha256)
                return self._tables[sha256]
        # Parsed outside the lock: another request may parse the same file meanwhile, which
        # wastes a little time but never blocks the other files' readers.
        table = parse(load())
        with self._lock:
            self._tables[sha256] = table
            self._tables.move_to_end(sha256)
            while len(self._tables) > 1 and (
                len(self._tables) > CACHE_ENTRIES
                or sum(entry.size for entry in self._tables.values() if entry) > CACHE_BYTES
            ):
                self._tables.popitem(last=False)
        return table

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()


tables = _TableCache()


# --- Parameters -----------------------------------------------------------------------------


def _invalid(key: str, value: Any) -> ValidationError:
    # ckanext-datastore's message for a field that is not in the table.
    return ValidationError({key: [f'invalid value "{value}"']})


def _json_object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise ValidationError({key: ["Cannot parse JSON"]}) from None
    if not isinstance(value, dict):
        raise ValidationError({key: ["Must be a JSON object"]})
    return value


def _query(data: dict[str, Any]) -> str | dict[str, Any]:
    # CKAN's unicode_or_json_validator: a JSON object searches column by column.
    value = data.get("q")
    if isinstance(value, dict):
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            return value
        return parsed if isinstance(parsed, dict) else value
    return str(value)


def _as_cell(value: Any) -> Cell:
    # Filter values are compared with the text of the cells.
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _words(query: Any) -> list[str]:
    return search_text.normalise(str(query)).split()


@dataclass
class _Search:
    columns: tuple[str, ...]  # of the table, with _id first
    selected: list[str]
    filters: dict[str, Any]
    query: str | dict[str, Any]
    full_text: str
    order: list[tuple[str, bool, bool]]  # (column, descending, nulls first)
    distinct: bool


def _order(clauses: list[str], columns: tuple[str, ...]) -> list[tuple[str, bool, bool]]:
    order = []
    for clause in clauses:
        match = _SORT_CLAUSE.match(clause.strip())
        name = match.group(1) if match else ""
        if len(name) > 1 and name[0] == name[-1] == '"':
            name = name[1:-1]
        if match is None or name not in columns:
            raise _invalid("sort", clause)
        descending = (match.group(3) or "asc").lower() == "desc"
        # PostgreSQL's default: NULLs last going up, first going down.
        nulls_first = (match.group(5) or ("first" if descending else "last")).lower() == "first"
        order.append((name, descending, nulls_first))
    return order


def _search(data: dict[str, Any], table: Table) -> _Search:
    columns = ("_id", *table.columns)
    selected = string_list(data, "fields") or list(columns)
    for name in selected:
        if name not in columns:
            raise _invalid("fields", name)
    filters = _json_object(data, "filters")
    for name in filters:
        if name not in columns:
            raise _invalid("filters", name)
    query = _query(data)
    if isinstance(query, dict):
        for name, value in query.items():
            if name not in table.columns or not isinstance(value, str):
                raise _invalid("q", name)
    return _Search(
        columns=columns,
        selected=selected,
        filters=filters,
        query=query,
        full_text=text(data, "full_text"),
        order=_order(string_list(data, "sort"), columns),
        distinct=boolean(data, "distinct"),
    )


# --- Searching ------------------------------------------------------------------------------


def _matches(search: _Search, table: Table) -> list[tuple[Any, ...]]:
    """The matching rows, each as (_id, cell, …)."""
    index = {name: position for position, name in enumerate(search.columns)}
    wanted: list[tuple[int, set[Cell]]] = []
    for name, value in search.filters.items():
        values = value if isinstance(value, list) else [value]
        if name == "_id":
            wanted.append((0, {str(item) for item in values}))
        else:
            wanted.append((index[name], {_as_cell(item) for item in values}))
    everywhere = _words(search.query) if isinstance(search.query, str) else []
    everywhere += _words(search.full_text)
    by_column = (
        [(index[name] - 1, _words(value)) for name, value in search.query.items()]
        if isinstance(search.query, dict)
        else []
    )
    normalised = table.normalised() if everywhere or by_column else None
    found = []
    for number, row in enumerate(table.rows, start=1):
        full = (number, *row)
        if any(
            (str(number) if position == 0 else full[position]) not in accepted
            for position, accepted in wanted
        ):
            continue
        if normalised is not None:
            cells = normalised[number - 1]
            if any(not any(word in cell for cell in cells) for word in everywhere):
                continue
            if any(
                not all(word in cells[position] for word in words) for position, words in by_column
            ):
                continue
        found.append(full)
    return found


def _sorted(rows: list[tuple[Any, ...]], search: _Search) -> list[tuple[Any, ...]]:
    index = {name: position for position, name in enumerate(search.columns)}
    # One stable sort per key, the last key first.
    for name, descending, nulls_first in reversed(search.order):
        position = index[name]
        present = [row for row in rows if row[position] is not None]
        absent = [row for row in rows if row[position] is None]
        present.sort(key=itemgetter(position), reverse=descending)
        rows = absent + present if nulls_first else present + absent
    return rows


def _page(search: _Search, table: Table, offset: int, limit: int) -> tuple[list[list[Any]], int]:
    """One page of the selected values of the matching rows, and how many rows match."""
    positions = [search.columns.index(name) for name in search.selected]
    if not (search.filters or search.query or search.full_text or search.order or search.distinct):
        # Plain paging, the common case: only the page's rows are touched.
        numbers = range(offset + 1, min(offset + limit, len(table.rows)) + 1)
        rows = [(number, *table.rows[number - 1]) for number in numbers]
        return [[row[position] for position in positions] for row in rows], len(table.rows)
    rows = _sorted(_matches(search, table), search)
    selected = [[row[position] for position in positions] for row in rows]
    if search.distinct:
        selected = list({tuple(values): values for values in selected}.values())
    return selected[offset : offset + limit], len(selected)


def _delimited(rows: list[list[Any]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _links(data: dict[str, Any], limit: int, offset: int) -> dict[str, str]:
    """ckanext-datastore's links to the first, next (and previous) pages: this request's
    parameters, with another offset."""
    arguments: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict):
            arguments[key] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, list):
            arguments[key] = [
                item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
                for item in value
            ]
        elif isinstance(value, bool):
            arguments[key] = "true" if value else "false"
        else:
            arguments[key] = str(value)
    path = "/api/3/action/datastore_search"
    start = {key: value for key, value in arguments.items() if key != "offset"}
    links = {
        "start": f"{path}?{urlencode(start, doseq=True)}",
        "next": f"{path}?{urlencode({**arguments, 'offset': offset + limit}, doseq=True)}",
    }
    if offset - limit > 0:
        links["prev"] = f"{path}?{urlencode({**arguments, 'offset': offset - limit}, doseq=True)}"
    return links


def search(table: Table, data: dict[str, Any], *, resource_id: str) -> dict[str, Any]:
    """datastore_search's result for one table: the request's parameters as validated, the
    fields, one page of records, the links to the other pages and the total."""
    unexpected = sorted(key for key in data if key not in PARAMETERS)
    if unexpected:
        raise ValidationError({"__junk": [f"The input field {unexpected!r} was not expected."]})
    limit = min(natural_number(data, "limit", ROWS_DEFAULT, maximum=None), ROWS_MAX)
    # CKAN passes a negative offset on to PostgreSQL, which refuses it; say so plainly.
    offset = natural_number(data, "offset", 0, maximum=None)
    include_total = boolean(data, "include_total", default=True)
    records_format = text(data, "records_format") or "objects"
    if records_format not in RECORDS_FORMATS:
        raise ValidationError({"records_format": [f"Value must be one of {list(RECORDS_FORMATS)}"]})
    threshold = data.get("total_estimation_threshold")
    if threshold not in (None, ""):
        integer(data, "total_estimation_threshold", 0)
    wanted = _search(data, table)

    page, total = _page(wanted, table, offset, limit)
    records: Any
    if records_format == "objects":
        records = [dict(zip(wanted.selected, values, strict=True)) for values in page]
    elif records_format == "lists":
        records = page
    else:
        records = _delimited(page, "," if records_format == "csv" else "\t")

    result: dict[str, Any] = {
        key: value for key, value in data.items() if key not in ("id", "fields", "offset")
    }
    result.update(
        resource_id=resource_id,
        limit=limit,
        include_total=include_total,
        records_format=records_format,
        total_estimation_threshold=None if threshold in (None, "") else threshold,
        records=records,
        fields=[
            {"id": name, "type": "int" if name == "_id" else "text"} for name in wanted.selected
        ],
        _links=_links(data, limit, offset),
    )
    if "offset" in data:
        result["offset"] = offset
    if "q" in data:
        result["q"] = wanted.query
    if wanted.filters:
        result["filters"] = wanted.filters
    if include_total:
        result["total"] = total
        result["total_was_estimated"] = False
    return result
