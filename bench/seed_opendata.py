"""Seed the benchmark database with an open-data catalogue for the ``opendata_*`` scenarios,
and print the download path of one seeded CSV file (for ``opendata_download``).

Issue 13's targets: CKAN's ``package_search`` over 5,000 datasets and 30,000 resources, p95
under 50 ms on 2 cores; a resource's download throughput as a ratio to the bare view in the
same run. This puts that many published datasets in the catalogue (``--count``,
``--resources``; 6 files a dataset on average): mostly CSV files, each with the Shift_JIS
twin the services make (``variant_of``), and JSON, PDF and GeoJSON files; published by about
40 organisations (the demo's, and one for each of the departments of ``THEMES`` that has none
yet, made with ``services.organization_create``), filed under about 10 groups
(``services.group_create``), with Japanese (and mostly English) titles, descriptions and tags
drawn from a vocabulary of municipal themes weighted so that searches match a realistic share
(人口 about 10 % of the datasets, 保育園 about 6 %, 花粉 under 1 %; it prints the shares it got).
Every file has one current ``ResourceVersion`` of a few hundred bytes (the same bytes shared
by the files of a theme), so downloads work.

Datasets, resources and versions are bulk-inserted (``bulk_create``, 250 datasets a
transaction, about 30 s in all): through the services a dataset of 6 files takes about
220 ms (20 minutes for 5,000, each file rebuilding the dataset's document). The rows are
what the services make: the same fields and defaults (``services._filename``, the CSV decoded
and its encoding detected by ``services._decoded_csv``, every blob accepted by
``services._check_content``, each CSV and its Shift_JIS twin stored as downloaded by
``services.served_bytes``, the twin named, placed and dated as ``services._add_resource`` and
``_new_version`` do), and the derived fields (the CKAN document, ``facet_text``, ``facet_match``,
``search_text``, ``search_reading``, ``sort_title``) built by ``documents.refresh(dataset,
save=False)`` from the inserted rows. Every run checks this before writing anything: a
dataset with a file of every format, made through the services (``dataset_create``,
``resource_upload_add``, each file as its own request) and by the bulk path, both rolled
back, must give equal rows, versions and documents, ids, names and times aside (it refuses
otherwise); one bench dataset seeded earlier must equal what the services make of its input
now (otherwise the app has changed since, and it deletes and seeds them all again;
``--reset`` does so anyway); and for a sample of seeded datasets
``documents.package_document`` must equal the stored ``document``. The dates are spread over
the six years before ``ANCHOR`` (``metadata_modified``, the files' ``last_modified``), not all
"now". No audit rows for the datasets (bench data, as ``seed_reports.py``); organisations and
groups are made through the services, audited.

It refuses unless ``BENCHMARK_ENDPOINTS=true`` (set by ``scripts/bench``) and the database is
PostgreSQL. Idempotent: the datasets are generated from ``--seed`` in the same order every
time and named ``<theme>-<number>``; those already there are skipped (a run that finds them
all adds nothing), then VACUUM ANALYZE on the catalogue's tables. The documents hold absolute
URLs (``SITE_URL``): when the sample check finds them stale, it rebuilds them all.

    DJANGO_SETTINGS_MODULE=config.settings.base DATABASE_URL=postgres://… \\
        BENCHMARK_ENDPOINTS=true .venv/bin/python bench/seed_opendata.py [--count 5000]

Progress goes to stderr; stdout gets one line, the download path, which ``scripts/bench``
passes to ``bench/http_bench.py`` as ``BENCH_OPENDATA_DOWNLOAD``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 250  # datasets per transaction (about 1,500 resources)
YEARS_BACK = 6
# The dates are spread over the YEARS_BACK years before this (fixed, so that the same
# arguments give the same datasets whenever the seeder runs).
ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)
# Bench datasets are named "<theme slug>-<5 digits>" (no demo dataset is).
BENCH_NAME = r"^[a-z]+-[0-9]{5}$"
SAMPLE_CHECKS = 25

# Words whose share of the datasets the seeder prints (the scenarios search for 人口).
REPORTED_WORDS = (
    "人口",
    "保育園",
    "ごみ",
    "道路",
    "公園",
    "観光",
    "予算",
    "避難所",
    "選挙",
    "AED",
    "花粉",
)

AREAS = (
    ("芝地区", "Shiba"),
    ("麻布地区", "Azabu"),
    ("赤坂地区", "Akasaka"),
    ("高輪地区", "Takanawa"),
    ("芝浦港南地区", "Shibaura-Konan"),
)
TOWNS = (
    ("芝", "Shiba"),
    ("海岸", "Kaigan"),
    ("東新橋", "Higashi-Shimbashi"),
    ("浜松町", "Hamamatsucho"),
    ("芝大門", "Shiba-Daimon"),
    ("三田", "Mita"),
    ("麻布十番", "Azabu-Juban"),
    ("六本木", "Roppongi"),
    ("西麻布", "Nishi-Azabu"),
    ("南麻布", "Minami-Azabu"),
    ("赤坂", "Akasaka"),
    ("元赤坂", "Moto-Akasaka"),
    ("北青山", "Kita-Aoyama"),
    ("南青山", "Minami-Aoyama"),
    ("白金", "Shirokane"),
    ("白金台", "Shirokanedai"),
    ("高輪", "Takanawa"),
    ("港南", "Konan"),
    ("芝浦", "Shibaura"),
    ("台場", "Daiba"),
)
ELECTIONS = (
    ("港区長選挙", "Minato mayoral election"),
    ("港区議会議員選挙", "Minato City Council election"),
    ("東京都知事選挙", "Tokyo gubernatorial election"),
    ("東京都議会議員選挙", "Tokyo Metropolitan Assembly election"),
    ("衆議院議員総選挙", "House of Representatives election"),
    ("参議院議員通常選挙", "House of Councillors election"),
)
ROUTES = ("芝ルート", "麻布西ルート", "赤坂ルート", "田町ルート", "芝浦港南ルート", "高輪ルート")

# Groups the bench adds to the demo's six (bosai, shisetsu, kosodate, kanko, tsushin, tokei).
GROUPS = (
    ("kenko-fukushi", "健康・福祉", "Health and welfare"),
    ("kankyo", "環境・ごみ", "Environment and waste"),
    ("machizukuri", "まちづくり・交通", "Town planning and transport"),
    ("gyozaisei", "行政・財政", "Administration and finance"),
    ("kyoiku", "教育・文化", "Education and culture"),
)
LICENSES = (("cc-by-4.0", 85), ("cc-zero", 8), ("odc-by", 4), ("other-open", 3))
# (CSV files, other files) a dataset has: 4 to 8 resources, 6 on average (a CSV is two).
PATTERNS = ((1, 2), (2, 1), (2, 2), (2, 2), (3, 0), (3, 1), (3, 2))
OTHER_FORMATS = (("JSON", 40), ("PDF", 35), ("GeoJSON", 25))
CSV_NAMES = (("一覧", "List"), ("集計表", "Summary"), ("前年度との比較", "Year on year"))
OTHER_NAMES = {
    "JSON": (("データ（JSON）", "Data (JSON)"), ("API用データ（JSON）", "Data for APIs (JSON)")),
    "PDF": (("説明資料（PDF）", "Notes (PDF)"), ("項目定義書（PDF）", "Field definitions (PDF)")),
    "GeoJSON": (
        ("位置情報（GeoJSON）", "Locations (GeoJSON)"),
        ("地図データ（GeoJSON）", "Map (GeoJSON)"),
    ),
}
FREQUENCY_JA = {
    "MONTHLY": "毎月更新します。",
    "ANNUAL": "毎年度更新します。",
    "IRREG": "内容に変更があったときに更新します。",
    "QUARTERLY": "四半期ごとに更新します。",
}
CONTACT_EMAIL = "opendata@city.minato.example"  # a desk, never a person
CONTACT_PHONE = "03-3578-2111"


@dataclass(frozen=True)
class Theme:
    slug: str  # the datasets' names and the files' names start with it
    weight: float  # share of the datasets, in %
    departments: tuple[str, ...]  # accounts.Department codes that publish it
    groups: tuple[str, ...]
    tags: tuple[str, ...]  # the first on every dataset, one or two of the rest
    # (ja, en) with {area} {town} {era} {era_month} {election} {route} {n} (and _en forms)
    titles: tuple[tuple[str, str], ...]
    notes: str
    columns: tuple[str, ...]
    frequency: str = "ANNUAL"


THEMES = (
    Theme(
        "jinko",
        8.5,
        ("shiba.kumin", "takanawa.kumin", "kikaku-keiei.joho-seisaku"),
        ("tokei",),
        ("人口", "世帯", "統計", "町丁目"),
        (
            (
                "{area} 町丁目別人口・世帯数（{era_month}1日現在）",
                "Population and households by town, {area_en} ({ym})",
            ),
            ("年齢別人口（{era}1月1日現在）", "Population by age ({year})"),
            ("外国人人口 国籍別（{era}）", "Foreign residents by nationality ({year})"),
            ("{area} 人口動態（{era}）", "Population changes, {area_en} ({year})"),
        ),
        "住民基本台帳に基づく人口と世帯数です。",
        ("町丁目", "世帯数", "人口総数", "男", "女"),
        "MONTHLY",
    ),
    Theme(
        "hoikuen",
        6.0,
        ("kodomo-katei-shien.hoiku", "kodomo-katei-shien"),
        ("kosodate",),
        ("保育園", "子育て", "待機児童", "入園"),
        (
            ("保育園の空き状況（{era_month}）", "Nursery vacancies ({ym})"),
            ("{area} 保育園一覧", "Nurseries in {area_en}"),
            ("認可保育園 入園申込状況（{era}）", "Nursery applications ({year})"),
            ("区立保育園の給食献立（{era_month}）", "Nursery meal menus ({ym})"),
        ),
        "区内の認可保育園と区立保育園の情報です。",
        ("施設名", "所在地", "定員", "空き（0歳）", "空き（1歳）"),
        "MONTHLY",
    ),
    Theme(
        "hinanjo",
        3.0,
        ("bosai-kiki-kanri.bosai",),
        ("bosai",),
        ("避難所", "防災", "一時滞在施設", "帰宅困難者"),
        (
            ("{area} 避難所一覧", "Shelters in {area_en}"),
            ("帰宅困難者 一時滞在施設一覧（{era}）", "Temporary stay facilities ({year})"),
            ("福祉避難所一覧（{era}）", "Welfare shelters ({year})"),
            ("避難所の備蓄品（{era}）", "Shelter stockpiles ({year})"),
        ),
        "災害時に開設する避難所と帰宅困難者の一時滞在施設の情報です。",
        ("施設名", "所在地", "収容人数", "緯度", "経度"),
        "IRREG",
    ),
    Theme(
        "koen",
        4.0,
        ("machizukuri-shien.doboku-kanri", "shiba.machizukuri"),
        ("shisetsu", "machizukuri"),
        ("公園", "児童遊園", "緑地", "遊具"),
        (
            ("{area} 区立公園一覧", "Ward parks in {area_en}"),
            ("公園遊具の点検結果（{era}）", "Playground inspections ({year})"),
            ("{town}の公園・児童遊園", "Parks and playgrounds in {town_en}"),
            ("公園の樹木 本数（{era}）", "Trees in parks ({year})"),
        ),
        "区立公園と児童遊園の所在地、面積、遊具の情報です。",
        ("公園名", "所在地", "面積（㎡）", "遊具数"),
        "ANNUAL",
    ),
    Theme(
        "aed",
        1.2,
        ("hoken-fukushi-shien.hoken-fukushi", "hoken-fukushi-shien"),
        ("bosai", "kenko-fukushi"),
        ("AED", "救命", "応急手当"),
        (
            ("{area} AED設置施設一覧", "AED locations in {area_en}"),
            ("AED設置施設一覧（{era}）", "AED locations ({year})"),
            ("救命講習（AED）の開催実績（{era}）", "First-aid courses with AED ({year})"),
        ),
        "区立施設などに設置している自動体外式除細動器の情報です。",
        ("施設名", "所在地", "設置場所", "利用可能時間"),
        "IRREG",
    ),
    Theme(
        "gomi",
        5.0,
        ("kankyo-risaikuru-shien.minato-risaikuru-seiso", "kankyo-risaikuru-shien.kankyo"),
        ("kankyo",),
        ("ごみ", "リサイクル", "資源", "収集"),
        (
            ("ごみ・資源の収集日（{town}）", "Waste collection days ({town_en})"),
            ("ごみ量の推移（{era}）", "Waste volumes ({year})"),
            ("粗大ごみ受付件数（{era_month}）", "Bulky waste requests ({ym})"),
            ("資源回収量 品目別（{era}）", "Recycling by material ({year})"),
        ),
        "家庭から出るごみと資源の収集と量の情報です。",
        ("区分", "品目", "収集量（t）", "前年比"),
        "MONTHLY",
    ),
    Theme(
        "yosan",
        3.0,
        ("kikaku-keiei.zaisei",),
        ("gyozaisei",),
        ("予算", "財政", "決算", "歳出"),
        (
            ("{era} 当初予算 款別歳出", "Initial budget by item, FY{year}"),
            ("{era} 補正予算（第{n}号）の概要", "Supplementary budget no. {n}, FY{year}"),
            ("{era} 決算 性質別歳出", "Settled accounts by nature, FY{year}"),
            ("基金残高の推移（{era}）", "Fund balances ({year})"),
        ),
        "区の一般会計と特別会計の予算・決算の情報です。",
        ("款", "予算額（千円）", "前年度予算額（千円）", "増減率"),
        "ANNUAL",
    ),
    Theme(
        "senkyo",
        1.5,
        ("somu.somu",),
        ("gyozaisei",),
        ("選挙", "投票", "投票率"),
        (
            ("{election} 投票結果（投票区別）", "{election_en}: turnout by polling district"),
            ("{election} 期日前投票者数", "{election_en}: early voting"),
            ("選挙人名簿登録者数（{era_month}）", "Registered voters ({ym})"),
        ),
        "選挙管理委員会が公表した投票の結果です。",
        ("投票区", "当日有権者数", "投票者数", "投票率"),
        "IRREG",
    ),
    Theme(
        "kanko",
        3.0,
        ("sangyo-chiiki-shinko.kanko-seisaku", "sangyo-chiiki-shinko.chiiki-shinko"),
        ("kanko",),
        ("観光", "観光スポット", "イベント", "まち歩き"),
        (
            ("{area} 観光スポット一覧", "Sights in {area_en}"),
            ("観光案内所の利用者数（{era}）", "Tourist information centre visitors ({year})"),
            ("観光ボランティアガイドの実績（{era}）", "Volunteer guide tours ({year})"),
            ("{town}周辺の観光マップ", "Sightseeing map around {town_en}"),
        ),
        "区内の観光スポットと観光案内の情報です。",
        ("名称", "所在地", "カテゴリ", "緯度", "経度"),
        "IRREG",
    ),
    Theme(
        "doro",
        4.0,
        ("machizukuri-shien.doboku", "machizukuri-shien.doboku-kanri"),
        ("machizukuri",),
        ("道路", "工事", "通行規制", "区道"),
        (
            ("道路工事の予定（{era_month}）", "Road works ({ym})"),
            ("{area} 区道の路線一覧", "Ward roads in {area_en}"),
            ("道路の通行規制情報（{era_month}）", "Road closures ({ym})"),
            ("歩道橋一覧（{era}）", "Pedestrian bridges ({year})"),
            ("道路占用許可件数（{era}）", "Road occupancy permits ({year})"),
        ),
        "区道の工事、規制、占用の情報です。",
        ("路線名", "工事箇所", "期間", "規制内容"),
        "MONTHLY",
    ),
    Theme(
        "toshokan",
        2.5,
        ("kyoiku-iinkai.kyoiku-suishin.tosho-bunkazai",),
        ("kyoiku",),
        ("図書館", "読書", "蔵書"),
        (
            ("図書館の蔵書数・貸出冊数（{era}）", "Library holdings and loans ({year})"),
            ("区立図書館一覧", "Ward libraries"),
            ("{area} 図書館の開館カレンダー（{era_month}）", "Library calendar, {area_en} ({ym})"),
        ),
        "区立図書館の利用と蔵書の情報です。",
        ("館名", "蔵書数", "貸出冊数", "登録者数"),
        "ANNUAL",
    ),
    Theme(
        "gakko",
        3.0,
        ("kyoiku-iinkai.gakko-kyoiku.gakumu",),
        ("kyoiku", "kosodate"),
        ("学校", "教育", "小学校", "中学校"),
        (
            ("区立小・中学校一覧（{era}）", "Ward schools ({year})"),
            ("児童・生徒数 学校別（{era}）", "Pupils by school ({year})"),
            ("{area} 通学区域", "School districts, {area_en}"),
            ("学校給食の献立（{era_month}）", "School lunch menus ({ym})"),
            ("学校施設の改修予定（{era}）", "School building works ({year})"),
        ),
        "区立の小学校と中学校の情報です。",
        ("学校名", "所在地", "児童・生徒数", "学級数"),
        "ANNUAL",
    ),
    Theme(
        "kenshin",
        3.5,
        ("minato-hokenjo.kenko-suishin", "minato-hokenjo.hoken-yobo"),
        ("kenko-fukushi",),
        ("健康", "検診", "予防接種", "感染症"),
        (
            ("がん検診の受診者数（{era}）", "Cancer screening ({year})"),
            ("予防接種 実施医療機関一覧（{era}）", "Vaccination clinics ({year})"),
            ("特定健診の受診率（{era}）", "Health check-up rates ({year})"),
            ("感染症の発生状況（{era_month}）", "Infectious diseases ({ym})"),
        ),
        "みなと保健所が実施する検診と予防接種の情報です。",
        ("区分", "対象者数", "受診者数", "受診率"),
        "ANNUAL",
    ),
    Theme(
        "kaigo",
        3.5,
        ("hoken-fukushi-shien.kaigo-hoken",),
        ("kenko-fukushi",),
        ("介護", "高齢者", "介護保険"),
        (
            ("介護保険事業状況報告（{era_month}）", "Long-term care insurance report ({ym})"),
            ("{area} 介護サービス事業所一覧", "Care providers in {area_en}"),
            ("高齢者数と高齢化率（{era}）", "Older residents ({year})"),
            ("いきいきプラザ一覧", "Ikiiki Plaza centres"),
        ),
        "介護保険と高齢者支援の情報です。",
        ("区分", "認定者数", "サービス利用者数", "給付費（千円）"),
        "MONTHLY",
    ),
    Theme(
        "shogai",
        1.5,
        ("hoken-fukushi-shien.shogaisha-fukushi",),
        ("kenko-fukushi",),
        ("障害者福祉", "福祉", "手帳"),
        (
            ("障害者手帳 所持者数（{era}）", "Disability certificate holders ({year})"),
            ("障害福祉サービス事業所一覧", "Disability service providers"),
            ("福祉施設の整備計画（{era}）", "Welfare facility plan ({year})"),
        ),
        "障害のある方への福祉サービスの情報です。",
        ("区分", "等級", "人数"),
        "ANNUAL",
    ),
    Theme(
        "kokuho",
        2.0,
        ("hoken-fukushi-shien.kokuho-nenkin",),
        ("kenko-fukushi",),
        ("国民健康保険", "年金", "生活福祉"),
        (
            ("国民健康保険 被保険者数（{era_month}）", "National Health Insurance members ({ym})"),
            ("国民年金 加入者数（{era}）", "National Pension members ({year})"),
            ("生活保護の状況（{era}）", "Public assistance ({year})"),
        ),
        "国民健康保険、国民年金と生活福祉の情報です。",
        ("区分", "世帯数", "被保険者数"),
        "MONTHLY",
    ),
    Theme(
        "jutaku",
        1.5,
        ("machizukuri-shien.jutaku",),
        ("machizukuri",),
        ("住宅", "区営住宅", "空き家"),
        (
            ("区営住宅・区立住宅一覧", "Ward housing"),
            ("空き家実態調査（{era}）", "Vacant houses survey ({year})"),
            ("区営住宅の募集状況（{era_month}）", "Ward housing vacancies ({ym})"),
        ),
        "区営住宅と住まいの情報です。",
        ("住宅名", "所在地", "戸数", "募集戸数"),
        "IRREG",
    ),
    Theme(
        "toshikei",
        2.5,
        ("machizukuri-shien.toshi-keikaku", "machizukuri-shien.kenchiku"),
        ("machizukuri",),
        ("都市計画", "まちづくり", "建築"),
        (
            ("{area} 用途地域", "Zoning, {area_en}"),
            ("地区計画の一覧（{era}）", "District plans ({year})"),
            ("建築確認申請件数（{era}）", "Building permits ({year})"),
            ("{town}地区 再開発事業の概要", "Redevelopment in {town_en}"),
        ),
        "都市計画と建築の情報です。",
        ("地区名", "区分", "面積（ha）", "決定年月日"),
        "IRREG",
    ),
    Theme(
        "kotsu",
        3.0,
        ("machizukuri-shien.chiiki-kotsu",),
        ("machizukuri",),
        ("交通", "コミュニティバス", "自転車", "ちぃばす"),
        (
            ("ちぃばす 乗降客数（{era_month}）", "Chii Bus passengers ({ym})"),
            ("ちぃばす 時刻表（{route}）", "Chii Bus timetable ({route})"),
            ("自転車シェアリング ポート一覧", "Bike share stations"),
            ("放置自転車の撤去台数（{era}）", "Abandoned bicycles removed ({year})"),
            ("自転車駐車場一覧", "Bicycle parking"),
        ),
        "コミュニティバスと自転車の情報です。",
        ("路線・施設", "停留所・所在地", "乗車人数", "降車人数"),
        "MONTHLY",
    ),
    Theme(
        "kankyo",
        3.0,
        ("kankyo-risaikuru-shien.kankyo",),
        ("kankyo",),
        ("環境", "大気", "騒音", "地球温暖化"),
        (
            ("大気汚染の測定結果（{era_month}）", "Air quality ({ym})"),
            ("騒音・振動の測定結果（{era}）", "Noise and vibration ({year})"),
            ("温室効果ガス排出量の推移（{era}）", "Greenhouse gas emissions ({year})"),
            ("{area} 緑被率調査", "Green cover, {area_en}"),
        ),
        "区内の環境の測定と調査の結果です。",
        ("測定地点", "項目", "測定値", "単位"),
        "MONTHLY",
    ),
    Theme(
        "eisei",
        2.0,
        ("minato-hokenjo.seikatsu-eisei",),
        ("kenko-fukushi",),
        ("食品衛生", "衛生", "飲食店"),
        (
            ("食品衛生監視指導計画の実施結果（{era}）", "Food hygiene inspections ({year})"),
            ("飲食店営業許可件数（{era_month}）", "Restaurant licences ({ym})"),
            ("公衆浴場一覧", "Public baths"),
            ("ねずみ・害虫の相談件数（{era}）", "Pest enquiries ({year})"),
        ),
        "みなと保健所の生活衛生の情報です。",
        ("区分", "件数", "前年度件数"),
        "ANNUAL",
    ),
    Theme(
        "zeimu",
        1.2,
        ("sangyo-chiiki-shinko.zeimu",),
        ("gyozaisei",),
        ("税", "特別区民税", "軽自動車税"),
        (
            ("特別区民税 納税義務者数（{era}）", "Ward residents' tax payers ({year})"),
            ("軽自動車税 課税台数（{era}）", "Light vehicle tax ({year})"),
        ),
        "区税の課税と納税の情報です。",
        ("区分", "納税義務者数", "調定額（千円）"),
        "ANNUAL",
    ),
    Theme(
        "shisetsu",
        3.5,
        ("kikaku-keiei.shisetsu", "akasaka.kanri"),
        ("shisetsu",),
        ("公共施設", "施設", "施設予約"),
        (
            ("{area} 区有施設一覧", "Ward facilities in {area_en}"),
            ("区民センター 利用状況（{era}）", "Community centre use ({year})"),
            ("施設予約の利用率（{era_month}）", "Facility booking rates ({ym})"),
            ("区有施設の改修計画（{era}）", "Facility renovation plan ({year})"),
        ),
        "区が管理する施設の情報です。",
        ("施設名", "所在地", "利用件数", "利用率"),
        "IRREG",
    ),
    Theme(
        "chiiki",
        3.0,
        ("azabu.kyodo-suishin", "shibaura-konan.kyodo-suishin"),
        ("machizukuri",),
        ("地域活動", "町会・自治会", "区民協働"),
        (
            ("{area} 町会・自治会一覧", "Neighbourhood associations, {area_en}"),
            ("{area} 地域のイベント（{era_month}）", "Local events, {area_en} ({ym})"),
            ("区民協働事業の実績（{era}）", "Partnership projects ({year})"),
        ),
        "地区総合支所がまとめた地域活動の情報です。",
        ("団体名", "地区", "会員数"),
        "IRREG",
    ),
    Theme(
        "sangyo",
        2.0,
        ("sangyo-chiiki-shinko.sangyo-shinko",),
        ("tokei",),
        ("産業", "商店街", "中小企業"),
        (
            ("事業所数・従業者数 産業分類別（{era}）", "Businesses by industry ({year})"),
            ("{area} 商店街一覧", "Shopping streets, {area_en}"),
            ("中小企業融資あっせん件数（{era_month}）", "SME loan referrals ({ym})"),
        ),
        "区内の産業と商店街の情報です。",
        ("産業分類", "事業所数", "従業者数"),
        "ANNUAL",
    ),
    Theme(
        "bunka",
        2.0,
        (
            "kyoiku-iinkai.kyoiku-suishin.tosho-bunkazai",
            "sangyo-chiiki-shinko.kokusaika-bunka-geijutsu",
        ),
        ("kyoiku", "kanko"),
        ("文化財", "文化芸術", "郷土資料"),
        (
            ("{area} 文化財一覧", "Cultural properties, {area_en}"),
            ("文化芸術イベント一覧（{era}）", "Arts events ({year})"),
            ("郷土歴史館の入館者数（{era}）", "Local history museum visitors ({year})"),
        ),
        "区の文化財と文化芸術の情報です。",
        ("名称", "種別", "所在地", "指定年月日"),
        "IRREG",
    ),
    Theme(
        "kokusai",
        0.8,
        ("sangyo-chiiki-shinko.kokusaika-bunka-geijutsu",),
        ("kanko",),
        ("国際交流", "多言語"),
        (
            ("多言語相談窓口の相談件数（{era}）", "Multilingual desk enquiries ({year})"),
            ("国際交流イベント（{era}）", "International exchange events ({year})"),
        ),
        "外国人住民への相談と国際交流の情報です。",
        ("言語", "相談件数"),
        "ANNUAL",
    ),
    Theme(
        "sports",
        2.0,
        ("kyoiku-iinkai.kyoiku-suishin.shogai-gakushu-supotsu-shinko",),
        ("kyoiku",),
        ("スポーツ", "生涯学習", "プール"),
        (
            ("スポーツセンター利用者数（{era_month}）", "Sports centre visitors ({ym})"),
            ("生涯学習講座一覧（{era}）", "Lifelong learning courses ({year})"),
            ("区民プールの利用状況（{era}）", "Pool use ({year})"),
        ),
        "区のスポーツ施設と生涯学習の情報です。",
        ("施設名", "利用者数", "開館日数"),
        "MONTHLY",
    ),
    Theme(
        "jinji",
        1.0,
        ("somu.jinji",),
        ("gyozaisei",),
        ("職員", "人事", "給与"),
        (
            ("職員数 部局別（{era}）", "Staff by department ({year})"),
            ("職員の給与の状況（{era}）", "Staff pay ({year})"),
        ),
        "区の職員数と給与の情報です。",
        ("部局", "職員数"),
        "ANNUAL",
    ),
    Theme(
        "keiyaku",
        3.0,
        ("somu.keiyaku-kanzai",),
        ("gyozaisei",),
        ("入札", "契約", "調達"),
        (
            ("入札結果（{era_month}）", "Tender results ({ym})"),
            ("契約締結状況（{era}）", "Contracts concluded ({year})"),
            ("指名停止措置の一覧（{era}）", "Suspended contractors ({year})"),
        ),
        "区が行った入札と契約の情報です。",
        ("件名", "契約方法", "契約金額（円）", "契約日"),
        "MONTHLY",
    ),
    Theme(
        "dx",
        1.0,
        ("kikaku-keiei.dejitaru-kaikaku", "kikaku-keiei.joho-seisaku"),
        ("tsushin",),
        ("デジタル", "オンライン申請", "Wi-Fi"),
        (
            ("オンライン申請の利用件数（{era_month}）", "Online applications ({ym})"),
            ("公衆無線LANの接続数（{era}）", "Public Wi-Fi sessions ({year})"),
        ),
        "区のデジタル化と情報通信の情報です。",
        ("手続・場所", "件数"),
        "MONTHLY",
    ),
    Theme(
        "kafun",
        0.4,
        ("minato-hokenjo.hoken-yobo",),
        ("kenko-fukushi",),
        ("花粉", "アレルギー"),
        (
            ("花粉飛散数の測定結果（{era}）", "Pollen counts ({year})"),
            ("スギ・ヒノキ花粉の飛散状況（{era_month}）", "Cedar and cypress pollen ({ym})"),
        ),
        "区内の測定地点で観測した花粉の飛散数です。",
        ("測定日", "スギ（個/cm2）", "ヒノキ（個/cm2）"),
        "IRREG",
    ),
    Theme(
        "jidokan",
        2.0,
        ("kodomo-katei-shien.kodomo-katei-shien-center",),
        ("kosodate",),
        ("児童館", "子育て", "子育てひろば"),
        (
            ("{area} 児童館一覧", "Children's centres, {area_en}"),
            ("子育てひろばの利用者数（{era}）", "Parent and child drop-in use ({year})"),
            ("児童館の行事予定（{era_month}）", "Children's centre events ({ym})"),
        ),
        "児童館と子育てひろばの情報です。",
        ("施設名", "所在地", "利用者数"),
        "MONTHLY",
    ),
    Theme(
        "kucho",
        1.0,
        ("kikaku-keiei.kucho-shitsu",),
        ("gyozaisei",),
        ("広報", "区政", "区民意識調査"),
        (
            ("区長への手紙の件数（{era}）", "Letters to the mayor ({year})"),
            ("広報みなと 発行一覧（{era}）", "Koho Minato issues ({year})"),
            ("区民意識調査（{era}）", "Residents' survey ({year})"),
        ),
        "区政と広報の情報です。",
        ("区分", "件数"),
        "ANNUAL",
    ),
    Theme(
        "tokeisho",
        1.5,
        ("kikaku-keiei.joho-seisaku",),
        ("tokei",),
        ("統計書", "統計"),
        (
            ("港区統計書（{era}）人口・世帯編", "Statistical yearbook {year}: population"),
            ("港区統計書（{era}）経済編", "Statistical yearbook {year}: economy"),
            ("港区統計書（{era}）土地・建物編", "Statistical yearbook {year}: land and buildings"),
        ),
        "港区統計書の各編の表です。",
        ("表番号", "項目", "値"),
        "ANNUAL",
    ),
)


# --- What one dataset will be ----------------------------------------------------------------


@dataclass
class FileSpec:
    fmt: str  # "CSV", "JSON", "PDF", "GeoJSON"
    name: dict[str, str]
    description: dict[str, str]
    original_filename: str
    blob_key: tuple[str, str, str]  # (theme slug, format, variant): the content's key
    at: datetime  # when it was uploaded


@dataclass
class DatasetSpec:
    name: str
    theme: Theme
    department: str
    fields: dict[str, Any]  # services.DATASET_FIELDS
    groups: tuple[str, ...]
    created_at: datetime
    files: list[FileSpec] = field(default_factory=list)


def _era(year: int) -> str:
    if year >= 2019:
        return "令和元年度" if year == 2019 else f"令和{year - 2018}年度"
    return f"平成{year - 1988}年度"


def _era_month(year: int, month: int) -> str:
    if (year, month) >= (2019, 5):
        reiwa = year - 2018
        return f"令和{'元' if reiwa == 1 else reiwa}年{month}月"
    return f"平成{year - 1988}年{month}月"


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def generate(count: int, resources: int, seed: int, now: datetime) -> list[DatasetSpec]:
    """Every bench dataset, the same ones in the same order for the same arguments."""
    rng = random.Random(seed)
    themes = rng.choices(THEMES, [t.weight for t in THEMES], k=count)
    patterns = [list(PATTERNS[i % len(PATTERNS)]) for i in range(count)]
    rng.shuffle(patterns)
    total = sum(2 * k + m for k, m in patterns)
    while total != resources:  # exactly ``resources`` files: more or fewer other files
        pattern = patterns[rng.randrange(count)]
        if total < resources and pattern[1] < 3:
            pattern[1] += 1
            total += 1
        elif total > resources and pattern[1] > 0:
            pattern[1] -= 1
            total -= 1
    span = timedelta(days=365 * YEARS_BACK)
    specs = []
    for number, (theme, (csvs, others)) in enumerate(zip(themes, patterns, strict=True), 1):
        created = now - span * rng.random() ** 0.8
        year = max(2016, min(created.year - (1 if created.month < 4 else 0), now.year))
        month = created.month
        area, area_en = rng.choice(AREAS)
        town, town_en = rng.choice(TOWNS)
        election, election_en = rng.choice(ELECTIONS)
        values = {
            "area": area, "area_en": area_en, "town": town, "town_en": town_en,
            "era": _era(year), "era_month": _era_month(created.year, month),
            "year": year, "ym": f"{created.year}-{month:02d}", "n": rng.randint(1, 4),
            "election": election, "election_en": election_en, "route": rng.choice(ROUTES),
        }  # fmt: skip
        title_ja, title_en = rng.choice(theme.titles)
        title = {"ja": title_ja.format(**values)}
        if rng.random() < 0.7:
            title["en"] = title_en.format(**values)
        notes = {
            "ja": f"{title['ja']}のデータです。{theme.notes}{FREQUENCY_JA.get(theme.frequency, '')}"
        }
        if "en" in title and rng.random() < 0.7:
            notes["en"] = f"{title['en']}, published by Minato City."
        tags = [
            theme.tags[0],
            *rng.sample(theme.tags[1:], k=min(len(theme.tags) - 1, rng.randint(1, 2))),
        ]
        if "{area}" in title_ja:
            tags.append(area)
        if rng.random() < 0.3:
            tags.append(_era(year))
        temporal_start = temporal_end = None
        if theme.frequency == "ANNUAL" or "{era}" in title_ja:
            temporal_start, temporal_end = date(year, 4, 1), date(year + 1, 3, 31)
        elif "{era_month}" in title_ja:
            temporal_start = date(created.year, month, 1)
            temporal_end = (temporal_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        spec = DatasetSpec(
            name=f"{theme.slug}-{number:05d}",
            theme=theme,
            department=rng.choice(theme.departments),
            fields={
                "title": title,
                "notes": notes,
                "tags": tags,
                "license_id": _weighted(rng, LICENSES),
                "frequency": theme.frequency,
                "spatial": f"東京都港区{area}" if "{area}" in title_ja else "東京都港区",
                "temporal_start": temporal_start,
                "temporal_end": temporal_end,
                "contact_name": "",  # the organisation's title, filled in when seeding
                "contact_email": CONTACT_EMAIL,
                "contact_phone": CONTACT_PHONE,
                "standard": "",
            },
            groups=tuple(rng.sample(theme.groups, k=rng.randint(1, len(theme.groups)))),
            created_at=created,
        )
        # The files: uploaded the day it was made, the last ones perhaps much later (the
        # dataset's metadata_modified is its last upload).
        last = created + (now - created) * rng.random() ** 2
        kinds = ["CSV"] * csvs + [_weighted(rng, OTHER_FORMATS) for _ in range(others)]
        for index, fmt in enumerate(kinds):
            at = created + timedelta(minutes=3 * index + 1)
            if index == len(kinds) - 1 and len(kinds) > 1:
                at = max(at, last)
            if fmt == "CSV":
                name_ja, name_en = CSV_NAMES[index % len(CSV_NAMES)]
                extension = "csv"
                variant = "sjis" if rng.random() < 0.3 else "utf8"  # what the uploader sent
            else:
                name_ja, name_en = rng.choice(OTHER_NAMES[fmt])
                extension = {"GeoJSON": "geojson"}.get(fmt, fmt.lower())
                variant = ""
            name = {"ja": f"{title['ja']} {name_ja}"}
            if "en" in title:
                name["en"] = f"{title['en']} – {name_en}"
            description = {"ja": f"{name_ja}です。"} if rng.random() < 0.3 else {}
            spec.files.append(
                FileSpec(
                    fmt=fmt,
                    name=name,
                    description=description,
                    original_filename=f"{theme.slug}_{year}_{index + 1}.{extension}",
                    blob_key=(theme.slug, fmt, variant),
                    at=at,
                )
            )
        specs.append(spec)
    return specs


# --- The files' content ------------------------------------------------------------------------


def _csv_upload(theme: Theme, variant: str) -> bytes:
    """A few hundred bytes of CSV as an uploader sends it: UTF-8 (LF), or Shift_JIS (CRLF,
    as Excel on Windows writes it), which the service stores as UTF-8."""
    rng = random.Random(theme.slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if variant == "sjis" else "\n")
    writer.writerow(theme.columns)
    for row in range(6):
        town = TOWNS[(row * 3 + len(theme.slug)) % len(TOWNS)][0]
        cells = [
            f"{town}{row + 1}" if i == 0 else str(rng.randint(1, 9999))
            for i in range(len(theme.columns))
        ]
        if len(theme.columns) > 1 and ("所在地" in theme.columns[1] or "住所" in theme.columns[1]):
            cells[1] = f"港区{town}{row + 1}-{rng.randint(1, 20)}-{rng.randint(1, 30)}"
        writer.writerow(cells)
    text = buffer.getvalue()
    return text.encode("cp932") if variant == "sjis" else text.encode("utf-8")


def _json(theme: Theme) -> bytes:
    items = [
        {
            column: f"{TOWNS[i][0]}" if n == 0 else i * 7 + n
            for n, column in enumerate(theme.columns)
        }
        for i in range(4)
    ]
    return json.dumps({"title": theme.notes, "items": items}, ensure_ascii=False).encode()


def _geojson(theme: Theme) -> bytes:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [139.73 + i * 0.005, 35.64 + i * 0.004]},
            "properties": {"name": f"{TOWNS[i][0]}の{theme.tags[0]}"},
        }
        for i in range(3)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode()


def _pdf(theme: Theme) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # the same bytes every time
    page.setFont("HeiseiKakuGo-W5", 12)
    page.drawString(60, 780, theme.notes)
    page.drawString(60, 760, "項目: " + "、".join(theme.columns))
    page.showPage()
    page.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class Blob:
    upload: bytes  # what the uploader sends (services' input)
    text: bytes  # what the service keeps of it (a CSV: decoded, UTF-8 without a BOM)
    detected: str  # the encoding the service detected (CSV)
    # What is stored (and downloaded) by encoding ("" for files other than CSV): a CSV as
    # services.served_bytes makes it, UTF-8 with a BOM or the Shift_JIS twin's cp932.
    stored: dict[str, tuple[bytes, str]]  # encoding: (bytes, sha256)


def blobs(specs: list[DatasetSpec]) -> dict[tuple[str, str, str], Blob]:
    """Every distinct content, put through the service's own checks and CSV decoding."""
    import hashlib

    from minato.opendata import services
    from minato.opendata.models import Resource

    themes = {t.slug: t for t in THEMES}
    made: dict[tuple[str, str, str], Blob] = {}
    for spec in specs:
        for file in spec.files:
            if file.blob_key in made:
                continue
            slug, fmt, variant = file.blob_key
            theme = themes[slug]
            if fmt == "CSV":
                upload = _csv_upload(theme, variant)
            else:
                upload = {"JSON": _json, "GeoJSON": _geojson, "PDF": _pdf}[fmt](theme)
            services._check_content(fmt, upload)
            text, detected, encodings = upload, "", [""]
            if fmt == "CSV":
                text, detected = services._decoded_csv(upload, "")
                encodings = [Resource.Encoding.UTF8, Resource.Encoding.SHIFT_JIS]
            stored = {}
            for encoding in encodings:
                data = services.served_bytes(text, encoding) if encoding else text
                stored[encoding] = (data, hashlib.sha256(data).hexdigest())
            made[file.blob_key] = Blob(upload, text, detected, stored)
    return made


# --- Organisations and groups (through the services) -----------------------------------------


def organisations(specs: list[DatasetSpec]) -> dict[str, Any]:
    """The organisation of every department the datasets need: its own, or a new one."""
    from minato.accounts.models import Department
    from minato.opendata import services
    from minato.opendata.models import Organization

    codes = sorted({spec.department for spec in specs})
    departments = {
        d.code: d for d in Department.objects.filter(code__in=codes).select_related("parent")
    }
    missing = [code for code in codes if code not in departments]
    if missing:
        raise SystemExit(f"seed_opendata: departments missing (load the demo data): {missing}")
    by_department = {o.department_id: o for o in Organization.objects.all()}
    made = {}
    for code in codes:
        department = departments[code]
        organization = by_department.get(department.pk)
        if organization is None:
            parent = department.parent
            organization = services.organization_create(
                department=department,
                name=code.replace(".", "-"),
                title={
                    "ja": f"{parent.name_ja} {department.name_ja}"
                    if parent
                    else department.name_ja,
                    "en": department.name_en,
                },
                email=CONTACT_EMAIL,
            )
        made[code] = organization
    # As the services find them (from the database: jsonb orders a title's languages, and
    # the search text lists them in that order).
    fresh = Organization.objects.in_bulk([o.pk for o in made.values()])
    return {code: fresh[o.pk] for code, o in made.items()}


def groups() -> dict[str, Any]:
    from minato.opendata import services
    from minato.opendata.models import Group

    made = {group.name: group for group in Group.objects.all()}
    order = max((group.order for group in made.values()), default=0) + 1
    for number, (name, title_ja, title_en) in enumerate(GROUPS):
        if name not in made:
            made[name] = services.group_create(
                name=name, title={"ja": title_ja, "en": title_en}, order=order + number
            )
    return made


# --- Bulk insertion ------------------------------------------------------------------------------


@contextlib.contextmanager
def explicit_times(*models: Any) -> Iterator[None]:
    """Let bulk_create keep the times set on the rows (auto_now/auto_now_add off meanwhile)."""
    fields = [
        f
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def insert(
    specs: list[DatasetSpec], orgs: dict[str, Any], grps: dict[str, Any], content: dict
) -> list[int]:
    """One batch of datasets with their groups, files, Shift_JIS twins and versions, as the
    services would leave them (dataset_create, resource_upload_add per file, published);
    then their derived fields (documents.refresh). Returns the datasets' ids."""
    from django.db import connection

    from minato.opendata import documents, services
    from minato.opendata.models import Dataset, Resource, ResourceVersion

    datasets = []
    for spec in specs:
        organization = orgs[spec.department]
        fields = {**spec.fields, "contact_name": organization.title["ja"]}
        modified = max(file.at for file in spec.files)
        dataset = Dataset(
            organization=organization,
            name=spec.name,
            state=Dataset.State.ACTIVE,
            created_by=None,
            metadata_modified=modified,
            created_at=spec.created_at,
            updated_at=modified,
            **services._clean_fields(fields),
        )
        dataset.clean_fields(exclude=[*documents.DERIVED_FIELDS, "organization"])
        datasets.append(dataset)
    Dataset.objects.bulk_create(datasets)
    Dataset.groups.through.objects.bulk_create(
        Dataset.groups.through(dataset_id=dataset.pk, group_id=grps[name].pk)
        for dataset, spec in zip(datasets, specs, strict=True)
        for name in spec.groups
    )
    # Files in upload order: the positions the service gives (a CSV's twin right after it).
    originals: list[tuple[Resource, FileSpec]] = []
    for dataset, spec in zip(datasets, specs, strict=True):
        position = 0
        for file in spec.files:
            resource = Resource(
                dataset=dataset,
                position=position,
                name=file.name,
                description=file.description,
                kind=Resource.Kind.UPLOAD,
                format=file.fmt,
                encoding=Resource.Encoding.UTF8 if file.fmt == "CSV" else "",
                filename=services._filename(file.original_filename, file.fmt),
                last_modified=file.at,
                created_at=file.at,
                updated_at=file.at,
            )
            resource.clean_fields(exclude=["dataset", "current", "variant_of"])
            originals.append((resource, file))
            position += 2 if file.fmt == "CSV" else 1
    Resource.objects.bulk_create([resource for resource, _file in originals])
    twins = [
        Resource(
            dataset=resource.dataset,
            position=resource.position + 1,
            # services._add_resource's wording (the services check catches a change of it).
            name={
                lang: f"{text}（Shift_JIS）" if lang.startswith("ja") else f"{text} (Shift_JIS)"
                for lang, text in resource.name.items()
            },
            description=resource.description,
            kind=resource.kind,
            format=resource.format,
            encoding=Resource.Encoding.SHIFT_JIS,
            variant_of=resource,
            filename=f"{resource.filename.rsplit('.', 1)[0]}_sjis.csv",
            last_modified=file.at,
            created_at=file.at,
            updated_at=file.at,
        )
        for resource, file in originals
        if file.fmt == "CSV"
    ]
    Resource.objects.bulk_create(twins)
    # Version 1 of every file, the twins' included (services._new_version: each keeps the
    # bytes it is downloaded as; the upload's encodings are on the original's only).
    files = {resource.pk: file for resource, file in originals}
    versions = []
    for resource in [resource for resource, _file in originals] + twins:
        file = files[resource.variant_of.pk if resource.variant_of else resource.pk]
        blob = content[file.blob_key]
        data, sha256 = blob.stored[resource.encoding]
        versions.append(
            ResourceVersion(
                resource=resource,
                number=1,
                content=data,
                sha256=sha256,
                size=len(data),
                declared_encoding="",
                detected_encoding="" if resource.variant_of else blob.detected,
                report={},
                source_fingerprint="",
                uploaded_by=None,
                created_at=file.at,
                updated_at=file.at,
            )
        )
    ResourceVersion.objects.bulk_create(versions)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Resource._meta.db_table} r SET current_id = v.id "
            f"FROM {ResourceVersion._meta.db_table} v "
            "WHERE v.resource_id = r.id AND r.id = ANY(%s)",
            [[version.resource.pk for version in versions]],
        )
    ids = [dataset.pk for dataset in datasets]
    rebuild_documents(ids)
    return ids


def _with_everything() -> Any:
    from django.db.models import Prefetch

    from minato.opendata.models import Dataset, Resource

    return Dataset.objects.select_related("organization").prefetch_related(
        Prefetch(
            "resources", queryset=Resource.objects.select_related("current", "variant_of__current")
        ),
        "groups",
    )


def rebuild_documents(ids: list[int]) -> None:
    """documents.refresh(dataset, save=False) on each, saved in bulk (updated_at kept)."""
    from minato.opendata import documents
    from minato.opendata.models import Dataset

    rows = [
        documents.refresh(dataset, save=False) for dataset in _with_everything().filter(pk__in=ids)
    ]
    Dataset.objects.bulk_update(rows, documents.DERIVED_FIELDS, batch_size=250)


# --- Checks --------------------------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME_KEYS = {"created", "last_modified", "metadata_modified", "metadata_created"}


def _masked(value: Any, name: str) -> Any:
    """A document or row with what differs between two makings of the same dataset masked:
    ids, times, the dataset's name."""
    if isinstance(value, dict):
        return {
            key: ("<time>" if key in _TIME_KEYS and item is not None else _masked(item, name))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked(item, name) for item in value]
    if isinstance(value, str):
        return _UUID.sub("<uuid>", value.replace(name, "<name>"))
    return value


_ROW_SKIP = {"id", "public_id", "created_at", "updated_at", "metadata_modified", "last_modified",
             "dataset", "resource", "current", "variant_of", "organization", "name"}  # fmt: skip


def _row(obj: Any, name: str) -> dict[str, Any]:
    row = {}
    for f in obj._meta.concrete_fields:
        if f.name in _ROW_SKIP and not (f.name == "name" and obj._meta.model_name == "resource"):
            continue
        value = getattr(obj, f.attname)
        row[f.name] = bytes(value) if isinstance(value, memoryview) else _masked(value, name)
    for relation in ("current", "variant_of", "organization"):
        if hasattr(obj, f"{relation}_id"):
            row[f"has_{relation}"] = getattr(obj, f"{relation}_id") is not None
    if hasattr(obj, "last_modified"):
        row["has_last_modified"] = obj.last_modified is not None
    return row


def _snapshot(dataset_id: int) -> dict[str, Any]:
    from minato.opendata.models import Dataset

    dataset = _with_everything().get(pk=dataset_id)
    name = dataset.name
    resources = list(dataset.resources.all())
    return {
        "dataset": _row(dataset, name),
        "groups": sorted(g.name for g in dataset.groups.all()),
        "resources": [_row(r, name) for r in resources],
        "versions": [_row(r.current, name) for r in resources if r.current_id],
        "variant_positions": [
            (r.position, r.variant_of.position) for r in resources if r.variant_of_id
        ],
        "state": Dataset.objects.get(pk=dataset_id).state,
    }


class _Rollback(Exception):
    pass


def _services_snapshot(
    spec: DatasetSpec, orgs: dict[str, Any], grps: dict[str, Any], content: dict
) -> dict[str, Any]:
    """The dataset of ``spec`` made through the services (dataset_create, published, then
    resource_upload_add for each file), as a snapshot; rolled back."""
    from django.db import transaction

    from minato.opendata import services
    from minato.opendata.models import Dataset

    made = replace(spec, name=f"check-services-{uuid.uuid4().hex[:8]}")
    snapshot: dict[str, Any] = {}
    try:
        with transaction.atomic():
            organization = orgs[made.department]
            dataset = services.dataset_create(
                organization=organization,
                name=made.name,
                groups=[grps[g] for g in made.groups],
                state="active",
                **{**made.fields, "contact_name": organization.title["ja"]},
            )
            for file in made.files:
                # Each file in a request of its own, as the console sends them: the dataset
                # read from the database (jsonb orders a title's languages, and the search
                # text lists them in that order).
                dataset = Dataset.objects.get(pk=dataset.pk)
                services.resource_upload_add(
                    dataset=dataset,
                    name=file.name,
                    fmt=file.fmt,
                    content=content[file.blob_key].upload,
                    original_filename=file.original_filename,
                    description=file.description,
                )
            snapshot = _snapshot(dataset.pk)
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def _bulk_snapshot(
    spec: DatasetSpec, orgs: dict[str, Any], grps: dict[str, Any], content: dict
) -> dict[str, Any]:
    """The same dataset bulk-inserted (``insert``), as a snapshot; rolled back."""
    from django.db import transaction

    from minato.opendata.models import Dataset, Resource, ResourceVersion

    made = replace(spec, name=f"check-bulk-{uuid.uuid4().hex[:8]}")
    snapshot: dict[str, Any] = {}
    try:
        with transaction.atomic(), explicit_times(Dataset, Resource, ResourceVersion):
            [dataset_id] = insert([made], orgs, grps, content)
            snapshot = _snapshot(dataset_id)
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def differences(services_made: dict[str, Any], other: dict[str, Any], what: str) -> list[str]:
    """What differs between two snapshots, for the error message."""
    return [
        f"{key} differs:\n  services: {services_made[key]}\n  {what}: {other[key]}"
        for key in services_made
        if services_made[key] != other.get(key)
    ]


def stale_documents(ids: list[int], rng: random.Random) -> int:
    """How many of a sample of seeded datasets have a stored document (or derived field)
    that is not what documents.refresh builds now."""
    from minato.opendata import documents
    from minato.opendata.models import Dataset

    sample = rng.sample(ids, min(SAMPLE_CHECKS, len(ids)))
    stale = 0
    for dataset in Dataset.objects.filter(pk__in=sample).select_related("organization"):
        stored = {name: getattr(dataset, name) for name in documents.DERIVED_FIELDS}
        if documents.package_document(dataset) != stored["document"]:
            stale += 1
            continue
        documents.refresh(dataset, save=False)
        if {name: getattr(dataset, name) for name in documents.DERIVED_FIELDS} != stored:
            stale += 1
    return stale


# --- Main ----------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"seed_opendata: {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5_000, help="bench datasets wanted")
    parser.add_argument("--resources", type=int, help="their files in all (default 6 a dataset)")
    parser.add_argument("--seed", type=int, default=13, help="random seed")
    parser.add_argument(
        "--reset", action="store_true", help="delete the bench datasets first, then seed them"
    )
    args = parser.parse_args()
    resources = args.resources if args.resources is not None else 6 * args.count
    if not 4 * args.count <= resources <= 9 * args.count:
        parser.error("--resources must be 4 to 9 a dataset")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection, transaction

    from minato.opendata import documents, selectors
    from minato.opendata.models import Dataset, Group, Organization, Resource, ResourceVersion
    from minato.opendata.search import Query

    if connection.vendor != "postgresql" or not getattr(settings, "BENCHMARK_ENDPOINTS", False):
        _say(
            "refusing: only for the benchmark's PostgreSQL database "
            "(BENCHMARK_ENDPOINTS=true, DATABASE_URL=postgres://…)"
        )
        return 2

    started = time.monotonic()
    specs = generate(args.count, resources, args.seed, ANCHOR)
    orgs = organisations(specs)
    grps = groups()
    content = blobs(specs)

    # 1. A dataset with a file of every format (and a CSV sent in Shift_JIS) made both ways,
    # rolled back: the bulk rows must be the services' rows.
    samples: dict[tuple[str, str], FileSpec] = {}
    for file in (f for spec in specs for f in spec.files):
        samples.setdefault((file.fmt, file.blob_key[2]), file)
    probe = replace(specs[0], files=[*specs[0].files, *samples.values()])
    problems = differences(
        _services_snapshot(probe, orgs, grps, content),
        _bulk_snapshot(probe, orgs, grps, content),
        "bulk",
    )
    if problems:
        print("\n".join(problems), file=sys.stderr)
        _say("refusing: the bulk rows differ from the services' (above): update insert()")
        return 1
    _say(
        f"bulk rows equal the services' ({len(probe.files)} files: "
        f"{', '.join(sorted({f.fmt for f in probe.files}))}, UTF-8 and Shift_JIS uploads)"
    )

    # 2. The bench datasets already there must be what the services make now (the app's
    # storage may have changed since they were seeded): one of them against its input.
    by_name = {spec.name: spec for spec in specs}
    existing = set(Dataset.objects.filter(name__regex=BENCH_NAME).values_list("name", flat=True))
    reset = args.reset
    if existing and not reset:
        if not existing <= set(by_name):
            _say("bench datasets of another --count or --seed are there: seeding them again")
            reset = True
        else:
            sample = by_name[min(existing)]
            stored = _snapshot(Dataset.objects.get(name=sample.name).pk)
            problems = differences(
                _services_snapshot(sample, orgs, grps, content), stored, "stored"
            )
            if problems:
                _say(
                    f"{sample.name} is not what the services make now (the app changed since "
                    f"it was seeded; {len(problems)} parts differ): seeding them all again"
                )
                reset = True
            else:
                _say(f"{sample.name}, seeded earlier, is what the services make now")
    if reset and existing:
        deleted, _counts = Dataset.objects.filter(name__regex=BENCH_NAME).delete()
        _say(f"deleted the {len(existing)} bench datasets ({deleted} rows)")
        existing = set()
    missing = [spec for spec in specs if spec.name not in existing]
    added = 0
    if missing:
        _say(f"adding {len(missing)} datasets ({len(existing)} there), {BATCH} a transaction")
        with explicit_times(Dataset, Resource, ResourceVersion):
            for start in range(0, len(missing), BATCH):
                with transaction.atomic():
                    insert(missing[start : start + BATCH], orgs, grps, content)
                added += len(missing[start : start + BATCH])
                if (start // BATCH) % 4 == 3:
                    _say(f"  {added} datasets added ({time.monotonic() - started:.0f} s)")
    else:
        _say(f"{len(existing)} bench datasets already there; nothing to add")

    bench_ids = list(Dataset.objects.filter(name__regex=BENCH_NAME).values_list("pk", flat=True))
    rng = random.Random(args.seed)
    stale = stale_documents(bench_ids, rng)
    if stale:
        _say(f"{stale} of {SAMPLE_CHECKS} sampled documents are stale (SITE_URL?): rebuilding all")
        with transaction.atomic():
            for start in range(0, len(bench_ids), BATCH):
                rebuild_documents(bench_ids[start : start + BATCH])
        stale = stale_documents(bench_ids, random.Random(args.seed + 1))
        if stale:
            _say(f"refusing: {stale} sampled documents still differ from package_document")
            return 1

    tables = [m._meta.db_table for m in (Organization, Group, Dataset, Resource, ResourceVersion)]
    tables.append(Dataset.groups.through._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")

    active = Dataset.objects.filter(state=Dataset.State.ACTIVE).count()
    files = Resource.objects.filter(dataset__state=Dataset.State.ACTIVE).count()
    shares = []
    for word in REPORTED_WORDS:
        found = selectors.datasets_search(Query(terms=(word,), rows=0)).count
        shares.append(f"{word} {found} ({100 * found / active:.1f} %)")
    _say(
        f"{len(bench_ids)} bench datasets ({added} added), {active} published datasets with "
        f"{files} files, {Organization.objects.count()} organisations, "
        f"{Group.objects.count()} groups; {time.monotonic() - started:.1f} s; "
        f"{SAMPLE_CHECKS} sampled documents equal package_document; tables vacuumed and analysed"
    )
    _say("datasets a search finds: " + ", ".join(shares))

    # The download: the first CSV (UTF-8) of the first 人口 dataset.
    target = next(s for s in specs if s.theme.slug == "jinko" and s.files[0].fmt == "CSV")
    resource = (
        Resource.objects.select_related("dataset")
        .filter(dataset__name=target.name, position=0)
        .get()
    )
    path = documents.download_path(resource)
    _say(f"download path: {path} ({resource.current.size if resource.current else 0} bytes)")
    print(path, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
