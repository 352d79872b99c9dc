"""Standard datasets generated live from platform data (自治体標準オープンデータセット).

Each ``LiveSource`` makes the whole file from what the platform holds now. The worker's
periodic job (``services.live_resources_refresh``) runs every generator and keeps a new
version only when the bytes changed, so a facility renamed by staff or a shelter added is in
the catalogue within a minute, and a file that did not change keeps its ETag.

Rows are dicts keyed by the standard's exact column names (``standard.definitions``); a
key that is not a column of the definition is a programming error and fails loudly, so a
generator cannot drift from the standard unnoticed. CSVs are generated as UTF-8 without BOM;
the service stores them with a BOM, and the Shift_JIS copy encoded.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from minato.bookings import selectors as bookings
from minato.core import search_text
from minato.core.translated import localized
from minato.information import selectors as information
from minato.opendata import selectors
from minato.opendata.standard.definitions import definition
from minato.opendata.standard.lg_code import MINATO_LG_CODE, MINATO_NAME, corporate_number

DATA_DIR = Path(__file__).resolve().parent / "data"

Row = dict[str, Any]


@dataclass(frozen=True)
class LiveSource:
    key: str
    format: str  # a Resource.Format value
    filename: str
    standard: str  # the definition key, or "" for a file of our own layout
    generate: Callable[[], bytes]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.6f}"
    return str(value)


def _kana(name: str) -> str:
    """名称_カナ: the katakana reading, as the standard asks (full-width)."""
    return search_text.reading(name)


def _common(record_id: str) -> Row:
    return {
        "全国地方公共団体コード": MINATO_LG_CODE,
        "ID": record_id,
        "地方公共団体名": MINATO_NAME,
    }


_KANJI_DIGITS = "〇一二三四五六七八九"
_ADDRESS = re.compile(r"^(?:東京都)?(?:港区)?(?P<town>[^0-9]+?)(?P<chome>[0-9]{1,2})-(?P<rest>.+)$")


def _kanji_number(number: int) -> str:
    if number < 10:
        return _KANJI_DIGITS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _KANJI_DIGITS[tens]) + "十" + (_KANJI_DIGITS[ones] if ones else "")


def _address(address: str) -> Row:
    """The standard's address block from a Minato address ("港区芝公園1-5-25": 町字 芝公園一丁目,
    番地以下 5-25). What does not parse stays whole in 所在地_連結表記 and 所在地_町字."""
    # Dashes between numbers only: ー is also the long vowel of 六本木ヒルズ森タワー.
    text = re.sub(r"(?<=[0-9])[−‐ー](?=[0-9])", "-", unicodedata.normalize("NFKC", address or ""))
    bare = re.sub(r"^(東京都)?(港区)?", "", text)
    match = _ADDRESS.match(text)
    if "丁目" in bare:
        town, _, rest = bare.partition("丁目")
        town = re.sub(r"[0-9]+$", lambda m: _kanji_number(int(m.group(0))), town) + "丁目"
    elif match:
        town = f"{match['town']}{_kanji_number(int(match['chome']))}丁目"
        rest = match["rest"]
    else:
        town, rest = bare, ""
    return {
        "所在地_全国地方公共団体コード": MINATO_LG_CODE,
        "所在地_連結表記": f"東京都港区{bare}" if bare else "",
        "所在地_都道府県": "東京都",
        "所在地_市区町村": "港区",
        "所在地_町字": town,
        "所在地_番地以下": rest,
    }


def csv_bytes(header: list[str], rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    known = set(header)
    for row in rows:
        unknown = set(row) - known
        if unknown:
            raise KeyError(f"Not columns of the definition: {sorted(unknown)}")
        writer.writerow([_text(row.get(column)) for column in header])
    return buffer.getvalue().encode("utf-8")


def standard_csv(standard: str, rows: Iterable[Row]) -> bytes:
    found = definition(standard)
    if found is None:
        raise KeyError(standard)
    return csv_bytes(found.header(), rows)


def geojson_bytes(rows: Iterable[Row], *, name_column: str = "名称") -> bytes:
    """Rows with 緯度/経度 as a GeoJSON FeatureCollection (longitude first, RFC 7946)."""
    features = []
    for row in rows:
        try:
            latitude, longitude = float(row["緯度"]), float(row["経度"])
        except (KeyError, TypeError, ValueError):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {
                    "name": _text(row.get(name_column)),
                    **{key: _text(value) for key, value in row.items()},
                },
            }
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode("utf-8")


@cache
def shipped_rows(filename: str) -> tuple[dict[str, str], ...]:
    """A data file the project ships (data/*.csv), read once per process."""
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


# --- The generators ------------------------------------------------------------------------


def public_facilities() -> list[Row]:
    rows = []
    for facility in bookings.facilities_listed():
        name = localized(facility.name, "ja")
        rows.append(
            {
                **_common(facility.slug),
                "名称": name,
                "名称_カナ": _kana(name),
                "名称_英字": facility.name.get("en", ""),
                **_address(facility.address),
                "緯度": facility.latitude,
                "経度": facility.longitude,
                "団体名": facility.department.name_ja,
                "利用可能曜日": "月;火;水;木;金;土;日",
                "開始時間": facility.opens_at.strftime("%H:%M"),
                "終了時間": facility.closes_at.strftime("%H:%M"),
            }
        )
    return rows


def events() -> list[Row]:
    rows = []
    for session in bookings.events_feed():
        offering, facility = session.offering, session.offering.facility
        name = localized(offering.name, "ja")
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        fee = offering.fee_resident_yen
        rows.append(
            {
                **_common(str(session.public_id)),
                "イベント名": name,
                "イベント名_カナ": _kana(name),
                "イベント名_英語": offering.name.get("en", ""),
                "開始日": starts.date().isoformat(),
                "終了日": ends.date().isoformat(),
                "開始時間": starts.strftime("%H:%M"),
                "終了時間": ends.strftime("%H:%M"),
                "説明": localized(offering.description, "ja"),
                "料金（基本）": "無料" if not fee else f"{fee}円",
                "主催者": offering.department.name_ja,
                "場所名称": localized(facility.name, "ja"),
                **_address(facility.address),
                "緯度": facility.latitude,
                "経度": facility.longitude,
                "定員": session.capacity,
            }
        )
    for notice in information.events_announced():
        title = notice.content.get("ja", {}).get("title", "")
        starts = timezone.localtime(notice.event_starts_at)
        rows.append(
            {
                **_common(str(notice.public_id)),
                "イベント名": title,
                "イベント名_カナ": _kana(title),
                "イベント名_英語": notice.content.get("en", {}).get("title", ""),
                "開始日": starts.date().isoformat(),
                "開始時間": starts.strftime("%H:%M"),
                "主催者": notice.department.name_ja,
                "場所名称": notice.event_place,
            }
        )
    return rows


# 指定緊急避難場所一覧's 災害種別 flag columns, by our Shelter.Hazard values (火山現象: Minato
# has no volcano, so that column is always blank).
HAZARD_COLUMNS = {
    "flood": "災害種別_洪水",
    "landslide": "災害種別_崖崩れ、土石流及び地滑り",
    "storm_surge": "災害種別_高潮",
    "earthquake": "災害種別_地震",
    "tsunami": "災害種別_津波",
    "fire": "災害種別_大規模な火事",
    "inland_flood": "災害種別_内水氾濫",
}


def _shelter_row(shelter: Any) -> Row:
    name = localized(shelter.name, "ja")
    return {
        "全国地方公共団体コード": MINATO_LG_CODE,
        "ID": shelter.slug,
        "地方公共団体名": MINATO_NAME,
        "市区町村コード": MINATO_LG_CODE,
        "名称": name,
        "名称_カナ": _kana(name),
        "名称_英字": shelter.name.get("en", ""),
        **_address(shelter.address),
        "緯度": shelter.latitude,
        "経度": shelter.longitude,
        # Required by the standard: the ward office's number where the place has none.
        "電話番号": shelter.phone or settings.MUNICIPALITY_PHONE,
        "想定収容人数": shelter.capacity,
    }


def evacuation_sites() -> list[Row]:
    rows = []
    for shelter in information.shelters_of_kind("evacuation_site"):
        row = _shelter_row(shelter)
        for hazard, column in HAZARD_COLUMNS.items():
            row[column] = "1" if hazard in shelter.hazards else ""
        row["災害種別_火山現象"] = ""
        row["指定避難所との重複"] = "1" if "shelter" in shelter.kinds else ""
        rows.append(row)
    return rows


def shelters() -> list[Row]:
    return [
        {
            **_shelter_row(shelter),
            "指定緊急避難場所との重複": "1" if "evacuation_site" in shelter.kinds else "",
        }
        for shelter in information.shelters_of_kind("shelter")
    ]


def wifi_spots() -> list[Row]:
    return [
        {
            **_common(f"{int(spot['number']):03d}"),
            "法人番号": corporate_number(MINATO_LG_CODE),
            "名称": f"Minato City Wi-Fi {spot['name']}",
            "名称_カナ": _kana(spot["name"]),
            "名称_英語": f"Minato City Wi-Fi {spot['name_en']}",
            **_address(spot["address"]),
            "緯度": spot["latitude"],
            "経度": spot["longitude"],
            "設置者": MINATO_NAME,
            "SSID": "Minato_City_Wi-Fi",
            "提供エリア": spot["name"],
        }
        for spot in shipped_rows("wifi_spots.csv")
    ]


def aed() -> list[Row]:
    return [
        {
            **_common(f"{number:03d}"),
            "名称": place["name"],
            "名称_カナ": _kana(place["name"]),
            "名称_英字": place["name_en"],
            **_address(place["address"]),
            "設置位置": place["location_detail"],
            "緯度": place["latitude"],
            "経度": place["longitude"],
            "電話番号": place["phone"],
            "利用可能曜日": place["available_days"],
            "開始時間": place["opens_at"],
            "終了時間": place["closes_at"],
            "小児対応設備の有無": place["pediatric_pads"],
        }
        for number, place in enumerate(shipped_rows("aed.csv"), start=1)
    ]


def childcare_facilities() -> list[Row]:
    return [
        {
            **_common(f"{number:03d}"),
            "名称": place["name"],
            "名称_カナ": _kana(place["name"]),
            "名称_英字": place["name_en"],
            "種別": place["kind"],
            **_address(place["address"]),
            "緯度": place["latitude"],
            "経度": place["longitude"],
            "電話番号": place["phone"],
            "収容定員": place["capacity"],
            "受入年齢": f"{place['age_from']}～{place['age_to']}" if place["age_from"] else "",
            "開始時間": place["opens_at"],
            "終了時間": place["closes_at"],
            "URL": place["url"],
        }
        for number, place in enumerate(shipped_rows("childcare_facilities.csv"), start=1)
    ]


DOWNLOAD_STATISTICS_HEADER = ["年月", "データセットID", "データセット名", "ダウンロード数"]


def download_statistics() -> bytes:
    """The catalogue's own download counts per dataset and month (not a standard dataset)."""
    rows = (
        {
            "年月": row["month"].strftime("%Y-%m"),
            "データセットID": row["dataset__name"],
            "データセット名": localized(row["dataset__title"], "ja"),
            "ダウンロード数": row["total"],
        }
        for row in selectors.downloads_by_dataset_month()
    )
    return csv_bytes(DOWNLOAD_STATISTICS_HEADER, rows)


_STANDARD_GENERATORS: dict[str, Callable[[], list[Row]]] = {
    "public-facilities": public_facilities,
    "events": events,
    "evacuation-sites": evacuation_sites,
    "shelters": shelters,
    "wifi-spots": wifi_spots,
    "aed": aed,
    "childcare-facilities": childcare_facilities,
}


def _sources() -> dict[str, LiveSource]:
    sources: dict[str, LiveSource] = {}
    for key, rows in _STANDARD_GENERATORS.items():
        sources[key] = LiveSource(
            key=key,
            format="CSV",
            filename=f"131032_{key.replace('-', '_')}.csv",
            standard=key,
            generate=lambda key=key, rows=rows: standard_csv(key, rows()),  # type: ignore[misc]
        )
        if key != "events":
            sources[f"{key}-geojson"] = LiveSource(
                key=f"{key}-geojson",
                format="GeoJSON",
                filename=f"131032_{key.replace('-', '_')}.geojson",
                standard="",
                generate=lambda rows=rows: geojson_bytes(rows()),  # type: ignore[misc]
            )
    sources["download-statistics"] = LiveSource(
        key="download-statistics",
        format="CSV",
        filename="131032_opendata_downloads.csv",
        standard="",
        generate=download_statistics,
    )
    return sources


SOURCES = _sources()
