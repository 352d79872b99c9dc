"""The demo catalogue: the ward's standard datasets generated live from the platform, a few
uploaded files (a CSV sent in Shift_JIS, a GeoJSON, a PDF), links to live endpoints, and
six months of download counts so that the statistics pages have something to show."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from minato.accounts.models import Department
from minato.core.areas import Area
from minato.opendata import services
from minato.opendata.models import Dataset, DownloadMonth, Group, Organization, Resource

# (organisation name, department code, title ja, title en)
ORGANIZATIONS = [
    ("joho-seisaku", "kikaku-keiei.joho-seisaku", "企画経営部 情報政策課", "Information Policy"),
    ("bosai", "bosai-kiki-kanri.bosai", "防災危機管理室 防災課", "Disaster Prevention"),
    ("shisetsu", "kikaku-keiei.shisetsu", "企画経営部 施設課", "Facilities"),
    (
        "chiiki-shinko",
        "sangyo-chiiki-shinko.chiiki-shinko",
        "産業・地域振興支援部 地域振興課",
        "Community Promotion",
    ),
    ("kodomo", "kodomo-katei-shien", "子ども家庭支援部", "Children and Families"),
    ("hoken-fukushi", "hoken-fukushi-shien", "保健福祉支援部", "Health and Welfare"),
]

GROUPS = [
    ("bosai", "防災・安全", "Disaster prevention and safety"),
    ("shisetsu", "施設", "Public facilities"),
    ("kosodate", "子育て", "Child-rearing"),
    ("kanko", "観光・イベント", "Tourism and events"),
    ("tsushin", "情報通信", "Communications"),
    ("tokei", "統計", "Statistics"),
]

# (name, organisation, groups, tags, title ja, title en, notes ja, live sources, frequency)
LIVE_DATASETS = [
    (
        "public-facilities",
        "shisetsu",
        ["shisetsu"],
        ["公共施設", "施設予約"],
        "公共施設一覧",
        "Public facilities",
        "区民が予約できる区立施設の一覧です。施設予約システムの登録内容から自動で作成しています。",
        ["public-facilities", "public-facilities-geojson"],
        "CONT",
    ),
    (
        "events",
        "chiiki-shinko",
        ["kanko"],
        ["イベント", "講座"],
        "イベント一覧",
        "Events",
        "区が開催するイベントと講座の一覧です。予約受付中の回とお知らせから自動で作成しています。",
        ["events"],
        "CONT",
    ),
    (
        "evacuation-sites",
        "bosai",
        ["bosai"],
        ["防災", "避難場所"],
        "指定緊急避難場所一覧",
        "Designated emergency evacuation sites",
        "災害の種類ごとに安全な指定緊急避難場所の一覧です。防災システムの登録内容から自動で作成しています。",
        ["evacuation-sites", "evacuation-sites-geojson"],
        "CONT",
    ),
    (
        "shelters",
        "bosai",
        ["bosai"],
        ["防災", "避難所"],
        "指定避難所一覧",
        "Designated shelters",
        "災害時に開設する指定避難所の一覧です。防災システムの登録内容から自動で作成しています。",
        ["shelters", "shelters-geojson"],
        "CONT",
    ),
    (
        "wifi-spots",
        "joho-seisaku",
        ["tsushin", "kanko"],
        ["Wi-Fi", "公衆無線LAN"],
        "公衆無線LANアクセスポイント一覧",
        "Public Wi-Fi access points (Minato City Wi-Fi)",
        "区が提供する公衆無線LAN「Minato City Wi-Fi」の設置場所40か所（令和5年4月時点）です。"
        "緯度・経度はおおよその位置です。",
        ["wifi-spots", "wifi-spots-geojson"],
        "IRREG",
    ),
    (
        "aed",
        "hoken-fukushi",
        ["bosai"],
        ["AED", "救命"],
        "AED設置箇所一覧",
        "AED locations",
        "区立施設に設置しているAED（自動体外式除細動器）の一覧です（デモ用のデータ）。",
        ["aed", "aed-geojson"],
        "IRREG",
    ),
    (
        "childcare-facilities",
        "kodomo",
        ["kosodate"],
        ["子育て", "保育園", "児童館"],
        "子育て施設一覧",
        "Child-care facilities",
        "区内の保育園・児童館など子育て施設の一覧です（デモ用のデータ）。",
        ["childcare-facilities", "childcare-facilities-geojson"],
        "IRREG",
    ),
    (
        "opendata-downloads",
        "joho-seisaku",
        ["tokei"],
        ["オープンデータ", "統計"],
        "オープンデータのダウンロード数",
        "Open data downloads",
        "このカタログの各データセットの月別ダウンロード数です（ロボットによる取得を除く）。"
        "港区DX推進計画の指標「オープンデータの月間ダウンロード数」の元データです。",
        ["download-statistics"],
        "DAILY",
    ),
]

# Population by 地区 and age band (demo figures in the ward's proportions).
POPULATION = {
    Area.SHIBA: (4200, 3100, 28900, 6100),
    Area.AZABU: (5600, 3900, 44000, 9800),
    Area.AKASAKA: (4700, 3600, 29800, 7500),
    Area.TAKANAWA: (7200, 5000, 50100, 12800),
    Area.SHIBAURA_KONAN: (8900, 5300, 50200, 9900),
}
AREA_JA = {
    Area.SHIBA: "芝地区",
    Area.AZABU: "麻布地区",
    Area.AKASAKA: "赤坂地区",
    Area.TAKANAWA: "高輪地区",
    Area.SHIBAURA_KONAN: "芝浦港南地区",
}

# Parks: (name ja, name en, latitude, longitude, area m²).
PARKS = [
    ("芝公園", "Shiba Park", 35.655600, 139.749000, 122000),
    ("有栖川宮記念公園", "Arisugawa-no-miya Memorial Park", 35.651900, 139.724900, 67000),
    ("檜町公園", "Hinokicho Park", 35.667400, 139.731900, 16000),
    ("高輪森の公園", "Takanawa Mori Park", 35.634300, 139.733600, 3700),
    ("芝浦公園", "Shibaura Park", 35.645300, 139.750300, 7800),
    ("お台場海浜公園", "Odaiba Seaside Park", 35.629700, 139.776400, 78000),
]

DEMO_DOWNLOADS = [1800, 2300, 2100, 2600, 2900, 3200]  # six months, oldest first


def _organizations() -> dict[str, Organization]:
    made = {organization.name: organization for organization in Organization.objects.all()}
    departments = {
        d.code: d for d in Department.objects.filter(code__in=[o[1] for o in ORGANIZATIONS])
    }
    for name, code, title_ja, title_en in ORGANIZATIONS:
        if name in made or code not in departments:
            continue
        made[name] = services.organization_create(
            department=departments[code],
            name=name,
            title={"ja": title_ja, "en": title_en},
            email="opendata@city.minato.example",
        )
    return made


def _groups() -> dict[str, Group]:
    made = {group.name: group for group in Group.objects.all()}
    for order, (name, title_ja, title_en) in enumerate(GROUPS):
        if name not in made:
            made[name] = services.group_create(
                name=name, title={"ja": title_ja, "en": title_en}, order=order
            )
    return made


def _population_csv_shift_jis() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["地区", "0～14歳", "15～19歳", "20～64歳", "65歳以上", "合計"])
    for area, bands in POPULATION.items():
        writer.writerow([AREA_JA[area], *bands, sum(bands)])
    # Sent as Shift_JIS without saying so: the catalogue detects it and stores UTF-8.
    return buffer.getvalue().encode("cp932")


def _parks_geojson() -> bytes:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name": name, "name_en": name_en, "area_m2": size},
        }
        for name, name_en, lat, lon, size in PARKS
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode()


def _plan_pdf() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("HeiseiKakuGo-W5", 14)
    page.drawString(60, 780, "港区オープンデータ 公開方針（概要）")
    page.setFont("HeiseiKakuGo-W5", 10)
    for number, line in enumerate(
        [
            "1. 区が保有する公共データは、原則としてオープンデータとして公開します。",
            "2. 利用規約はクリエイティブ・コモンズ表示4.0国際（CC BY 4.0）とします。",
            "3. デジタル庁の自治体標準オープンデータセットの形式に合わせて公開します。",
            "4. CSVはUTF-8（BOM付き）とShift_JISの両方で提供します。",
        ]
    ):
        page.drawString(60, 740 - 20 * number, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _new_dataset(
    organizations: dict[str, Organization],
    groups: dict[str, Group],
    row: tuple[Any, ...],
    *,
    standard: str = "",
) -> Dataset | None:
    """A draft from one row of the tables above; None when it exists (or its publisher does
    not: a demo without the ward's organisation)."""
    name, org, group_names, tags, title_ja, title_en, notes = row[:7]
    frequency = row[-1]
    if Dataset.objects.filter(name=name).exists() or org not in organizations:
        return None
    return services.dataset_create(
        organization=organizations[org],
        name=name,
        title={"ja": title_ja, "en": title_en},
        notes={"ja": notes},
        tags=tags,
        frequency=frequency,
        groups=[groups[g] for g in group_names],
        standard=standard,
        contact_name=organizations[org].title["ja"],
    )


def _uploaded(organizations: dict[str, Organization], groups: dict[str, Group]) -> int:
    made = 0
    uploads = [
        (
            "population-by-area",
            "joho-seisaku",
            ["tokei"],
            ["人口", "統計"],
            "地区別・年齢別人口",
            "Population by area and age",
            "地区総合支所の地区ごとの年齢3区分別人口です（デモ用の数値）。",
            "ANNUAL",
            [
                (
                    "地区別・年齢別人口",
                    "Population by area and age",
                    "CSV",
                    _population_csv_shift_jis(),
                    "population_by_area.csv",
                )
            ],
        ),
        (
            "parks",
            "shisetsu",
            ["shisetsu"],
            ["公園"],
            "主な区立公園",
            "Main ward parks",
            "主な区立公園の位置と面積です。",
            "IRREG",
            [
                (
                    "主な区立公園（GeoJSON）",
                    "Main ward parks (GeoJSON)",
                    "GeoJSON",
                    _parks_geojson(),
                    "parks.geojson",
                )
            ],
        ),
        (
            "opendata-policy",
            "joho-seisaku",
            ["tokei"],
            ["オープンデータ", "方針"],
            "港区オープンデータ公開方針",
            "Minato City open data policy",
            "区がオープンデータを公開する方針の概要です。",
            "IRREG",
            [("公開方針（PDF）", "Policy (PDF)", "PDF", _plan_pdf(), "opendata_policy.pdf")],
        ),
    ]
    for row in uploads:
        dataset = _new_dataset(organizations, groups, (*row[:7], row[7]))
        if dataset is None:
            continue
        for file_ja, file_en, fmt, content, filename in row[8]:
            services.resource_upload_add(
                dataset=dataset,
                name={"ja": file_ja, "en": file_en},
                fmt=fmt,
                content=content,
                original_filename=filename,
            )
        services.dataset_set_state(dataset=dataset, state=Dataset.State.ACTIVE)
        made += 1
    return made


def _live(organizations: dict[str, Organization], groups: dict[str, Group]) -> int:
    made = 0
    for row in LIVE_DATASETS:
        name, title_ja, title_en, sources = row[0], row[4], row[5], row[7]
        standard = name if name != "opendata-downloads" else ""
        dataset = _new_dataset(organizations, groups, row, standard=standard)
        if dataset is None:
            continue
        for key in sources:
            label = "GeoJSON" if key.endswith("-geojson") else "CSV"
            services.resource_live_add(
                dataset=dataset,
                live_key=key,
                name={"ja": f"{title_ja}（{label}）", "en": f"{title_en} ({label})"},
            )
        if name == "shelters":
            services.resource_link_add(
                dataset=dataset,
                name={"ja": "避難所の開設状況API（JSON）", "en": "Shelter status API (JSON)"},
                fmt=Resource.Format.JSON,
                url=f"{settings.SITE_URL}/api/v1/shelters",
            )
        services.dataset_set_state(dataset=dataset, state=Dataset.State.ACTIVE)
        made += 1
    return made


def _downloads() -> None:
    """Six months of counts before this one, spread over the datasets' first files."""
    if DownloadMonth.objects.exists():
        return
    resources = list(
        Resource.objects.filter(dataset__state=Dataset.State.ACTIVE, variant_of=None)
        .exclude(kind=Resource.Kind.LINK)
        .order_by("dataset__name", "position")
    )
    if not resources:
        return
    first = timezone.localdate().replace(day=1)
    for back, total in enumerate(reversed(DEMO_DOWNLOADS), start=1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        month_start = date(year, month + 1, 1)
        weights = [len(resources) - index for index in range(len(resources))]
        share = sum(weights)
        DownloadMonth.objects.bulk_create(
            DownloadMonth(
                resource=resource,
                dataset_id=resource.dataset_id,
                month=month_start,
                count=total * weight // share,
            )
            for resource, weight in zip(resources, weights, strict=True)
        )


def load() -> str:
    organizations = _organizations()
    groups = _groups()
    live = _live(organizations, groups)
    uploaded = _uploaded(organizations, groups)
    _downloads()
    services.live_resources_refresh()
    total = Dataset.objects.filter(state=Dataset.State.ACTIVE).count()
    return (
        f"{total} open datasets ({live} live and {uploaded} uploaded made now) at /opendata/; "
        "CKAN API at /api/3/action/, DCAT at /catalog.ttl"
    )
