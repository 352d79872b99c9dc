"""Disaster mode and hazard maps: the switch turns the home page into the light disaster page;
staff upload GeoJSON hazard layers, checked before they are stored, and publish them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from minato.accounts.models import Department, User
from minato.core.models import AuditEvent
from minato.information import disaster, hazards, shelters
from minato.information.hazards import HazardError
from minato.information.models import DisasterMode, HazardLayer, Shelter
from minato.information.tests.factories import published_notice
from minato.information.tests.factories import shelter as make_shelter

pytestmark = pytest.mark.django_db


def _collection(*positions: tuple[float, float], **properties: Any) -> dict[str, Any]:
    west, south = positions[0]
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "芝2丁目付近", "level": "0.5m未満", **properties},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[west, south], [west + 0.01, south], [west, south + 0.01], [west, south]]
                    ],
                },
            }
        ],
    }


def _upload(staff: User, department: Department, data: bytes) -> HazardLayer:
    return hazards.layer_upload(
        staff=staff,
        department=department,
        kind=HazardLayer.Kind.FLOOD,
        title={"ja": "古川の洪水浸水想定", "en": "Furukawa flooding"},
        description={"ja": "想定最大規模"},
        source="東京都",
        data=data,
    )


def test_the_switch_turns_the_home_page_into_the_disaster_page_and_back(
    client: Client,
    staff_client: Any,
    departments: dict[str, Department],
    supervisor: User,
    charlie: User,
) -> None:
    published_notice(charlie, departments["kumin"])
    assert "disaster-page" not in client.get("/").text

    clerk = staff_client(charlie)
    assert clerk.get(reverse("staff:information:disaster_mode")).status_code == 200
    assert (
        clerk.post(reverse("staff:information:disaster_mode"), {"active": "1"}).status_code == 403
    )
    assert not DisasterMode.objects.filter(active=True).exists()

    console = staff_client(supervisor)
    turned_on = console.post(
        reverse("staff:information:disaster_mode"),
        {"active": "1", "message_ja": "首都直下地震の発生に伴い、避難所を開設しています。"},
    )
    assert turned_on.status_code == 302
    disaster.forget()  # the test's process is the server's: no waiting for the interval

    home = Client().get("/")
    assert home.status_code == 200 and "disaster-page" in home.text
    assert "首都直下地震" in home.text
    assert "stale-if-error" in home["Cache-Control"] and "public" in home["Cache-Control"]
    english = Client().get("/en/")
    assert "disaster-page" in english.text and 'lang="en"' in english.text
    # Other pages keep working as before.
    assert "disaster-page" not in Client().get(reverse("information:notices")).text

    console.post(reverse("staff:information:disaster_mode"), {"active": "0"})
    disaster.forget()
    assert "disaster-page" not in Client().get("/").text
    actions = list(
        AuditEvent.objects.filter(action__startswith="information.disaster_mode").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["information.disaster_mode_off", "information.disaster_mode_on"]
    assert (
        console.post(reverse("staff:information:disaster_mode"), {"active": "x"}).status_code == 404
    )


def test_the_disaster_page_lists_open_shelters_and_hazard_maps(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    found = make_shelter(departments["kumin"])
    make_shelter(
        departments["kumin"], slug="closed-hall", name={"ja": "閉鎖中の会館"}, checkin_key="k2"
    )
    shelters.shelter_set_status(staff=charlie, shelter=found, status=Shelter.Status.OPEN)
    layer = _upload(
        charlie, departments["kumin"], json.dumps(_collection((139.74, 35.65))).encode()
    )
    hazards.layer_set_published(staff=charlie, layer=layer, published=True)
    page = client.get(reverse("disaster:page"))
    assert page.status_code == 200
    assert "芝小学校" in page.text and "閉鎖中の会館" not in page.text
    assert "古川の洪水浸水想定" in page.text


def test_a_hazard_layer_is_uploaded_published_and_drawn_with_a_list_beside_it(
    client: Client,
    staff_client: Any,
    departments: dict[str, Department],
    charlie: User,
) -> None:
    console = staff_client(charlie)
    url = reverse("staff:information:hazard_layers")
    sent = console.post(
        url,
        {
            "department": departments["kumin"].pk,
            "kind": "flood",
            "title_ja": "古川の洪水浸水想定",
            "title_en": "Furukawa flooding",
            "source": "東京都",
            "file": SimpleUploadedFile(
                "flood.geojson",
                json.dumps(_collection((139.74, 35.65))).encode(),
                content_type="application/geo+json",
            ),
        },
    )
    assert sent.status_code == 302
    layer = HazardLayer.objects.get()
    assert layer.feature_count == 1 and not layer.published and "crs" not in layer.geojson
    public = reverse("hazards:geojson", args=[layer.slug])
    assert client.get(public).status_code == 404  # not yet published

    console.post(
        reverse("staff:information:hazard_layer_publish", args=[layer.public_id]),
        {"published": "1"},
    )
    page = client.get(reverse("hazards:maps"))
    assert page.status_code == 200 and "芝2丁目付近" in page.text and "0.5m未満" in page.text
    assert 'id="map-layers"' in page.text
    drawn = client.get(public)
    assert drawn["Content-Type"] == "application/geo+json"
    assert drawn.json()["features"][0]["properties"]["name"] == "芝2丁目付近"
    assert AuditEvent.objects.filter(action="information.hazard_layer_published").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not GeoJSON"),
        ("鉄".encode("shift_jis"), "not GeoJSON"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "no features"),
        (json.dumps(_collection((35.65, 139.74))).encode(), "longitude first"),  # axes swapped
        (json.dumps(_collection((139.74, float("nan")))).encode(), "numbers"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
            b'{"type": "Circle", "coordinates": [139.7, 35.6]}}]}',
            "geometry",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
            b'{"type": "Polygon", "coordinates": [139.7, 35.6]}}]}',
            "arrays",
        ),
        (b" " * (hazards.MAX_BYTES + 1), "5 MB"),
        (b"[" * 100_000 + b"]" * 100_000, "not GeoJSON"),  # nested past the recursion limit
        (json.dumps(_collection((139.74, 35.65), name="a\u0000b")).encode(), "not GeoJSON"),
        (
            json.dumps(_collection((139.74, 35.65))).replace("139.74", "1" + "0" * 400, 1).encode(),
            "numbers",
        ),
    ],
)
def test_a_bad_hazard_file_is_refused_with_a_reason_and_nothing_is_stored(
    departments: dict[str, Department], charlie: User, data: bytes, message: str
) -> None:
    with translation.override("en"), pytest.raises(HazardError, match=message):
        _upload(charlie, departments["kumin"], data)
    assert not HazardLayer.objects.exists()


def test_the_console_shows_a_bad_upload_on_the_form(
    staff_client: Any, departments: dict[str, Department], charlie: User, erin: User
) -> None:
    answer = staff_client(charlie).post(
        reverse("staff:information:hazard_layers"),
        {
            "department": departments["kumin"].pk,
            "kind": "flood",
            "title_ja": "x",
            "source": "x",
            "file": SimpleUploadedFile("x.geojson", b"[]"),
        },
    )
    assert answer.status_code == 400 and "error-summary" in answer.text
    with pytest.raises(HazardError):
        _upload(erin, departments["kumin"], json.dumps(_collection((139.74, 35.65))).encode())
    assert not HazardLayer.objects.exists()
