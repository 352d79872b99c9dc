"""The CSV validator: encodings, the header, each kind of value, grades and shipped data."""

from __future__ import annotations

import codecs
import csv
import io
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minato.opendata import validator
from minato.opendata.standard.definitions import (
    DEFINITIONS,
    Column,
    StandardDefinition,
)
from minato.opendata.standard.lg_code import MINATO_LG_CODE, MINATO_NAME
from minato.opendata.validator import Report, UndecidableEncoding, decode, validate


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    # The messages are asserted in their English source; pages show them translated.
    from django.utils import translation

    with translation.override("en"):
        yield


DATA_DIR = Path(__file__).resolve().parents[1] / "data"
AED = DEFINITIONS["aed"]
EVACUATION = DEFINITIONS["evacuation-sites"]
EVENTS = DEFINITIONS["events"]
CHILDCARE = DEFINITIONS["childcare-facilities"]
WIFI = DEFINITIONS["wifi-spots"]

Row = dict[str, str]


def to_csv(
    header: list[str],
    rows: Iterable[Row | list[str]],
    *,
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, dict):
            unknown = set(row) - set(header)
            assert not unknown, unknown
            writer.writerow([row.get(name, "") for name in header])
        else:
            writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def standard_csv(definition: StandardDefinition, rows: Iterable[Row], **kwargs: str) -> bytes:
    return to_csv(definition.header(), rows, **kwargs)


def aed_row(number: int = 1, **values: str) -> Row:
    row = {
        "全国地方公共団体コード": MINATO_LG_CODE,
        "ID": f"AED{number:04d}",
        "地方公共団体名": MINATO_NAME,
        "名称": "港区役所本庁舎",
        "名称_カナ": "ミナトクヤクショホンチョウシャ",
        "名称_英字": "Minato City Hall",
        "所在地_全国地方公共団体コード": MINATO_LG_CODE,
        "所在地_連結表記": "東京都港区芝公園一丁目5-25",
        "所在地_都道府県": "東京都",
        "所在地_市区町村": "港区",
        "設置位置": "1階 区民課前ロビー",
        "緯度": "35.658070",
        "経度": "139.751580",
        "高度の種別": "階数",
        "高度の値": "1",
        "電話番号": "03-3578-2111",
        "郵便番号": "105-8511",
        "利用可能曜日": "月;火;水;木;金",
        "開始時間": "08:30",
        "終了時間": "17:15",
        "小児対応設備の有無": "有",
        "URL": "https://www.city.minato.tokyo.jp/",
    }
    row.update(values)
    return row


def evacuation_row(number: int = 1, **values: str) -> Row:
    row = {
        "全国地方公共団体コード": MINATO_LG_CODE,
        "ID": f"E{number:04d}",
        "名称": "芝公園",
        "所在地_連結表記": "東京都港区芝公園四丁目",
        "緯度": "35.656000",
        "経度": "139.748000",
        "電話番号": "03-3578-2111",
        "市区町村コード": MINATO_LG_CODE,
        "地方公共団体名": MINATO_NAME,
        "災害種別_地震": "1",
        "災害種別_大規模な火事": "1",
        "対象となる町会・自治会": "芝公園町会;芝大門町会",
    }
    row.update(values)
    return row


def codes(report: Report) -> list[str]:
    return [finding.code for finding in report.findings]


def only(report: Report, code: str) -> validator.Finding:
    matching = [finding for finding in report.findings if finding.code == code]
    assert len(matching) == 1, report.findings
    return matching[0]


# --- A clean file ---------------------------------------------------------------------------


def test_a_clean_utf8_file_has_no_findings_and_grade_a() -> None:
    report = validate(standard_csv(AED, [aed_row(1), aed_row(2)]), AED)
    assert report.findings == ()
    assert (report.encoding, report.declared_encoding, report.rows) == ("utf-8", "", 2)
    assert report.grade == "A"
    assert report.errors == () and report.warnings == ()


def test_the_report_is_json_serialisable() -> None:
    data = standard_csv(AED, [aed_row(1, 緯度="95.1")], encoding="cp932")
    report = validate(data, AED, declared_encoding="utf-8")
    loaded = json.loads(json.dumps(report.as_dict()))
    assert loaded["grade"] == report.grade == "D"
    assert loaded["encoding"] == "shift_jis"
    assert loaded["declared_encoding"] == "utf-8"
    assert {finding["code"] for finding in loaded["findings"]} >= {
        "declared_encoding_mismatch",
        "outside_japan",
    }
    assert loaded["error_count"] == len(report.errors)


# --- Encodings ------------------------------------------------------------------------------


def test_a_utf8_file_with_a_bom_is_read_without_the_bom() -> None:
    data = codecs.BOM_UTF8 + standard_csv(AED, [aed_row()])
    text, encoding = decode(data)
    assert encoding == "utf-8-sig"
    assert text.startswith("全国地方公共団体コード")
    report = validate(data, AED, declared_encoding="UTF-8")
    assert report.grade == "A", report.findings
    assert report.encoding == "utf-8-sig"


def test_an_undeclared_shift_jis_file_is_detected_and_reported() -> None:
    data = standard_csv(AED, [aed_row()], encoding="cp932")
    text, encoding = decode(data)
    assert encoding == "shift_jis"
    assert "港区役所本庁舎" in text
    report = validate(data, AED)
    assert codes(report) == ["undeclared_encoding"]
    assert report.findings[0].row is None
    assert report.grade == "B"


def test_a_shift_jis_file_declared_as_shift_jis_is_only_warned_about_utf8() -> None:
    data = standard_csv(AED, [aed_row()], encoding="cp932")
    for declared in ("Shift_JIS", "cp932", "sjis", "windows-31j", "ms932"):
        report = validate(data, AED, declared_encoding=declared)
        assert codes(report) == ["not_utf8"], declared
        assert report.grade == "B"


def test_a_shift_jis_file_declared_as_utf8_is_reported() -> None:
    data = standard_csv(AED, [aed_row()], encoding="cp932")
    report = validate(data, AED, declared_encoding="utf-8")
    finding = only(report, "declared_encoding_mismatch")
    assert finding.severity == "error"
    assert report.encoding == "shift_jis"
    # The file was still read correctly, so its values were checked and passed.
    assert report.rows == 1
    assert report.grade == "C"


def test_a_utf8_file_declared_as_shift_jis_is_reported() -> None:
    data = standard_csv(AED, [aed_row()])
    report = validate(data, AED, declared_encoding="shift_jis")
    assert only(report, "declared_encoding_mismatch").severity == "error"
    assert report.encoding == "utf-8"


def test_an_ascii_file_fits_any_ascii_compatible_declaration() -> None:
    definition = StandardDefinition(
        key="ascii",
        title_ja="試験",
        title_en="Test",
        columns=(Column("ID", "id", required=True, note="ID"),),
        source_url="https://www.digital.go.jp/",
    )
    data = b"ID\r\nA1\r\n"
    for declared in ("shift_jis", "euc-jp", "utf-8", "latin-1"):
        report = validate(data, definition, declared_encoding=declared)
        assert report.findings == (), declared


def test_an_unknown_declared_encoding_is_warned_about_and_the_bytes_are_read() -> None:
    report = validate(standard_csv(AED, [aed_row()]), AED, declared_encoding="klingon-8")
    assert codes(report) == ["unknown_declared_encoding"]
    assert report.rows == 1


def test_an_euc_jp_file_declared_as_such_is_read_in_its_encoding() -> None:
    data = standard_csv(AED, [aed_row()], encoding="euc_jp")
    text, encoding = decode(data, "EUC-JP")
    assert encoding == "euc_jp"
    assert "港区役所本庁舎" in text
    report = validate(data, AED, declared_encoding="euc-jp")
    assert codes(report) == ["not_utf8"]


def test_bytes_that_are_no_text_cannot_be_decoded_and_give_an_undecodable_report() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(UndecidableEncoding):
        decode(png)
    report = validate(png, AED)
    assert codes(report) == ["undecodable"]
    assert report.encoding == ""
    assert report.grade == "D"


def test_an_empty_file_is_an_error() -> None:
    for data in (b"", codecs.BOM_UTF8, b"\r\n\r\n", b"   "):
        report = validate(data, AED)
        assert codes(report) == ["empty"], data
        assert report.rows == 0
        assert report.grade == "D"


# --- The header -----------------------------------------------------------------------------


def test_a_missing_required_column_is_an_error_and_grades_d() -> None:
    header = [name for name in AED.header() if name != "設置位置"]
    rows = [{k: v for k, v in aed_row(n).items() if k != "設置位置"} for n in range(1, 40)]
    report = validate(to_csv(header, rows), AED)
    finding = only(report, "missing_column")
    assert (finding.severity, finding.row, finding.column) == ("error", 0, "設置位置")
    assert report.blocking
    assert report.grade == "D"


def test_missing_optional_columns_are_one_warning() -> None:
    header = [name for name in AED.header() if name not in ("画像", "画像_ライセンス", "備考")]
    report = validate(to_csv(header, [aed_row()]), AED)
    finding = only(report, "missing_columns")
    assert finding.severity == "warning"
    assert "画像_ライセンス" in finding.message
    assert report.grade == "B"


def test_unknown_columns_are_warnings() -> None:
    header = [*AED.header(), "独自項目"]
    report = validate(to_csv(header, [{**aed_row(), "独自項目": "x"}]), AED)
    finding = only(report, "unknown_column")
    assert (finding.severity, finding.column, finding.row) == ("warning", "独自項目", 0)
    assert report.grade == "B"


def test_columns_out_of_the_standards_order_are_a_warning() -> None:
    header = AED.header()
    header[3], header[4] = header[4], header[3]
    report = validate(to_csv(header, [aed_row()]), AED)
    finding = only(report, "column_order")
    assert finding.severity == "warning"
    assert report.grade == "B"


def test_a_duplicated_header_is_an_error() -> None:
    header = [*AED.header(), "名称"]
    report = validate(to_csv(header, [[*standard_row(AED, aed_row()), "別名"]]), AED)
    finding = only(report, "duplicate_column")
    assert (finding.severity, finding.column) == ("error", "名称")


def standard_row(definition: StandardDefinition, row: Row) -> list[str]:
    return [row.get(name, "") for name in definition.header()]


def test_a_header_spelled_with_full_width_parentheses_is_recognised_with_a_warning() -> None:
    header = ["建物名等（方書）" if name == "建物名等(方書)" else name for name in AED.header()]
    report = validate(to_csv(header, [aed_row()]), AED)
    finding = only(report, "header_spelling")
    assert finding.column == "建物名等(方書)"
    assert "missing_columns" not in codes(report)


def test_the_former_recommended_layout_is_recognised() -> None:
    header = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "住所"]
    report = validate(to_csv(header, [["131032", "1", "東京都", "港区", "区役所", "芝公園"]]), AED)
    assert "legacy_layout" in codes(report)
    assert {f.column for f in report.findings if f.code == "missing_column"} == {
        "所在地_連結表記",
        "設置位置",
    }
    assert report.grade == "D"


def test_a_tab_separated_file_is_reported_as_not_comma_separated() -> None:
    data = (
        "\t".join(AED.header()).encode()
        + b"\r\n"
        + "\t".join(standard_row(AED, aed_row())).encode()
    )
    report = validate(data, AED)
    assert "not_comma_separated" in codes(report)
    assert report.grade == "D"


def test_a_blank_first_line_is_a_missing_header() -> None:
    report = validate(b"\r\n" + standard_csv(AED, [aed_row()]), AED)
    assert codes(report) == ["missing_header"]
    assert report.grade == "D"


def test_a_header_without_rows_is_a_warning() -> None:
    report = validate(standard_csv(AED, []), AED)
    assert codes(report) == ["no_rows"]
    assert report.rows == 0
    assert report.grade == "B"


# --- Rows -----------------------------------------------------------------------------------


def test_a_row_with_the_wrong_number_of_fields_is_an_error() -> None:
    short = standard_row(AED, aed_row(2))[:-3]
    report = validate(to_csv(AED.header(), [aed_row(1), short]), AED)
    finding = only(report, "wrong_field_count")
    assert (finding.severity, finding.row) == ("error", 2)


def test_empty_fields_after_the_last_column_are_only_a_warning() -> None:
    report = validate(to_csv(AED.header(), [[*standard_row(AED, aed_row()), "", ""]]), AED)
    assert codes(report) == ["trailing_empty_fields"]


def test_blank_rows_are_warned_about_and_not_counted() -> None:
    data = (
        standard_csv(AED, [aed_row(1)])
        + b",,,\r\n\r\n"
        + standard_csv(AED, [aed_row(2)])[len(",".join(AED.header()).encode()) + 2 :]
    )
    report = validate(data, AED)
    assert codes(report) == ["blank_row", "blank_row"]
    assert report.rows == 2
    assert [f.row for f in report.findings] == [2, 3]


def test_a_required_value_left_blank_is_an_error_with_its_row_and_column() -> None:
    report = validate(standard_csv(AED, [aed_row(1), aed_row(2, 名称="")]), AED)
    finding = only(report, "required_value_missing")
    assert (finding.severity, finding.row, finding.column) == ("error", 2, "名称")


def test_a_quoted_value_with_commas_and_line_breaks_is_one_value() -> None:
    row = aed_row(1, 設置位置="1階, 区民課前\n（夜間は守衛室）", 備考='"AED" と表示')
    report = validate(standard_csv(AED, [row]), AED)
    assert report.findings == ()
    assert report.rows == 1


def test_broken_quoting_stops_the_reading_with_an_error() -> None:
    data = standard_csv(AED, [aed_row(1)]) + b'131032,"AED2"x,\r\n'
    report = validate(data, AED)
    finding = only(report, "malformed_csv")
    assert finding.row == 2
    assert report.grade == "D"


def test_broken_quoting_in_the_header_is_reported_on_row_0() -> None:
    report = validate(b'"ID"x,\xe5\x90\x8d\xe7\xa7\xb0\r\n1,2\r\n', AED)
    assert [(f.code, f.row) for f in report.findings] == [("malformed_csv", 0)]
    assert report.grade == "D"


def test_a_duplicate_id_is_an_error() -> None:
    report = validate(standard_csv(AED, [aed_row(1), aed_row(2, ID="AED0001")]), AED)
    finding = only(report, "duplicate_id")
    assert (finding.row, finding.column) == (2, "ID")
    assert "row 1" in finding.message


def test_an_id_with_other_characters_is_a_warning() -> None:
    report = validate(standard_csv(AED, [aed_row(1, ID="AED 1")]), AED)
    assert only(report, "id_characters").severity == "warning"


# --- Values by kind -------------------------------------------------------------------------


def check(definition: StandardDefinition, row: Row) -> list[tuple[str, str, str | None]]:
    report = validate(standard_csv(definition, [row]), definition)
    return [(f.severity, f.code, f.column) for f in report.findings]


@pytest.mark.parametrize("code", ["131033", "13103", "1310", "13103X", "000000"])
def test_a_bad_local_government_code_is_reported(code: str) -> None:
    row = aed_row(全国地方公共団体コード=code)
    assert check(AED, row) == [("error", "bad_lg_code", "全国地方公共団体コード")]


def test_a_five_digit_code_is_told_its_check_digit() -> None:
    report = validate(standard_csv(AED, [aed_row(所在地_全国地方公共団体コード="13103")]), AED)
    assert "131032" in only(report, "bad_lg_code").message


@pytest.mark.parametrize(
    ("latitude", "longitude", "code", "column"),
    [
        ("95.1", "139.75", "outside_japan", "緯度"),
        ("35.65", "100.0", "outside_japan", "経度"),
        ("19.9", "139.75", "outside_japan", "緯度"),
        ("35.65", "154.1", "outside_japan", "経度"),
        ("北緯35度", "139.75", "not_a_number", "緯度"),
        ("35.65", "139,75", "not_a_number", "経度"),
    ],
)
def test_coordinates_must_be_decimal_degrees_inside_japan(
    latitude: str, longitude: str, code: str, column: str
) -> None:
    assert check(AED, aed_row(緯度=latitude, 経度=longitude)) == [("error", code, column)]


def test_swapped_coordinates_are_reported_as_swapped() -> None:
    report = validate(standard_csv(AED, [aed_row(緯度="139.75158", 経度="35.65807")]), AED)
    assert [f.code for f in report.findings] == ["outside_japan", "outside_japan"]
    assert all("swapped" in f.message for f in report.findings)


def test_the_edges_of_japan_are_inside() -> None:
    assert check(AED, aed_row(緯度="20", 経度="122.0")) == []
    assert check(AED, aed_row(緯度="46.0", 経度="154")) == []


@pytest.mark.parametrize("value", ["0", "有", "○", "TRUE", "1.0", "1 x"])
def test_a_flag_is_only_1_or_blank(value: str) -> None:
    row = evacuation_row(災害種別_洪水=value)
    assert check(EVACUATION, row) == [("error", "bad_flag", "災害種別_洪水")]


def test_a_blank_flag_means_no_and_is_not_a_missing_value() -> None:
    assert check(EVACUATION, evacuation_row(災害種別_地震="")) == []


def test_a_missing_required_flag_column_is_an_error() -> None:
    header = [name for name in EVACUATION.header() if name != "災害種別_津波"]
    report = validate(to_csv(header, [evacuation_row()]), EVACUATION)
    assert only(report, "missing_column").column == "災害種別_津波"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2026/04/01", "bad_date"),
        ("2026-4-1", "bad_date"),
        ("2026-02-30", "bad_date"),
        ("令和8年4月1日", "bad_date"),
        ("２０２６-０４-０１", "full_width_characters"),
    ],
)
def test_dates_are_yyyy_mm_dd(value: str, code: str) -> None:
    row = {"イベント名": "区民まつり", "開始日": value}
    assert check(EVENTS, row) == [("error", code, "開始日")]


def test_a_slash_date_is_told_to_use_hyphens() -> None:
    report = validate(
        standard_csv(EVENTS, [{"イベント名": "区民まつり", "開始日": "2026/4/1"}]), EVENTS
    )
    assert "hyphens" in only(report, "bad_date").message


@pytest.mark.parametrize("value", ["8:30", "08:60", "25:00", "24:01", "08:30:00", "午前8時"])
def test_times_are_hh_mm(value: str) -> None:
    assert check(AED, aed_row(開始時間=value)) == [("error", "bad_time", "開始時間")]


def test_midnight_closing_is_24_00() -> None:
    assert check(AED, aed_row(開始時間="00:00", 終了時間="24:00")) == []


DATETIME_DEFINITION = StandardDefinition(
    key="datetimes",
    title_ja="試験",
    title_en="Test",
    columns=(
        Column("ID", "id", required=True, note="ID"),
        Column("更新日時", "datetime", note="When it changed"),
    ),
    source_url="https://www.digital.go.jp/",
)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-04-01T09:30", True),
        ("2026-04-01 09:30:15", True),
        ("2026-04-01T09:30:00+09:00", True),
        ("2026-04-01T09:30:00Z", True),
        ("2026-04-01", False),
        ("2026-13-01T09:30", False),
        ("2026/04/01 09:30", False),
    ],
)
def test_datetimes_are_iso_8601(value: str, ok: bool) -> None:
    found = check(DATETIME_DEFINITION, {"ID": "1", "更新日時": value})
    assert found == ([] if ok else [("error", "bad_datetime", "更新日時")])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("20名", "bad_integer"),
        ("1,000", "bad_integer"),
        ("2.5", "bad_integer"),
        ("３０", "full_width_characters"),
    ],
)
def test_integers_are_whole_numbers(value: str, code: str) -> None:
    row = {
        "名称": "港区立芝保育園",
        "種別": "認可保育所",
        "所在地_連結表記": "東京都港区芝",
        "収容定員": value,
    }
    assert check(CHILDCARE, row) == [("error", code, "収容定員")]


@pytest.mark.parametrize("value", ["3F", "一", "1.2.3"])
def test_decimals_are_numbers(value: str) -> None:
    assert check(AED, aed_row(高度の値=value)) == [("error", "bad_decimal", "高度の値")]


def test_decimals_accept_signs_and_fractions() -> None:
    assert check(AED, aed_row(高度の値="-1")) == []
    assert check(AED, aed_row(高度の値="12.5")) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("月;火;水;木;金;土;日;祝", []),
        ("土", []),
        ("月、火、水", [("warning", "multi_separator", "利用可能曜日")]),
        ("月,火", [("warning", "multi_separator", "利用可能曜日")]),
        ("月；火", [("warning", "multi_separator", "利用可能曜日")]),
        ("月～金", [("error", "bad_weekdays", "利用可能曜日")]),
        ("平日", [("error", "bad_weekdays", "利用可能曜日")]),
        ("月曜日;火曜日", [("error", "bad_weekdays", "利用可能曜日")]),
    ],
)
def test_weekdays_are_days_separated_by_semicolons(
    value: str, expected: list[tuple[str, str, str]]
) -> None:
    assert check(AED, aed_row(利用可能曜日=value)) == expected


@pytest.mark.parametrize(
    "value", ["芝公園町会、芝大門町会", "芝公園町会,芝大門町会", "芝公園町会；芝大門町会"]
)
def test_a_multi_value_with_the_wrong_separator_is_a_warning(value: str) -> None:
    row = evacuation_row()
    row["対象となる町会・自治会"] = value
    assert check(EVACUATION, row) == [("warning", "multi_separator", "対象となる町会・自治会")]


@pytest.mark.parametrize(
    "value",
    ["www.city.minato.tokyo.jp", "ftp://example.jp/", "https://", "https://a b.jp", "港区HP"],
)
def test_urls_are_http_or_https(value: str) -> None:
    assert check(AED, aed_row(URL=value)) == [("error", "bad_url", "URL")]


def test_http_and_https_urls_with_paths_and_queries_pass() -> None:
    assert check(AED, aed_row(URL="http://example.jp/a/b?c=1#d")) == []
    assert check(AED, aed_row(連絡先FormURL="HTTPS://WWW.CITY.MINATO.TOKYO.JP/form")) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("(03)3578-2111", "bad_phone"),
        ("03-3578-2111 内線100", "bad_phone"),
        ("03--3578", "bad_phone"),
        ("０３－３５７８－２１１１", "full_width_characters"),
    ],
)
def test_phone_numbers_are_digits_and_hyphens(value: str, code: str) -> None:
    assert check(AED, aed_row(電話番号=value)) == [("error", code, "電話番号")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("105-8511", []),
        ("1058511", [("warning", "postal_code_format", "郵便番号")]),
        ("〒105-8511", [("error", "bad_postal_code", "郵便番号")]),
        ("105-851", [("error", "bad_postal_code", "郵便番号")]),
    ],
)
def test_postal_codes_are_nnn_nnnn(value: str, expected: list[tuple[str, str, str]]) -> None:
    assert check(AED, aed_row(郵便番号=value)) == expected


def test_spaces_around_a_machine_read_value_are_a_warning() -> None:
    assert check(AED, aed_row(緯度=" 35.658070 ")) == [
        ("warning", "surrounding_whitespace", "緯度")
    ]


def test_text_values_are_not_checked() -> None:
    assert check(AED, aed_row(名称="  <script>「港区」 ;,、 ", 備考="何でも")) == []


# --- Findings, their cap and the grades -----------------------------------------------------


def test_findings_are_capped_and_all_problems_still_counted() -> None:
    rows = [aed_row(n, 緯度="95.0", 経度="10.0") for n in range(1, 101)]
    report = validate(standard_csv(AED, rows), AED, max_findings=10)
    assert len(report.findings) == 11
    assert report.findings[-1].code == "too_many_findings"
    assert "190 more" in report.findings[-1].message
    assert report.error_count == 200
    assert report.error_rows == 100
    assert report.grade == "D"


def test_a_cap_of_zero_lists_nothing_but_keeps_the_grade() -> None:
    rows = [aed_row(n, 緯度="95.0") for n in range(1, 11)]
    report = validate(standard_csv(AED, rows), AED, max_findings=0)
    assert codes(report) == ["too_many_findings"]
    assert report.grade == "D"


def test_findings_give_rows_counted_from_one_after_the_header() -> None:
    rows = [aed_row(n) for n in range(1, 6)]
    rows[3]["開始時間"] = "9時"
    report = validate(standard_csv(AED, rows), AED)
    assert [(f.row, f.column) for f in report.findings] == [(4, "開始時間")]


def test_grade_a_means_nothing_to_report() -> None:
    assert validate(standard_csv(AED, [aed_row()]), AED).grade == "A"


def test_grade_b_means_warnings_only() -> None:
    report = validate(standard_csv(AED, [aed_row(郵便番号="1058511")]), AED)
    assert report.warnings and not report.errors
    assert report.grade == "B"


def test_grade_c_means_errors_in_under_five_percent_of_rows() -> None:
    rows = [aed_row(n) for n in range(1, 101)]
    for n in range(4):
        rows[n * 20]["電話番号"] = "代表"
    report = validate(standard_csv(AED, rows), AED)
    assert report.error_rows == 4
    assert report.grade == "C"


def test_grade_d_means_errors_in_five_percent_of_rows_or_more() -> None:
    rows = [aed_row(n) for n in range(1, 101)]
    for n in range(5):
        rows[n * 20]["電話番号"] = "代表"
    report = validate(standard_csv(AED, rows), AED)
    assert report.error_rows == 5
    assert report.grade == "D"


def test_several_errors_in_one_row_count_that_row_once() -> None:
    rows = [aed_row(n) for n in range(1, 41)]
    rows[0].update({"電話番号": "代表", "緯度": "x", "開始時間": "x"})
    report = validate(standard_csv(AED, rows), AED)
    assert (report.error_count, report.error_rows) == (3, 1)
    assert report.grade == "C"


def test_a_grade_is_computed_from_a_report_built_by_hand() -> None:
    error = validator.Finding("error", "bad_url", "x", 1, "URL")
    warning = validator.Finding("warning", "column_order", "x", 0, "URL")
    assert Report("utf-8", "", 1, ()).grade == "A"
    assert Report("utf-8", "", 1, (warning,)).grade == "B"
    assert Report("utf-8", "", 100, (error,), error_rows=1).grade == "C"
    assert Report("utf-8", "", 1, (error,), error_rows=1).grade == "D"
    assert Report("utf-8", "", 100, (error,), error_rows=1, blocking=True).grade == "D"


# --- Robustness -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["", "utf-8", "shift_jis", "bogus", "euc-jp"]))
def test_any_bytes_give_a_report_and_decode_only_raises_undecidable(
    data: bytes, declared: str
) -> None:
    report = validate(data, AED, declared_encoding=declared, max_findings=20)
    assert report.grade in {"A", "B", "C", "D"}
    assert len(report.findings) <= 21
    json.dumps(report.as_dict())
    try:
        text, encoding = decode(data, declared)
    except UndecidableEncoding:
        assert codes(report) == ["undecodable"]
    else:
        assert isinstance(text, str) and encoding


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=8), max_size=8))
def test_any_table_of_text_gives_a_report(table: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    for encoding in ("utf-8", "utf-8-sig"):
        report = validate(buffer.getvalue().encode(encoding), EVACUATION)
        assert report.grade in {"A", "B", "C", "D"}


@pytest.mark.slow
def test_a_hundred_thousand_rows_are_checked_in_a_few_seconds() -> None:
    header = AED.header()
    line = ",".join(standard_row(AED, aed_row(0))) + "\r\n"
    body = "".join(line.replace("AED0000", f"A{n:06d}", 1) for n in range(100_000))
    data = (",".join(header) + "\r\n" + body).encode("utf-8")
    started = time.perf_counter()
    report = validate(data, AED)
    elapsed = time.perf_counter() - started
    assert report.rows == 100_000
    assert report.grade == "A", report.findings[:3]
    assert elapsed < 10, elapsed


# --- The data files the project ships -------------------------------------------------------


def shipped(filename: str) -> list[dict[str, str]]:
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _common(record_id: str) -> Row:
    return {
        "全国地方公共団体コード": MINATO_LG_CODE,
        "ID": record_id,
        "地方公共団体名": MINATO_NAME,
        "所在地_全国地方公共団体コード": MINATO_LG_CODE,
        "所在地_都道府県": "東京都",
        "所在地_市区町村": "港区",
    }


def wifi_as_standard() -> Iterator[Row]:
    for spot in shipped("wifi_spots.csv"):
        yield {
            **_common(f"WIFI{int(spot['number']):03d}"),
            "名称": spot["name"],
            "名称_英語": spot["name_en"],
            "所在地_連結表記": spot["address"],
            "緯度": spot["latitude"],
            "経度": spot["longitude"],
            "設置者": "港区",
            "SSID": "Minato_City_Wi-Fi",
        }


def aed_as_standard() -> Iterator[Row]:
    for number, place in enumerate(shipped("aed.csv"), start=1):
        yield {
            **_common(f"AED{number:03d}"),
            "名称": place["name"],
            "名称_英字": place["name_en"],
            "所在地_連結表記": place["address"],
            "設置位置": place["location_detail"],
            "緯度": place["latitude"],
            "経度": place["longitude"],
            "電話番号": place["phone"],
            "団体名": "港区",
            "利用可能曜日": place["available_days"],
            "開始時間": place["opens_at"],
            "終了時間": place["closes_at"],
            "小児対応設備の有無": "有" if place["pediatric_pads"] == "1" else "無",
        }


def childcare_as_standard() -> Iterator[Row]:
    for number, place in enumerate(shipped("childcare_facilities.csv"), start=1):
        yield {
            **_common(f"CC{number:03d}"),
            "名称": place["name"],
            "名称_英字": place["name_en"],
            "種別": place["kind"],
            "所在地_連結表記": place["address"],
            "緯度": place["latitude"],
            "経度": place["longitude"],
            "電話番号": place["phone"],
            "収容定員": place["capacity"],
            "受入年齢": f"{place['age_from']}歳～{place['age_to']}歳",
            "開始時間": place["opens_at"],
            "終了時間": place["closes_at"],
            "URL": place["url"],
        }


@pytest.mark.parametrize(
    ("definition", "rows"),
    [(WIFI, wifi_as_standard), (AED, aed_as_standard), (CHILDCARE, childcare_as_standard)],
    ids=["wifi-spots", "aed", "childcare-facilities"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_each_shipped_file_converted_to_its_standard_validates_without_errors(
    definition: StandardDefinition, rows: object, encoding: str
) -> None:
    assert callable(rows)
    data = standard_csv(definition, list(rows()), encoding=encoding)
    declared = {"cp932": "shift_jis"}.get(encoding, "utf-8")
    report = validate(data, definition, declared_encoding=declared)
    assert report.errors == ()
    expected = ["not_utf8"] if encoding == "cp932" else []
    assert codes(report) == expected
    assert report.grade == ("B" if expected else "A")


def test_the_wifi_spots_are_the_forty_of_april_2023_by_area() -> None:
    spots = shipped("wifi_spots.csv")
    assert list(spots[0]) == [
        "number",
        "area",
        "name",
        "name_en",
        "address",
        "latitude",
        "longitude",
    ]
    assert [int(spot["number"]) for spot in spots] == list(range(1, 41))
    ranges = {
        "shiba": range(1, 12),
        "azabu": range(12, 19),
        "akasaka": range(19, 28),
        "takanawa": range(28, 31),
        "shibaura_konan": range(31, 41),
    }
    for spot in spots:
        assert int(spot["number"]) in ranges[spot["area"]], spot
    by_number = {int(spot["number"]): spot["name"] for spot in spots}
    assert by_number[1] == "虎ノ門駅9番口"
    assert by_number[8] == "港区本庁舎（芝地区総合支所）"
    assert by_number[19] == "赤坂見附駅豊川稲荷前歩道橋付近"
    assert by_number[32] == "田町駅芝浦口"
    assert by_number[40] == "台場交差点付近"


@pytest.mark.parametrize("filename", ["wifi_spots.csv", "aed.csv", "childcare_facilities.csv"])
def test_every_shipped_place_is_inside_minato_with_a_minato_address(filename: str) -> None:
    places = shipped(filename)
    assert len(places) >= 30
    names = [place["name"] for place in places]
    assert len(names) == len(set(names))
    for place in places:
        assert 35.61 <= float(place["latitude"]) <= 35.69, place
        assert 139.71 <= float(place["longitude"]) <= 139.79, place
        assert len(place["latitude"].split(".")[1]) == 6
        assert len(place["longitude"].split(".")[1]) == 6
        assert place["address"].startswith("東京都港区"), place
        assert place["name_en"].isascii() and place["name_en"], place


def test_the_shipped_files_are_utf8_without_bom_and_well_formed() -> None:
    for filename in ("wifi_spots.csv", "aed.csv", "childcare_facilities.csv"):
        raw = (DATA_DIR / filename).read_bytes()
        assert not raw.startswith(codecs.BOM_UTF8)
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        assert all(len(row) == len(rows[0]) for row in rows), filename


def test_the_aed_and_child_care_columns_hold_what_the_platform_reads() -> None:
    aed = shipped("aed.csv")
    assert list(aed[0]) == [
        "name",
        "name_en",
        "address",
        "latitude",
        "longitude",
        "location_detail",
        "available_days",
        "opens_at",
        "closes_at",
        "phone",
        "pediatric_pads",
    ]
    assert {place["pediatric_pads"] for place in aed} == {"1", ""}
    childcare = shipped("childcare_facilities.csv")
    assert list(childcare[0]) == [
        "name",
        "name_en",
        "kind",
        "address",
        "latitude",
        "longitude",
        "capacity",
        "age_from",
        "age_to",
        "phone",
        "opens_at",
        "closes_at",
        "url",
    ]
    assert {"認可保育所", "児童館", "子育てひろば", "子ども家庭支援センター"} <= {
        place["kind"] for place in childcare
    }
    for place in childcare:
        assert 0 <= int(place["age_from"]) <= int(place["age_to"]) <= 18
