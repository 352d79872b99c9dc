"""Shelters, hazard maps and disaster mode in a real browser on a phone-sized screen, axe-core
on every page: a stranded commuter finds an open shelter on the map, checks in from its QR
code and checks out from the receipt; staff open a shelter from the console; a supervisor
turns disaster mode on and the home page becomes the disaster page."""

from __future__ import annotations

import json

import pytest

from minato.accounts.models import Department, User
from minato.information import hazards, shelters
from minato.information.models import CheckIn, HazardLayer, Shelter
from minato.information.tests.factories import shelter as make_shelter
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_stranded_commuter_finds_a_shelter_checks_in_by_qr_and_checks_out(
    axe_page: AxePage, charlie: User, departments: dict[str, Department]
) -> None:
    found = make_shelter(departments["kumin"], capacity=300)
    shelters.shelter_set_status(staff=charlie, shelter=found, status=Shelter.Status.OPEN)
    make_shelter(
        departments["kumin"], slug="azabu-hall", name={"ja": "麻布会館"}, checkin_key="other"
    )
    page = axe_page.visit("/en/shelters/")
    assert page.locator("#map").is_visible()  # the script showed the map
    assert page.locator("#map path.leaflet-interactive").count() == 2  # one circle each
    listing = page.locator(".notice-list").inner_text()
    assert listing.index("Shiba Elementary School") < listing.index("麻布会館")  # open first
    axe_page.follow(page.get_by_role("link", name="Shiba Elementary School"))
    assert "0 / 300" in page.content()
    axe_page.check()

    # The QR code at the entrance opens the form with the shelter's key.
    page = axe_page.visit(f"/en/shelters/{found.slug}/check-in/?key={found.checkin_key}")
    page.get_by_label("Name").fill("Alex Smith")
    page.get_by_label("How many people, including you").fill("2")
    page.get_by_label("Food allergy").check()
    page.get_by_label("Where are you heading? (optional)").fill("Yokohama")
    axe_page.follow(page.get_by_role("button", name="Check in"))
    entry = CheckIn.objects.get()
    assert entry.receipt in page.locator(".code").inner_text()
    assert page.locator(".code").is_visible()
    axe_page.check()
    found.refresh_from_db()
    assert found.headcount == 2
    axe_page.follow(page.get_by_role("button", name="Check out"))
    assert "You have checked out" in page.content()
    axe_page.check()
    found.refresh_from_db()
    assert found.headcount == 0
    assert axe_page.violations == [] and axe_page.console_errors == []


def test_staff_open_a_shelter_and_a_supervisor_turns_on_disaster_mode(
    axe_page: AxePage,
    charlie: User,
    supervisor: User,
    departments: dict[str, Department],
) -> None:
    make_shelter(departments["kumin"], capacity=300)
    layer = hazards.layer_upload(
        staff=charlie,
        department=departments["kumin"],
        kind=HazardLayer.Kind.FLOOD,
        title={"ja": "古川の洪水浸水想定", "en": "Furukawa flooding"},
        description={},
        source="東京都",
        data=json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "芝2丁目付近", "level": "0.5m未満"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [[139.74, 35.65], [139.75, 35.65], [139.75, 35.66], [139.74, 35.65]]
                            ],
                        },
                    }
                ],
            }
        ).encode(),
    )
    hazards.layer_set_published(staff=charlie, layer=layer, published=True)
    _staff_sign_in(axe_page, supervisor)
    page = axe_page.visit("/en/staff/information/shelters/")
    axe_page.follow(page.get_by_role("link", name="芝小学校"))
    axe_page.follow(page.get_by_role("button", name="Open", exact=True))
    assert "Status: Open" in page.content()
    page.get_by_label("People here now").fill("40")
    axe_page.follow(page.get_by_role("button", name="Save the count"))
    assert "40 people here, room for 300" in page.content()
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Print the QR poster"))
    assert page.locator(".qr svg").is_visible()
    axe_page.check()

    page = axe_page.visit("/en/staff/information/disaster-mode/")
    page.get_by_label("Message (English)").fill("An earthquake struck. Shelters are open.")
    axe_page.follow(page.get_by_role("button", name="Turn disaster mode on"))
    assert "Disaster mode is on." in page.content()
    axe_page.follow(page.get_by_role("button", name="Sign out"))

    page = axe_page.visit("/en/")
    assert page.locator("body.disaster-page").count() == 1
    assert "An earthquake struck." in page.content()
    assert "Shiba Elementary School" in page.locator("main").inner_text()
    axe_page.follow(page.get_by_role("link", name="Furukawa flooding"))
    assert page.locator("#map").is_visible()
    page.locator("#map path.leaflet-interactive").nth(1).wait_for()  # the layer, fetched
    assert page.locator("#map path.leaflet-interactive").count() == 2  # the area, the shelter
    assert "芝2丁目付近" in page.locator("table").inner_text()
    axe_page.check()
    assert axe_page.violations == [] and axe_page.console_errors == []
