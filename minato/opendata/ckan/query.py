"""package_search's Solr-style parameters (``q``, ``fq``, ``fq_list``, ``sort``, ``facet.field``)
as a catalogue ``Query``.

The catalogue has no Solr, so only the part of Solr's query syntax that CKAN clients send is
understood:

- free text: words and "quoted phrases", each of which must match (CKAN runs Solr with
  ``q.op=AND``); ``*:*``, ``*`` or nothing is every dataset;
- ``field:value`` and ``field:"quoted value"`` for the fields of ``search.FILTER_FIELDS``,
  excluded with ``-``, ``!`` or ``NOT`` before them (``+``, required, is what every clause is);
- ranges of ``metadata_modified`` and ``metadata_created``: ``[2024-01-01T00:00:00Z TO *]``,
  ``{… TO …}`` for exclusive ends, with ISO 8601 times, ``*``, ``NOW`` and Solr's date math
  (``NOW-7DAYS``, ``NOW/DAY``), as ckanext-harvest's CKAN harvester sends them;
- ``AND`` or ``&&`` between clauses, which changes nothing, since every clause must match;
- ``OR`` or ``||`` between ``field:value`` clauses, any of which may match: ckanext-harvest's
  CKAN harvester sends ``organization:a OR organization:b`` to harvest several publishers.
  The alternatives bind to each other before the other clauses are joined, so
  ``organization:a OR organization:b metadata_modified:[… TO *]`` is (a or b) and modified
  since; the harvester means that.

Anything else (``OR`` between free text, ranges or excluded clauses, parentheses, fields the
catalogue does not index) is a ``SearchQueryError`` rather than a guess: a harvester that
gets an error reports it, one that gets the wrong datasets silently diverges.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from minato.opendata.ckan import SearchQueryError
from minato.opendata.search import (
    FACET_FIELDS,
    FILTER_FIELDS,
    RANGE_FIELDS,
    SORT_FIELDS,
    Filter,
    Query,
    Range,
)

DEFAULT_SORT = "score desc, metadata_modified desc"
# More clauses than any client writes by hand; each one is a LIKE over every dataset.
MAX_CLAUSES = 32
# Solr fields that hold text we search as a whole: matching anywhere is close enough for a
# client that narrows by title, and better than refusing it.
TEXT_FIELDS = ("text", "title", "notes")
# Fields of CKAN's index that have one value for every dataset this API shows (CKAN's own
# pages send +dataset_type:dataset): a clause on them matches all datasets or none.
CONSTANT_FIELDS = {
    "dataset_type": "dataset",
    "type": "dataset",
    "entity_type": "package",
    "state": "active",
    "capacity": "public",
    "private": "false",
}
# No dataset has an empty id (documents.refresh writes only non-empty facet values), so this
# filter matches none: the answer to a clause such as dataset_type:harvest.
NO_MATCH = Filter(field="id", value="")

_KEYWORDS_AND = {"AND", "&&"}
_KEYWORDS_OR = {"OR", "||"}
_DATE_STEP = re.compile(
    r"(?:(?P<sign>[+-])(?P<amount>\d{1,9})|/)"
    r"(?P<unit>YEAR|MONTH|DAY|DATE|HOUR|MINUTE|SECOND|MILLISECOND|MILLI)S?",
    re.IGNORECASE,
)


@dataclass
class _Clause:
    field: str | None
    value: str
    kind: str  # "term", "phrase" or "range"
    negated: bool = False
    # For a range: whether each end is inclusive ([ ]) or exclusive ({ }).
    inclusive: tuple[bool, bool] = (True, True)
    bounds: tuple[str, str] = ("*", "*")
    # Clauses joined by OR to this one: any of them, or this one, may match. (``field`` is
    # the attribute above inside this class, hence dataclasses.field.)
    alternatives: list[_Clause] = dataclasses.field(default_factory=list)

    def can_be_an_alternative(self) -> bool:
        return self.field in FILTER_FIELDS and self.kind in ("term", "phrase") and not self.negated


@dataclass
class _Conditions:
    terms: list[str] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    any_of: list[tuple[Filter, ...]] = field(default_factory=list)
    ranges: list[Range] = field(default_factory=list)
    matches_nothing: bool = False


# --- Reading the syntax ---------------------------------------------------------------------


class _Scanner:
    """Splits a Solr query into clauses, refusing what it does not understand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def clauses(self) -> list[_Clause]:
        found: list[_Clause] = []
        negate_next = False
        or_next = False
        while True:
            self._skip_spaces()
            if self.i >= len(self.text):
                break
            word = self._keyword()
            if word is not None:
                self.i += len(word)
                if word in _KEYWORDS_OR:
                    if or_next or negate_next or not found:
                        raise SearchQueryError("OR must stand between two field:value clauses")
                    or_next = True
                    continue
                if or_next:
                    raise SearchQueryError("OR must stand between two field:value clauses")
                if word == "NOT":
                    if negate_next:
                        raise SearchQueryError("NOT must be followed by a term")
                    negate_next = True
                continue
            negated = negate_next
            negate_next = False
            while self.i < len(self.text) and self.text[self.i] in "+-!":
                if self.text[self.i] != "+":
                    negated = True
                self.i += 1
            if self.i >= len(self.text) or self.text[self.i].isspace():
                raise SearchQueryError("+, - and ! must be followed by a term")
            clause = self._clause()
            clause.negated = negated
            if or_next:
                or_next = False
                if not (found[-1].can_be_an_alternative() and clause.can_be_an_alternative()):
                    raise SearchQueryError(
                        "OR is supported only between field:value clauses, e.g. "
                        "organization:a OR organization:b"
                    )
                found[-1].alternatives.append(clause)
                continue
            found.append(clause)
        if negate_next:
            raise SearchQueryError("NOT must be followed by a term")
        if or_next:
            raise SearchQueryError("OR must stand between two field:value clauses")
        return found

    def _skip_spaces(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def _keyword(self) -> str | None:
        end = self.i
        while end < len(self.text) and not self.text[end].isspace():
            end += 1
        word = self.text[self.i : end]
        return word if word in _KEYWORDS_AND | _KEYWORDS_OR | {"NOT"} else None

    def _clause(self) -> _Clause:
        if self.text[self.i] == '"':
            return _Clause(field=None, value=self._quoted(), kind="phrase")
        name: list[str] = []
        while self.i < len(self.text) and not self.text[self.i].isspace():
            char = self.text[self.i]
            if char == "\\":
                name.append(self._escaped())
                continue
            if char == ":":
                self.i += 1
                return self._value("".join(name))
            self._refuse_special(char)
            name.append(char)
            self.i += 1
        return _Clause(field=None, value="".join(name), kind="term")

    def _value(self, field_name: str) -> _Clause:
        if not field_name:
            raise SearchQueryError("A colon must follow a field name")
        if self.i >= len(self.text) or self.text[self.i].isspace():
            raise SearchQueryError(f"{field_name}: needs a value")
        char = self.text[self.i]
        if char == '"':
            return _Clause(field=field_name, value=self._quoted(), kind="phrase")
        if char in "[{":
            return self._range(field_name)
        value: list[str] = []
        while self.i < len(self.text) and not self.text[self.i].isspace():
            char = self.text[self.i]
            if char == "\\":
                value.append(self._escaped())
                continue
            if char == ":":
                raise SearchQueryError(
                    f"{field_name}: a colon in a value must be escaped (\\:) or quoted"
                )
            self._refuse_special(char)
            value.append(char)
            self.i += 1
        return _Clause(field=field_name, value="".join(value), kind="term")

    def _escaped(self) -> str:
        if self.i + 1 >= len(self.text):
            raise SearchQueryError("A query must not end with a backslash")
        self.i += 2
        return self.text[self.i - 1]

    def _refuse_special(self, char: str) -> None:
        if char in "()":
            raise SearchQueryError("Parentheses are not supported")
        if char == '"':
            raise SearchQueryError("A quote must start a phrase or a value (unbalanced quotes)")
        if char in "[]{}":
            raise SearchQueryError(
                "Unbalanced brackets: a range follows a field, e.g. "
                "metadata_modified:[2024-01-01T00:00:00Z TO *]"
            )

    def _quoted(self) -> str:
        self.i += 1  # the opening quote
        value: list[str] = []
        while self.i < len(self.text):
            char = self.text[self.i]
            if char == "\\":
                value.append(self._escaped())
                continue
            if char == '"':
                self.i += 1
                self._expect_end_of_clause("a phrase")
                return "".join(value)
            value.append(char)
            self.i += 1
        raise SearchQueryError("Unbalanced quotes")

    def _range(self, field_name: str) -> _Clause:
        opening = self.text[self.i]
        self.i += 1
        content: list[str] = []
        in_quotes = False
        while self.i < len(self.text):
            char = self.text[self.i]
            if char == "\\":
                content.append(self._escaped())
                continue
            if char == '"':
                in_quotes = not in_quotes
            elif char in "]}" and not in_quotes:
                self.i += 1
                self._expect_end_of_clause("a range")
                return self._range_clause(field_name, "".join(content), opening + char)
            elif char in "[{" and not in_quotes:
                raise SearchQueryError("Unbalanced brackets")
            content.append(char)
            self.i += 1
        raise SearchQueryError("Unbalanced brackets")

    def _range_clause(self, field_name: str, content: str, brackets: str) -> _Clause:
        parts = content.split()
        if len(parts) != 3 or parts[1] != "TO":
            raise SearchQueryError(
                f"{field_name}: a range is [start TO end], e.g. [2024-01-01T00:00:00Z TO *]"
            )
        start, end = (part.strip('"') for part in (parts[0], parts[2]))
        return _Clause(
            field=field_name,
            value=content,
            kind="range",
            inclusive=(brackets[0] == "[", brackets[1] == "]"),
            bounds=(start, end),
        )

    def _expect_end_of_clause(self, what: str) -> None:
        if self.i < len(self.text) and not self.text[self.i].isspace():
            raise SearchQueryError(f"Unexpected {self.text[self.i]!r} after {what}")


# --- Times --------------------------------------------------------------------------------


def _add_months(moment: datetime, months: int) -> datetime:
    years, month_index = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    day = min(moment.day, calendar.monthrange(year, month_index + 1)[1])
    return moment.replace(year=year, month=month_index + 1, day=day)


def _round_down(moment: datetime, unit: str) -> datetime:
    if unit == "YEAR":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit == "MONTH":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if unit in ("DAY", "DATE"):
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "HOUR":
        return moment.replace(minute=0, second=0, microsecond=0)
    if unit == "MINUTE":
        return moment.replace(second=0, microsecond=0)
    if unit == "SECOND":
        return moment.replace(microsecond=0)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit == "YEAR":
        return _add_months(moment, 12 * amount)
    if unit == "MONTH":
        return _add_months(moment, amount)
    step = {
        "DAY": timedelta(days=1),
        "DATE": timedelta(days=1),
        "HOUR": timedelta(hours=1),
        "MINUTE": timedelta(minutes=1),
        "SECOND": timedelta(seconds=1),
    }.get(unit, timedelta(milliseconds=1))
    return moment + step * amount


def _date_math(moment: datetime, math: str) -> datetime:
    position = 0
    while position < len(math):
        step = _DATE_STEP.match(math, position)
        if step is None:
            raise ValueError(math)
        unit = step["unit"].upper()
        unit = "MILLI" if unit.startswith("MILLI") else unit
        if step["sign"] is None:
            moment = _round_down(moment, unit)
        else:
            amount = int(step["amount"])
            moment = _shift(moment, -amount if step["sign"] == "-" else amount, unit)
        position = step.end()
    return moment


def parse_moment(text: str, *, now: datetime | None = None) -> datetime:
    """A Solr time: ISO 8601 (UTC unless it says otherwise), or ``NOW``, either followed by
    date math (``NOW-1DAY``, ``2024-01-01T00:00:00Z+1MONTH``, ``NOW/DAY``)."""
    value = text.strip()
    try:
        if value.upper().startswith("NOW"):
            base, math = (now or timezone.now()), value[3:]
        else:
            zulu = value.upper().find("Z")
            iso, math = (value[: zulu + 1], value[zulu + 1 :]) if zulu >= 0 else (value, "")
            base = datetime.fromisoformat(iso)
            if base.tzinfo is None:
                # Solr's times are UTC.
                base = base.replace(tzinfo=UTC)
        return _date_math(base.astimezone(UTC), math)
    except (ValueError, OverflowError, TypeError):
        raise SearchQueryError(
            f"Invalid date {text!r}: use ISO 8601 (2024-04-01T00:00:00Z), NOW or NOW-7DAYS"
        ) from None


def _bound(text: str, *, now: datetime, exclusive: bool, sign: int) -> datetime | None:
    if text == "*":
        return None
    moment = parse_moment(text, now=now)
    if not exclusive:
        return moment
    try:
        return moment + timedelta(microseconds=sign)
    except OverflowError:
        raise SearchQueryError(f"Invalid date {text!r}") from None


# --- From clauses to conditions -------------------------------------------------------------


def _term(clause: _Clause, conditions: _Conditions) -> None:
    # Every search is a substring match, so Solr's wildcards add nothing.
    text = clause.value if clause.kind == "phrase" else re.sub(r"[*?]", "", clause.value)
    if not text.strip():
        if clause.negated:
            conditions.matches_nothing = True
        return
    if clause.negated:
        raise SearchQueryError("Excluding free text (-word) is not supported")
    conditions.terms.append(text)


def _alternatives(clause: _Clause, conditions: _Conditions) -> None:
    group = []
    for alternative in (clause, *clause.alternatives):
        wildcard = "*" in alternative.value or "?" in alternative.value
        if wildcard and alternative.kind == "term":
            raise SearchQueryError(
                f"{alternative.field}: wildcards are not supported in field values"
            )
        if not alternative.value:
            raise SearchQueryError(f"{alternative.field}: needs a value")
        group.append(Filter(field=str(alternative.field), value=alternative.value))
    conditions.any_of.append(tuple(group))


def _condition(clause: _Clause, conditions: _Conditions, now: datetime) -> None:
    if clause.alternatives:
        _alternatives(clause, conditions)
        return
    name = clause.field
    if name is None or name in TEXT_FIELDS:
        if clause.kind == "range":
            raise SearchQueryError(f"{name}: ranges are only for {', '.join(RANGE_FIELDS)}")
        _term(clause, conditions)
    elif name == "*":
        if clause.value != "*":
            raise SearchQueryError("*: only *:* (every dataset) is supported")
        conditions.matches_nothing |= clause.negated
    elif name in FILTER_FIELDS:
        if clause.kind == "range":
            raise SearchQueryError(f"{name}: ranges are only for {', '.join(RANGE_FIELDS)}")
        if clause.kind == "term" and ("*" in clause.value or "?" in clause.value):
            raise SearchQueryError(f"{name}: wildcards are not supported in field values")
        if not clause.value:
            raise SearchQueryError(f"{name}: needs a value")
        conditions.filters.append(Filter(field=name, value=clause.value, negated=clause.negated))
    elif name in RANGE_FIELDS:
        if clause.negated:
            raise SearchQueryError(f"{name}: excluding a range is not supported")
        if clause.kind == "range":
            start = _bound(clause.bounds[0], now=now, exclusive=not clause.inclusive[0], sign=1)
            end = _bound(clause.bounds[1], now=now, exclusive=not clause.inclusive[1], sign=-1)
        else:
            start = end = parse_moment(clause.value, now=now)
        conditions.ranges.append(Range(field=name, start=start, end=end))
    elif name in CONSTANT_FIELDS:
        matches = clause.value.lower() == CONSTANT_FIELDS[name]
        conditions.matches_nothing |= matches == clause.negated
    else:
        raise SearchQueryError(
            f"Unknown field {name!r}: the fields are "
            f"{', '.join((*FILTER_FIELDS, *RANGE_FIELDS, *TEXT_FIELDS))}"
        )


def _conditions(texts: Iterable[str], now: datetime) -> _Conditions:
    conditions = _Conditions()
    count = 0
    for text in texts:
        for clause in _Scanner(text).clauses():
            count += 1 + len(clause.alternatives)
            if count > MAX_CLAUSES:
                raise SearchQueryError(f"Too many clauses: at most {MAX_CLAUSES}")
            _condition(clause, conditions, now)
    return conditions


# --- Sort and the whole query ---------------------------------------------------------------


def parse_sort(text: str) -> tuple[tuple[str, bool], ...]:
    """``"metadata_modified desc, name asc"`` as ((field, descending), …); Solr needs the
    direction of every field."""
    order: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or words[1].lower() not in ("asc", "desc"):
            raise SearchQueryError('Invalid "sort" parameter')
        name = words[0]
        if name not in SORT_FIELDS:
            raise SearchQueryError(
                f'Invalid "sort" parameter: cannot sort by {words[0]!r} (the fields are '
                f"{', '.join(SORT_FIELDS)})"
            )
        order.append((name, words[1].lower() == "desc"))
    return tuple(order)


def package_query(
    *,
    q: str = "",
    fq: str = "",
    fq_list: Sequence[str] = (),
    sort: str = DEFAULT_SORT,
    start: int = 0,
    rows: int = 10,
    facet_fields: Sequence[str] = (),
    facet_limit: int = 50,
    modified_since: str = "",
    now: datetime | None = None,
) -> Query:
    """The catalogue query for package_search's parameters, already typed (the action checks
    the numbers); raises SearchQueryError for what the catalogue cannot search."""
    now = now or timezone.now()
    conditions = _conditions((q, fq, *fq_list), now)
    if modified_since.strip():
        conditions.ranges.append(
            Range(field="metadata_modified", start=parse_moment(modified_since, now=now), end=None)
        )
    if conditions.matches_nothing:
        conditions.filters.append(NO_MATCH)
    for name in facet_fields:
        if name not in FACET_FIELDS:
            raise SearchQueryError(
                f"Cannot facet on {name!r}: the facet fields are {', '.join(FACET_FIELDS)}"
            )
    return Query(
        terms=tuple(conditions.terms),
        filters=tuple(conditions.filters),
        any_of=tuple(conditions.any_of),
        ranges=tuple(conditions.ranges),
        sort=parse_sort(sort),
        start=start,
        rows=rows,
        facet_fields=tuple(dict.fromkeys(facet_fields)),
        facet_limit=-1 if facet_limit < 0 else facet_limit,
    )
