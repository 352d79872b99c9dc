"""Checks an uploaded CSV against a 自治体標準オープンデータセット definition.

``validate`` reads the bytes, finds their encoding, and reports what a re-user of the file
would trip over: the encoding (the standard's files are UTF-8), the header (missing,
unknown, duplicated or reordered columns), and each value by its column's kind
(``standard.definitions.KINDS``). The staff upload page lists the findings; the catalogue
shows ``Report.grade`` as the dataset's quality badge.

Outcomes, by design:

* ``validate`` never raises on bad input. Bytes that decode as nothing sensible give a report
  with one ``undecodable`` error; an empty file gives ``empty``; broken quoting stops the
  reading with ``malformed_csv``.
* ``decode`` raises ``UndecidableEncoding`` for such bytes: its callers (the upload service)
  need the text itself, and there is none to give.

Findings are capped at ``max_findings`` (then one ``too_many_findings`` warning), but every
problem is still counted, so a file's grade does not depend on where the cap falls.
Messages are English, built with ``gettext`` from templates marked with ``gettext_noop``,
so they can be translated without changing the codes that programs rely on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from minato.opendata.standard.definitions import Column, StandardDefinition
from minato.opendata.standard.lg_code import check_digit, with_check_digit

ERROR = "error"
WARNING = "warning"

# The bounds of Japan the brief of the standard's 緯度/経度 implies (decimal degrees).
LATITUDE_RANGE = (20.0, 46.0)
LONGITUDE_RANGE = (122.0, 154.0)

WEEKDAYS = frozenset("月火水木金土日祝")
# Separators people use instead of the standard's half-width ";" in a list cell.
_WRONG_SEPARATORS = re.compile(r"[、,，；]")
_WEEKDAY_SPLIT = re.compile(r"[;、,，；・/／\s]+")

_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_SLASH_DATE = re.compile(r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}\Z")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})\Z")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:[0-9]{2})?\Z"
)
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)
_PHONE = re.compile(r"[0-9]+(?:-[0-9]+)*\Z")
_POSTAL_CODE = re.compile(r"[0-9]{3}-[0-9]{4}\Z")
_POSTAL_CODE_DIGITS = re.compile(r"[0-9]{7}\Z")
_ID = re.compile(r"[0-9A-Za-z_-]+\Z")
_LG_CODE_5 = re.compile(r"[0-9]{5}\Z")
_LG_CODE_6 = re.compile(r"[0-9]{6}\Z")
# Characters no CSV text holds: C0/C1 controls other than tab and line ends, and U+FFFD.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
# The header that marks the former 推奨データセット layout.
_LEGACY_HEADER = "都道府県コード又は市区町村コード"


class UndecidableEncoding(ValueError):
    """The bytes decode as no sensible text in any encoding tried."""


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    code: str  # stable machine code, e.g. "missing_column", "bad_lg_code", "outside_japan"
    message: str  # English, from a gettext template
    row: int | None  # 1-based data row (the header is row 0), or None for the whole file
    column: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "row": self.row,
            "column": self.column,
        }


@dataclass(frozen=True)
class Report:
    encoding: str  # detected: "utf-8-sig" | "utf-8" | "shift_jis" (read as cp932) | other
    declared_encoding: str  # what the uploader said, "" if nothing
    rows: int  # data rows read (blank rows not counted)
    findings: tuple[Finding, ...]
    # Counted over the whole file, past max_findings, so that the grade is exact.
    error_count: int = 0
    warning_count: int = 0
    error_rows: int = 0  # data rows with at least one error
    # The file could not be read through, or a required column is missing.
    blocking: bool = False

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == WARNING)

    @property
    def grade(self) -> str:
        """A: clean; B: warnings only; C: errors in under 5 % of rows with every required
        column present; D: anything worse."""
        errors = max(self.error_count, len(self.errors))
        warnings = max(self.warning_count, len(self.warnings))
        if not errors:
            return "B" if warnings else "A"
        if not self.blocking and self.rows > 0 and self.error_rows * 20 < self.rows:
            return "C"
        return "D"

    def as_dict(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "declared_encoding": self.declared_encoding,
            "rows": self.rows,
            "grade": self.grade,
            "error_count": max(self.error_count, len(self.errors)),
            "warning_count": max(self.warning_count, len(self.warnings)),
            "error_rows": self.error_rows,
            "blocking": self.blocking,
            "findings": [finding.as_dict() for finding in self.findings],
        }


# --- Encoding -------------------------------------------------------------------------------


# Names browsers and spreadsheets give Shift_JIS that Python's codec registry lacks.
_ALIASES = {
    "windows-31j": "cp932",
    "x-sjis": "shift_jis",
    "x-ms-cp932": "cp932",
    "csshiftjis": "shift_jis",
    "cswindows31j": "cp932",
}


def _codec(name: str) -> str | None:
    """Python's canonical name of an encoding name, or None if Python does not know it."""
    name = name.strip()
    if not name:
        return None
    name = _ALIASES.get(name.lower(), name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _family(codec: str) -> str:
    """Codecs a declaration may name for the same bytes: Shift_JIS is written many ways."""
    if codec in ("utf-8", "utf-8-sig"):
        return "utf-8"
    if codec in ("cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"):
        return "shift_jis"
    return codec


def _sensible(text: str) -> bool:
    # Any bytes decode in a single-byte code page; real CSV text has no control characters.
    if not text:
        return True
    return len(_NOT_TEXT.findall(text)) * 100 <= len(text)


def _attempt(data: bytes, codec: str) -> str | None:
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if _sensible(text) else None


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset_normalizer's best reading of bytes that are neither UTF-8 nor Shift_JIS."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            return None
        codec = codecs.lookup(best.encoding).name
        text = str(best)
    except Exception:  # a detector's failure must not become the uploader's
        return None
    return (text, codec) if _sensible(text) else None


def decode(data: bytes, declared: str = "") -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in.

    UTF-8 is tried first, since Shift_JIS bytes are almost never valid UTF-8 while the
    reverse decodes as mojibake; then the declared encoding, then cp932 (Shift_JIS as Windows
    writes it), then charset_normalizer's guess. Raises ``UndecidableEncoding`` when nothing
    gives sensible text.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _attempt(data[len(codecs.BOM_UTF8) :], "utf-8")
        if text is not None:
            return text, "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _attempt(data, "utf-16")
        if text is not None:
            return text, "utf-16"
    text = _attempt(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    declared_codec = _codec(declared)
    if declared_codec and _family(declared_codec) not in ("utf-8", "shift_jis"):
        text = _attempt(data, declared_codec)
        if text is not None:
            return text, declared_codec
    text = _attempt(data, "cp932")
    if text is not None:
        return text, "shift_jis"
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    raise UndecidableEncoding("The bytes are not text in any encoding tried.")


def _declared_fits(data: bytes, text: str, encoding: str, declared_codec: str) -> bool:
    """Whether reading the bytes as declared gives the text we read (ASCII fits all)."""
    if _family(declared_codec) == _family(encoding):
        return True
    codec = "utf-8-sig" if _family(declared_codec) == "utf-8" else declared_codec
    try:
        return data.decode(codec) == text
    except (UnicodeDecodeError, LookupError):
        return False


# --- Findings -------------------------------------------------------------------------------


class _Collector:
    """Keeps up to ``limit`` findings and counts all of them."""

    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 0)
        self.findings: list[Finding] = []
        self.errors = 0
        self.warnings = 0
        self.error_rows = 0
        self.dropped = 0
        self._last_error_row: int | None = None

    def add(
        self,
        severity: str,
        code: str,
        row: int | None,
        column: str | None,
        template: str,
        /,
        **params: Any,
    ) -> None:
        if severity == ERROR:
            self.errors += 1
            if row and row != self._last_error_row:
                self.error_rows += 1
                self._last_error_row = row
        else:
            self.warnings += 1
        if len(self.findings) >= self.limit:
            self.dropped += 1
            return
        # Translated when kept only: past the cap nothing reads the message.
        message = _(template) % params if params else _(template)
        self.findings.append(Finding(severity, code, message, row, column))

    def finish(self) -> tuple[Finding, ...]:
        if self.dropped:
            self.warnings += 1
            message = _(
                "%(count)d more findings were not listed; correct the ones above and check again."
            ) % {"count": self.dropped}
            self.findings.append(Finding(WARNING, "too_many_findings", message, None, None))
        return tuple(self.findings)


def _shown(value: str) -> str:
    """A value as quoted in a message: short, on one line, without control characters
    (PostgreSQL's JSON cannot hold NUL, and the report is stored)."""
    value = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value)
    return value if len(value) <= 40 else value[:39] + "…"


# --- Checks by kind -------------------------------------------------------------------------

# A problem a value has: severity, code, message template and its parameters. The column
# and the value are added to the parameters by the caller.
Problem = tuple[str, str, str, dict[str, Any]]
Check = Callable[[str], "Problem | None"]


def _problem(severity: str, code: str, template: str, **params: Any) -> Problem:
    return severity, code, template, params


def _check_lg_code(value: str) -> Problem | None:
    if _LG_CODE_6.match(value):
        expected = check_digit(value[:5])
        if value[5] == expected:
            return None
        return _problem(
            ERROR,
            "bad_lg_code",
            gettext_noop("%(column)s: %(value)s has a wrong check digit; the code is %(fixed)s."),
            fixed=value[:5] + expected,
        )
    if _LG_CODE_5.match(value):
        return _problem(
            ERROR,
            "bad_lg_code",
            gettext_noop(
                "%(column)s: %(value)s has 5 digits; the standard uses 6, with the check "
                "digit: %(fixed)s."
            ),
            fixed=with_check_digit(value),
        )
    return _problem(
        ERROR,
        "bad_lg_code",
        gettext_noop("%(column)s: %(value)s is not a 6-digit local government code."),
    )


def _check_coordinate(value: str, *, latitude: bool) -> Problem | None:
    if not _DECIMAL.match(value):
        return _problem(
            ERROR,
            "not_a_number",
            gettext_noop("%(column)s: %(value)s is not a number in decimal degrees."),
        )
    number = float(value)
    low, high = LATITUDE_RANGE if latitude else LONGITUDE_RANGE
    if low <= number <= high:
        return None
    other_low, other_high = LONGITUDE_RANGE if latitude else LATITUDE_RANGE
    if other_low <= number <= other_high:
        return _problem(
            ERROR,
            "outside_japan",
            gettext_noop(
                "%(column)s: %(value)s is outside Japan; latitude and longitude look swapped."
            ),
        )
    return _problem(
        ERROR,
        "outside_japan",
        gettext_noop("%(column)s: %(value)s is outside Japan (%(low)s to %(high)s)."),
        low=low,
        high=high,
    )


def _check_latitude(value: str) -> Problem | None:
    return _check_coordinate(value, latitude=True)


def _check_longitude(value: str) -> Problem | None:
    return _check_coordinate(value, latitude=False)


def _check_flag(value: str) -> Problem | None:
    if value == "1":
        return None
    return _problem(
        ERROR,
        "bad_flag",
        gettext_noop('%(column)s: %(value)s should be "1" (yes) or blank (no).'),
    )


def _check_date(value: str) -> Problem | None:
    match = _DATE.match(value)
    if match:
        try:
            date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return _problem(
                ERROR, "bad_date", gettext_noop("%(column)s: %(value)s is not a calendar date.")
            )
        return None
    if _SLASH_DATE.match(value):
        return _problem(
            ERROR,
            "bad_date",
            gettext_noop("%(column)s: %(value)s should be written YYYY-MM-DD, with hyphens."),
        )
    return _problem(
        ERROR, "bad_date", gettext_noop("%(column)s: %(value)s is not a date (YYYY-MM-DD).")
    )


def _check_time(value: str) -> Problem | None:
    match = _TIME.match(value)
    if match:
        hours, minutes = int(match[1]), int(match[2])
        # 24:00 is how a closing time at midnight is written.
        if minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0)):
            return None
    return _problem(ERROR, "bad_time", gettext_noop("%(column)s: %(value)s is not a time (hh:mm)."))


def _check_datetime(value: str) -> Problem | None:
    if _DATETIME.match(value):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None
    return _problem(
        ERROR,
        "bad_datetime",
        gettext_noop("%(column)s: %(value)s is not a date and time (YYYY-MM-DDThh:mm)."),
    )


def _check_integer(value: str) -> Problem | None:
    if _INTEGER.match(value):
        return None
    if _INTEGER.match(value.replace(",", "")):
        return _problem(
            ERROR,
            "bad_integer",
            gettext_noop("%(column)s: %(value)s should be written without thousands separators."),
        )
    return _problem(
        ERROR, "bad_integer", gettext_noop("%(column)s: %(value)s is not a whole number.")
    )


def _check_decimal(value: str) -> Problem | None:
    if _DECIMAL.match(value):
        return None
    return _problem(ERROR, "bad_decimal", gettext_noop("%(column)s: %(value)s is not a number."))


def _check_weekdays(value: str) -> Problem | None:
    days = [day for day in _WEEKDAY_SPLIT.split(value) if day]
    if not days or any(day not in WEEKDAYS for day in days):
        return _problem(
            ERROR,
            "bad_weekdays",
            gettext_noop(
                "%(column)s: %(value)s should list days from 月火水木金土日祝, separated by "
                '";" (e.g. 月;火;水).'
            ),
        )
    if _WRONG_SEPARATORS.search(value) or (len(days) > 1 and ";" not in value):
        return _problem(
            WARNING,
            "multi_separator",
            gettext_noop('%(column)s: separate the days with a half-width ";" (月;火;水).'),
        )
    return None


def _check_multi(value: str) -> Problem | None:
    if _WRONG_SEPARATORS.search(value):
        return _problem(
            WARNING,
            "multi_separator",
            gettext_noop(
                '%(column)s: %(value)s: the standard separates values with a half-width ";", '
                'not "、", "," or "；".'
            ),
        )
    return None


def _check_url(value: str) -> Problem | None:
    if _URL.match(value):
        return None
    return _problem(
        ERROR,
        "bad_url",
        gettext_noop("%(column)s: %(value)s is not a web address starting http:// or https://."),
    )


def _check_phone(value: str) -> Problem | None:
    if _PHONE.match(value):
        return None
    return _problem(
        ERROR,
        "bad_phone",
        gettext_noop(
            "%(column)s: %(value)s should be digits and hyphens only (e.g. 03-3578-2111)."
        ),
    )


def _check_postal_code(value: str) -> Problem | None:
    if _POSTAL_CODE.match(value):
        return None
    if _POSTAL_CODE_DIGITS.match(value):
        return _problem(
            WARNING,
            "postal_code_format",
            gettext_noop("%(column)s: write %(value)s as NNN-NNNN, with a hyphen."),
        )
    return _problem(
        ERROR,
        "bad_postal_code",
        gettext_noop("%(column)s: %(value)s is not a postal code (NNN-NNNN)."),
    )


def _check_id(value: str) -> Problem | None:
    if _ID.match(value):
        return None
    return _problem(
        WARNING,
        "id_characters",
        gettext_noop(
            "%(column)s: %(value)s: IDs are written in half-width letters, digits, - and _."
        ),
    )


_CHECKS: dict[str, Check | None] = {
    "text": None,
    "lg_name": None,
    "lg_code": _check_lg_code,
    "id": _check_id,
    "integer": _check_integer,
    "decimal": _check_decimal,
    "latitude": _check_latitude,
    "longitude": _check_longitude,
    "flag": _check_flag,
    "date": _check_date,
    "time": _check_time,
    "datetime": _check_datetime,
    "weekdays": _check_weekdays,
    "multi": _check_multi,
    "url": _check_url,
    "phone": _check_phone,
    "postal_code": _check_postal_code,
}
# Kinds whose values are machine-read, so that surrounding spaces and full-width digits matter.
_STRICT_KINDS = frozenset(_CHECKS) - {"text", "lg_name", "multi"}


def _check_value(value: str, column: Column, check: Check | None) -> list[Problem]:
    problems: list[Problem] = []
    if column.kind in _STRICT_KINDS and value != value.strip():
        problems.append(
            _problem(
                WARNING,
                "surrounding_whitespace",
                gettext_noop("%(column)s: %(value)s has spaces around the value."),
            )
        )
        value = value.strip()
    if check is None:
        return problems
    problem = check(value)
    if problem is not None and problem[0] == ERROR:
        # Full-width digits and hyphens are the commonest cause; say so when it is the cause.
        normalized = unicodedata.normalize("NFKC", value).replace("ー", "-").replace("−", "-")
        if normalized != value and check(normalized) is None:
            problem = _problem(
                ERROR,
                "full_width_characters",
                gettext_noop("%(column)s: %(value)s uses full-width characters: write %(fixed)s."),
                fixed=normalized,
            )
    if problem is not None:
        problems.append(problem)
    return problems


# --- The header -----------------------------------------------------------------------------


def _loose(name: str) -> str:
    """A header name compared loosely: width, spaces and the kind of brackets ignored."""
    folded = unicodedata.normalize("NFKC", name)
    return re.sub(r"\s+", "", folded).replace("_", "").lower()


@dataclass
class _Header:
    # (position in the file, column, check) of each recognised standard column.
    mapped: list[tuple[int, Column, Check | None]]
    width: int
    blocking: bool


def _read_header(header: list[str], definition: StandardDefinition, found: _Collector) -> _Header:
    row = 0
    if len(header) == 1 and ("\t" in header[0] or ";" in header[0]):
        found.add(
            ERROR,
            "not_comma_separated",
            row,
            None,
            gettext_noop("The header has one column: the file seems not to be comma-separated."),
        )
    loose = {_loose(column.name): column for column in definition.columns}
    order = {column.name: index for index, column in enumerate(definition.columns)}
    seen: dict[str, int] = {}
    mapped: list[tuple[int, Column, Check | None]] = []
    for position, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").strip()
        column = definition.column(name)
        if column is None and name:
            column = loose.get(_loose(name))
            if column is not None:
                found.add(
                    WARNING,
                    "header_spelling",
                    row,
                    column.name,
                    gettext_noop(
                        'The column "%(found)s" is written "%(expected)s" in the standard.'
                    ),
                    found=_shown(raw),
                    expected=column.name,
                )
        elif column is not None and name != raw:
            found.add(
                WARNING,
                "header_spelling",
                row,
                column.name,
                gettext_noop('The column "%(expected)s" has spaces around its name.'),
                expected=column.name,
            )
        if column is None:
            if not name:
                found.add(
                    WARNING,
                    "blank_header",
                    row,
                    None,
                    gettext_noop("Column %(position)d has no name."),
                    position=position + 1,
                )
            else:
                found.add(
                    WARNING,
                    "unknown_column",
                    row,
                    name,
                    gettext_noop('The column "%(name)s" is not in the standard %(title)s.'),
                    name=_shown(name),
                    title=definition.title_ja,
                )
            continue
        if column.name in seen:
            found.add(
                ERROR,
                "duplicate_column",
                row,
                column.name,
                gettext_noop(
                    'The column "%(name)s" appears more than once (columns %(first)d '
                    "and %(again)d)."
                ),
                name=column.name,
                first=seen[column.name] + 1,
                again=position + 1,
            )
            continue
        seen[column.name] = position
        mapped.append((position, column, _CHECKS[column.kind]))

    if _LEGACY_HEADER in (name.strip() for name in header):
        found.add(
            WARNING,
            "legacy_layout",
            row,
            None,
            gettext_noop(
                "The header follows the former 推奨データセット; the current standard starts "
                "全国地方公共団体コード, ID, 地方公共団体名."
            ),
        )

    blocking = False
    missing_optional: list[str] = []
    for column in definition.columns:
        if column.name in seen:
            continue
        if column.required:
            blocking = True
            found.add(
                ERROR,
                "missing_column",
                row,
                column.name,
                gettext_noop('The required column "%(name)s" is missing.'),
                name=column.name,
            )
        else:
            missing_optional.append(column.name)
    if missing_optional:
        listed = "、".join(missing_optional[:10]) + ("…" if len(missing_optional) > 10 else "")
        found.add(
            WARNING,
            "missing_columns",
            row,
            None,
            gettext_noop(
                "%(count)d columns of the standard are missing (%(names)s); include them, "
                "empty if need be."
            ),
            count=len(missing_optional),
            names=listed,
        )

    previous: Column | None = None
    for _position, column, _check in mapped:
        if previous is not None and order[column.name] < order[previous.name]:
            found.add(
                WARNING,
                "column_order",
                row,
                column.name,
                gettext_noop(
                    'The columns are not in the standard\'s order: "%(name)s" comes before '
                    '"%(previous)s" in the standard.'
                ),
                name=column.name,
                previous=previous.name,
            )
            break
        previous = column
    return _Header(mapped=mapped, width=len(header), blocking=blocking)


# --- Validation -----------------------------------------------------------------------------


def _encoding_findings(
    data: bytes, text: str, encoding: str, declared: str, found: _Collector
) -> None:
    utf8 = _family(encoding) == "utf-8"
    if not declared.strip():
        if not utf8:
            found.add(
                WARNING,
                "undeclared_encoding",
                None,
                None,
                gettext_noop(
                    "No encoding was declared; the file was read as %(encoding)s. The "
                    "standard's files are UTF-8."
                ),
                encoding=encoding,
            )
        return
    declared_codec = _codec(declared)
    if declared_codec is None:
        found.add(
            WARNING,
            "unknown_declared_encoding",
            None,
            None,
            gettext_noop(
                'The declared encoding "%(declared)s" is unknown; the file was read as '
                "%(encoding)s."
            ),
            declared=_shown(declared),
            encoding=encoding,
        )
    elif not _declared_fits(data, text, encoding, declared_codec):
        found.add(
            ERROR,
            "declared_encoding_mismatch",
            None,
            None,
            gettext_noop(
                "The file was declared as %(declared)s but its bytes are %(encoding)s; it was "
                "read as %(encoding)s."
            ),
            declared=_shown(declared),
            encoding=encoding,
        )
    if not utf8:
        found.add(
            WARNING,
            "not_utf8",
            None,
            None,
            gettext_noop("The file is %(encoding)s; the standard's files are UTF-8."),
            encoding=encoding,
        )


def validate(
    data: bytes,
    definition: StandardDefinition,
    *,
    declared_encoding: str = "",
    max_findings: int = 200,
) -> Report:
    """Validate CSV bytes against a standard definition. Never raises on bad input."""
    found = _Collector(max_findings)

    def report(encoding: str, rows: int, *, blocking: bool) -> Report:
        findings = found.finish()
        return Report(
            encoding=encoding,
            declared_encoding=declared_encoding,
            rows=rows,
            findings=findings,
            error_count=found.errors,
            warning_count=found.warnings,
            error_rows=found.error_rows,
            blocking=blocking,
        )

    try:
        text, encoding = decode(data, declared_encoding)
    except UndecidableEncoding:
        found.add(
            ERROR,
            "undecodable",
            None,
            None,
            gettext_noop("The file is not text in UTF-8, Shift_JIS or another known encoding."),
        )
        return report("", 0, blocking=True)

    _encoding_findings(data, text, encoding, declared_encoding, found)
    if not text.strip():
        found.add(ERROR, "empty", None, None, gettext_noop("The file is empty."))
        return report(encoding, 0, blocking=True)

    # newline="" keeps line breaks inside quoted values for the csv module to handle.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = 0
    row = -1  # the header is row 0: a quoting error in it is reported there
    try:
        header_record = next(reader)
        if not any(name.strip() for name in header_record):
            found.add(ERROR, "missing_header", 0, None, gettext_noop("The first line is empty."))
            return report(encoding, 0, blocking=True)
        row = 0
        header = _read_header(header_record, definition, found)
        seen_ids: dict[str, int] = {}
        for record in reader:
            row += 1
            if not record or not any(field.strip() for field in record):
                found.add(WARNING, "blank_row", row, None, gettext_noop("The row is empty."))
                continue
            rows += 1
            if len(record) != header.width:
                if len(record) > header.width and not any(
                    field.strip() for field in record[header.width :]
                ):
                    found.add(
                        WARNING,
                        "trailing_empty_fields",
                        row,
                        None,
                        gettext_noop("The row has empty fields after the last column."),
                    )
                else:
                    found.add(
                        ERROR,
                        "wrong_field_count",
                        row,
                        None,
                        gettext_noop("The row has %(found)d fields; the header has %(expected)d."),
                        found=len(record),
                        expected=header.width,
                    )
            width = len(record)
            for position, column, check in header.mapped:
                value = record[position] if position < width else ""
                if not value.strip():
                    if column.required and column.kind != "flag":
                        found.add(
                            ERROR,
                            "required_value_missing",
                            row,
                            column.name,
                            gettext_noop("%(column)s is required and is empty."),
                            column=column.name,
                        )
                    continue
                for severity, code, template, params in _check_value(value, column, check):
                    found.add(
                        severity,
                        code,
                        row,
                        column.name,
                        template,
                        column=column.name,
                        value=_shown(value),
                        **params,
                    )
                if column.kind == "id":
                    key = value.strip()
                    first = seen_ids.get(key)
                    if first is None:
                        seen_ids[key] = row
                    else:
                        found.add(
                            ERROR,
                            "duplicate_id",
                            row,
                            column.name,
                            gettext_noop("%(column)s: %(value)s is already used in row %(first)d."),
                            column=column.name,
                            value=_shown(value),
                            first=first,
                        )
    except csv.Error as error:
        found.add(
            ERROR,
            "malformed_csv",
            row + 1,
            None,
            gettext_noop(
                "The file could not be read past this row (%(reason)s): check the quotes."
            ),
            reason=str(error),
        )
        return report(encoding, rows, blocking=True)

    if rows == 0:
        found.add(
            WARNING, "no_rows", None, None, gettext_noop("The file has a header but no rows.")
        )
    return report(encoding, rows, blocking=header.blocking)
