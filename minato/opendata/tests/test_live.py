"""The standard datasets generated from platform data: exact columns, valid against their
definitions, and regenerated when the source changes."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest

from minato.accounts.models import Department
from minato.bookings.tests.factories import make_facility
from minato.information.tests.factories import shelter
from minato.opendata import live, services, validator
from minato.opendata.models import DownloadMonth
from minato.opendata.standard.definitions import definition
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.parametrize("key", ["wifi-spots", "aed", "childcare-facilities"])
def test_the_shipped_datasets_follow_their_standard_without_errors(key: str) -> None:
    content = live.SOURCES[key].generate()

    report = validator.validate(content, definition(key))  # type: ignore[arg-type]

    assert report.errors == (), report.errors[:3]
    assert report.grade in ("A", "B")
    assert content.decode("utf-8").splitlines()[0].split(",") == definition(key).header()  # type: ignore[union-attr]


def test_the_wifi_dataset_holds_the_forty_spots_of_the_plan() -> None:
    rows = _rows(live.SOURCES["wifi-spots"].generate())

    assert len(rows) == 40
    assert {row["全国地方公共団体コード"] for row in rows} == {"131032"}
    assert rows[0]["名称"] == "Minato City Wi-Fi 虎ノ門駅9番口"
    assert all(35.5 < float(row["緯度"]) < 35.7 for row in rows)


def test_facilities_become_the_public_facilities_list(departments: dict[str, Department]) -> None:
    make_facility(departments["kumin"])

    rows = _rows(live.SOURCES["public-facilities"].generate())

    assert len(rows) == 1
    row = rows[0]
    assert row["ID"] == "shiba-kumin-center"
    assert row["所在地_連結表記"] == "東京都港区芝公園1-5-25"
    assert row["所在地_町字"] == "芝公園一丁目"
    assert row["緯度"] == "35.658068"
    assert row["名称_カナ"]  # the reading, from SudachiPy


def test_shelters_give_both_lists_with_hazard_flags(departments: dict[str, Department]) -> None:
    shelter(departments["shiba"], hazards=["earthquake", "fire"])

    sites = _rows(live.SOURCES["evacuation-sites"].generate())
    shelters = _rows(live.SOURCES["shelters"].generate())

    assert sites[0]["災害種別_地震"] == "1" and sites[0]["災害種別_大規模な火事"] == "1"
    assert sites[0]["災害種別_洪水"] == ""
    assert sites[0]["指定避難所との重複"] == "1"
    assert shelters[0]["想定収容人数"] == "10"
    for key, rows in (("evacuation-sites", sites), ("shelters", shelters)):
        content = live.SOURCES[key].generate()
        assert validator.validate(content, definition(key)).errors == ()  # type: ignore[arg-type]
        assert rows


def test_a_geojson_source_has_a_feature_per_place() -> None:
    data = json.loads(live.SOURCES["wifi-spots-geojson"].generate())

    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 40
    longitude, latitude = data["features"][0]["geometry"]["coordinates"]
    assert 139.6 < longitude < 139.9 and 35.5 < latitude < 35.7


def test_a_live_resource_gets_a_new_version_only_when_its_source_changed(
    departments: dict[str, Department],
) -> None:
    facility = make_facility(departments["kumin"])
    dataset = factories.dataset(standard="public-facilities")
    resource = services.resource_live_add(
        dataset=dataset, live_key="public-facilities", name={"ja": "公共施設一覧"}
    )

    unchanged = services.live_resources_refresh()
    facility.name = {"ja": "芝区民センター", "en": "Shiba Community Centre"}
    facility.save()
    changed = services.live_resources_refresh()

    resource.refresh_from_db()
    assert unchanged == 0 and changed == 1
    assert resource.current.number == 2
    assert "芝区民センター" in bytes(resource.current.content).decode()


def test_a_live_standard_resource_grades_its_dataset(departments: dict[str, Department]) -> None:
    dataset = factories.dataset(standard="wifi-spots")

    services.resource_live_add(dataset=dataset, live_key="wifi-spots", name={"ja": "一覧"})

    dataset.refresh_from_db()
    assert dataset.quality_grade in ("A", "B")
    assert dataset.document["quality_grade"] == dataset.quality_grade


def test_the_download_statistics_list_the_months_that_have_ended(client: Any) -> None:
    resource = factories.dataset(name="counted").resources.get(variant_of=None)
    services.download_count(resource=resource, user_agent="Mozilla/5.0")  # this month
    DownloadMonth.objects.create(
        resource=resource, dataset=resource.dataset, month=date(2026, 1, 1), count=7
    )

    rows = _rows(live.SOURCES["download-statistics"].generate())

    assert [(row["年月"], row["データセットID"], row["ダウンロード数"]) for row in rows] == [
        ("2026-01", "counted", "7")
    ]


def test_an_address_keeps_the_long_vowel_of_a_building_name() -> None:
    block = live._address("港区六本木6-10-1 六本木ヒルズ森タワー")

    assert block["所在地_町字"] == "六本木六丁目"
    assert block["所在地_番地以下"] == "10-1 六本木ヒルズ森タワー"
