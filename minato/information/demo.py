"""Demo notices, loaded by ``manage.py load_demo`` (idempotent: a notice with the same
Japanese title is kept). Written and published by the demo clerk of 芝地区総合支所区民課."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from minato.accounts.models import Department
from minato.information import alerts, hazards, services, shelters
from minato.information.models import Alert, HazardLayer, Notice, Shelter

AUTHOR_EMAIL = "clerk@city.minato.example"
ISSUER_EMAIL = "supervisor@city.minato.example"
ALERT_HEADLINE = "芝地区に避難指示(古川の増水)"
DEPARTMENT = "shiba.kumin"


def _at(days: int, hour: int = 9) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _notices() -> list[dict[str, Any]]:
    return [
        {
            "kind": Notice.Kind.NEWS,
            "category": Notice.Category.WARD,
            "areas": [],
            "starts_at": _at(-2),
            "content": {
                "ja": {
                    "title": "年末年始の窓口の開設日について",
                    "body": "12月29日から1月3日まで、区役所と各総合支所の窓口はお休みです。\n"
                    "オンライン手続はこの期間も24時間ご利用いただけます。",
                },
                "en": {
                    "title": "Ward office counters over the New Year holidays",
                    "body": "The counters of the ward office and the branch offices are closed "
                    "from 29 December to 3 January.\nOnline procedures stay open 24 hours.",
                },
                "ja-easy": {
                    "title": "12がつ29にち から 1がつ3にち は まどぐち が やすみ です",
                    "body": "くやくしょ の まどぐち は やすみ です。\n"
                    "インターネット の てつづき は いつでも できます。",
                },
                "zh": {
                    "title": "年末年初窗口办公安排",
                    "body": "12月29日至1月3日，区政府及各综合支所窗口休息。\n"
                    "网上手续期间照常24小时受理。",
                },
                "ko": {
                    "title": "연말연시 창구 운영 안내",
                    "body": "12월 29일부터 1월 3일까지 구청 및 각 종합지소 창구는 쉽니다.\n"
                    "온라인 신청은 이 기간에도 24시간 이용할 수 있습니다.",
                },
            },
        },
        {
            "kind": Notice.Kind.EVENT,
            "category": Notice.Category.EVENTS,
            "areas": ["shiba"],
            "starts_at": _at(-1),
            "event_starts_at": _at(14, 13),
            "event_place": "芝地区総合支所 区民協働スペース",
            "content": {
                "ja": {
                    "title": "芝地区 防災ウォークラリー参加者募集",
                    "body": "地域の避難場所や消火器の場所を歩いて確かめます。"
                    "小学生以上どなたでも。\n"
                    "申込みは予約ページから。",
                },
                "en": {
                    "title": "Shiba disaster-preparedness walk: join us",
                    "body": "Walk the neighbourhood to find evacuation sites and fire "
                    "extinguishers. Anyone from primary-school age.\nBook on the bookings page.",
                },
            },
        },
        {
            "kind": Notice.Kind.NEWS,
            "category": Notice.Category.GARBAGE,
            "areas": [],
            "starts_at": _at(-5),
            "content": {
                "ja": {
                    "title": "粗大ごみの年末の受付は12月26日まで",
                    "body": "年内収集分の粗大ごみの受付は12月26日(金)までです。"
                    "お早めにお申し込みください。",
                },
                "ja-easy": {
                    "title": "おおきい ごみ の もうしこみ は 12がつ26にち まで",
                    "body": "ことし の おおきい ごみ は 12がつ26にち まで に "
                    "もうしこんで ください。",
                },
            },
        },
    ]


def load() -> str:
    author = get_user_model().objects.filter(email=AUTHOR_EMAIL).first()
    department = Department.objects.filter(code=DEPARTMENT).first()
    if author is None or department is None:
        return "no notices (the demo clerk is missing)"
    created = 0
    for values in _notices():
        title = values["content"]["ja"]["title"]
        if Notice.objects.filter(content__ja__title=title).exists():
            continue
        notice = services.notice_save(
            staff=author,
            notice=None,
            values={
                "department": department,
                "ends_at": None,
                "event_starts_at": None,
                "event_place": "",
                **values,
            },
        )
        services.notice_publish(staff=author, notice=notice)
        created += 1
    if not Alert.objects.filter(content__ja__headline=ALERT_HEADLINE).exists():
        alert = alerts.alert_save(staff=author, alert=None, values=_drill(department))
        alerts.alert_submit(staff=author, alert=alert)
    shelters_made = _load_shelters(author)
    layer = _load_hazard_layer(author)
    return (
        f"{created} notices published by {AUTHOR_EMAIL} (at /notices/ and /staff/information/); "
        f"a drill evacuation alert waiting for {ISSUER_EMAIL} to issue it at "
        f"/staff/information/alerts/; {shelters_made} shelters (/shelters/, Shiba's run by "
        f"{AUTHOR_EMAIL} at /staff/information/shelters/); {layer}"
    )


def _drill(department: Department) -> dict[str, Any]:
    """A drill, so that issuing it in the demo shows every channel marked as a drill."""
    return {
        "department": department,
        "event": Alert.Event.EVACUATION_ORDER,
        "mode": Alert.Mode.EXERCISE,
        "areas": ["shiba"],
        "expires_at": timezone.now() + timedelta(days=30),
        "content": {
            "ja": {
                "headline": ALERT_HEADLINE,
                "description": "古川が氾濫するおそれがあります(訓練)。",
                "instruction": "芝公園など近くの避難場所へ移動してください。",
            },
            "en": {
                "headline": "Evacuation order for Shiba (Furukawa river rising)",
                "description": "The Furukawa river may flood (drill).",
                "instruction": "Go to the nearest evacuation site, such as Shiba Park.",
            },
            "ja-easy": {
                "headline": "しば に ひなんしじ (かわ の みず が ふえて います)",
                "description": "ふるかわ の みず が あふれる かもしれません (くんれん)。",
                "instruction": "ちかく の ひなんばしょ に にげて ください。",
            },
        },
    }


# Demo shelters: real kinds of place in each 地区, at approximate positions; capacities,
# statuses and headcounts are invented. In a disaster every branch office's staff run its
# shelters; in the demo, Shiba's belong to the demo clerk's section so that they can be run.
DEMO_SHELTERS: list[dict[str, Any]] = [
    {
        "slug": "shiba-elementary",
        "name": {
            "ja": "港区立芝小学校",
            "en": "Shiba Elementary School",
            "ja-easy": "しば しょうがっこう",
        },
        "kinds": ["shelter", "evacuation_site"],
        "hazards": ["earthquake", "fire", "flood"],
        "area": "shiba",
        "department": "shiba.kumin",
        "address": "港区芝2-5-1",
        "position": ("35.650300", "139.749100"),
        "capacity": 600,
        "status": "open",
        "headcount": 12,
    },
    {
        "slug": "shiba-park",
        "name": {"ja": "芝公園", "en": "Shiba Park", "ja-easy": "しばこうえん"},
        "kinds": ["evacuation_site"],
        "hazards": ["earthquake", "fire"],
        "area": "shiba",
        "department": "shiba.kumin",
        "address": "港区芝公園4-8",
        "position": ("35.655500", "139.748000"),
        "capacity": 20000,
        "status": "preparing",
        "headcount": 0,
    },
    {
        "slug": "minato-city-office",
        "name": {
            "ja": "港区役所 一時滞在施設",
            "en": "Minato City Office (stay for stranded commuters)",
            "ja-easy": "みなとくやくしょ (かえれない ひと が とまる ところ)",
        },
        "kinds": ["temporary_stay"],
        "hazards": [],
        "area": "shiba",
        "department": "shiba.kumin",
        "address": "港区芝公園1-5-25",
        "position": ("35.658100", "139.751600"),
        "capacity": 300,
        "status": "closed",
        "headcount": 0,
    },
    {
        "slug": "azabu-elementary",
        "name": {"ja": "港区立麻布小学校", "en": "Azabu Elementary School"},
        "kinds": ["shelter"],
        "hazards": ["earthquake"],
        "area": "azabu",
        "department": "azabu.kyodo-suishin",
        "address": "港区六本木6-1",
        "position": ("35.659300", "139.731200"),
        "capacity": 500,
        "status": "closed",
        "headcount": 0,
    },
    {
        "slug": "akasaka-elementary",
        "name": {"ja": "港区立赤坂小学校", "en": "Akasaka Elementary School"},
        "kinds": ["shelter"],
        "hazards": ["earthquake", "fire"],
        "area": "akasaka",
        "department": "akasaka.kyodo-suishin",
        "address": "港区赤坂8-7",
        "position": ("35.672100", "139.729700"),
        "capacity": 450,
        "status": "closed",
        "headcount": 0,
    },
    {
        "slug": "takanawadai-elementary",
        "name": {"ja": "港区立高輪台小学校", "en": "Takanawadai Elementary School"},
        "kinds": ["shelter"],
        "hazards": ["earthquake", "flood"],
        "area": "takanawa",
        "department": "takanawa.kyodo-suishin",
        "address": "港区白金台1-2",
        "position": ("35.636500", "139.728900"),
        "capacity": 550,
        "status": "closed",
        "headcount": 0,
    },
    {
        "slug": "shinagawa-konan-stay",
        "name": {
            "ja": "品川駅港南口 一時滞在施設",
            "en": "Shinagawa Station Konan exit (stay for stranded commuters)",
        },
        "kinds": ["temporary_stay"],
        "hazards": [],
        "area": "shibaura_konan",
        "department": "shibaura-konan.kyodo-suishin",
        "address": "港区港南2-16",
        "position": ("35.628500", "139.742000"),
        "capacity": 1000,
        "status": "closed",
        "headcount": 0,
    },
]


def _load_shelters(author: Any) -> int:
    made = 0
    for values in DEMO_SHELTERS:
        department = Department.objects.filter(code=values["department"]).first()
        if department is None or Shelter.objects.filter(slug=values["slug"]).exists():
            continue
        latitude, longitude = values["position"]
        shelter = Shelter.objects.create(
            slug=values["slug"],
            name=values["name"],
            kinds=values["kinds"],
            hazards=values["hazards"],
            area=values["area"],
            department=department,
            address=values["address"],
            latitude=latitude,
            longitude=longitude,
            phone="03-3578-2111",
            capacity=values["capacity"],
            checkin_key=secrets.token_urlsafe(12),
        )
        made += 1
        if values["status"] != Shelter.Status.CLOSED and author is not None:
            shelter = shelters.shelter_set_status(
                staff=author, shelter=shelter, status=values["status"]
            )
            if values["headcount"]:
                shelters.shelter_set_headcount(
                    staff=author, shelter=shelter, headcount=values["headcount"]
                )
    return made


HAZARD_LAYER_TITLE = "古川の洪水浸水想定(デモ)"


def _box(west: float, south: float, east: float, north: float) -> list[list[list[float]]]:
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


def _load_hazard_layer(author: Any) -> str:
    """An invented flood layer along the Furukawa, clearly marked as demo data."""
    department = Department.objects.filter(code=DEPARTMENT).first()
    if author is None or department is None:
        return "no hazard layer"
    if HazardLayer.objects.filter(title__ja=HAZARD_LAYER_TITLE).exists():
        return "a hazard layer (/hazard-maps/)"
    areas = [
        ("南麻布1丁目付近", "0.5m以上3.0m未満", (139.7345, 35.6470, 139.7405, 35.6510)),
        ("三田1丁目付近", "0.5m未満", (139.7405, 35.6480, 139.7465, 35.6515)),
        ("芝2丁目付近", "0.5m未満", (139.7465, 35.6490, 139.7520, 35.6525)),
    ]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name, "level": level},
                "geometry": {"type": "Polygon", "coordinates": _box(*bounds)},
            }
            for name, level, bounds in areas
        ],
    }
    layer = hazards.layer_upload(
        staff=author,
        department=department,
        kind=HazardLayer.Kind.FLOOD,
        title={"ja": HAZARD_LAYER_TITLE, "en": "Furukawa river flooding (demo)"},
        description={
            "ja": "デモ用の架空のデータです。実際の浸水想定区域ではありません。",
            "en": "Invented for the demo; not the real flood hazard area.",
        },
        source="デモデータ(架空)",
        data=json.dumps(collection).encode(),
    )
    hazards.layer_set_published(staff=author, layer=layer, published=True)
    return "a demo hazard layer published (/hazard-maps/)"
