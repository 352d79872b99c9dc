"""Reading a call-centre or paper-voices file (CSV in UTF-8 or Shift_JIS, or Excel) into rows
``services.voices_import`` can create, or a readable list of what is wrong with it.

Headers may be Japanese or English (受付日/received_on, 内容/body…). Nothing is imported
unless every row is right: a half-imported file would leave staff guessing which rows to send
again.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from minato.core.areas import Area
from minato.insight.models import Voice
from minato.insight.voices.services import VoiceError, check_body

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = {
    "received_on": ("received_on", "受付日"),
    "body": ("body", "内容", "本文"),
    "kind": ("kind", "種別"),
    "category": ("category", "分野"),
    "area": ("area", "地区"),
    "town": ("town", "町丁目"),
    "age_band": ("age_band", "年代"),
    "channel": ("channel", "受付方法"),
}
REQUIRED = ("received_on", "body")
# Japanese labels staff type, mapped to the stored values.
_JA_VALUES = {
    "kind": {"意見": "opinion", "要望": "request", "苦情": "complaint", "お礼": "thanks"},
    "channel": {
        "電話": "phone",
        "手紙": "paper",
        "はがき": "paper",
        "メール": "email",
        "窓口": "counter",
        "ウェブ": "web",
        "LINE": "line",
    },
    "area": {
        "芝": "shiba",
        "麻布": "azabu",
        "赤坂": "akasaka",
        "高輪": "takanawa",
        "芝浦港南": "shibaura_konan",
    },
    "category": {
        "子育て・教育": "children",
        "福祉・健康": "welfare",
        "環境・ごみ": "environment",
        "道路・公園・交通": "town",
        "防災・安全": "safety",
        "手続・窓口": "services",
        "文化・スポーツ": "culture",
        "その他": "other",
    },
}


@dataclass(frozen=True)
class Problem:
    row: int  # the file's line (1 = the header)
    message: str


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # cp932 decodes almost any bytes; a NUL says it is not text at all.
        if "\x00" not in text:
            return text
    raise ImportRefused(
        [
            Problem(
                0,
                _("The file is neither UTF-8 nor Shift_JIS text. Save it as CSV (UTF-8) or Excel."),
            )
        ]
    )


def _table(content: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception:  # openpyxl raises many kinds for a broken file
            raise ImportRefused([Problem(0, _("The Excel file could not be read."))]) from None
        # At most one row past the limit is read: a sheet of formatted blank rows (Excel
        # keeps a million) is refused without being loaded whole.
        rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)
        return [[_text(cell) for cell in row] for row in rows]
    try:
        return list(itertools.islice(csv.reader(io.StringIO(_decode(content))), MAX_ROWS + 2))
    except csv.Error as exc:  # an unclosed quote running on, a field over the size limit
        message = _("The CSV file could not be read: %(error)s.") % {"error": exc}
        raise ImportRefused([Problem(0, message)]) from None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    return cell.date().isoformat() if isinstance(cell, datetime) else str(cell)


def read(content: bytes, filename: str) -> list[dict[str, Any]]:
    """The rows, each checked, or ``ImportRefused`` with every problem found."""
    if len(content) > MAX_BYTES:
        raise ImportRefused([Problem(0, _("The file is larger than 5 MB."))])
    table = [row for row in _table(content, filename) if any(cell.strip() for cell in row)]
    if not table:
        raise ImportRefused([Problem(0, _("The file is empty."))])
    header = [cell.strip() for cell in table[0]]
    positions: dict[str, int] = {}
    for name, labels in COLUMNS.items():
        for index, cell in enumerate(header):
            if cell in labels:
                positions[name] = index
    missing = [COLUMNS[name][1] for name in REQUIRED if name not in positions]
    if missing:
        raise ImportRefused(
            [
                Problem(
                    1,
                    _("Missing columns: %(columns)s. The first row must name the columns.")
                    % {"columns": "、".join(missing)},
                )
            ]
        )
    if len(table) - 1 > MAX_ROWS:
        raise ImportRefused(
            [Problem(0, _("Import at most %(count)s rows at a time.") % {"count": MAX_ROWS})]
        )
    problems: list[Problem] = []
    rows = []
    for line, raw in enumerate(table[1:], start=2):
        value = {
            name: (raw[index].strip() if index < len(raw) else "")
            for name, index in positions.items()
        }
        row, row_problems = _row(value)
        problems.extend(Problem(line, message) for message in row_problems)
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    return rows


def _choice(
    value: dict[str, str], name: str, allowed: list[str], default: str
) -> tuple[str, str | None]:
    text = value.get(name, "")
    if not text:
        return default, None
    text = _JA_VALUES.get(name, {}).get(text, text)
    if text not in allowed:
        return default, _("%(column)s: 「%(value)s」 is not one of the allowed values.") % {
            "column": COLUMNS[name][1],
            "value": value.get(name, "")[:20],
        }
    return text, None


def _row(value: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems = []
    row: dict[str, Any] = {}
    try:
        row["body"] = check_body(value.get("body", ""))
    except VoiceError as exc:
        problems.append(f"{COLUMNS['body'][1]}: {exc}")
    try:
        day = date.fromisoformat(value.get("received_on", "").replace("/", "-"))
        if day > timezone.localdate():
            raise ValueError
        row["received_at"] = timezone.make_aware(datetime.combine(day, time(12)))
    except ValueError:
        problems.append(
            _("%(column)s: write a past date as 2026-11-05.")
            % {"column": COLUMNS["received_on"][1]}
        )
    for name, allowed, default in (
        ("kind", Voice.Kind.values, Voice.Kind.OPINION),
        ("category", Voice.Category.values, Voice.Category.OTHER),
        ("area", ["", *Area.values], ""),
        ("age_band", ["", *Voice.AgeBand.values], ""),
        ("channel", Voice.Channel.values, Voice.Channel.PHONE),
    ):
        row[name], problem = _choice(value, name, allowed, default)
        if problem:
            problems.append(problem)
    row["town"] = value.get("town", "")[:20]
    return row, problems
