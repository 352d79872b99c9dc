"""The kinds of problem residents report, as Minato sorts them: roads and parks go to the
まちづくり課 of the 地区総合支所 of the place (each branch office looks after its area's roads
and parks), abandoned bicycles to 地域交通課 and illegal dumping to みなとリサイクル清掃事務所,
for the whole ward. ``ensure_services()`` creates any that are missing and leaves staff's
changes to existing ones alone."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from minato.accounts.models import Department
from minato.reports.models import Service

AREA_WORKS = "machizukuri"  # the branch offices' まちづくり課


def _list(
    code: str, ja: str, en: str, options: list[tuple[str, str, str]], *, required: bool = False
) -> dict[str, Any]:
    return {
        "code": code,
        "variable": True,
        "datatype": "singlevaluelist",
        "required": required,
        "description": {"ja": ja, "en": en},
        "values": [{"key": key, "name": {"ja": o_ja, "en": o_en}} for key, o_ja, o_en in options],
    }


DANGER = _list(
    "danger",
    "危険な状態ですか",
    "Is it dangerous?",
    [
        ("now", "すぐに事故になりそう", "An accident could happen any moment"),
        ("soon", "放置すると危ない", "It will become dangerous if left"),
        ("no", "危険はない", "Not dangerous"),
    ],
)

SERVICES: list[dict[str, Any]] = [
    {
        "code": "road-surface",
        "group": Service.Group.ROADS,
        "name": {
            "ja": "道路の穴・段差",
            "en": "Pothole or uneven road",
            "ja-easy": "みちの あな・だんさ",
        },
        "description": {
            "ja": "車道や歩道の穴、陥没、段差、舗装のはがれ",
            "en": "Holes, sinking, steps or broken paving on roads and pavements",
        },
        "keywords": "pothole,road,pavement,舗装,陥没",
        "attributes": [DANGER],
    },
    {
        "code": "streetlight",
        "group": Service.Group.ROADS,
        "name": {"ja": "街路灯", "en": "Streetlight", "ja-easy": "みちの でんき（がいろとう）"},
        "description": {
            "ja": "街路灯が消えている、点滅している、昼も点いている",
            "en": "A streetlight is out, flickering or on in the daytime",
        },
        "keywords": "light,lamp,照明",
        "attributes": [
            _list(
                "light_state",
                "どのような状態ですか",
                "What is wrong with it?",
                [
                    ("off", "消えている", "It is out"),
                    ("flicker", "点滅している", "It flickers"),
                    ("day", "昼も点いている", "It is on in the daytime"),
                    ("damaged", "壊れている・傾いている", "It is damaged or leaning"),
                ],
                required=True,
            ),
            {
                "code": "pole_number",
                "variable": True,
                "datatype": "string",
                "required": False,
                "description": {
                    "ja": "柱の番号（わかれば）",
                    "en": "The number on the pole (if you can see it)",
                },
            },
        ],
    },
    {
        "code": "guardrail",
        "group": Service.Group.ROADS,
        "name": {"ja": "ガードレール・柵", "en": "Guardrail or fence", "ja-easy": "ガードレール"},
        "description": {
            "ja": "ガードレールや歩道の柵の破損・変形",
            "en": "Broken or bent guardrails and pavement fences",
        },
        "keywords": "guardrail,fence",
        "attributes": [DANGER],
    },
    {
        "code": "curve-mirror",
        "group": Service.Group.ROADS,
        "name": {"ja": "カーブミラー", "en": "Traffic mirror", "ja-easy": "カーブミラー"},
        "description": {
            "ja": "カーブミラーの破損、向きのずれ、汚れ",
            "en": "A traffic mirror that is broken, turned or dirty",
        },
        "keywords": "mirror",
    },
    {
        "code": "gutter",
        "group": Service.Group.ROADS,
        "name": {"ja": "側溝・排水", "en": "Gutter or drain", "ja-easy": "みぞ（そっこう）"},
        "description": {
            "ja": "側溝のふたの破損、詰まり、悪臭、水があふれる",
            "en": "Broken gutter covers, blocked drains, smells, overflowing water",
        },
        "keywords": "gutter,drain,側溝,排水",
    },
    {
        "code": "abandoned-bicycle",
        "group": Service.Group.ROADS,
        "name": {
            "ja": "放置自転車",
            "en": "Abandoned bicycle",
            "ja-easy": "おきっぱなしの じてんしゃ",
        },
        "description": {
            "ja": "道路や歩道に長く置かれたままの自転車・バイク",
            "en": "Bicycles or motorbikes left on a road or pavement for a long time",
        },
        "keywords": "bicycle,bike,自転車",
        "department": "machizukuri-shien.chiiki-kotsu",
        "area_section": "",
    },
    {
        "code": "road-other",
        "group": Service.Group.ROADS,
        "name": {"ja": "道路のその他", "en": "Other road problem", "ja-easy": "みちの ほかの こと"},
        "description": {
            "ja": "標識、植え込み、歩道橋など道路のその他の不具合",
            "en": "Signs, planting, footbridges and other road problems",
        },
        "keywords": "road",
    },
    {
        "code": "playground",
        "group": Service.Group.PARKS,
        "name": {
            "ja": "公園の遊具",
            "en": "Playground equipment",
            "ja-easy": "こうえんの あそびどうぐ",
        },
        "description": {
            "ja": "遊具の破損、ぐらつき、けがをしそうな所",
            "en": "Broken or loose playground equipment, anything a child could be hurt on",
        },
        "keywords": "playground,swing,slide,遊具",
        "attributes": [DANGER],
    },
    {
        "code": "park-tree",
        "group": Service.Group.PARKS,
        "name": {"ja": "公園・街路の樹木", "en": "Trees", "ja-easy": "き"},
        "description": {
            "ja": "倒れそうな木、折れた枝、伸びすぎた枝",
            "en": "Trees that may fall, broken or overgrown branches",
        },
        "keywords": "tree,branch,樹木,枝",
        "attributes": [DANGER],
    },
    {
        "code": "park-toilet",
        "group": Service.Group.PARKS,
        "name": {"ja": "公園のトイレ", "en": "Park toilet", "ja-easy": "こうえんの トイレ"},
        "description": {
            "ja": "公衆トイレの故障、汚れ、紙切れ",
            "en": "A park toilet that is broken, dirty or out of paper",
        },
        "keywords": "toilet,トイレ",
    },
    {
        "code": "park-facility",
        "group": Service.Group.PARKS,
        "name": {
            "ja": "公園のベンチ・柵・照明",
            "en": "Park benches, fences and lights",
            "ja-easy": "こうえんの ベンチ・さく・でんき",
        },
        "description": {
            "ja": "ベンチ、柵、水飲み、照明などの故障",
            "en": "Broken benches, fences, drinking fountains or lights in a park",
        },
        "keywords": "bench,park",
    },
    {
        "code": "park-other",
        "group": Service.Group.PARKS,
        "name": {
            "ja": "公園のその他",
            "en": "Other park problem",
            "ja-easy": "こうえんの ほかの こと",
        },
        "description": {"ja": "公園のその他の不具合", "en": "Other problems in a park"},
        "keywords": "park",
    },
    {
        "code": "illegal-dumping",
        "group": Service.Group.TOWN,
        "name": {"ja": "不法投棄", "en": "Illegal dumping", "ja-easy": "すてては いけない ごみ"},
        "description": {
            "ja": "道路や公園に捨てられた粗大ごみ・家電など",
            "en": "Furniture, appliances or other rubbish dumped on a road or in a park",
        },
        "keywords": "dumping,rubbish,ごみ",
        "department": "kankyo-risaikuru-shien.minato-risaikuru-seiso",
        "area_section": "",
    },
    {
        "code": "graffiti",
        "group": Service.Group.TOWN,
        "name": {"ja": "落書き", "en": "Graffiti", "ja-easy": "らくがき"},
        "description": {
            "ja": "区の施設・道路・公園の落書き",
            "en": "Graffiti on ward buildings, roads or in parks",
        },
        "keywords": "graffiti",
    },
]


@transaction.atomic
def ensure_services() -> int:
    """Create the kinds of problem that do not exist yet; returns how many were made."""
    departments = {d.code: d for d in Department.objects.all()}
    if not departments:
        return 0
    made = 0
    for order, entry in enumerate(SERVICES):
        department = departments.get(entry.get("department", "machizukuri-shien.doboku"))
        if department is None:
            continue
        _service, created = Service.objects.get_or_create(
            code=entry["code"],
            defaults={
                "group": entry["group"],
                "name": entry["name"],
                "description": entry.get("description", {}),
                "keywords": entry.get("keywords", ""),
                "attributes": entry.get("attributes", []),
                "area_section": entry.get("area_section", AREA_WORKS),
                "department": department,
                "order": order,
            },
        )
        made += created
    return made
