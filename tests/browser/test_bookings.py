"""Bookings in a real browser on a phone-sized screen, axe-core on every page: a resident
enters a lottery, the draw runs, the winner pays and gets a check-in code; another resident
books a library seat first-come in English."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD
from minato.accounts.models import User
from minato.bookings import services
from minato.bookings.models import Booking, Offering
from minato.bookings.tests.factories import (
    make_facility,
    make_lottery,
    make_offering,
    make_session,
)
from tests.browser.conftest import AxePage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_to_live_server(settings: Any, live_server: Any) -> None:
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_SANDBOX_WEBHOOK_URL = live_server.url + "/api/v1/payments/webhooks/sandbox"


def _sign_in(axe_page: AxePage, user: User, prefix: str) -> None:
    page = axe_page.visit(f"{prefix}/accounts/login/")
    page.locator("#id_email, input[type=email]").first.fill(user.email)
    page.locator("input[type=password]").first.fill(PASSWORD)
    axe_page.follow(page.locator("main form button[type=submit]").last)


def test_a_resident_enters_a_lottery_wins_pays_and_gets_a_check_in_code(
    axe_page: AxePage, alice: User, departments: dict[str, Any], sandbox_to_live_server: None
) -> None:
    hall = make_offering(
        make_facility(departments["shiba"]),
        slug="hall",
        mode=Offering.Mode.LOTTERY,
        fee_resident_yen=1200,
        fee_other_yen=2400,
        revenue_account_code="14-01-01-03",
    )
    session = make_session(hall, starts_in=timedelta(days=30))
    lottery = make_lottery(hall, [session], closes_in=timedelta(minutes=30))
    _sign_in(axe_page, alice, "")
    page = axe_page.visit("/bookings/?kind=room")
    axe_page.follow(page.get_by_role("link", name="会議室A"))
    axe_page.check()
    # The lottery's dates are a month ahead: its notice leads to their week.
    page.get_by_role("link", name="抽選の日程を見る").click()
    page.wait_for_url("**#dates")
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="抽選に申し込む"))
    assert "抽選に申し込みました" in page.locator(".notices").inner_text()
    axe_page.check()
    booking = Booking.objects.get(person=alice)
    assert booking.status == Booking.Status.ENTERED
    # The lottery's page shows the hash, not the seed, until the draw.
    page = axe_page.visit(f"/bookings/lotteries/{lottery.public_id}/")
    assert lottery.seed_sha256 in page.content() and lottery.seed not in page.content()
    services.lottery_draw(lottery=lottery, now=lottery.draw_at)
    page = axe_page.visit(f"/bookings/lotteries/{lottery.public_id}/")
    assert lottery.seed in page.content()
    page = axe_page.visit(f"/bookings/mine/{booking.reference}/")
    assert "1,200" in page.locator("#payment-panel-title + p").inner_text()
    axe_page.follow(page.get_by_role("button", name="支払う"))
    assert "/payments/sandbox/" in page.url
    axe_page.check()
    page.locator("input[name=outcome][value=success]").check()
    axe_page.follow(page.locator("main form button[type=submit]").first)
    page.locator("#receipt-number").wait_for()
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="予約に戻る"))
    assert services.offers_settle() == 1
    page = axe_page.visit(f"/bookings/mine/{booking.reference}/")
    assert page.locator(".qr svg").is_visible()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_resident_books_a_library_seat_first_come_in_english(
    axe_page: AxePage, bob: User, departments: dict[str, Any]
) -> None:
    library = make_offering(
        make_facility(departments["shiba"], slug="library"),
        slug="seats",
        kind=Offering.Kind.SEAT,
        name={"ja": "学習席", "en": "Study seats"},
    )
    make_session(library, capacity=24, starts_in=timedelta(days=3))
    _sign_in(axe_page, bob, "/en")
    page = axe_page.visit("/en/bookings/")
    page.get_by_label("What").select_option("seat")
    axe_page.follow(page.get_by_role("button", name="Find"))
    assert page.url.endswith("#results-title")
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Study seats"))
    assert "24 places left" in page.content()
    axe_page.follow(page.get_by_role("button", name="Book"))
    assert "Your booking is confirmed." in page.locator(".notices").inner_text()
    assert page.locator(".qr svg").is_visible()
    axe_page.check()
    page = axe_page.visit("/en/bookings/mine/")
    assert "Study seats" in page.content()
    axe_page.follow(page.get_by_role("link", name="Study seats"))
    axe_page.follow(page.get_by_role("button", name="Cancel this booking"))
    assert "Your booking is cancelled." in page.locator(".notices").inner_text()
    axe_page.check()


def _staff_sign_in(axe_page: AxePage, user: User) -> None:
    from conftest import current_totp

    page = axe_page.visit("/en/staff/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#id_otp_token").fill(current_totp(user))
    axe_page.follow(page.get_by_role("button", name="Sign in"))


def test_a_supervisor_adds_a_facility_an_offering_and_a_month_of_sessions(
    axe_page: AxePage, dana: User, departments: dict[str, Any]
) -> None:
    _staff_sign_in(axe_page, dana)
    page = axe_page.visit("/en/staff/bookings/")
    axe_page.follow(page.get_by_role("link", name="Facilities and what they offer"))
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Add a facility"))
    page.get_by_label("Name (Japanese)").fill("赤坂区民センター")
    page.get_by_label("Name (English)").fill("Akasaka Civic Centre")
    page.get_by_label("Code (in the web address)").fill("akasaka-kumin-center")
    page.get_by_label("Area").select_option("akasaka")
    page.get_by_label("Address", exact=False).last.fill("東京都港区赤坂4-18-13")
    page.get_by_label("Latitude").fill("35.672690")
    page.get_by_label("Longitude").fill("139.735320")
    page.get_by_label("Department that runs it").select_option(label="芝地区総合支所")
    axe_page.follow(page.get_by_role("button", name="Save"))
    assert "Saved." in page.locator(".notices").inner_text()
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Add an offering here"))
    page.get_by_label("Name (Japanese)").fill("第一会議室")
    page.get_by_label("Name (English)").fill("Meeting room 1")
    page.get_by_label("Description (Japanese)").fill("定員24名の会議室です。")
    page.get_by_label("Code (in the web address)").fill("akasaka-room-1")
    page.get_by_label("Kind").select_option("room")
    page.get_by_label("Usual length of a session (minutes)").fill("180")
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Save"))
    axe_page.check()
    # The form proposes the coming four weeks, Monday to Friday, within opening hours.
    axe_page.follow(page.get_by_role("button", name="Add the sessions"))
    notice = page.locator(".notices").inner_text()
    # Four weeks of weekdays, four three-hour sessions a day from 09:00 to 21:00.
    assert "80 sessions added." in notice
    assert page.locator("#sessions-caption + thead + tbody a").count() >= 4
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Next 7 days").first)
    assert page.locator("#sessions-caption + thead + tbody a").count() == 20
    axe_page.check()
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = axe_page.visit(
        f"/en/staff/bookings/occupancy/?first_day={tomorrow}&last_day={tomorrow + timedelta(27)}"
    )
    assert "Meeting room 1" in page.content()
    axe_page.check()


def test_a_group_is_registered_checked_by_the_ward_and_books_a_room(
    axe_page: AxePage, alice: User, dana: User, departments: dict[str, Any]
) -> None:
    room = make_offering(make_facility(departments["shiba"]))
    make_session(room, starts_in=timedelta(days=5))
    _sign_in(axe_page, alice, "/en")
    page = axe_page.visit("/en/bookings/groups/")
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Register a group"))
    page.get_by_label("Group name").fill("芝公園ウォーキングの会")
    page.get_by_label("Kind of group").select_option("residents")
    page.get_by_label("Area where the group is active").select_option("shiba")
    page.get_by_label("Members who live in Minato").fill(
        "\n".join(f"会員{n}" for n in range(1, 10))
    )
    page.get_by_label("Members who live elsewhere").fill("会員10")
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Send"))
    assert "The ward will check the group" in page.locator(".notices").inner_text()
    axe_page.check()

    _staff_sign_in(axe_page, dana)
    page = axe_page.visit("/en/staff/bookings/groups/")
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="芝公園ウォーキングの会"))
    axe_page.check()
    page.get_by_role("radio", name="Register", exact=True).check()
    axe_page.follow(page.get_by_role("button", name="Save the decision"))
    axe_page.check()

    _sign_in(axe_page, alice, "/en")
    page = axe_page.visit(f"/en/bookings/{room.slug}/")
    page.get_by_label("Book for").first.select_option(label="芝公園ウォーキングの会")
    axe_page.follow(page.get_by_role("button", name="Book").first)
    assert "Your booking is confirmed." in page.locator(".notices").inner_text()
    booking = Booking.objects.get(person=alice)
    assert booking.group is not None and booking.group.name == "芝公園ウォーキングの会"
