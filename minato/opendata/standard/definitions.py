"""Column definitions of デジタル庁「自治体標準オープンデータセット」 used by the catalogue.

The standard (formerly 推奨データセット, renamed and restructured as 自治体標準オープンデータセット
and published as 正式版) is defined in the Digital Agency's workbooks
「自治体標準オープンデータセット・データ項目定義書」 A, B and C (xlsx), one sheet per dataset,
linked from https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test
(the latest edition seen cited is table A dated 2026-08-01). The sheets number the datasets:
01 公共施設一覧, 03 指定緊急避難場所一覧, 05 子育て施設一覧, 07 公衆無線LANアクセスポイント一覧,
08 AED設置箇所一覧, 12 イベント一覧 (and 13 公衆トイレ一覧, whose sheet was used to check the
shared conventions below). The workbooks themselves could not be read from here, so every
header below was rebuilt from public material that reproduces them; what each rests on,
and what could not be confirmed, is recorded per definition.

Conventions of the current version, confirmed across the sources:

* Files start ``全国地方公共団体コード, ID, 地方公共団体名`` (6-digit code with check digit;
  an ID unique within the publisher, half-width alphanumerics; the publisher's name written
  prefecture first, e.g. 北海道札幌市, so Minato is 東京都港区). 指定緊急避難場所一覧 is the
  exception: its 地方公共団体名 comes after 郵便番号, with 市区町村コード; and
  公衆無線LANアクセスポイント一覧 has 法人番号 between the code and the ID.
* The old single ``住所``/``方書`` became the address block of the Address Base Registry:
  ``所在地_全国地方公共団体コード, 町字ID, 所在地_連結表記, 所在地_都道府県, 所在地_市区町村,
  所在地_町字, 所在地_番地以下, 建物名等(方書)`` (half-width parentheses in 建物名等(方書)).
* The contact block is ``電話番号, 内線番号, 連絡先メールアドレス, 連絡先FormURL,
  連絡先備考（その他、SNSなど）, 郵便番号`` (full-width parentheses in 連絡先備考).
* Flags are ``1`` or blank; lists inside a cell are separated by a half-width ``;``;
  dates are YYYY-MM-DD and times hh:mm; 有/無 columns are a controlled vocabulary.
* The English name column is ``名称_英字`` in most sheets but ``名称_英語`` in 公衆トイレ一覧
  (official extraction) and in the 公衆無線LAN file of a publisher following the standard;
  each definition keeps the spelling its sources show.
* The sheets mark items ◎ 必須 (required), ○ 推奨 (recommended) or blank 任意 (optional).
  ``required=True`` below means ◎. For a flag column it means the column must be present;
  blank then means "no".

Sources (all reproduce the Digital Agency's definitions or files published to them):

* Conventions, and the ◎/○ classification style: tsunagu-bosai/open-infra-japan,
  schema/standard/public-toilet/schema.csv, extracted from
  ``20260801_resources_open_data_municipal-standard-open-dataset_table_a.xlsx`` sheet
  「13.公衆トイレ一覧」 (retrieved 2026-09-19).
* Dataset numbering and the common head ``全国地方公共団体コード, ID, 地方公共団体名``: a Tokyo
  catalogue crawler citing 「データ項目定義書 A (第3.09版, 2026-08-01), B and C」.
* 指定緊急避難場所一覧 (39 columns, order and ◎/○): three independent implementations agree —
  an API DTO annotated with each item's 掲載区分 and example from the definition
  (dxjunkyard opendata-bridge, EmergencyEvacuationSiteResponse), a Python model's
  ``to_dict`` in column order, and the DDL of Kumamoto City's 01__431001_evacuation_space.csv
  (39 columns) from くまもとデータ連携基盤; 目黒区's 131105_evacuation_space CSV on BODIK uses
  the same 災害種別 columns.
* 子育て施設一覧 (53 columns): the DDL of Kumamoto City's 21__431001_preschool.csv
  (くまもとデータ連携基盤, 53 columns, in file order), whose abbreviated names were restored to
  the standard's spelling (自治体コード → 全国地方公共団体コード, 建物名等 → 建物名等(方書),
  メールアドレス → 連絡先メールアドレス, 画像ライセンス → 画像_ライセンス, …); BODIK's API
  configuration for ``preschool`` confirms 子供預かり開所時間/子供預かり閉所時間 and
  連絡先備考（その他、SNSなど）.
* 公衆無線LANアクセスポイント一覧 (28 columns): the DDL of Kumamoto City's
  15_lan_431001_public_wireless_lan.csv (28 columns, 法人番号 second), the official sheet of
  観光施設一覧 as 徳島県's portal renders it (全国地方公共団体コード, 法人番号, ID,
  地方公共団体名, 名称, 名称_カナ, 名称_英語: the same head), and a converter of Tokyo ward
  files (名称, SSID, 設置者, 提供エリア, the address block).
* AED設置箇所一覧: an importer of AED files in the new layout (名称_英字, the address and
  contact blocks, 高度の種別, 高度の値, 設置位置, 法人番号, 団体名, 利用可能曜日, 開始時間,
  終了時間, 利用可能日時特記事項, 小児対応設備の有無, 外部利用不可) and a reviewer of three
  municipalities' AED files (設置位置, 外部利用不可, 利用可能日時特記事項).
* 公共施設一覧 (56 columns): the header of 江戸川区's facility files in the standard format,
  as a reader of them lists it (DavidOng122/tomoni-app, edogawaPublicPlaceHeaders.ts: the
  common columns its sports and library files share, in file order); Itabashi's and another
  city's readers of the new file (所在地_連結表記, 郵便番号, 利用可能時間特記事項, the
  barrier-free 有/無 columns); a Tokyo crawler's note on 江東区's file (59 columns).
* イベント一覧: the 推奨データセット's layout (still followed by ward files, e.g. an event app
  reading イベント名_英語 next to 所在地_連結表記), moved onto the new blocks.

Not confirmed (could not be read from the Digital Agency's workbook itself):

* 公共施設一覧: whether the sheet itself has more than 江戸川区's 56 columns (江東区's file has
  59; the three more may be its own). Columns a file has beyond these are reported as unknown
  (a warning), not as errors.
* イベント一覧: whether the current sheet renamed イベント名_英語 (to イベント名_英字, as 名称_英字
  elsewhere), kept 料金（基本）/料金（詳細） with full-width parentheses (as the Digital Agency's
  own templates wrote them), or added altitude columns.
* AED設置箇所一覧: the position of 外部利用不可 and whether images are one pair (画像,
  画像_ライセンス, used here) or two (画像1…, seen in one importer).
* 子育て施設一覧: Kumamoto's DDL writes 許可等年月日 where the 推奨データセット had 認可等年月日;
  the latter is kept.
* The ◎ marks of 公共施設一覧, イベント一覧, 公衆無線LAN, AED and 子育て施設一覧 (taken from the
  previous 推奨データセット's required items, less the kana reading, which is ○ today).

指定避難所一覧: the standard has no shelter list of its own. 指定緊急避難場所一覧 covers
指定緊急避難場所 and marks the ones that are also 指定避難所 (指定避難所との重複). The
``shelters`` definition is therefore the platform's own: the 指定緊急避難場所一覧 layout with the
hazard flags replaced by the items of the Cabinet Office's form for 指定避難所 (様式: 名称, 住所,
指定緊急避難場所との重複, 福祉避難所, 想定収容人数), so that both files read alike.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = frozenset(
    {
        "text",
        "lg_code",
        "lg_name",
        "id",
        "integer",
        "decimal",
        "latitude",
        "longitude",
        "flag",
        "date",
        "time",
        "datetime",
        "weekdays",
        "multi",
        "url",
        "phone",
        "postal_code",
    }
)
# lg_code: 6-digit 全国地方公共団体コード with check digit; flag: "1" or blank;
# multi: values separated by ";"; date: YYYY-MM-DD; time: HH:MM;
# weekdays: 月火水木金土日祝 separated by ";".

SOURCE_URL = "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test"


@dataclass(frozen=True)
class Column:
    name: str  # the exact header
    kind: str  # one of KINDS
    required: bool = False
    note: str = ""  # what it holds, in English, one line


@dataclass(frozen=True)
class StandardDefinition:
    key: str  # slug used in URLs and code
    title_ja: str
    title_en: str
    columns: tuple[Column, ...]
    source_url: str

    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None


# --- Blocks the sheets share -------------------------------------------------------------


def _head() -> tuple[Column, ...]:
    return (
        Column("全国地方公共団体コード", "lg_code", note="6-digit code of the publisher"),
        Column("ID", "id", note="Record ID unique within the publisher"),
        Column("地方公共団体名", "lg_name", note="Publisher's name, prefecture first"),
    )


def _names(english: str = "名称_英字", *, what: str = "place") -> tuple[Column, ...]:
    return (
        Column("名称", "text", required=True, note=f"Name of the {what}"),
        Column("名称_カナ", "text", note="Name in full-width katakana"),
        Column(english, "text", note="Name in English"),
    )


def _address(*, required: bool = True) -> tuple[Column, ...]:
    return (
        Column("所在地_全国地方公共団体コード", "lg_code", note="6-digit code of the location"),
        Column("町字ID", "text", note="Town ID of the Address Base Registry"),
        Column("所在地_連結表記", "text", required=required, note="Full address in one string"),
        Column("所在地_都道府県", "text", note="Address: prefecture"),
        Column("所在地_市区町村", "text", note="Address: city or ward"),
        Column("所在地_町字", "text", note="Address: town and chōme"),
        Column("所在地_番地以下", "text", note="Address: block and number"),
        Column("建物名等(方書)", "text", note="Address: building, floor or room"),
    )


def _coordinates() -> tuple[Column, ...]:
    return (
        Column("緯度", "latitude", note="Latitude, decimal degrees (WGS 84)"),
        Column("経度", "longitude", note="Longitude, decimal degrees (WGS 84)"),
    )


def _altitude() -> tuple[Column, ...]:
    return (
        Column("高度の種別", "text", note="階数, 標高 or 地表高"),
        Column("高度の値", "decimal", note="Floor number, or metres for 標高/地表高"),
    )


def _contact(*, phone_required: bool = False) -> tuple[Column, ...]:
    return (
        Column("電話番号", "phone", required=phone_required, note="Telephone number"),
        Column("内線番号", "text", note="Extension number"),
        Column("連絡先メールアドレス", "text", note="Contact e-mail address"),
        Column("連絡先FormURL", "url", note="Contact web form"),
        Column("連絡先備考（その他、SNSなど）", "text", note="Other contact means, e.g. SNS"),
        Column("郵便番号", "postal_code", note="Postal code"),
    )


def _availability(notes_name: str = "利用可能日時特記事項") -> tuple[Column, ...]:
    return (
        Column("利用可能曜日", "weekdays", note="Days open, e.g. 月;火;水;木;金"),
        Column("開始時間", "time", note="Opening time, hh:mm"),
        Column("終了時間", "time", note="Closing time, hh:mm"),
        Column(notes_name, "text", note="Exceptions: holidays, year-end, etc."),
    )


def _images() -> tuple[Column, ...]:
    return (
        Column("画像", "url", note="URL of a picture"),
        Column("画像_ライセンス", "text", note="Licence of the picture, e.g. CC BY 4.0"),
    )


def _remarks() -> Column:
    return Column("備考", "text", note="Remarks")


def _yes_no(name: str, note: str) -> Column:
    return Column(name, "text", note=f"{note} (有 or 無)")


# --- The datasets --------------------------------------------------------------------------

PUBLIC_FACILITIES = StandardDefinition(
    key="public-facilities",
    title_ja="公共施設一覧",
    title_en="Public facilities",
    columns=(
        *_head(),
        *_names(what="facility"),
        Column("名称_通称", "text", note="Common or short name"),
        Column("POIコード", "text", note="POI classification code"),
        Column("外部識別子", "text", note="Name of another system that identifies the facility"),
        Column("外部識別子の値", "text", note="The facility's identifier in that system"),
        *_address(),
        *_coordinates(),
        *_altitude(),
        *_contact(),
        Column("法人番号", "text", note="Corporate number of the operator (13 digits)"),
        Column("団体名", "text", note="Operator of the facility"),
        *_availability("利用可能時間特記事項"),
        Column("説明", "text", note="Description"),
        _yes_no("車椅子可", "Wheelchair accessible"),
        _yes_no("車椅子貸出", "Wheelchairs to borrow"),
        _yes_no("ツエ貸出", "Walking sticks to borrow"),
        _yes_no("バリアフリートイレ", "Barrier-free toilet"),
        _yes_no("スロープ、エレベータ、エスカレータ", "Ramp, lift or escalator"),
        _yes_no("点字ブロック等の移動支援", "Tactile paving or other guidance"),
        _yes_no("点字や読上による支援", "Braille or read-aloud support"),
        _yes_no("盲導犬・介助犬、聴導犬同伴", "Assistance dogs welcome"),
        _yes_no("字幕", "Captions"),
        _yes_no("筆談対応", "Communication in writing"),
        _yes_no("優先駐車場", "Priority parking"),
        _yes_no("オストメイト対応トイレ", "Toilet for ostomates"),
        _yes_no("授乳室", "Nursing room"),
        _yes_no("おむつ替えコーナー", "Nappy-changing corner"),
        _yes_no("飲食可否", "Eating and drinking allowed"),
        _yes_no("ベビーカー貸出", "Pushchairs to borrow"),
        _yes_no("ベビーカー利用", "Pushchairs allowed"),
        Column("URL", "url", note="Web page of the facility"),
        *_images(),
        _remarks(),
    ),
    source_url=SOURCE_URL,
)

EVENTS = StandardDefinition(
    key="events",
    title_ja="イベント一覧",
    title_en="Events",
    columns=(
        *_head(),
        Column("イベント名", "text", required=True, note="Name of the event"),
        Column("イベント名_カナ", "text", note="Name in full-width katakana"),
        Column("イベント名_英語", "text", note="Name in English"),
        Column("開始日", "date", required=True, note="First day, YYYY-MM-DD"),
        Column("終了日", "date", note="Last day, YYYY-MM-DD"),
        Column("開始時間", "time", note="Start time, hh:mm"),
        Column("終了時間", "time", note="End time, hh:mm"),
        Column("開始日時特記事項", "text", note="Notes on the dates and times"),
        Column("説明", "text", note="Description"),
        Column("料金（基本）", "text", note="Basic fee, e.g. 無料 or 500円"),
        Column("料金（詳細）", "text", note="Fee details"),
        Column("連絡先名称", "text", note="Contact (office or person)"),
        Column("連絡先電話番号", "phone", note="Contact telephone number"),
        Column("連絡先内線番号", "text", note="Contact extension number"),
        Column("連絡先メールアドレス", "text", note="Contact e-mail address"),
        Column("連絡先FormURL", "url", note="Contact web form"),
        Column("連絡先備考（その他、SNSなど）", "text", note="Other contact means, e.g. SNS"),
        Column("主催者", "text", note="Organiser"),
        Column("場所名称", "text", note="Name of the venue"),
        *_address(required=False),
        *_coordinates(),
        Column("アクセス方法", "text", note="How to get there"),
        Column("駐車場情報", "text", note="Parking"),
        Column("定員", "integer", note="Capacity (people)"),
        Column("参加申込終了日", "date", note="Application deadline, YYYY-MM-DD"),
        Column("参加申込終了時間", "time", note="Application deadline time, hh:mm"),
        Column("参加申込方法", "text", note="How to apply"),
        Column("URL", "url", note="Web page of the event"),
        *_images(),
        _remarks(),
    ),
    source_url=SOURCE_URL,
)

_HAZARDS = (
    ("洪水", "Flood"),
    ("崖崩れ、土石流及び地滑り", "Landslide, debris flow"),
    ("高潮", "Storm surge"),
    ("地震", "Earthquake"),
    ("津波", "Tsunami"),
    ("大規模な火事", "Large fire"),
    ("内水氾濫", "Inland flooding"),
    ("火山現象", "Volcanic phenomena"),
)


def _shelter_head() -> tuple[Column, ...]:
    # 指定緊急避難場所一覧 puts 地方公共団体名 after the contact block (see the docstring).
    return (
        Column("全国地方公共団体コード", "lg_code", note="6-digit code of the publisher"),
        Column("ID", "id", note="Record ID unique within the publisher"),
        *_names(what="site"),
        *_address(),
        *_coordinates(),
        Column("標高", "decimal", note="Elevation in metres"),
        *_contact(phone_required=True),
        Column("市区町村コード", "lg_code", required=True, note="Code of the designating city"),
        Column("地方公共団体名", "lg_name", note="Publisher's name, prefecture first"),
    )


def _shelter_tail() -> tuple[Column, ...]:
    return (
        Column("想定収容人数", "text", note="Expected capacity, e.g. 810人"),
        Column("対象となる町会・自治会", "multi", note="Neighbourhoods served, ;-separated"),
        Column("URL", "url", note="Web page of the site"),
        *_images(),
        _remarks(),
    )


EVACUATION_SITES = StandardDefinition(
    key="evacuation-sites",
    title_ja="指定緊急避難場所一覧",
    title_en="Designated emergency evacuation sites",
    columns=(
        *_shelter_head(),
        *(
            Column(f"災害種別_{hazard}", "flag", required=True, note=f"Safe in: {english}")
            for hazard, english in _HAZARDS
        ),
        Column("指定避難所との重複", "flag", required=True, note="Also a designated shelter"),
        *_shelter_tail(),
    ),
    source_url=SOURCE_URL,
)

SHELTERS = StandardDefinition(
    key="shelters",
    title_ja="指定避難所一覧",
    title_en="Designated shelters",
    columns=(
        *_shelter_head(),
        Column("指定緊急避難場所との重複", "flag", note="Also an emergency evacuation site"),
        Column("福祉避難所", "flag", note="Welfare shelter for people who need care"),
        *_shelter_tail(),
    ),
    # Not a sheet of the standard: the platform's own layout (see the module docstring).
    source_url=SOURCE_URL,
)

WIFI_SPOTS = StandardDefinition(
    key="wifi-spots",
    title_ja="公衆無線LANアクセスポイント一覧",
    title_en="Public Wi-Fi access points",
    columns=(
        # This sheet's head has the publisher's corporate number second (Kumamoto's file, and
        # the official sheet of 観光施設一覧, which shares the head).
        _head()[0],
        Column("法人番号", "text", note="Corporate number of the publisher (13 digits)"),
        *_head()[1:],
        *_names("名称_英語", what="access point's place"),
        *_address(),
        *_coordinates(),
        Column("設置者", "text", note="Who installed the access point"),
        *_contact(),
        Column("SSID", "text", note="Network name (SSID)"),
        Column("提供エリア", "text", note="Area covered within the place"),
        Column("URL", "url", note="Web page about the service"),
        _remarks(),
    ),
    source_url=SOURCE_URL,
)

AED = StandardDefinition(
    key="aed",
    title_ja="AED設置箇所一覧",
    title_en="AED locations",
    columns=(
        *_head(),
        *_names(what="place where the AED is"),
        *_address(),
        Column("設置位置", "text", required=True, note="Where in the building, e.g. 1階受付"),
        *_coordinates(),
        *_altitude(),
        *_contact(),
        Column("法人番号", "text", note="Corporate number of the installer (13 digits)"),
        Column("団体名", "text", note="Installer"),
        *_availability(),
        _yes_no("小児対応設備の有無", "Pediatric pads or mode"),
        Column("外部利用不可", "text", note="Marked when only the building's users may use it"),
        *_images(),
        Column("URL", "url", note="Web page of the place"),
        _remarks(),
    ),
    source_url=SOURCE_URL,
)

CHILDCARE_FACILITIES = StandardDefinition(
    key="childcare-facilities",
    title_ja="子育て施設一覧",
    title_en="Child-care facilities",
    columns=(
        *_head(),
        *_names(what="facility"),
        Column("種別", "text", required=True, note="Kind, e.g. 認可保育所, 児童館"),
        *_address(),
        *_coordinates(),
        *_altitude(),
        Column("アクセス方法", "text", note="How to get there"),
        Column("駐車場情報", "text", note="Parking"),
        Column("電話番号", "phone", note="Telephone number"),
        Column("内線番号", "text", note="Extension number"),
        Column("FAX番号", "phone", note="Fax number"),
        Column("連絡先メールアドレス", "text", note="Contact e-mail address"),
        Column("連絡先FormURL", "url", note="Contact web form"),
        Column("連絡先備考（その他、SNSなど）", "text", note="Other contact means, e.g. SNS"),
        Column("郵便番号", "postal_code", note="Postal code"),
        Column("法人番号", "text", note="Corporate number of the operator (13 digits)"),
        Column("団体名", "text", note="Operator"),
        Column("認可等年月日", "date", note="Date of licence or recognition, YYYY-MM-DD"),
        Column("収容定員", "integer", note="Capacity (children)"),
        Column("受入年齢", "text", note="Ages accepted, e.g. 0歳～5歳"),
        *_availability(),
        _yes_no("一時預かりの有無", "Occasional day care"),
        Column("子供預かり料金種別", "text", note="Kind of fee for occasional care"),
        Column("子供預かり料金", "text", note="Fee for occasional care"),
        Column("子供預かり料金備考", "text", note="Notes on the fee"),
        Column("子供預かり開所時間", "time", note="Occasional care opens, hh:mm"),
        Column("子供預かり閉所時間", "time", note="Occasional care closes, hh:mm"),
        _yes_no("病児保育の有無", "Care for sick children"),
        _yes_no("授乳室", "Nursing room"),
        _yes_no("おむつ替えコーナー", "Nappy-changing corner"),
        Column("飲食可否", "text", note="Whether eating and drinking is allowed"),
        _yes_no("ベビーカー貸出", "Pushchairs to borrow"),
        _yes_no("ベビーカー利用", "Pushchairs allowed inside"),
        Column("URL", "url", note="Web page of the facility"),
        *_images(),
        _remarks(),
    ),
    source_url=SOURCE_URL,
)

DEFINITIONS: dict[str, StandardDefinition] = {
    found.key: found
    for found in (
        PUBLIC_FACILITIES,
        EVENTS,
        EVACUATION_SITES,
        SHELTERS,
        WIFI_SPOTS,
        AED,
        CHILDCARE_FACILITIES,
    )
}


def definition(key: str) -> StandardDefinition | None:
    return DEFINITIONS.get(key)
