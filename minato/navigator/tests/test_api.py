"""/api/v1/counters and /api/v1/navigator: waits (open data), an office's calls, a ticket's
state, taking a ticket from a phone (Idempotency-Key), the guides."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minato.accounts.models import User
from minato.navigator.models import Office, Ticket
from minato.navigator.queues import services
from minato.navigator.tests.factories import make_guide, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(departments: dict[str, Any]) -> Office:
    return make_office(departments["kumin"])


def test_the_waits_are_open_data(client: Client, office: Office) -> None:
    services.ticket_issue(queue=office.queues.get(slug="ido"), channel=Ticket.Channel.KIOSK)
    response = client.get("/api/v1/counters/waits")
    assert response.status_code == 200
    body = response.json()
    assert body[0]["office"] == "shiba"
    assert body[0]["queues"][0] == {
        "queue": "ido",
        "name": {"ja": "住民異動", "en": "Moving", "ja-easy": "住民異動"},
        "waiting": 1,
        "estimated_wait_minutes": 10,
    }


def test_taking_a_ticket_twice_with_the_same_key_gives_one_ticket(
    resident_client: Any, alice: User, office: Office
) -> None:
    client = resident_client(alice)
    first = client.post(
        "/api/v1/counters/shiba/tickets",
        {"queue": "ido"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tap-1",
    )
    again = client.post(
        "/api/v1/counters/shiba/tickets",
        {"queue": "ido"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tap-1",
    )
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["label"] == "A001"
    assert Ticket.objects.count() == 1


def test_a_ticket_needs_a_signed_in_resident(client: Client, office: Office) -> None:
    response = client.post(
        "/api/v1/counters/shiba/tickets", {"queue": "ido"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
    assert not Ticket.objects.exists()


def test_an_unknown_queue_is_404_and_a_bad_slot_422(
    resident_client: Any, alice: User, office: Office
) -> None:
    client = resident_client(alice)
    response = client.post(
        "/api/v1/counters/shiba/tickets", {"queue": "nope"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/counters/shiba/tickets",
        {"queue": "ido", "slot_start": "2020-01-01T10:00:00+09:00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_a_tickets_state_and_the_calls(client: Client, office: Office) -> None:
    ticket = services.ticket_issue(
        queue=office.queues.get(slug="ido"), channel=Ticket.Channel.KIOSK
    )
    state = client.get(f"/api/v1/counters/tickets/{ticket.public_id}").json()
    assert (state["label"], state["status"], state["ahead"]) == ("A001", "waiting", 0)
    services.ticket_call(ticket=ticket, desk=office.desks.get(number=1), staff=None)
    calls = client.get("/api/v1/counters/shiba").json()["calls"]
    assert calls[0]["label"] == "A001" and calls[0]["desk"] == 1
    assert client.get("/api/v1/counters/nowhere").status_code == 404


def test_the_guides_are_published_with_their_definitions(client: Client) -> None:
    make_guide()
    body = client.get("/api/v1/navigator/guides").json()
    assert body[0]["slug"] == "tennyu"
    assert body[0]["definition"]["items"][0]["key"] == "tennyu"
