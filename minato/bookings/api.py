"""/api/v1/bookings: what can be booked and its availability (public), booking, lottery
entries and the waiting list (Idempotency-Key), a resident's own bookings with cancel and
iCal, the public events feed (open data's イベント一覧) and a lottery's published draw."""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from minato.accounts.api_auth import AUTH, require_confirmed_resident, require_resident
from minato.accounts.services import absolute_url
from minato.bookings import calendar, selectors, services
from minato.bookings.models import Booking, Lottery, Offering, Session
from minato.bookings.payables import PURPOSE
from minato.core.api.idempotency import idempotency_key_header, idempotent
from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import InputSchema, record_date_filter, responses
from minato.payments import selectors as payment_selectors

router = Router(tags=["bookings"])

Translated = dict[str, str]


class FacilityOut(Schema):
    slug: str
    name: Translated
    area: str
    address: str
    latitude: float
    longitude: float


class OfferingOut(Schema):
    slug: str
    kind: str
    mode: str
    name: Translated
    description: Translated
    facility: FacilityOut
    fee_resident_yen: int | None
    fee_other_yen: int | None
    residents_only: bool
    # Only people living in these 地区 may book (shiba, azabu, akasaka, takanawa,
    # shibaura_konan); empty: no area limit.
    areas: list[str]
    min_age: int | None
    max_age: int | None
    per_person_limit: int
    cancel_hours_before: int


class SessionOut(Schema):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    capacity: int
    places_left: int
    is_closed: bool
    lottery: UUID | None = Field(None, description="Set while places are given by lottery")


class BookingOut(Schema):
    reference: str
    status: str
    offering: str
    session: UUID
    starts_at: datetime
    ends_at: datetime
    rate_class: str
    fee_yen: int | None
    paid: bool
    confirm_by: datetime | None
    entry_number: int | None
    draw_rank: int | None


class LotteryOut(Schema):
    id: UUID
    offering: str
    status: str
    entries_open_at: datetime
    entries_close_at: datetime
    draw_at: datetime
    confirm_by: datetime
    resident_weight: int
    seed_sha256: str
    seed: str | None = Field(None, description="Published once drawn")
    drawn_at: datetime | None


class EventOut(Schema):
    session: UUID
    offering: str
    kind: str
    name: Translated
    starts_at: datetime
    ends_at: datetime
    facility: FacilityOut
    capacity: int
    places_left: int
    fee_resident_yen: int | None
    url: str


class OfferingQuery(Schema):
    kind: Literal["", "room", "event", "course", "seat", "checkup", "childcare"] = ""
    area: Literal["", "shiba", "azabu", "akasaka", "takanawa", "shibaura_konan"] = ""
    day: date | None = record_date_filter("Only offerings with a session on this day")
    q: str = Field("", max_length=100)


class BookIn(InputSchema):
    session: UUID
    action: Literal["book", "enter", "wait"] = Field(
        "book",
        description="`book` a place first-come, `enter` the session's lottery, or `wait` "
        "on the waiting list of a full session",
    )


def _facility(offering: Offering) -> dict[str, Any]:
    facility = offering.facility
    return {
        "slug": facility.slug,
        "name": facility.name,
        "area": facility.area,
        "address": facility.address,
        "latitude": float(facility.latitude),
        "longitude": float(facility.longitude),
    }


def _offering(offering: Offering) -> dict[str, Any]:
    return {
        "slug": offering.slug,
        "kind": offering.kind,
        "mode": offering.mode,
        "name": offering.name,
        "description": offering.description,
        "facility": _facility(offering),
        "fee_resident_yen": offering.fee_resident_yen,
        "fee_other_yen": offering.fee_other_yen,
        "residents_only": offering.residents_only,
        "areas": list(offering.areas),
        "min_age": offering.min_age,
        "max_age": offering.max_age,
        "per_person_limit": offering.per_person_limit,
        "cancel_hours_before": offering.cancel_hours_before,
    }


def _session(session: Session) -> dict[str, Any]:
    lottery = session.lottery if session.lottery_id else None
    open_lottery = lottery is not None and lottery.status == Lottery.Status.OPEN
    return {
        "id": session.public_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
        "places_left": session.places_left,
        "is_closed": session.is_closed,
        "lottery": lottery.public_id if open_lottery and lottery is not None else None,
    }


def _booking(booking: Booking) -> dict[str, Any]:
    session = booking.session
    return {
        "reference": booking.reference,
        "status": booking.status,
        "offering": session.offering.slug,
        "session": session.public_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "rate_class": booking.rate_class,
        "fee_yen": booking.fee_yen,
        "paid": bool(booking.fee_yen)
        and payment_selectors.is_paid(purpose=PURPOSE, object_ref=booking.reference),
        "confirm_by": booking.confirm_by,
        "entry_number": booking.entry_number,
        "draw_rank": booking.draw_rank,
    }


@router.get(
    "/bookings/offerings",
    response=responses({200: list[OfferingOut]}),
    auth=None,
    summary="What can be booked: rooms, events, courses, seats, checkups, childcare",
)
@paginate(LimitOffset)
def offering_list(request: HttpRequest, filters: Query[OfferingQuery]) -> Any:
    return [
        _offering(offering)
        for offering in selectors.offerings_search(
            kind=filters.kind, area=filters.area, day=filters.day, query=filters.q
        )
    ]


@router.get(
    "/bookings/offerings/{slug}/sessions",
    response=responses({200: list[SessionOut]}),
    auth=None,
    summary="Availability: an offering's sessions in the next two months, with places left",
)
def session_list(request: HttpRequest, slug: Path[str]) -> Any:
    offering = selectors.offering(slug[:80])
    if offering is None:
        raise HttpError(404, "No published offering has this slug")
    return [_session(session) for session in selectors.sessions_to_come(offering)]


@router.post(
    "/bookings",
    response=responses({201: BookingOut}),
    auth=AUTH,
    summary="Book a place, enter a lottery or join a waiting list",
    description=(
        "The fee comes from the offering and the resident's rate class, never from the "
        "request. Accepts `Idempotency-Key`. 409 when the session is full (join its waiting "
        "list with `action: wait`); 422 when it cannot be booked (closed, started, not "
        "eligible, limit reached, lottery not open)."
    ),
)
def booking_create(
    request: HttpRequest,
    payload: BookIn,
    idempotency_key: str | None = idempotency_key_header(),
) -> Status:
    person = require_confirmed_resident(request, "Bookings are made by a signed-in resident")
    session = (
        Session.objects.filter(public_id=payload.session, offering__is_published=True)
        .select_related("offering__facility", "lottery")
        .first()
    )
    if session is None:
        raise HttpError(404, "No such session")
    book = {
        "book": services.booking_create,
        "enter": services.lottery_enter,
        "wait": services.waitlist_join,
    }[payload.action]

    def run() -> tuple[int, Any]:
        try:
            booking = book(session=session, person=person)
        except services.SessionFull as exc:
            raise HttpError(409, str(exc)) from None
        except services.BookingError as exc:
            raise HttpError(422, str(exc)) from None
        return 201, _booking(booking)

    status, body = idempotent(request, scope="bookings.booking_create", run=run)
    return Status(status, body)


@router.get(
    "/bookings/mine",
    response=responses({200: list[BookingOut]}),
    auth=AUTH,
    summary="The signed-in resident's bookings, lottery entries and waiting-list places",
)
@paginate(LimitOffset)
def booking_mine(request: HttpRequest) -> Any:
    person = require_resident(request, "Only a signed-in resident has bookings")
    return [_booking(booking) for booking in selectors.bookings_of(person)]


def _own(request: HttpRequest, reference: str) -> Booking:
    person = require_resident(request, "Only a signed-in resident has bookings")
    booking = selectors.own_booking(reference=reference[:8], person=person)
    if booking is None:
        raise HttpError(404, "No such booking")
    return booking


@router.get(
    "/bookings/mine/{reference}",
    response=responses({200: BookingOut}),
    auth=AUTH,
    summary="One of the signed-in resident's bookings",
)
def booking_detail(request: HttpRequest, reference: Path[str]) -> Any:
    return _booking(_own(request, reference))


@router.post(
    "/bookings/mine/{reference}/cancel",
    response=responses({200: BookingOut}),
    auth=AUTH,
    summary="Cancel a booking, withdraw an entry or leave a waiting list",
    description="Until the session starts. What was paid online is refunded in full until the "
    "cancellation deadline and not after it; a confirmed place given up after the deadline earns "
    "penalty points. 422 once it has started, for a booking paid at a counter (cancelled there), "
    "and when cancelling again.",
)
def booking_cancel(request: HttpRequest, reference: Path[str]) -> Any:
    booking = _own(request, reference)
    try:
        booking = services.booking_cancel(booking=booking, person=request.user)
    except services.BookingError as exc:
        raise HttpError(422, str(exc)) from None
    return _booking(booking)


@router.post(
    "/bookings/mine/{reference}/confirm",
    response=responses({200: BookingOut}),
    auth=AUTH,
    summary="Confirm a place offered without a fee (a place with a fee is confirmed by paying)",
)
def booking_confirm(request: HttpRequest, reference: Path[str]) -> Any:
    booking = _own(request, reference)
    try:
        booking = services.booking_confirm(booking=booking, person=request.user)
    except services.BookingError as exc:
        raise HttpError(422, str(exc)) from None
    return _booking(booking)


@router.get(
    "/bookings/mine/{reference}/calendar",
    response={200: str, **responses({})},
    auth=AUTH,
    summary="The booking as an iCalendar (RFC 5545) event",
    openapi_extra={
        "responses": {"200": {"content": {"text/calendar": {"schema": {"type": "string"}}}}}
    },
)
def booking_calendar(request: HttpRequest, reference: Path[str]) -> HttpResponse:
    booking = _own(request, reference)
    return HttpResponse(
        calendar.calendar_of([booking], language="ja", name="港区の予約"),
        content_type="text/calendar; charset=utf-8",
    )


@router.get(
    "/bookings/events",
    response=responses({200: list[EventOut]}),
    auth=None,
    summary="Events and courses to come (the source of open data's イベント一覧)",
)
@paginate(LimitOffset)
def event_list(request: HttpRequest) -> Any:
    return [
        {
            "session": session.public_id,
            "offering": session.offering.slug,
            "kind": session.offering.kind,
            "name": session.offering.name,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "facility": _facility(session.offering),
            "capacity": session.capacity,
            "places_left": session.places_left,
            "fee_resident_yen": session.offering.fee_resident_yen,
            "url": absolute_url(reverse("bookings:offering", args=[session.offering.slug])),
        }
        for session in selectors.events_feed()
    ]


@router.get(
    "/bookings/lotteries/{lottery_id}",
    response=responses({200: LotteryOut}),
    auth=None,
    summary="A lottery: its window, the hash of its seed, and once drawn the seed",
    description="Download the entries and sessions as CSV from the lottery's page and re-run "
    "the draw with `python -m minato.bookings.draw`.",
)
def lottery_detail(request: HttpRequest, lottery_id: Path[UUID]) -> Any:
    lottery = selectors.lottery(lottery_id)
    if lottery is None:
        raise HttpError(404, "No such lottery")
    drawn = lottery.status == Lottery.Status.DRAWN
    return {
        "id": lottery.public_id,
        "offering": lottery.offering.slug,
        "status": lottery.status,
        "entries_open_at": lottery.entries_open_at,
        "entries_close_at": lottery.entries_close_at,
        "draw_at": lottery.draw_at,
        "confirm_by": lottery.confirm_by,
        "resident_weight": lottery.resident_weight,
        "seed_sha256": lottery.seed_sha256,
        "seed": lottery.seed if drawn else None,
        "drawn_at": lottery.drawn_at,
    }
