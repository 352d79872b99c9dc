"""The resident's and the console's booking pages, end to end through the views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minato.accounts.models import User
from minato.bookings import services
from minato.bookings.models import Booking, Offering, Session
from minato.bookings.tests.factories import make_facility, make_lottery, make_offering, make_session
from minato.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(departments: dict[str, Any]) -> Offering:
    return make_offering(make_facility(departments["shiba"]))


def test_search_finds_offerings_with_sessions_to_come(client: Client, room: Offering) -> None:
    make_session(room)
    page = client.get("/bookings/?kind=room&area=shiba")
    assert page.status_code == 200
    assert "会議室A" in page.content.decode()
    assert "会議室A" not in client.get("/bookings/?kind=seat").content.decode()
    bad = client.get("/bookings/?day=not-a-date")
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()


def test_a_resident_books_from_the_offering_page_and_sees_the_booking(
    resident_client: Callable[[User], Client], alice: User, room: Offering
) -> None:
    session = make_session(room, capacity=2)
    client = resident_client(alice)
    page = client.get(f"/en/bookings/{room.slug}/").content.decode()
    assert "2 places left" in page
    response = client.post(
        f"/en/bookings/{room.slug}/sessions/{session.public_id}/", {"action": "book"}
    )
    booking = Booking.objects.get(person=alice)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/bookings/mine/{booking.reference}/"
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Check-in code" in detail and "<svg" in detail
    ics = client.get(f"/bookings/mine/{booking.reference}/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and f"booking-{booking.reference}@" in body
    assert "DTSTART:" in body and body.rstrip().endswith("END:VCALENDAR")


def test_signed_out_people_are_sent_to_sign_in_and_nothing_is_booked(
    client: Client, room: Offering
) -> None:
    session = make_session(room)
    response = client.post(
        f"/bookings/{room.slug}/sessions/{session.public_id}/", {"action": "book"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Booking.objects.exists()


def test_a_full_session_says_so_and_offers_the_waiting_list(
    resident_client: Callable[[User], Client], alice: User, bob: User, room: Offering
) -> None:
    session = make_session(room, capacity=1)
    services.booking_create(session=session, person=bob)
    client = resident_client(alice)
    response = client.post(
        f"/bookings/{room.slug}/sessions/{session.public_id}/", {"action": "book"}, follow=True
    )
    page = response.content.decode()
    assert "キャンセル待ち" in page or "waiting list" in page
    assert Booking.objects.filter(person=alice).count() == 0


def test_someone_elses_booking_is_not_found(
    resident_client: Callable[[User], Client], alice: User, bob: User, room: Offering
) -> None:
    booking = services.booking_create(session=make_session(room), person=bob)
    client = resident_client(alice)
    assert client.get(f"/bookings/mine/{booking.reference}/").status_code == 404
    response = client.post(f"/bookings/mine/{booking.reference}/action/", {"action": "cancel"})
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_calendar_feed_needs_its_signed_token(
    resident_client: Callable[[User], Client], alice: User, room: Offering, client: Client
) -> None:
    services.booking_create(session=make_session(room), person=alice)
    mine = resident_client(alice).get("/bookings/mine/")
    feed_url = mine.context["feed_url"]
    body = client.get(feed_url.replace("http://testserver", "")).content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert client.get("/bookings/calendar/forged.ics").status_code == 404


def test_a_lottery_page_shows_the_hash_and_only_after_the_draw_the_seed_and_lists(
    client: Client, departments: dict[str, Any], alice: User
) -> None:
    hall = make_offering(make_facility(departments["shiba"]), slug="hall", mode="lottery")
    session = make_session(hall, starts_in=timedelta(days=30))
    lottery = make_lottery(hall, [session], closes_in=timedelta(minutes=5))
    session.refresh_from_db()
    services.lottery_enter(session=session, person=alice)
    page = client.get(f"/bookings/lotteries/{lottery.public_id}/").content.decode()
    assert lottery.seed_sha256 in page and lottery.seed not in page
    assert client.get(f"/bookings/lotteries/{lottery.public_id}/entries.csv").status_code == 404
    services.lottery_draw(lottery=lottery, now=lottery.draw_at)
    page = client.get(f"/bookings/lotteries/{lottery.public_id}/").content.decode()
    assert lottery.seed in page
    csv_text = client.get(f"/bookings/lotteries/{lottery.public_id}/entries.csv").content.decode()
    assert csv_text.splitlines() == [
        "entry_number,session,tier,weight",
        f"1,{session.public_id},1,1",
    ]
    assert "alice" not in csv_text


def test_staff_see_the_roster_check_people_in_and_each_look_is_recorded(
    staff_client: Callable[[User], Client], dana: User, erin: User, alice: User, room: Offering
) -> None:
    session = make_session(room)
    booking = services.booking_create(session=session, person=alice)
    client = staff_client(dana)
    roster = client.get(f"/staff/bookings/sessions/{session.public_id}/")
    assert roster.status_code == 200 and "港 アリス" in roster.content.decode()
    assert AuditEvent.objects.filter(action="bookings.booking_viewed", subject_id=alice.pk).exists()
    response = client.post(
        "/staff/bookings/check-in/", {"code": f"MINATO-BOOKING:{booking.reference}"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    # Staff of another department see nothing of it.
    other = staff_client(erin)
    assert other.get(f"/staff/bookings/sessions/{session.public_id}/").status_code == 404
    refused = other.post("/staff/bookings/check-in/", {"code": booking.reference})
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    csv_response = client.get(f"/staff/bookings/sessions/{session.public_id}/roster.csv")
    assert "港 アリス" in csv_response.content.decode("utf-8-sig")


def test_past_the_deadline_the_page_warns_that_cancelling_earns_penalty_points(
    resident_client: Callable[[User], Client], alice: User, room: Offering
) -> None:
    booking = services.booking_create(
        session=make_session(room, starts_in=timedelta(hours=5)), person=alice
    )
    page = resident_client(alice).get(f"/en/bookings/mine/{booking.reference}/").content.decode()
    assert 'value="cancel"' in page
    assert "counts as a late cancellation: 1 penalty point" in page


def test_the_offering_page_shows_a_week_at_a_time_and_survives_bad_dates(
    client: Client, room: Offering
) -> None:
    make_session(room, starts_in=timedelta(days=1))
    later = make_session(room, starts_in=timedelta(days=20))
    first = client.get(f"/en/bookings/{room.slug}/")
    assert first.context["next_week"] is not None and first.context["previous_week"] is None
    assert [s.pk for day in first.context["days"].values() for s, _ in day] != [later.pk]
    week = timezone.localtime(later.starts_at).date().isoformat()
    page = client.get(f"/en/bookings/{room.slug}/?from={week}")
    assert [s.pk for day in page.context["days"].values() for s, _ in day] == [later.pk]
    assert "Previous 7 days" in page.content.decode()
    for bad in ("not-a-date", "1900-01-01", "9999-12-31"):
        assert client.get(f"/en/bookings/{room.slug}/?from={bad}").status_code == 200


def test_a_supervisor_closes_a_session_from_its_roster(
    staff_client: Callable[[User], Client], dana: User, charlie: User, alice: User, room: Offering
) -> None:
    session = make_session(room)
    services.booking_create(session=session, person=alice)
    client = staff_client(dana)
    page = client.get(f"/staff/bookings/sessions/{session.public_id}/").content.decode()
    assert "Close this session" in page or "この回を休止" in page
    empty = client.post(f"/staff/bookings/sessions/{session.public_id}/close/", {"reason": ""})
    assert empty.status_code == 400 and "error-summary" in empty.content.decode()
    done = client.post(
        f"/staff/bookings/sessions/{session.public_id}/close/", {"reason": "空調設備の点検のため"}
    )
    assert done.status_code == 302
    session.refresh_from_db()
    assert session.is_closed
    assert Booking.objects.get(person=alice).status == Booking.Status.CANCELLED


def test_my_bookings_shows_penalty_points_and_until_when_lotteries_are_barred(
    resident_client: Callable[[User], Client],
    alice: User,
    dana: User,
    room: Offering,
    settings: Any,
) -> None:
    settings.BOOKINGS_PENALTY_SUSPEND_AT = 2
    booking = services.booking_create(session=make_session(room), person=alice)
    Session.objects.filter(pk=booking.session_id).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    services.attendance_record(booking=booking, attended=False, staff=dana)
    page = resident_client(alice).get("/en/bookings/mine/").content.decode()
    assert "Did not come: 2 points" in page
    assert "You cannot enter lotteries until" in page
