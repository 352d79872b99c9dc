"""Reads for counter visits: the visit a scanned QR code or a typed code opens, for staff who
handle resident records."""

from __future__ import annotations

import re
from typing import Any

from django.core import signing
from django.utils import timezone

from minato.accounts import permissions
from minato.navigator.models import Visit
from minato.navigator.visits.services import QR_PREFIX, SIGNING_SALT, VISIT_LIFETIME

CODE = re.compile(r"^[A-Z2-9]{8}$")


def can_open_visits(user: Any) -> bool:
    """Staff who handle resident records (the 区民課 of each branch office, system admins)."""
    return permissions.can_view_resident_records(user)


def _live(visits: Any) -> Any:
    return visits.filter(expires_at__gt=timezone.now()).select_related(
        "checklist__guide", "checklist__owner"
    )


def _signed_visit_id(text: str) -> str | None:
    """The visit id a QR code's text carries, if its signature holds and it has not expired."""
    try:
        return signing.TimestampSigner(salt=SIGNING_SALT).unsign(
            text[len(QR_PREFIX) :], max_age=VISIT_LIFETIME
        )
    except signing.BadSignature:
        return None


def visit_for_ticket(payload: str) -> Visit | None:
    """The visit a resident takes a ticket for, from the signed payload their visit page
    gives (the same as its QR code)."""
    public_id = _signed_visit_id(payload) if payload.startswith(QR_PREFIX) else None
    return _live(Visit.objects.filter(public_id=public_id)).first() if public_id else None


def visit_from_scan(user: Any, text: str) -> Visit | None:
    """The visit a QR code's text (signed, not expired) or its 8-character code opens."""
    if not can_open_visits(user):
        return None
    text = (text or "").strip()
    if text.startswith(QR_PREFIX):
        public_id = _signed_visit_id(text)
        return _live(Visit.objects.filter(public_id=public_id)).first() if public_id else None
    code = text.upper().replace("-", "").replace(" ", "")
    if not CODE.match(code):
        return None
    return _live(Visit.objects.filter(code=code)).first()


def staff_visit(user: Any, public_id: Any) -> Visit | None:
    if not can_open_visits(user):
        return None
    return _live(Visit.objects.filter(public_id=public_id)).first()
