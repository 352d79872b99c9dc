"""Shelters: status and headcount from staff, check-in by QR code without an account, the
receipt and check-out, the roster, the API and the open-data export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from minato.accounts.models import Department, User
from minato.core.models import AuditEvent
from minato.information import shelters
from minato.information.models import CheckIn, Shelter
from minato.information.shelters import CheckInDetails, ShelterError
from minato.information.tests.factories import shelter as make_shelter

pytestmark = pytest.mark.django_db

KEY = "the-key-in-the-qr-code"


@pytest.fixture
def open_shelter(departments: dict[str, Department], charlie: User) -> Shelter:
    return shelters.shelter_set_status(
        staff=charlie, shelter=make_shelter(departments["kumin"]), status=Shelter.Status.OPEN
    )


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "key": KEY,
        "name": "港 花子",
        "party_size": "3",
        "contact": "090-1234-5678",
        "needs": ["infant", "allergy"],
        "needs_note": "卵アレルギー",
        "heading_to": "川崎の自宅",
        **overrides,
    }


def test_a_person_checks_in_from_the_qr_code_gets_a_receipt_and_checks_out(
    client: Client, open_shelter: Shelter
) -> None:
    # The Japanese page (reverse follows the thread's language, which an earlier request in
    # this worker may have left at another).
    with translation.override("ja"):
        url = reverse("shelters:check_in", args=[open_shelter.slug])
    page = client.get(url, {"key": KEY})
    assert page.status_code == 200 and 'name="party_size"' in page.text
    assert "minato_device" in page.cookies  # the per-device rate limit's key

    sent = client.post(url, _form())
    assert sent.status_code == 302
    entry = CheckIn.objects.get()
    assert (entry.name, entry.party_size, entry.needs) == ("港 花子", 3, ["infant", "allergy"])
    assert entry.registered_by is None and entry.language == "ja"
    open_shelter.refresh_from_db()
    assert open_shelter.headcount == 3

    receipt = client.get(sent["Location"])
    assert receipt.status_code == 200 and entry.receipt in receipt.text
    # The receipt needs no name and shows no needs: the link may be shared.
    assert "港 花子" not in receipt.text and "卵アレルギー" not in receipt.text
    assert "アレルギー" not in receipt.text
    event = AuditEvent.objects.get(action="information.shelter_checked_in")
    assert event.changes == {"shelter": str(open_shelter.public_id), "party_size": 3}
    assert "港" not in str(event.changes)  # no personal data in the audit trail

    left = client.post(sent["Location"])
    assert left.status_code == 302
    entry.refresh_from_db()
    open_shelter.refresh_from_db()
    assert entry.checked_out_at is not None and open_shelter.headcount == 0
    again = client.post(sent["Location"])
    assert again.status_code == 400
    open_shelter.refresh_from_db()
    assert open_shelter.headcount == 0


def test_a_receipt_link_that_was_not_signed_by_the_site_is_not_found(
    client: Client, open_shelter: Shelter
) -> None:
    entry = shelters.check_in(shelter=open_shelter, details=CheckInDetails(name="A"), key=KEY)
    assert client.get(reverse("shelters:receipt", args=[str(entry.public_id)])).status_code == 404
    assert client.get(reverse("shelters:receipt", args=["forged:token"])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"key": "guessed"}, "QR"),
        ({"key": ""}, "QR"),
        ({"name": "   "}, "error-summary"),
        ({"party_size": "0"}, "error-summary"),
        ({"party_size": "21"}, "error-summary"),
        ({"party_size": "many"}, "error-summary"),
        ({"needs": ["rocket"]}, "error-summary"),
        ({"heading_to": "x" * 201}, "error-summary"),
    ],
)
def test_a_bad_check_in_gets_a_message_and_changes_nothing(
    client: Client, open_shelter: Shelter, overrides: dict[str, Any], message: str
) -> None:
    answer = client.post(reverse("shelters:check_in", args=[open_shelter.slug]), _form(**overrides))
    assert answer.status_code == 400
    assert message in answer.text
    assert not CheckIn.objects.exists()
    open_shelter.refresh_from_db()
    assert open_shelter.headcount == 0


def test_a_closed_or_full_shelter_refuses_self_check_in_but_its_staff_can_register(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    closed = make_shelter(departments["kumin"])
    page = client.get(reverse("shelters:check_in", args=[closed.slug]), {"key": KEY})
    assert 'name="party_size"' not in page.text
    refused = client.post(reverse("shelters:check_in", args=[closed.slug]), _form())
    assert refused.status_code == 400 and not CheckIn.objects.exists()

    shelters.shelter_set_status(staff=charlie, shelter=closed, status=Shelter.Status.FULL)
    with translation.override("en"), pytest.raises(ShelterError, match="full"):
        shelters.check_in(shelter=closed, details=CheckInDetails(name="A"), key=KEY)
    entry = shelters.check_in(shelter=closed, details=CheckInDetails(name="A"), staff=charlie)
    assert entry.registered_by == charlie


def test_reaching_the_capacity_turns_an_open_shelter_full(open_shelter: Shelter) -> None:
    shelters.check_in(shelter=open_shelter, details=CheckInDetails(name="A", party_size=9), key=KEY)
    open_shelter.refresh_from_db()
    assert open_shelter.status == Shelter.Status.OPEN
    shelters.check_in(shelter=open_shelter, details=CheckInDetails(name="B"), key=KEY)
    open_shelter.refresh_from_db()
    assert (open_shelter.status, open_shelter.headcount) == (Shelter.Status.FULL, 10)


def test_check_ins_from_one_device_are_rate_limited(client: Client, open_shelter: Shelter) -> None:
    url = reverse("shelters:check_in", args=[open_shelter.slug])
    client.get(url, {"key": KEY})
    with override_settings(SHELTER_CHECKIN_DEVICE_RATE="2/h"):
        assert client.post(url, _form(party_size="0")).status_code == 400  # a typo counts too
        assert client.post(url, _form(party_size="1")).status_code == 302
        assert client.post(url, _form(party_size="1")).status_code == 429
        # Another phone on the same shelter Wi-Fi is not blocked by this one.
        other = Client()
        other.get(url, {"key": KEY})
        assert other.post(url, _form(party_size="1")).status_code == 302
        # Cookies the site did not sign count on the network's counter, whatever they say.
        for n in range(3):
            forger = Client()
            forger.cookies["minato_device"] = f"made-up-{n}"
            answer = forger.post(url, _form(party_size="1"))
        assert answer.status_code == 429
    assert CheckIn.objects.count() == 4


def test_a_network_gets_only_so_many_new_device_ids(client: Client, open_shelter: Shelter) -> None:
    url = reverse("shelters:check_in", args=[open_shelter.slug])
    with override_settings(SHELTER_DEVICE_IDS_RATE="2/h"):
        given = [Client().get(url, {"key": KEY}).cookies.get("minato_device") for _ in range(3)]
    assert [cookie is not None for cookie in given] == [True, True, False]


def test_a_self_check_in_must_fit_and_reopening_a_full_shelter_keeps_it_full(
    charlie: User, open_shelter: Shelter
) -> None:
    shelters.check_in(shelter=open_shelter, details=CheckInDetails(name="A", party_size=8), key=KEY)
    with translation.override("en"), pytest.raises(ShelterError, match="full"):
        shelters.check_in(
            shelter=open_shelter, details=CheckInDetails(name="B", party_size=3), key=KEY
        )
    open_shelter.refresh_from_db()
    assert (open_shelter.headcount, open_shelter.status) == (8, Shelter.Status.OPEN)
    shelters.check_in(
        shelter=open_shelter, details=CheckInDetails(name="C", party_size=3), staff=charlie
    )
    open_shelter.refresh_from_db()
    assert (open_shelter.headcount, open_shelter.status) == (11, Shelter.Status.FULL)
    shelters.shelter_set_status(staff=charlie, shelter=open_shelter, status=Shelter.Status.OPEN)
    open_shelter.refresh_from_db()
    assert open_shelter.status == Shelter.Status.FULL


def test_a_shelter_without_a_key_takes_no_self_check_in(
    departments: dict[str, Department], charlie: User
) -> None:
    found = make_shelter(departments["kumin"], checkin_key="", status=Shelter.Status.OPEN)
    with pytest.raises(ShelterError):
        shelters.check_in(shelter=found, details=CheckInDetails(name="A"), key="")
    assert len(Shelter(capacity=1).checkin_key) >= 16  # new shelters get one


def test_staff_run_the_shelter_from_the_console(
    staff_client: Any, departments: dict[str, Department], charlie: User
) -> None:
    found = make_shelter(departments["kumin"])
    console = staff_client(charlie)
    base = reverse("staff:information:shelter", args=[found.slug])
    assert console.get(reverse("staff:information:shelters")).status_code == 200
    console.post(f"{base}status/", {"status": "open"})
    console.post(f"{base}headcount/", {"headcount": "4"})
    console.post(
        f"{base}check-in/",
        {"desk-name": "高輪 太郎", "desk-party_size": "2", "desk-needs": ["wheelchair"]},
    )
    found.refresh_from_db()
    assert (found.status, found.headcount) == (Shelter.Status.OPEN, 6)
    entry = CheckIn.objects.get()
    assert entry.registered_by == charlie

    page = console.get(base)
    assert page.status_code == 200 and "高輪 太郎" in page.text and entry.receipt in page.text
    assert AuditEvent.objects.filter(action="information.shelter_roster_viewed").count() == 1

    console.post(f"{base}check-out/{entry.public_id}/")
    found.refresh_from_db()
    assert found.headcount == 4

    bad = console.post(f"{base}headcount/", {"headcount": "-3"})
    assert bad.status_code == 302
    found.refresh_from_db()
    assert found.headcount == 4

    old_key = found.checkin_key
    console.post(f"{base}new-key/")
    found.refresh_from_db()
    assert found.checkin_key != old_key
    poster = console.get(f"{base}poster/")
    assert poster.status_code == 200 and "<svg" in poster.text and found.checkin_key in poster.text

    shelters.check_in(shelter=found, details=CheckInDetails(name="A"), key=found.checkin_key)
    console.post(f"{base}status/", {"status": "closed"})
    found.refresh_from_db()
    assert found.headcount == 0
    assert not CheckIn.objects.filter(checked_out_at__isnull=True).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "information.shelter_status_changed",
        "information.shelter_headcount_reported",
        "information.shelter_checked_in",
        "information.shelter_checked_out",
        "information.shelter_checkin_key_changed",
    } <= actions


def test_staff_of_another_department_cannot_see_or_change_a_shelter(
    staff_client: Any, departments: dict[str, Department], erin: User
) -> None:
    found = make_shelter(departments["kumin"])
    console = staff_client(erin)
    base = reverse("staff:information:shelter", args=[found.slug])
    assert console.get(base).status_code == 404
    assert console.post(f"{base}status/", {"status": "open"}).status_code == 404
    assert console.get(f"{base}poster/").status_code == 404
    found.refresh_from_db()
    assert found.status == Shelter.Status.CLOSED
    with pytest.raises(ShelterError):
        shelters.roster(staff=erin, shelter=found)


def test_the_finder_lists_open_shelters_first_with_a_cdn_cache_header(
    client: Client, departments: dict[str, Department], open_shelter: Shelter
) -> None:
    make_shelter(
        departments["kumin"],
        slug="azabu-hall",
        name={"ja": "麻布会館"},
        area="azabu",
        checkin_key="another-key",
    )
    page = client.get(reverse("shelters:list"))
    assert page.status_code == 200
    assert page.text.index("芝小学校") < page.text.index("麻布会館")
    assert "stale-if-error=86400" in page["Cache-Control"] and "public" in page["Cache-Control"]
    assert 'id="map-points"' in page.text and 'id="map"' in page.text
    only_azabu = client.get(reverse("shelters:list"), {"area": "azabu"})
    assert "麻布会館" in only_azabu.text and "芝小学校" not in only_azabu.text
    assert client.get(reverse("shelters:list"), {"status": "burning"}).status_code == 400
    detail = client.get(reverse("shelters:shelter", args=[open_shelter.slug]))
    assert detail.status_code == 200 and "0 / 10" in detail.text
    assert client.get(reverse("shelters:shelter", args=["nowhere"])).status_code == 404


def test_the_api_and_the_open_data_export_give_status_and_headcount(
    client: Client, open_shelter: Shelter
) -> None:
    shelters.check_in(shelter=open_shelter, details=CheckInDetails(name="A", party_size=2), key=KEY)
    listing = client.get("/api/v1/shelters", {"status": "open"}).json()
    assert listing["count"] == 1
    item = listing["items"][0]
    assert (item["id"], item["status"], item["headcount"], item["capacity"]) == (
        "shiba-elementary",
        "open",
        2,
        10,
    )
    assert item["latitude"] == pytest.approx(35.6503) and "checkin_key" not in item
    assert client.get("/api/v1/shelters/shiba-elementary").json()["name"]["ja"] == "芝小学校"
    missing = client.get("/api/v1/shelters/nowhere")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/shelters", {"status": "burning"}).status_code == 422

    exported = client.get(reverse("shelters:csv"))
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["ID", "名称", "名称_英字", "種別"]
    assert rows[1][0] == "shiba-elementary" and rows[1][10] == "開設中" and rows[1][11] == "2"
    geojson = client.get(reverse("shelters:geojson"))
    assert geojson["Content-Type"] == "application/geo+json"
    feature = geojson.json()["features"][0]
    assert feature["geometry"]["coordinates"] == [139.7491, 35.6503]
    assert feature["properties"]["headcount"] == 2


def test_housekeeping_deletes_check_ins_a_month_after_people_left(open_shelter: Shelter) -> None:
    left = shelters.check_in(shelter=open_shelter, details=CheckInDetails(name="A"), key=KEY)
    shelters.check_out(entry=left)
    stayed = shelters.check_in(shelter=open_shelter, details=CheckInDetails(name="B"), key=KEY)
    now = timezone.now()
    assert shelters.delete_old_check_ins(now + timedelta(days=29)) == 0
    assert shelters.delete_old_check_ins(now + timedelta(days=31)) == 1
    assert list(CheckIn.objects.all()) == [stayed]
    assert shelters.delete_old_check_ins(now + timedelta(days=61)) == 1


def test_the_signage_qr_code_opens_the_shelter_finder(client: Client) -> None:
    screen = client.get("/signage/ward/")
    assert "/shelters/" in screen.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_a_crowd_checking_in_at_once_is_counted_exactly_up_to_the_capacity(
    departments: dict[str, Department],
) -> None:
    import threading

    from django.db import connections

    found = make_shelter(departments["kumin"], capacity=15, status=Shelter.Status.OPEN)
    people = 24
    start = threading.Barrier(people)
    outcomes: list[str] = []

    def arrive(n: int) -> None:
        try:
            start.wait()
            shelters.check_in(shelter=found, details=CheckInDetails(name=f"P{n}"), key=KEY)
            outcomes.append("in")
        except ShelterError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=arrive, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found.refresh_from_db()
    # The 15th makes it full; everyone after is refused, and no refused check-in is kept.
    assert sorted(outcomes) == ["in"] * 15 + ["refused"] * 9
    assert (found.headcount, found.status) == (15, Shelter.Status.FULL)
    assert CheckIn.objects.filter(shelter=found).count() == 15
    assert AuditEvent.objects.filter(action="information.shelter_checked_in").count() == 15
