"""iCalendar (RFC 5545) for bookings: one event per booking, and a person's feed.

Built with the ``icalendar`` package, so escaping, folding at 75 octets and CRLF line ends
are right for every calendar app. Times are written in UTC; UIDs are stable per booking so
a feed refreshed later updates events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.core import signing
from django.urls import reverse
from icalendar import Calendar, Event

from minato.accounts.services import absolute_url
from minato.bookings.models import Booking
from minato.core.translated import localized

FEED_SALT = "minato.bookings.calendar-feed"
PRODID = "-//Minato City//Bookings//JA"


def _event(booking: Booking, language: str) -> Event:
    session = booking.session
    offering = session.offering
    event = Event()
    event.add("uid", f"booking-{booking.reference}@{settings.SITE_URL.split('://')[-1]}")
    event.add("dtstamp", booking.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", localized(offering.name, language))
    event.add(
        "location", f"{localized(offering.facility.name, language)} {offering.facility.address}"
    )
    event.add("geo", (float(offering.facility.latitude), float(offering.facility.longitude)))
    event.add("url", absolute_url(reverse("bookings:detail", args=[booking.reference])))
    event.add("status", "CONFIRMED" if booking.status == Booking.Status.CONFIRMED else "TENTATIVE")
    return event


def calendar_of(bookings: Iterable[Booking], *, language: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for booking in bookings:
        calendar.add_component(_event(booking, language))
    return calendar.to_ical()


def feed_token(person_public_id: str) -> str:
    """The secret part of a person's feed URL (calendar apps cannot sign in)."""
    return signing.dumps(str(person_public_id), salt=FEED_SALT, compress=True)


def feed_person_public_id(token: str) -> str | None:
    try:
        return str(signing.loads(token, salt=FEED_SALT))
    except signing.BadSignature:
        return None
