"""Statistical disclosure control for published count tables.

A count table (rows × columns, with row, column and grand totals) can single out a person
when a cell is small: "one resident aged 20–29 in 芝浦四丁目 wrote about noise". So:

1. **Primary suppression**: every cell with ``0 < count < minimum`` is hidden.
2. **Secondary suppression**: a hidden cell alone in its row or column would be the total
   minus the rest, so more cells are hidden (the smallest ones) until no line has exactly one.
3. **Audit**: an attacker who knows the published cells and the totals, and that counts are
   not negative, can still bound each hidden cell by linear programming. For every primarily
   hidden cell the attack is run; where it narrows the cell to fewer than ``minimum``
   possible values (``[0, 4]`` for a minimum of 5 says no more than "hidden"), another cell
   in its row and column is hidden and the audit runs again. A table that cannot be made
   safe that way publishes its totals only.

Rows and columns whose total is under the minimum would disclose by their total alone; the
caller merges them first (``merge_small``).

The same attack is in the tests (``test_statistics``): it must never pin a suppressed cell.
Zero cells are published: a zero discloses no one, and hiding zeros would give the attacker
nothing to solve with either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class SafeTable:
    rows: list[str]
    columns: list[str]
    counts: list[list[int]]  # the true counts, never published
    hidden: list[list[bool]]
    primary: list[list[bool]]
    minimum: int
    # True when the records were too few for any table (the grand total under the minimum).
    withheld: bool = False

    def cell(self, row: int, column: int) -> int | None:
        return None if self.hidden[row][column] else self.counts[row][column]

    @property
    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.counts]

    @property
    def column_totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.counts, strict=True)] if self.counts else []

    @property
    def total(self) -> int:
        return sum(self.row_totals)

    def published(self) -> list[list[int | None]]:
        return [[self.cell(r, c) for c in range(len(self.columns))] for r in range(len(self.rows))]


def bounds(
    published: list[list[int | None]], row_totals: list[int], column_totals: list[int]
) -> dict[tuple[int, int], tuple[float, float]]:
    """The attack: the least and greatest value each hidden cell can take given everything
    published (linear programming over the hidden cells, counts ≥ 0)."""
    from scipy.optimize import linprog

    cells = [
        (r, c) for r, row in enumerate(published) for c, value in enumerate(row) if value is None
    ]
    if not cells:
        return {}
    index = {cell: i for i, cell in enumerate(cells)}
    equations, right = [], []
    for r, row in enumerate(published):
        unknown = [index[(r, c)] for c, value in enumerate(row) if value is None]
        if unknown:
            line = np.zeros(len(cells))
            line[unknown] = 1
            equations.append(line)
            right.append(row_totals[r] - sum(value for value in row if value is not None))
    for c in range(len(column_totals)):
        unknown = [index[(r, c)] for r in range(len(published)) if published[r][c] is None]
        if unknown:
            line = np.zeros(len(cells))
            line[unknown] = 1
            equations.append(line)
            right.append(
                column_totals[c]
                - sum(
                    published[r][c] or 0
                    for r in range(len(published))
                    if published[r][c] is not None
                )
            )
    a_eq, b_eq = np.array(equations), np.array(right, dtype=float)
    out = {}
    for cell, i in index.items():
        objective = np.zeros(len(cells))
        objective[i] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        out[cell] = (float(low.fun), float(-high.fun))
    return out


def _lines_with_one(hidden: np.ndarray) -> list[tuple[str, int]]:
    lines = [("row", r) for r in range(hidden.shape[0]) if hidden[r].sum() == 1]
    lines += [("column", c) for c in range(hidden.shape[1]) if hidden[:, c].sum() == 1]
    return lines


def _hide_partner(
    counts: np.ndarray,
    hidden: np.ndarray,
    line: tuple[str, int],
    avoid: tuple[int, int] | None = None,
) -> bool:
    """Hide the smallest non-zero visible cell of ``line``, preferring one whose other line
    has hidden cells already (it then protects both lines)."""
    kind, number = line
    candidates = []
    for other in range(counts.shape[1] if kind == "row" else counts.shape[0]):
        r, c = (number, other) if kind == "row" else (other, number)
        if hidden[r, c] or counts[r, c] == 0 or (r, c) == avoid:
            continue
        crossing = hidden[:, c].sum() if kind == "row" else hidden[r].sum()
        candidates.append((0 if crossing else 1, int(counts[r, c]), r, c))
    if not candidates:
        return False
    _preference, _count, r, c = min(candidates)
    hidden[r, c] = True
    return True


def protect(
    rows: list[str], columns: list[str], counts: list[list[int]], *, minimum: int = 5
) -> SafeTable:
    matrix = np.array(counts, dtype=int).reshape(len(rows), len(columns))
    primary = (matrix > 0) & (matrix < minimum)
    hidden = primary.copy()
    weak: tuple[int, int] | None = None
    for _round in range(matrix.size + 1):
        while lines := _lines_with_one(hidden):
            if not _hide_partner(matrix, hidden, lines[0]):
                # No non-zero cell is left visible in that line (totals are always
                # published), so a zero becomes the partner.
                kind, number = lines[0]
                zeros = [
                    (number, o) if kind == "row" else (o, number)
                    for o in range(matrix.shape[1] if kind == "row" else matrix.shape[0])
                ]
                zeros = [cell for cell in zeros if not hidden[cell]]
                if not zeros:
                    break
                hidden[zeros[0]] = True
        weak = _weakly_protected(matrix, hidden, primary, minimum)
        if weak is None:
            break
        r, c = weak
        if not (
            _hide_partner(matrix, hidden, ("row", r)) | _hide_partner(matrix, hidden, ("column", c))
        ):
            break
    if weak is not None:  # could not be made safe: the totals only
        hidden[:] = True
    return SafeTable(rows, columns, matrix.tolist(), hidden.tolist(), primary.tolist(), minimum)


def merge_small(
    rows: list[str], columns: list[str], counts: list[list[int]], *, minimum: int, other: str
) -> tuple[list[str], list[str], list[list[int]]]:
    """Rows, then columns, whose total is under ``minimum`` merged into one ``other`` line
    (which is itself merged with the smallest line if still under the minimum). A table
    whose grand total is under the minimum has nothing safe to show: it comes back empty."""

    def merge_rows(labels: list[str], matrix: list[list[int]]) -> tuple[list[str], list[list[int]]]:
        keep = [
            (label, row) for label, row in zip(labels, matrix, strict=True) if sum(row) >= minimum
        ]
        small = [row for label, row in zip(labels, matrix, strict=True) if sum(row) < minimum]
        if small:
            merged = [sum(values) for values in zip(*small, strict=True)]
            if sum(merged) < minimum and keep:
                smallest = min(range(len(keep)), key=lambda i: sum(keep[i][1]))
                _label, row = keep.pop(smallest)
                merged = [a + b for a, b in zip(merged, row, strict=True)]
            if sum(merged) > 0:
                keep.append((other, merged))
        return [label for label, _row in keep], [row for _label, row in keep]

    if sum(sum(row) for row in counts) < minimum:
        return [], [], []
    rows, counts = merge_rows(rows, counts)
    if not counts:
        return rows, columns, counts
    transposed = [list(column) for column in zip(*counts, strict=True)]
    columns, transposed = merge_rows(columns, transposed)
    counts = (
        [list(row) for row in zip(*transposed, strict=True)] if transposed else [[] for _ in rows]
    )
    return rows, columns, counts


def _weakly_protected(
    matrix: np.ndarray, hidden: np.ndarray, primary: np.ndarray, minimum: int
) -> tuple[int, int] | None:
    published = [
        [None if hidden[r, c] else int(matrix[r, c]) for c in range(matrix.shape[1])]
        for r in range(matrix.shape[0])
    ]
    found = bounds(published, matrix.sum(axis=1).tolist(), matrix.sum(axis=0).tolist())
    for (r, c), (low, high) in found.items():
        if primary[r, c] and high - low < minimum - 1:
            return r, c
    return None
