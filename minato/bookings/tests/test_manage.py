"""Staff manage what can be booked: facilities, offerings, sessions in bulk, closures of a
period, lotteries; and see occupancy over a period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import _staff
from minato.accounts.models import Role, User
from minato.bookings import catalogue, services
from minato.bookings.models import Booking, Facility, Lottery, Offering, Session
from minato.bookings.tests.factories import make_facility, make_offering, make_session
from minato.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def shiba_clerk(departments: dict[str, Any]) -> User:
    return _staff("clerk@city.minato.example", departments["shiba"], Role.CLERK)


def _next(weekday: int, after: date | None = None) -> date:
    day = (after or timezone.localdate()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


FACILITY_FORM = {
    "name_ja": "赤坂区民センター",
    "name_en": "Akasaka Civic Centre",
    "name_easy": "",
    "slug": "akasaka-kumin-center",
    "area": "akasaka",
    "address": "東京都港区赤坂4-18-13",
    "latitude": "35.672690",
    "longitude": "139.735320",
    "opens_at": "09:00",
    "closes_at": "22:00",
}


def _offering_form(facility: Facility, **overrides: Any) -> dict[str, Any]:
    data = {
        "name_ja": "第一会議室",
        "name_en": "Meeting room 1",
        "description_ja": "定員24名の会議室です。",
        "description_en": "A meeting room for 24 people.",
        "slug": "akasaka-room-1",
        "facility": facility.pk,
        "kind": "room",
        "mode": "first_come",
        "fee_resident_yen": "1200",
        "fee_other_yen": "1800",
        "revenue_account_code": "14-01-01-03",
        "revenue_account_name": "区民センター使用料",
        "per_person_limit": "2",
        "cancel_hours_before": "72",
        "hold_hours": "24",
        "slot_minutes": "180",
        "is_published": "on",
    }
    return {**data, **overrides}


def test_a_supervisor_adds_a_facility_and_an_offering_and_a_clerk_cannot(
    staff_client: Callable[[User], Client],
    dana: User,
    shiba_clerk: User,
    departments: dict[str, Any],
) -> None:
    client = staff_client(dana)
    bad = client.post(
        "/staff/bookings/manage/facilities/new/",
        {**FACILITY_FORM, "department": departments["shiba"].pk, "closes_at": "08:00"},
    )
    assert bad.status_code == 400 and not Facility.objects.exists()
    made = client.post(
        "/staff/bookings/manage/facilities/new/",
        {**FACILITY_FORM, "department": departments["shiba"].pk},
    )
    assert made.status_code == 302
    facility = Facility.objects.get()
    assert facility.name == {"ja": "赤坂区民センター", "en": "Akasaka Civic Centre"}
    assert facility.closes_at == time(22)
    # Fees need a revenue account; the model's rule is shown on the form.
    refused = client.post(
        "/staff/bookings/manage/offerings/new/",
        _offering_form(facility, revenue_account_code=""),
    )
    assert refused.status_code == 400 and not Offering.objects.exists()
    saved = client.post(
        "/staff/bookings/manage/offerings/new/", _offering_form(facility, areas=["akasaka"])
    )
    assert saved.status_code == 302
    offering = Offering.objects.get()
    assert offering.department == departments["shiba"] and offering.areas == ["akasaka"]
    assert AuditEvent.objects.filter(action="bookings.offering_created").count() == 1
    # A clerk sees the pages but cannot change anything.
    clerk = staff_client(shiba_clerk)
    assert clerk.get(f"/staff/bookings/manage/offerings/{offering.slug}/").status_code == 200
    assert (
        clerk.post(
            f"/staff/bookings/manage/facilities/{facility.slug}/",
            {**FACILITY_FORM, "department": departments["shiba"].pk, "address": "x"},
        ).status_code
        == 403
    )
    changed = clerk.post(
        f"/staff/bookings/manage/offerings/{offering.slug}/edit/",
        _offering_form(facility, fee_resident_yen="1"),
    )
    assert changed.status_code == 400
    offering.refresh_from_db()
    assert offering.fee_resident_yen == 1200


def test_sessions_are_added_by_weekday_within_opening_hours_and_overlaps_are_left_out(
    departments: dict[str, Any], dana: User, shiba_clerk: User
) -> None:
    room = make_offering(make_facility(departments["shiba"]))
    monday = _next(0)
    plan = catalogue.SessionPlan(
        first_day=monday,
        last_day=monday + timedelta(days=13),
        weekdays=frozenset({0, 2}),
        start=time(9),
        end=time(21),
        minutes=180,
        capacity=1,
    )
    assert catalogue.sessions_add(staff=dana, offering=room, plan=plan) == (16, 0)
    first = Session.objects.order_by("starts_at").first()
    assert first is not None
    assert timezone.localtime(first.starts_at).time() == time(9)
    assert timezone.localtime(first.ends_at).time() == time(12)
    # The same plan again overlaps every slot; a shifted one overlaps all of them too.
    assert catalogue.sessions_add(staff=dana, offering=room, plan=plan) == (0, 16)
    shifted = catalogue.SessionPlan(**{**plan.__dict__, "start": time(10), "end": time(13)})
    assert catalogue.sessions_add(staff=dana, offering=room, plan=shifted) == (0, 4)
    with pytest.raises(services.BookingError, match="open from 09:00 to 22:00"):
        catalogue.sessions_add(
            staff=dana,
            offering=room,
            plan=catalogue.SessionPlan(**{**plan.__dict__, "start": time(7)}),
        )
    with pytest.raises(services.BookingError, match="tomorrow"):
        catalogue.sessions_add(
            staff=dana,
            offering=room,
            plan=catalogue.SessionPlan(**{**plan.__dict__, "first_day": timezone.localdate()}),
        )
    with pytest.raises(services.BookingError, match="supervisor"):
        catalogue.sessions_add(staff=shiba_clerk, offering=room, plan=plan)
    assert Session.objects.count() == 16


def test_the_sessions_form_reports_what_it_added_and_refuses_nonsense(
    staff_client: Callable[[User], Client], dana: User, departments: dict[str, Any]
) -> None:
    room = make_offering(make_facility(departments["shiba"]))
    client = staff_client(dana)
    url = f"/staff/bookings/manage/offerings/{room.slug}/sessions/"
    monday = _next(0)
    form = {
        "first_day": monday.isoformat(),
        "last_day": (monday + timedelta(days=6)).isoformat(),
        "weekdays": ["0", "1", "2", "3", "4"],
        "start": "09:00",
        "end": "12:00",
        "minutes": "60",
        "capacity": "1",
    }
    done = client.post(url, form)
    assert done.status_code == 302
    assert Session.objects.filter(offering=room).count() == 15
    for broken in (
        {"weekdays": []},
        {"minutes": "abc"},
        {"last_day": (monday - timedelta(days=3)).isoformat()},
        {"start": "12:00", "end": "09:00"},
        {"capacity": "0"},
    ):
        response = client.post(url, {**form, **broken})
        assert response.status_code == 400, broken
        assert "error-summary" in response.content.decode()
    assert Session.objects.filter(offering=room).count() == 15


def test_a_lottery_takes_the_empty_sessions_of_its_days_and_publishes_the_hash(
    staff_client: Callable[[User], Client], dana: User, departments: dict[str, Any]
) -> None:
    hall = make_offering(make_facility(departments["shiba"]), mode=Offering.Mode.LOTTERY)
    sessions = [make_session(hall, starts_in=timedelta(days=40 + n)) for n in range(3)]
    outside = make_session(hall, starts_in=timedelta(days=60))
    client = staff_client(dana)
    now = timezone.localtime()

    def local(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M")

    form = {
        "first_day": timezone.localtime(sessions[0].starts_at).date().isoformat(),
        "last_day": timezone.localtime(sessions[-1].starts_at).date().isoformat(),
        "entries_open_at": local(now),
        "entries_close_at": local(now + timedelta(days=10)),
        "draw_at": local(now + timedelta(days=11)),
        "confirm_by": local(now + timedelta(days=20)),
        "resident_weight": "2",
    }
    wrong_order = client.post(
        f"/staff/bookings/manage/offerings/{hall.slug}/lotteries/",
        {**form, "draw_at": local(now + timedelta(days=30))},
    )
    assert wrong_order.status_code == 400 and not Lottery.objects.exists()
    made = client.post(f"/staff/bookings/manage/offerings/{hall.slug}/lotteries/", form)
    assert made.status_code == 302
    lottery = Lottery.objects.get()
    assert set(lottery.sessions.all()) == set(sessions)
    outside.refresh_from_db()
    assert outside.lottery_id is None
    assert len(lottery.seed_sha256) == 64 and lottery.resident_weight == 2
    assert AuditEvent.objects.get(action="bookings.lottery_created").actor_id == dana.pk
    # Its sessions are taken: a second lottery over the same days finds none.
    again = client.post(f"/staff/bookings/manage/offerings/{hall.slug}/lotteries/", form)
    assert again.status_code == 400 and Lottery.objects.count() == 1


def test_closing_a_period_closes_every_session_in_it_and_tells_the_people(
    departments: dict[str, Any], dana: User, alice: User
) -> None:
    facility = make_facility(departments["shiba"])
    room = make_offering(facility)
    hall = make_offering(facility, slug="hall")
    inside = [make_session(room, starts_in=timedelta(days=3)), make_session(hall)]
    later = make_session(room, starts_in=timedelta(days=9))
    services.booking_create(session=inside[0], person=alice)
    starts = timezone.now() + timedelta(days=2)
    closed, cancelled = catalogue.facility_close_period(
        staff=dana,
        facility=facility,
        starts=starts,
        ends=starts + timedelta(days=3),
        reason="全館停電点検のため",
    )
    assert (closed, cancelled) == (2, 1)
    assert all(Session.objects.get(pk=s.pk).is_closed for s in inside)
    later.refresh_from_db()
    assert not later.is_closed
    assert Booking.objects.get(person=alice).status == Booking.Status.CANCELLED
    with pytest.raises(services.BookingError, match="reason"):
        catalogue.facility_close_period(
            staff=dana, facility=facility, starts=starts, ends=starts + timedelta(days=1), reason=""
        )


def test_a_session_nobody_booked_can_be_removed_one_with_bookings_cannot(
    departments: dict[str, Any], dana: User, alice: User
) -> None:
    room = make_offering(make_facility(departments["shiba"]))
    empty, booked = make_session(room), make_session(room, starts_in=timedelta(days=4))
    services.booking_create(session=booked, person=alice)
    catalogue.session_remove(staff=dana, session=empty)
    assert not Session.objects.filter(pk=empty.pk).exists()
    with pytest.raises(services.BookingError, match="close it instead"):
        catalogue.session_remove(staff=dana, session=booked)


def test_occupancy_over_a_period_counts_places_taken_and_attendance(
    staff_client: Callable[[User], Client],
    dana: User,
    erin: User,
    alice: User,
    bob: User,
    departments: dict[str, Any],
) -> None:
    room = make_offering(make_facility(departments["shiba"]))
    full = make_session(room, starts_in=timedelta(days=2), capacity=2)
    make_session(room, starts_in=timedelta(days=3), capacity=2)
    services.booking_create(session=full, person=alice)
    services.booking_create(session=full, person=bob)
    first = timezone.localdate()
    query = f"?first_day={first}&last_day={first + timedelta(days=6)}"
    client = staff_client(dana)
    page = client.get(f"/staff/bookings/occupancy/{query}")
    assert page.status_code == 200
    assert "50.0%" in page.content.decode()
    csv_text = client.get(f"/staff/bookings/occupancy.csv{query}").content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].endswith(",2,0,4,2,0,0,50.0")
    # Another department's staff see none of it.
    assert (
        "50.0" not in staff_client(erin).get(f"/staff/bookings/occupancy/{query}").content.decode()
    )
    bad = client.get("/staff/bookings/occupancy/?first_day=2026-13-01&last_day=x")
    assert bad.status_code == 400


def test_only_people_of_the_offerings_areas_may_book_it(
    departments: dict[str, Any], alice: User
) -> None:
    from conftest import _resident

    takanawa = _resident(
        "mita@example.jp",
        family_name="三田",
        given_name="花子",
        postal_code="1080073",
        prefecture="東京都",
        city="港区",
        address_line="三田4-1-1",
    )
    course = make_offering(
        make_facility(departments["shiba"]), kind=Offering.Kind.COURSE, areas=["takanawa"]
    )
    session = make_session(course, capacity=5)
    with pytest.raises(services.BookingError, match="areas"):
        services.booking_create(session=session, person=alice)  # lives in Shiba
    assert services.booking_create(session=session, person=takanawa).status in Booking.ACTIVE
