"""Which 地区 an address in Minato is in."""

from __future__ import annotations

import pytest

from minato.core.areas import POSTAL_CODE_TOWNS, TOWN_AREAS, Area, area_of_address


@pytest.mark.parametrize(
    ("postal_code", "line", "area"),
    [
        ("1060032", "六本木6-10-1", Area.AZABU),
        ("１０７－００６２", "南青山5-7-11", Area.AKASAKA),  # full-width, with a hyphen
        ("1080075", "港南2-16-1", Area.SHIBAURA_KONAN),
        ("1080073", "三田1-4-10", Area.SHIBA),
        ("1080073", "三田四丁目1-1", Area.TAKANAWA),
        ("1080073", "5ー2ー3", Area.TAKANAWA),  # the town left out, long-vowel dashes
        ("1080073", "", ""),  # 三田 without its 丁目 cannot be told
        ("1058511", "芝公園1-5-25", Area.SHIBA),  # an office's own code: the line decides
        ("", "東京都港区白金台3-1", Area.TAKANAWA),
        ("", "芝浦3-1-1", Area.SHIBAURA_KONAN),  # 芝浦, not 芝
        ("1500001", "神宮前1-1", ""),  # Shibuya
    ],
)
def test_an_address_is_placed_in_its_area(postal_code: str, line: str, area: str) -> None:
    assert area_of_address(postal_code, line) == area


def test_every_postal_code_names_a_known_town() -> None:
    assert set(POSTAL_CODE_TOWNS.values()) - set(TOWN_AREAS) == {"三田"}
    assert set(TOWN_AREAS.values()) == set(Area.values)
