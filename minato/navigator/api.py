"""/api/v1 for the navigator and the counters: the guides (public), the current waits at
every office (open data: 窓口混雑状況), an office's live state, a ticket's state, and taking a
ticket from a phone or another app (a signed-in resident; ``Idempotency-Key``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from minato.accounts.api_auth import AUTH, require_confirmed_resident
from minato.core.api.idempotency import idempotency_key_header, idempotent
from minato.core.api.schemas import InputSchema, responses
from minato.navigator.guide import selectors as guide_selectors
from minato.navigator.models import Ticket
from minato.navigator.queues import selectors, services

router = Router(tags=["counters"])

Translated = dict[str, str]


class GuideOut(Schema):
    slug: str
    name: Translated
    summary: Translated
    version: int
    definition: dict[str, Any]


class QueueWaitOut(Schema):
    queue: str
    name: Translated
    waiting: int = Field(description="People in line now (tickets booked for a later slot are not)")
    estimated_wait_minutes: int = Field(description="For someone who takes a ticket now")


class OfficeWaitOut(Schema):
    office: str
    name: Translated
    address: str
    opens_at: str = Field(description="HH:MM, Asia/Tokyo")
    closes_at: str
    queues: list[QueueWaitOut]
    updated_at: datetime


class CallOut(Schema):
    label: str
    desk: int | None
    called_at: datetime | None
    call_count: int


class QueueCountOut(Schema):
    slug: str
    name: Translated
    waiting: int = Field(description="People in line now")


class OfficeStateOut(Schema):
    office: str
    name: Translated
    calls: list[CallOut]
    queues: list[QueueCountOut]
    computed_at: datetime


class TicketOut(Schema):
    id: UUID
    label: str = Field(description="The number on the ticket, e.g. A012")
    status: str = Field(description="waiting, called, done, absent, cancelled or expired")
    queue: str
    office: str
    ahead: int | None = Field(description="People ahead in line; null when not waiting")
    estimated_minutes: int | None
    slot_start: datetime | None
    desk: int | None = Field(description="The desk it is called to")
    call_count: int
    computed_at: datetime


class TicketIn(InputSchema):
    queue: str = Field(max_length=40, description="The queue's slug at this office")
    slot_start: datetime | None = Field(
        None, description="A free half-hour slot today (see the office page); omit to join now"
    )


@router.get(
    "/navigator/guides",
    response=responses({200: list[GuideOut]}),
    summary="The life-event guides: questionnaires and the procedures they lead to",
)
def guide_list(request: HttpRequest) -> Any:
    return list(guide_selectors.published_guides())


@router.get(
    "/counters/waits",
    response=responses({200: list[OfficeWaitOut]}),
    summary="The current wait at every office's counters (窓口混雑状況)",
)
def waits(request: HttpRequest) -> Any:
    return selectors.waits()


@router.get(
    "/counters/{office}",
    response=responses({200: OfficeStateOut}),
    summary="An office's hall display: who is called to which desk",
)
def office_state(request: HttpRequest, office: str) -> Any:
    found = selectors.office_by_slug(office)
    if found is None:
        raise HttpError(404, "No such office")
    return selectors.public_state(selectors.office_state(found))


@router.get(
    "/counters/tickets/{ticket_id}",
    response=responses({200: TicketOut}),
    summary="A ticket's status, place in line and estimated wait",
)
def ticket_state(request: HttpRequest, ticket_id: UUID) -> Any:
    ticket = selectors.ticket_by_public_id(ticket_id)
    if ticket is None:
        raise HttpError(404, "No such ticket")
    return selectors.ticket_state(ticket)


@router.post(
    "/counters/{office}/tickets",
    response=responses({201: TicketOut}),
    auth=AUTH,
    summary="Take a ticket from a phone (now, or for a free slot today)",
    description=(
        "A signed-in resident. Accepts `Idempotency-Key`; a resident who already holds a ticket "
        "in this line today gets that ticket back, so a double tap never takes two places. "
        "422 when the counters are closed or the slot is not free."
    ),
)
def ticket_take(
    request: HttpRequest,
    office: str,
    payload: TicketIn,
    idempotency_key: str | None = idempotency_key_header(),
) -> Status:
    person = require_confirmed_resident(request, "Tickets are taken by a signed-in resident")
    found = selectors.office_by_slug(office)
    queue = selectors.queues_of(found).filter(slug=payload.queue).first() if found else None
    if queue is None:
        raise HttpError(404, "No such office or queue")

    def run() -> tuple[int, Any]:
        try:
            ticket = services.ticket_issue(
                queue=queue,
                channel=Ticket.Channel.REMOTE,
                person=person,
                slot_start=payload.slot_start,
            )
        except services.TicketError as exc:
            raise HttpError(422, str(exc)) from None
        return 201, selectors.ticket_state(ticket)

    status, body = idempotent(request, scope="navigator.ticket_take", run=run)
    return Status(status, body)
