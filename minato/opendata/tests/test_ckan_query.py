"""package_search's Solr-style q, fq and sort, read into the catalogue's Query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from minato.opendata.ckan import SearchQueryError
from minato.opendata.ckan.query import (
    MAX_CLAUSES,
    NO_MATCH,
    package_query,
    parse_moment,
    parse_sort,
)
from minato.opendata.search import Filter, Query, Range

NOW = datetime(2026, 4, 15, 9, 30, 15, 123456, tzinfo=UTC)


def _query(q: str = "", fq: str = "", **kwargs: object) -> Query:
    return package_query(q=q, fq=fq, now=NOW, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("q", ["", "*:*", "*", '""', "   "])
def test_an_empty_query_or_star_colon_star_is_every_dataset(q: str) -> None:
    query = _query(q)
    assert (query.terms, query.filters, query.ranges) == ((), (), ())


def test_words_and_quoted_phrases_are_terms_that_must_all_match() -> None:
    query = _query('保育園 "子育て 支援" AND park*')
    assert query.terms == ("保育園", "子育て 支援", "park")


def test_field_terms_become_filters_and_a_minus_excludes() -> None:
    query = _query('organization:kankyo +tags:"子育て 支援"', "-res_format:PDF NOT groups:safety")
    assert query.filters == (
        Filter("organization", "kankyo"),
        Filter("tags", "子育て 支援"),
        Filter("res_format", "PDF", negated=True),
        Filter("groups", "safety", negated=True),
    )


def test_or_joins_field_clauses_into_a_group_of_alternatives() -> None:
    query = _query(
        'organization:a OR organization:"b c" || groups:safety tags:防災',
        "metadata_modified:[2024-01-01T00:00:00Z TO *]",
    )
    assert query.any_of == (
        (Filter("organization", "a"), Filter("organization", "b c"), Filter("groups", "safety")),
    )
    assert query.filters == (Filter("tags", "防災"),)
    assert len(query.ranges) == 1


def test_an_escaped_character_is_part_of_the_value() -> None:
    assert _query(r"tags:a\:b name:x\ y").filters == (Filter("tags", "a:b"), Filter("name", "x y"))


def test_a_range_of_iso_times_is_inclusive_and_a_star_leaves_it_open() -> None:
    query = _query(fq="metadata_modified:[2024-01-01T00:00:00.5Z TO *]")
    assert query.ranges == (
        Range("metadata_modified", datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=UTC), None),
    )


def test_curly_brackets_exclude_the_ends_of_a_range() -> None:
    (period,) = _query(fq="metadata_created:{2024-01-01T00:00:00Z TO 2024-02-01T00:00:00Z}").ranges
    assert period.start == datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
    assert period.end == datetime(2024, 1, 31, 23, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NOW", NOW),
        ("NOW-1DAY", NOW - timedelta(days=1)),
        ("NOW-7DAYS", NOW - timedelta(days=7)),
        ("NOW/DAY", datetime(2026, 4, 15, tzinfo=UTC)),
        ("NOW-1MONTH/MONTH", datetime(2026, 3, 1, tzinfo=UTC)),
        ("NOW+2HOURS", NOW + timedelta(hours=2)),
        ("2024-03-31T00:00:00Z+1MONTH", datetime(2024, 4, 30, tzinfo=UTC)),
        ("2024-01-01T09:00:00+09:00", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01", datetime(2024, 1, 1, tzinfo=UTC)),
    ],
)
def test_times_are_iso_8601_or_now_with_solr_date_math(text: str, expected: datetime) -> None:
    assert parse_moment(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "NOW-1FORTNIGHT", "2024-13-01T00:00:00Z", "", "*"])
def test_a_time_that_is_not_one_is_a_search_query_error(text: str) -> None:
    with pytest.raises(SearchQueryError, match="Invalid date"):
        parse_moment(text, now=NOW)


def test_modified_since_adds_a_range_from_that_time() -> None:
    query = _query(modified_since="2025-06-01T00:00:00+09:00")
    assert query.ranges == (
        Range("metadata_modified", datetime(2025, 5, 31, 15, 0, tzinfo=UTC), None),
    )


@pytest.mark.parametrize(
    ("q", "matches_everything"),
    [
        ("dataset_type:dataset", True),
        ("+state:active capacity:public", True),
        ("dataset_type:harvest", False),
        ("-dataset_type:dataset", False),
        ("-*:*", False),
    ],
)
def test_fields_with_one_value_for_every_dataset_match_all_or_none(
    q: str, matches_everything: bool
) -> None:
    assert (NO_MATCH not in _query(q).filters) is matches_everything


def test_text_fields_are_searched_as_free_text() -> None:
    assert _query("title:防災 text:地図").terms == ("防災", "地図")


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ('"unbalanced', "Unbalanced quotes"),
        ('tags:"unbalanced', "Unbalanced quotes"),
        ("metadata_modified:[2024-01-01T00:00:00Z TO *", "Unbalanced brackets"),
        ("tags:a]", "Unbalanced brackets"),
        ("tags:(a)", "Parentheses"),
        ("word OR tags:b", "OR is supported only between field:value"),
        ("tags:a OR -tags:b", "OR is supported only between field:value"),
        ("tags:a OR", "OR must stand between"),
        ("OR tags:a", "OR must stand between"),
        ("tags:a OR OR tags:b", "OR must stand between"),
        ("tags:a OR metadata_modified:[* TO NOW]", "OR is supported only between field:value"),
        ("colour:blue", "Unknown field 'colour'"),
        ("tags:", "needs a value"),
        (":x", "colon must follow a field"),
        ("tags:a*", "wildcards"),
        ("-word", "Excluding free text"),
        ("metadata_modified:[2024 TO]", "a range is [start TO end]"),
        ("-metadata_modified:[* TO NOW]", "excluding a range"),
        ("tags:[a TO b]", "ranges are only for"),
        ("NOT", "NOT must be followed"),
        ("+ tags:a", "must be followed by a term"),
        ("tags:a\\", "backslash"),
    ],
)
def test_what_the_catalogue_cannot_search_is_a_search_query_error(q: str, message: str) -> None:
    with pytest.raises(SearchQueryError, match=message.replace("[", r"\[").replace("*", r"\*")):
        _query(q)


def test_too_many_clauses_are_a_search_query_error() -> None:
    with pytest.raises(SearchQueryError, match="Too many clauses"):
        _query(" ".join(f"tags:t{number}" for number in range(MAX_CLAUSES + 1)))


def test_sort_reads_fields_and_directions() -> None:
    assert parse_sort("metadata_modified desc, title_string ASC") == (
        ("metadata_modified", True),
        ("title_string", False),
    )
    assert parse_sort("id asc") == (("id", False),)
    assert parse_sort("") == ()


@pytest.mark.parametrize("sort", ["name", "name up", "views_recent desc", "name asc desc"])
def test_a_sort_without_a_direction_or_of_an_unknown_field_is_a_search_query_error(
    sort: str,
) -> None:
    with pytest.raises(SearchQueryError, match='Invalid "sort" parameter'):
        parse_sort(sort)


def test_only_the_catalogues_facet_fields_can_be_counted() -> None:
    assert _query(facet_fields=["tags", "organization", "tags"]).facet_fields == (
        "tags",
        "organization",
    )
    with pytest.raises(SearchQueryError, match="Cannot facet on 'colour'"):
        _query(facet_fields=["colour"])


def test_paging_and_a_negative_facet_limit_pass_through() -> None:
    query = _query(start=20, rows=5, facet_limit=-3)
    assert (query.start, query.rows, query.facet_limit) == (20, 5, -1)


SOLR_ALPHABET = st.sampled_from(
    [
        *'abcT:"[]{}()*?+-!\\/ ~^',
        *("TO", " TO ", "AND", "OR", "NOT", "&&", "||", "NOW", "tags", "metadata_modified"),
        *("2024-01-01T00:00:00Z", "子育て", "\x00", "\u3000"),
    ]
)


@examples(max_examples=400, deadline=None)
@given(
    q=st.one_of(st.text(), st.lists(SOLR_ALPHABET).map("".join)),
    fq=st.lists(SOLR_ALPHABET).map("".join),
    sort=st.text(),
    modified_since=st.text(max_size=30),
)
def test_no_q_fq_or_sort_raises_anything_but_a_search_query_error(
    q: str, fq: str, sort: str, modified_since: str
) -> None:
    try:
        query = _query(q, fq, sort=sort, modified_since=modified_since)
    except SearchQueryError:
        return
    assert isinstance(query, Query)
