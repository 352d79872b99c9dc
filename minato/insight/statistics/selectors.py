"""Safe statistics from platform records: counts of residents' voices by 町丁目, age band and
month, with disclosure control (``disclosure``) before anyone sees them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minato.insight.models import Voice
from minato.insight.statistics.disclosure import SafeTable, merge_small, protect

DIMENSIONS = ("town", "age_band", "month", "area", "category")
UNKNOWN = "—"


def minimum_cell() -> int:
    return int(getattr(settings, "INSIGHT_MINIMUM_CELL", 5))


def _labels(dimension: str) -> dict[str, str]:
    if dimension == "age_band":
        return {value: str(label) for value, label in Voice.AgeBand.choices}
    if dimension == "category":
        return {value: str(label) for value, label in Voice.Category.choices}
    if dimension == "area":
        from minato.core.areas import Area

        return {value: str(label) for value, label in Area.choices}
    return {}


MONTHS = 12


def window(today: date | None = None) -> tuple[date, date]:
    """The twelve months that have ended: [first day, first day of this month)."""
    today = today or timezone.localdate()
    until = today.replace(day=1)
    since = until.replace(year=until.year - 1)
    return since, until


def voice_table(*, rows: str = "town", columns: str = "age_band") -> SafeTable:
    """Voices of the last twelve finished months counted by two of ``DIMENSIONS``, protected.

    Only finished months: a table that changed with every voice would let anyone who looks
    before and after one arrives see its place in every dimension."""
    if rows not in DIMENSIONS or columns not in DIMENSIONS or rows == columns:
        raise ValueError("unknown or repeated dimension")
    since, until = window()
    voices = Voice.objects.order_by().filter(
        received_at__date__gte=since, received_at__date__lt=until
    )
    fields = {}
    for dimension in (rows, columns):
        fields[dimension] = (
            TruncMonth("received_at", tzinfo=timezone.get_current_timezone())
            if dimension == "month"
            else None
        )
    annotated = voices.annotate(**{f"d_{k}": v for k, v in fields.items() if v is not None})
    keys = [f"d_{d}" if fields[d] is not None else d for d in (rows, columns)]
    counted = annotated.values(*keys).annotate(count=Count("id"))
    cells: dict[tuple[str, str], int] = {}
    for row in counted:
        key = (_as_label(row[keys[0]]), _as_label(row[keys[1]]))
        cells[key] = cells.get(key, 0) + row["count"]
    row_values = sorted({r for r, _c in cells}, key=_sort_key)
    column_values = sorted({c for _r, c in cells}, key=_sort_key)
    counts = [[cells.get((r, c), 0) for c in column_values] for r in row_values]
    row_labels = [_labels(rows).get(value, value) for value in row_values]
    column_labels = [_labels(columns).get(value, value) for value in column_values]
    row_labels, column_labels, counts = merge_small(
        row_labels, column_labels, counts, minimum=minimum_cell(), other=_("Others (small groups)")
    )
    table = protect(row_labels, column_labels, counts, minimum=minimum_cell())
    table.withheld = not counts
    return table


def published_table(*, rows: str, columns: str) -> SafeTable:
    """``voice_table``, kept until the month ends or for an hour: it changes only when a
    month ends, and protecting a large table takes many linear programs."""
    key = f"insight:statistics:{rows}:{columns}:{window()[1]}:{get_language()}"
    table = cache.get(key)
    if table is None:
        table = voice_table(rows=rows, columns=columns)
        cache.set(key, table, settings.INSIGHT_STATISTICS_SECONDS)
    return table


def _as_label(value: object) -> str:
    if value in (None, ""):
        return UNKNOWN
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m")  # type: ignore[union-attr]
    return str(value)


def _sort_key(value: str) -> tuple[int, str]:
    return (1 if value == UNKNOWN else 0, value)


def table_rows(table: SafeTable, *, row_heading: str) -> list[list[str]]:
    """The published table as CSV rows: hidden cells as ``X``, totals last."""
    out = [[row_heading, *table.columns, _("Total")]]
    for index, label in enumerate(table.rows):
        out.append(
            [
                label,
                *[("X" if v is None else str(v)) for v in table.published()[index]],
                str(table.row_totals[index]),
            ]
        )
    out.append([_("Total"), *[str(v) for v in table.column_totals], str(table.total)])
    return out
