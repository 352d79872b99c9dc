"""/api/v1/bookings: availability, booking with Idempotency-Key, cancel, the events feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minato.accounts.models import User
from minato.bookings.models import Booking, Offering
from minato.bookings.tests.factories import make_facility, make_offering, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(departments: dict[str, Any]) -> Offering:
    return make_offering(
        make_facility(departments["shiba"]),
        fee_resident_yen=1200,
        fee_other_yen=2400,
        revenue_account_code="14-01-01-03",
    )


def test_availability_is_public(client: Client, hall: Offering) -> None:
    session = make_session(hall, capacity=3)
    body = client.get(f"/api/v1/bookings/offerings/{hall.slug}/sessions").json()
    assert body == [
        {
            "id": str(session.public_id),
            "starts_at": body[0]["starts_at"],
            "ends_at": body[0]["ends_at"],
            "capacity": 3,
            "places_left": 3,
            "is_closed": False,
            "lottery": None,
        }
    ]
    assert client.get("/api/v1/bookings/offerings/nothing/sessions").status_code == 404


def test_booking_twice_with_one_key_books_once_and_the_price_is_the_platforms(
    resident_client: Callable[[User], Client], alice: User, hall: Offering
) -> None:
    session = make_session(hall, capacity=3)
    client = resident_client(alice)
    payload = {"session": str(session.public_id), "action": "book"}
    first = client.post(
        "/api/v1/bookings", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        "/api/v1/bookings", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["fee_yen"] == 1200 and first.json()["status"] == "offered"
    assert Booking.objects.count() == 1
    tampered = client.post(
        "/api/v1/bookings",
        {**payload, "fee_yen": 1},
        content_type="application/json",
    )
    assert tampered.status_code == 422  # unknown fields are refused, nothing booked
    assert Booking.objects.count() == 1


def test_a_full_session_is_409_and_a_refusal_is_problem_json(
    resident_client: Callable[[User], Client], alice: User, bob: User, hall: Offering
) -> None:
    session = make_session(hall, capacity=1)
    payload = {"session": str(session.public_id)}
    assert (
        resident_client(bob)
        .post("/api/v1/bookings", payload, content_type="application/json")
        .status_code
        == 201
    )
    full = resident_client(alice).post("/api/v1/bookings", payload, content_type="application/json")
    assert full.status_code == 409
    assert full["Content-Type"].startswith("application/problem+json")
    waiting = resident_client(alice).post(
        "/api/v1/bookings", {**payload, "action": "wait"}, content_type="application/json"
    )
    assert waiting.json()["status"] == "waiting"


def test_anonymous_and_staff_cannot_book(
    client: Client, staff_client: Callable[[User], Client], dana: User, hall: Offering
) -> None:
    payload = {"session": str(make_session(hall).public_id)}
    assert client.post(
        "/api/v1/bookings", payload, content_type="application/json"
    ).status_code in (401, 403)
    assert (
        staff_client(dana)
        .post("/api/v1/bookings", payload, content_type="application/json")
        .status_code
        == 403
    )


def test_my_bookings_cancel_and_calendar(
    resident_client: Callable[[User], Client], alice: User, departments: dict[str, Any]
) -> None:
    room = make_offering(make_facility(departments["shiba"]))
    session = make_session(room)
    client = resident_client(alice)
    reference = client.post(
        "/api/v1/bookings", {"session": str(session.public_id)}, content_type="application/json"
    ).json()["reference"]
    mine = client.get("/api/v1/bookings/mine").json()
    assert [b["reference"] for b in mine["items"]] == [reference]
    ics = client.get(f"/api/v1/bookings/mine/{reference}/calendar")
    assert ics["Content-Type"].startswith("text/calendar")
    cancelled = client.post(f"/api/v1/bookings/mine/{reference}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert client.post(f"/api/v1/bookings/mine/{reference}/cancel").status_code == 422


def test_the_events_feed_lists_events_and_courses_only(
    client: Client, departments: dict[str, Any]
) -> None:
    facility = make_facility(departments["shiba"])
    make_session(make_offering(facility, slug="talk", kind="event"))
    make_session(make_offering(facility, slug="room"))
    items = client.get("/api/v1/bookings/events").json()["items"]
    assert [item["offering"] for item in items] == ["talk"]
