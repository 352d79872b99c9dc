"""The standard's column definitions and the local government code's check digit."""

from __future__ import annotations

import pytest

from minato.opendata.standard import lg_code
from minato.opendata.standard.definitions import (
    DEFINITIONS,
    KINDS,
    Column,
    StandardDefinition,
    definition,
)

# --- 全国地方公共団体コード ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("five", "six"),
    [
        ("13103", "131032"),  # 港区
        ("01100", "011002"),  # 札幌市: a total under 11
        ("13101", "131016"),  # 千代田区
        ("13000", "130001"),  # 東京都: remainder 10
        ("01000", "010006"),  # 北海道
        ("01101", "011011"),  # 札幌市中央区: remainder 0 gives 1
        ("13104", "131041"),  # 新宿区: remainder 0 gives 1
        ("13113", "131130"),  # 渋谷区: remainder 1 gives 0
        ("27100", "271004"),  # 大阪市
        ("47201", "472018"),  # 那覇市
    ],
)
def test_the_check_digit_of_real_codes_is_computed(five: str, six: str) -> None:
    assert lg_code.with_check_digit(five) == six
    assert lg_code.check_digit(five) == six[-1]
    assert lg_code.is_valid(six)


def test_minato_is_131032_written_prefecture_first() -> None:
    assert lg_code.MINATO_LG_CODE == "131032"
    assert lg_code.is_valid(lg_code.MINATO_LG_CODE)
    assert lg_code.MINATO_NAME == "東京都港区"


@pytest.mark.parametrize(
    "code",
    ["131033", "13103", "1310320", "", "abcdef", "１３１０３２", "13 032", "-13103"],
)
def test_codes_with_a_wrong_digit_or_shape_are_not_valid(code: str) -> None:
    assert not lg_code.is_valid(code)


@pytest.mark.parametrize(
    ("code", "number"),
    [("131032", "8000020131032"), ("130001", "8000020130001"), ("011002", "9000020011002")],
)
def test_a_local_government_s_corporate_number_follows_from_its_code(
    code: str, number: str
) -> None:
    # 港区 and 東京都 as the National Tax Agency lists them; 札幌市's check digit by hand.
    assert lg_code.corporate_number(code) == number


def test_a_corporate_number_needs_a_valid_code() -> None:
    with pytest.raises(ValueError, match="全国地方公共団体コード"):
        lg_code.corporate_number("131031")


@pytest.mark.parametrize("five", ["1310", "131032", "1310a", "１３１０３", ""])
def test_the_check_digit_of_something_that_is_not_five_digits_is_refused(five: str) -> None:
    with pytest.raises(ValueError, match="5-digit"):
        lg_code.check_digit(five)


def test_every_five_digit_code_has_exactly_one_valid_six_digit_form() -> None:
    for number in range(0, 100000, 7):
        five = f"{number:05d}"
        valid = [digit for digit in "0123456789" if lg_code.is_valid(five + digit)]
        assert valid == [lg_code.check_digit(five)]


# --- The definitions ------------------------------------------------------------------------


def test_the_seven_definitions_are_listed_by_key_in_order() -> None:
    assert list(DEFINITIONS) == [
        "public-facilities",
        "events",
        "evacuation-sites",
        "shelters",
        "wifi-spots",
        "aed",
        "childcare-facilities",
    ]
    for key, found in DEFINITIONS.items():
        assert found.key == key
        assert definition(key) is found


def test_an_unknown_key_has_no_definition() -> None:
    assert definition("toilets") is None
    assert definition("") is None


def test_the_titles_are_the_standards_names() -> None:
    titles = {key: found.title_ja for key, found in DEFINITIONS.items()}
    assert titles == {
        "public-facilities": "公共施設一覧",
        "events": "イベント一覧",
        "evacuation-sites": "指定緊急避難場所一覧",
        "shelters": "指定避難所一覧",
        "wifi-spots": "公衆無線LANアクセスポイント一覧",
        "aed": "AED設置箇所一覧",
        "childcare-facilities": "子育て施設一覧",
    }
    for found in DEFINITIONS.values():
        assert found.title_en
        assert found.source_url.startswith("https://www.digital.go.jp/resources/open_data/")


@pytest.mark.parametrize("found", DEFINITIONS.values(), ids=list(DEFINITIONS))
def test_every_column_has_a_known_kind_a_note_and_a_unique_name(found: StandardDefinition) -> None:
    names = found.header()
    assert len(names) == len(set(names))
    for column in found.columns:
        assert column.kind in KINDS, column
        assert column.note and "\n" not in column.note, column
        assert column.name == column.name.strip()
    assert any(column.required for column in found.columns)


@pytest.mark.parametrize("found", DEFINITIONS.values(), ids=list(DEFINITIONS))
def test_every_file_starts_with_the_code_and_the_id(found: StandardDefinition) -> None:
    header = [name for name in found.header() if name != "法人番号"]  # second on the Wi-Fi list
    assert header[:2] == ["全国地方公共団体コード", "ID"]
    assert found.column("全国地方公共団体コード") == Column(
        "全国地方公共団体コード", "lg_code", note=found.columns[0].note
    )
    assert found.column("地方公共団体名") is not None


def test_the_common_head_is_code_id_and_name_except_on_the_shelter_and_wifi_lists() -> None:
    for key in ("public-facilities", "events", "aed", "childcare-facilities"):
        assert DEFINITIONS[key].header()[:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert DEFINITIONS["wifi-spots"].header()[:4] == [
        "全国地方公共団体コード",
        "法人番号",
        "ID",
        "地方公共団体名",
    ]
    for key in ("evacuation-sites", "shelters"):
        header = DEFINITIONS[key].header()
        # 指定緊急避難場所一覧 has 市区町村コード and 地方公共団体名 after the contact block.
        assert header.index("地方公共団体名") == header.index("市区町村コード") + 1
        assert header.index("市区町村コード") == header.index("郵便番号") + 1


def test_the_evacuation_site_list_has_the_standards_39_columns_in_order() -> None:
    assert DEFINITIONS["evacuation-sites"].header() == [
        "全国地方公共団体コード",
        "ID",
        "名称",
        "名称_カナ",
        "名称_英字",
        "所在地_全国地方公共団体コード",
        "町字ID",
        "所在地_連結表記",
        "所在地_都道府県",
        "所在地_市区町村",
        "所在地_町字",
        "所在地_番地以下",
        "建物名等(方書)",
        "緯度",
        "経度",
        "標高",
        "電話番号",
        "内線番号",
        "連絡先メールアドレス",
        "連絡先FormURL",
        "連絡先備考（その他、SNSなど）",
        "郵便番号",
        "市区町村コード",
        "地方公共団体名",
        "災害種別_洪水",
        "災害種別_崖崩れ、土石流及び地滑り",
        "災害種別_高潮",
        "災害種別_地震",
        "災害種別_津波",
        "災害種別_大規模な火事",
        "災害種別_内水氾濫",
        "災害種別_火山現象",
        "指定避難所との重複",
        "想定収容人数",
        "対象となる町会・自治会",
        "URL",
        "画像",
        "画像_ライセンス",
        "備考",
    ]


def test_the_hazard_columns_are_required_flags() -> None:
    found = DEFINITIONS["evacuation-sites"]
    flags = [column for column in found.columns if column.kind == "flag"]
    assert len(flags) == 9
    assert all(column.required for column in flags)
    assert found.column("対象となる町会・自治会") == Column(
        "対象となる町会・自治会", "multi", note=found.columns[34].note
    )


def test_the_shelter_list_replaces_the_hazards_with_the_shelter_items() -> None:
    shelters = DEFINITIONS["shelters"].header()
    assert not [name for name in shelters if name.startswith("災害種別_")]
    assert "指定避難所との重複" not in shelters
    assert "指定緊急避難場所との重複" in shelters
    assert "福祉避難所" in shelters
    assert shelters[-6:] == DEFINITIONS["evacuation-sites"].header()[-6:]


def test_the_columns_of_the_child_care_wifi_and_aed_lists_are_counted() -> None:
    assert len(DEFINITIONS["childcare-facilities"].columns) == 53
    assert len(DEFINITIONS["wifi-spots"].columns) == 28
    assert DEFINITIONS["wifi-spots"].header()[:3] == ["全国地方公共団体コード", "法人番号", "ID"]
    assert len(DEFINITIONS["public-facilities"].columns) == 56
    assert DEFINITIONS["wifi-spots"].column("名称_英語") is not None
    assert DEFINITIONS["wifi-spots"].column("名称_英字") is None
    for key in ("wifi-spots", "aed", "childcare-facilities", "public-facilities"):
        header = DEFINITIONS[key].header()
        assert header.index("経度") == header.index("緯度") + 1


def test_the_address_block_is_written_as_in_the_address_base_registry() -> None:
    block = [
        "所在地_全国地方公共団体コード",
        "町字ID",
        "所在地_連結表記",
        "所在地_都道府県",
        "所在地_市区町村",
        "所在地_町字",
        "所在地_番地以下",
        "建物名等(方書)",
    ]
    for key, found in DEFINITIONS.items():
        header = found.header()
        start = header.index(block[0])
        assert header[start : start + len(block)] == block, key
        assert "住所" not in header and "方書" not in header


def test_parentheses_are_half_width_in_the_address_and_full_width_in_the_contact_note() -> None:
    names = {name for found in DEFINITIONS.values() for name in found.header()}
    assert "建物名等(方書)" in names and "建物名等（方書）" not in names
    assert "連絡先備考（その他、SNSなど）" in names and "連絡先備考(その他、SNSなど)" not in names


def test_the_kinds_follow_the_columns_meaning() -> None:
    aed = DEFINITIONS["aed"]
    expected = {
        "全国地方公共団体コード": "lg_code",
        "ID": "id",
        "地方公共団体名": "lg_name",
        "緯度": "latitude",
        "経度": "longitude",
        "利用可能曜日": "weekdays",
        "開始時間": "time",
        "終了時間": "time",
        "電話番号": "phone",
        "郵便番号": "postal_code",
        "URL": "url",
        "連絡先FormURL": "url",
        "高度の値": "decimal",
    }
    for name, kind in expected.items():
        column = aed.column(name)
        assert column is not None and column.kind == kind, name
    events = DEFINITIONS["events"]
    assert [c.name for c in events.columns if c.kind == "date"] == [
        "開始日",
        "終了日",
        "参加申込終了日",
    ]
    assert events.column("定員") is not None
    assert DEFINITIONS["childcare-facilities"].column("収容定員") == Column(
        "収容定員", "integer", note="Capacity (children)"
    )


def test_required_columns_are_the_names_and_the_address() -> None:
    required = {
        key: [column.name for column in found.columns if column.required]
        for key, found in DEFINITIONS.items()
    }
    assert required["public-facilities"] == ["名称", "所在地_連結表記"]
    assert required["events"] == ["イベント名", "開始日"]
    assert required["wifi-spots"] == ["名称", "所在地_連結表記"]
    assert required["aed"] == ["名称", "所在地_連結表記", "設置位置"]
    assert required["childcare-facilities"] == ["名称", "種別", "所在地_連結表記"]
    assert required["evacuation-sites"][:4] == [
        "名称",
        "所在地_連結表記",
        "電話番号",
        "市区町村コード",
    ]


def test_a_definition_is_immutable() -> None:
    found = DEFINITIONS["aed"]
    with pytest.raises(AttributeError):
        found.key = "other"  # type: ignore[misc]
    assert isinstance(found.columns, tuple)
    header = found.header()
    header.append("extra")
    assert "extra" not in found.header()
