"""Safe statistics: small cells suppressed, and an attacker with the margins cannot recover
them (the linear-programming attack of ``disclosure.bounds``)."""

from __future__ import annotations

import random
from datetime import datetime, time

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from minato.insight.models import Voice
from minato.insight.statistics import disclosure
from minato.insight.statistics import selectors as statistics_selectors
from minato.insight.voices.services import voice_submit

MINIMUM = 5


def _attack(table: disclosure.SafeTable) -> dict[tuple[int, int], tuple[float, float]]:
    return disclosure.bounds(table.published(), table.row_totals, table.column_totals)


def test_a_lone_small_cell_gets_a_partner_and_cannot_be_recovered() -> None:
    counts = [[3, 10, 12], [8, 9, 20], [15, 7, 11]]
    table = disclosure.protect(["a", "b", "c"], ["x", "y", "z"], counts, minimum=MINIMUM)
    assert table.published()[0][0] is None
    # Row 0 and column 0 each hide at least two cells, so subtraction fails...
    assert sum(cell is None for cell in table.published()[0]) >= 2
    assert sum(row[0] is None for row in table.published()) >= 2
    # ...and so does the best attack: the cell could be anything from 0 to at least 4.
    low, high = _attack(table)[(0, 0)]
    assert low <= 0.0 + 1e-6
    assert high - low >= MINIMUM - 1


def test_subtraction_alone_would_recover_an_unprotected_table() -> None:
    # The attack is real: with only primary suppression, the cell is pinned exactly.
    published = [[None, 10], [8, 9]]
    low, high = disclosure.bounds(published, [13, 17], [11, 19])[(0, 0)]
    assert low == high == 3


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=8).flatmap(
        lambda rows: st.integers(min_value=2, max_value=5).flatmap(
            lambda columns: st.lists(
                st.lists(
                    st.sampled_from([0, 1, 2, 3, 4, 5, 7, 9, 15, 30]),
                    min_size=columns,
                    max_size=columns,
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_suppressed_cell_can_be_narrowed(counts: list[list[int]]) -> None:
    rows, columns, counts = disclosure.merge_small(
        [f"r{i}" for i in range(len(counts))],
        [f"c{j}" for j in range(len(counts[0]))],
        counts,
        minimum=MINIMUM,
        other="other",
    )
    if not counts or not columns:
        return
    table = disclosure.protect(rows, columns, counts, minimum=MINIMUM)
    # Every published cell is 0 or at least the minimum; every total is too.
    for row in table.published():
        assert all(cell is None or cell == 0 or cell >= MINIMUM for cell in row)
    assert all(total >= MINIMUM for total in table.row_totals if total)
    for (r, c), (low, high) in _attack(table).items():
        if table.primary[r][c]:
            assert high - low >= MINIMUM - 1, (counts, table.published(), (r, c), (low, high))


@pytest.mark.django_db
def test_the_voice_table_from_records_is_protected() -> None:
    rng = random.Random(3)
    towns = ["芝一丁目", "芝二丁目", "港南二丁目", "白金一丁目"]
    # Inside the published window: the twelve months that have ended.
    when = timezone.make_aware(datetime.combine(statistics_selectors.window()[0], time(12)))
    for index in range(60):
        voice_submit(
            body=f"意見その{index}です。",
            kind="opinion",
            category="town",
            town=rng.choice(towns),
            age_band=rng.choice(["20-29", "30-39", "65+"]),
            received_at=when,
        )
    Voice.objects.filter(town="").update(town="芝一丁目")
    table = statistics_selectors.voice_table(rows="town", columns="age_band")
    assert table.total == 60
    for row in table.published():
        assert all(cell is None or cell == 0 or cell >= MINIMUM for cell in row)
    rows = statistics_selectors.table_rows(table, row_heading="town")
    assert rows[-1][-1] == "60"


@pytest.mark.django_db
def test_too_few_records_publish_no_table(client) -> None:  # type: ignore[no-untyped-def]
    # Inside the published window: the twelve months that have ended.
    when = timezone.make_aware(datetime.combine(statistics_selectors.window()[0], time(12)))
    for index in range(3):
        voice_submit(
            body=f"意見{index}", kind="opinion", category="town", town="芝一丁目", received_at=when
        )
    table = statistics_selectors.voice_table(rows="town", columns="age_band")
    assert table.withheld
    body = client.get("/api/v1/insight/statistics/voices").json()
    assert body["withheld"] is True
    assert body["total"] is None
    assert body["cells"] == []
