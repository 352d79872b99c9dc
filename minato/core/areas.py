"""The five 地区 of Minato and which one an address is in.

Each 地区 has its 総合支所 (branch office). Bookings limit some sessions to the people of one
area, notifications are sent by area, and reports are routed to the area's office, so the
mapping lives here, once.

An address is placed by its town (町): the postal code names it (or, for an office's own
code, the address line does), and every town is in one area, except 三田, whose 1-3丁目 are
in Shiba and 4-5丁目 in Takanawa; for it the 丁目 is read from the address line.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    SHIBA = "shiba", _("Shiba")
    AZABU = "azabu", _("Azabu")
    AKASAKA = "akasaka", _("Akasaka")
    TAKANAWA = "takanawa", _("Takanawa")
    SHIBAURA_KONAN = "shibaura_konan", _("Shibaura-Kōnan")


# The towns (町) of Minato and their areas; 三田 is split by 丁目 (see ``area_of_address``).
TOWN_AREAS: dict[str, str] = {
    **dict.fromkeys(
        ["虎ノ門", "愛宕", "西新橋", "新橋", "東新橋", "芝公園", "芝大門", "浜松町", "芝"],
        Area.SHIBA,
    ),
    **dict.fromkeys(["海岸", "芝浦", "港南", "台場"], Area.SHIBAURA_KONAN),
    **dict.fromkeys(
        [
            "西麻布",
            "六本木",
            "麻布台",
            "麻布狸穴町",
            "麻布永坂町",
            "東麻布",
            "麻布十番",
            "元麻布",
            "南麻布",
        ],
        Area.AZABU,
    ),
    **dict.fromkeys(["元赤坂", "赤坂", "北青山", "南青山"], Area.AKASAKA),
    **dict.fromkeys(["白金台", "白金", "高輪"], Area.TAKANAWA),
}
MITA = "三田"
# Japan Post's codes for the towns (a town may have two, split by 丁目).
POSTAL_CODE_TOWNS: dict[str, str] = {
    "1050001": "虎ノ門",
    "1050002": "愛宕",
    "1050003": "西新橋",
    "1050004": "新橋",
    "1050011": "芝公園",
    "1050012": "芝大門",
    "1050013": "浜松町",
    "1050014": "芝",
    "1080014": "芝",
    "1050021": "東新橋",
    "1050022": "海岸",
    "1080022": "海岸",
    "1050023": "芝浦",
    "1080023": "芝浦",
    "1080075": "港南",
    "1350091": "台場",
    "1060031": "西麻布",
    "1060032": "六本木",
    "1060041": "麻布台",
    "1060042": "麻布狸穴町",
    "1060043": "麻布永坂町",
    "1060044": "東麻布",
    "1060045": "麻布十番",
    "1060046": "元麻布",
    "1060047": "南麻布",
    "1070051": "元赤坂",
    "1070052": "赤坂",
    "1070061": "北青山",
    "1070062": "南青山",
    "1080071": "白金台",
    "1080072": "白金",
    "1080073": MITA,
    "1080074": "高輪",
}
# Longest first, so that 芝公園 is found before 芝 and 東麻布 before nothing.
_TOWN_NAMES = sorted([*TOWN_AREAS, MITA], key=len, reverse=True)
_KANJI_DIGITS = str.maketrans("一二三四五", "12345")
# The 丁目 at the start of what follows the town's name.
_CHOME = re.compile(r"\s*([1-5])(?:丁目|-|$)")


def _town_of(line: str) -> tuple[str, str]:
    """The town an address line starts with (after 東京都港区), and the rest of the line."""
    line = line.removeprefix("東京都").removeprefix("港区").strip()
    for name in _TOWN_NAMES:
        if line.startswith(name):
            return name, line[len(name) :]
    return "", line


def area_of_address(postal_code: str, address_line: str = "") -> str:
    """The area of an address in Minato (its city being 港区 is the caller's to check), or ""
    when it cannot be told. The postal code names the town; an office's own code (105-85xx)
    or a missing one does not, so then the town is read from the start of the address line."""
    code = unicodedata.normalize("NFKC", postal_code or "").replace("-", "").strip()
    line = unicodedata.normalize("NFKC", address_line or "").strip()
    written_town, rest = _town_of(line)
    town = POSTAL_CODE_TOWNS.get(code) or written_town
    if town != MITA:
        return str(TOWN_AREAS.get(town, ""))
    if written_town != MITA:
        rest = line
    rest = rest.translate(_KANJI_DIGITS).replace("ー", "-").replace("‐", "-").replace("−", "-")
    match = _CHOME.match(rest)
    if match is None:
        return ""
    return str(Area.SHIBA if int(match.group(1)) <= 3 else Area.TAKANAWA)
