"""Text for files that people open in a spreadsheet (Excel, LibreOffice).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to a spreadsheet, so text
that came from outside (an applicant's answer, a terminal's transaction id, a provider's
reference) could run as ``=HYPERLINK(…)`` or worse on a clerk's machine (CSV injection).
Every CSV the platform writes passes its cells through ``cell``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

# A tab or carriage return before the sign is skipped by Excel, so they count as well.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """``value`` as the text of one cell, with a leading apostrophe when a spreadsheet would
    otherwise read it as a formula. Numbers (including negative ones) stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        try:
            float(text)  # a negative number is a number, not a formula
        except ValueError:
            return "'" + text
    return text


def csv_download(header: list[str], rows: Iterable[Iterable[Any]], filename: str) -> HttpResponse:
    """A CSV file for Excel, as a download no shared cache keeps: UTF-8 with a byte-order mark
    (so Excel reads Japanese), CRLF line ends, and every cell, the header's too, through
    ``cell`` (a header can come from data: a statistics table's column labels)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow([cell(value) for value in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return response
