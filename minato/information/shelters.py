"""Shelters and temporary-stay facilities: their status and headcount, kept by staff from a
phone, and check-in by QR code for people without an account (issue 11, initiative 13).

Writes and reads of one part of the work, as ``alerts.py`` is for alerts. A check-in changes
the shelter's headcount in the same transaction, with one UPDATE (``F()``), so that a crowd
checking in at once counts right; reaching the capacity turns an open shelter full.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.core import audit
from minato.information.models import CheckIn, Shelter
from minato.notifications.services import json_list_has

NAME_LENGTH = 100
CONTACT_LENGTH = 100
NOTE_LENGTH = 200
MAX_PARTY = 20
# Far more than any shelter holds: a typing slip, not a count.
MAX_HEADCOUNT = 100_000
# Letters and digits that cannot be mistaken for each other when read aloud or off a screen.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Check-ins are personal data needed during the disaster, not after: housekeeping deletes
# those whose people left this long ago (and the ones never checked out after twice that).
KEEP_CHECK_INS = timedelta(days=30)


class ShelterError(Exception):
    """A change that is not allowed; the message says why, in the reader's language."""


@dataclass(frozen=True)
class CheckInDetails:
    name: str
    contact: str = ""
    party_size: int = 1
    needs: tuple[str, ...] = ()
    needs_note: str = ""
    heading_to: str = ""


# --- Reads ------------------------------------------------------------------------------------


def shelters_public(*, status: str = "", kind: str = "", area: str = "") -> QuerySet[Shelter]:
    """Every shelter, open ones first (then preparing, full, closed), for the finder, the map,
    the API and the open-data export."""
    shelters = Shelter.objects.all()
    if status:
        shelters = shelters.filter(status=status)
    if kind:
        shelters = shelters.filter(json_list_has("kinds", kind))
    if area:
        shelters = shelters.filter(area=area)
    order = Case(
        When(status=Shelter.Status.OPEN, then=Value(0)),
        When(status=Shelter.Status.PREPARING, then=Value(1)),
        When(status=Shelter.Status.FULL, then=Value(2)),
        default=Value(3),
    )
    return shelters.order_by(order, "area", "slug")


def shelter_public(slug: str) -> Shelter | None:
    return Shelter.objects.filter(slug=slug).first()


def shelter_for_check_in(slug: str, *, cached: bool = False) -> Shelter | None:
    """What the check-in form needs of a shelter, and no more (it is the crowd's page).
    ``cached``: as this process read it in the last ``CHECK_IN_CACHE_SECONDS`` (the posts of
    a crowd at one place; their status is checked again by the counting UPDATE, so only a
    new QR key takes that long to apply)."""
    now = time.monotonic()
    if cached:
        hit = _check_in_shelters.get(slug)
        if hit is not None and hit[0] > now:
            return hit[1]
    found = Shelter.objects.filter(slug=slug).only(
        "id", "public_id", "slug", "name", "status", "checkin_key", "department_id"
    )[:1]
    shelter = next(iter(found), None)
    if shelter is not None:
        _check_in_shelters[slug] = (now + CHECK_IN_CACHE_SECONDS, shelter)
    return shelter


CHECK_IN_CACHE_SECONDS = 5
_check_in_shelters: dict[str, tuple[float, Shelter]] = {}


def forget_cached_shelters() -> None:
    """Read shelters afresh on the next check-in (tests; after a new QR key here)."""
    _check_in_shelters.clear()


def shelters_for_staff(user: Any) -> QuerySet[Shelter]:
    return permissions.in_visible_departments(Shelter.objects.select_related("department"), user)


def present(shelter: Shelter) -> int:
    """People checked in and not yet out (the roster's count, beside the reported one)."""
    total = shelter.check_ins.filter(checked_out_at__isnull=True).aggregate(n=Sum("party_size"))
    return int(total["n"] or 0)


def roster(*, staff: Any, shelter: Shelter) -> QuerySet[CheckIn]:
    """The people who checked in at ``shelter``, for its department's staff. Reading it is
    audited: the roster holds names, contacts and needs."""
    if not can_manage(staff, shelter):
        raise ShelterError(_("Only staff of the shelter's department can see who is there."))
    audit.record(
        action="information.shelter_roster_viewed",
        obj=shelter,
        department_id=shelter.department_id,
    )
    return shelter.check_ins.select_related("registered_by")


def check_in_for_receipt(public_id: Any) -> CheckIn | None:
    return CheckIn.objects.filter(public_id=public_id).select_related("shelter").first()


# --- Writes by staff --------------------------------------------------------------------------


def can_manage(user: Any, shelter: Shelter) -> bool:
    """Staff (clerk or above) of the department that runs the shelter."""
    return permissions.works_in(user, shelter.department_id)


def _locked(shelter: Shelter) -> Shelter:
    return Shelter.objects.select_for_update().get(pk=shelter.pk)


def _full_when_at_capacity(adding: int = 0) -> Case:
    """The status after a headcount change (``adding`` people to the count the row holds
    before the UPDATE): an open shelter at its capacity is full."""
    return Case(
        When(
            Q(status=Shelter.Status.OPEN) & Q(headcount__gte=F("capacity") - adding),
            then=Value(Shelter.Status.FULL.value),
        ),
        default=F("status"),
    )


@transaction.atomic
def shelter_set_status(*, staff: Any, shelter: Shelter, status: str) -> Shelter:
    """Open, fill or close a shelter. Closing it checks out everyone still on the roster and
    sets the headcount to 0: nobody is left inside a closed building."""
    if status not in Shelter.Status.values:
        raise ShelterError(_("Choose a status from the list."))
    if not can_manage(staff, shelter):
        raise ShelterError(_("Only staff of the shelter's department can change it."))
    shelter = _locked(shelter)
    before = shelter.status
    if before == status:
        return shelter
    now = timezone.now()
    shelter.status = status
    shelter.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    checked_out = 0
    if status == Shelter.Status.CLOSED:
        checked_out = shelter.check_ins.filter(checked_out_at__isnull=True).update(
            checked_out_at=now, updated_at=now
        )
        shelter.headcount = 0
        shelter.headcount_updated_at = now
        fields += ["headcount", "headcount_updated_at"]
    shelter.save(update_fields=fields)
    if status == Shelter.Status.OPEN:
        # Opened again with as many people as it holds: it is full, not open.
        Shelter.objects.filter(pk=shelter.pk).update(status=_full_when_at_capacity())
        shelter.refresh_from_db(fields=["status"])
    audit.record(
        action="information.shelter_status_changed",
        obj=shelter,
        department_id=shelter.department_id,
        changes={
            "status": [before, shelter.status],
            **({"checked_out": checked_out} if status == Shelter.Status.CLOSED else {}),
        },
    )
    return shelter


@transaction.atomic
def shelter_set_headcount(*, staff: Any, shelter: Shelter, headcount: int) -> Shelter:
    """Staff's count of the people there now; check-ins and check-outs move it from here."""
    if not 0 <= headcount <= MAX_HEADCOUNT:
        raise ShelterError(
            _("Enter a number of people from 0 to %(max)d.") % {"max": MAX_HEADCOUNT}
        )
    if not can_manage(staff, shelter):
        raise ShelterError(_("Only staff of the shelter's department can change it."))
    shelter = _locked(shelter)
    if shelter.status == Shelter.Status.CLOSED and headcount:
        raise ShelterError(_("Open the shelter before counting people in it."))
    before = shelter.headcount
    now = timezone.now()
    Shelter.objects.filter(pk=shelter.pk).update(
        headcount=headcount, headcount_updated_at=now, updated_at=now
    )
    Shelter.objects.filter(pk=shelter.pk).update(status=_full_when_at_capacity())
    shelter.refresh_from_db()
    audit.record(
        action="information.shelter_headcount_reported",
        obj=shelter,
        department_id=shelter.department_id,
        changes={"headcount": [before, headcount]},
    )
    return shelter


@transaction.atomic
def shelter_new_checkin_key(*, staff: Any, shelter: Shelter) -> Shelter:
    """A new key for the QR code: the posters printed before stop working (for a leaked or
    misused code)."""
    if not can_manage(staff, shelter):
        raise ShelterError(_("Only staff of the shelter's department can change it."))
    shelter = _locked(shelter)
    shelter.checkin_key = secrets.token_urlsafe(12)
    shelter.save(update_fields=["checkin_key", "updated_at"])
    transaction.on_commit(forget_cached_shelters)
    audit.record(
        action="information.shelter_checkin_key_changed",
        obj=shelter,
        department_id=shelter.department_id,
    )
    return shelter


# --- Check-in and check-out -------------------------------------------------------------------


def _clean(details: CheckInDetails) -> CheckInDetails:
    name = " ".join(details.name.split())
    if not name:
        raise ShelterError(_("Enter your name."))
    if len(name) > NAME_LENGTH:
        raise ShelterError(_("Enter a name of up to %(max)d characters.") % {"max": NAME_LENGTH})
    if not 1 <= details.party_size <= MAX_PARTY:
        raise ShelterError(
            _("Enter how many people you are, from 1 to %(max)d.") % {"max": MAX_PARTY}
        )
    unknown = set(details.needs) - set(CheckIn.Need.values)
    if unknown:
        raise ShelterError(_("Choose needs from the list."))
    for text, limit in (
        (details.contact, CONTACT_LENGTH),
        (details.needs_note, NOTE_LENGTH),
        (details.heading_to, NOTE_LENGTH),
    ):
        if len(text.strip()) > limit:
            raise ShelterError(_("Enter at most %(max)d characters.") % {"max": limit})
    return CheckInDetails(
        name=name,
        contact=details.contact.strip(),
        party_size=details.party_size,
        needs=tuple(need for need in CheckIn.Need.values if need in details.needs),
        needs_note=details.needs_note.strip(),
        heading_to=details.heading_to.strip(),
    )


def new_receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def key_matches(shelter: Shelter, key: str) -> bool:
    # A shelter without a key takes no self check-in (an empty key must not match "").
    return bool(shelter.checkin_key) and secrets.compare_digest(
        shelter.checkin_key.encode(), key.encode()
    )


def check_in(
    *,
    shelter: Shelter,
    details: CheckInDetails,
    key: str = "",
    staff: Any = None,
    language: str = "ja",
) -> CheckIn:
    """Check a party in: by the person, with the key from the shelter's QR code, while the
    shelter is open; or by its staff at the desk (also when it is full). Adds the party to
    the headcount, and turns an open shelter full at its capacity."""
    if staff is not None:
        if not can_manage(staff, shelter):
            raise ShelterError(_("Only staff of the shelter's department can change it."))
    elif not key_matches(shelter, key):
        raise ShelterError(
            _("This check-in code is not valid any more. Scan the QR code at the entrance again.")
        )
    details = _clean(details)
    # A receipt number drawn twice (1 in 10^12 a pair; about once in a million check-ins)
    # fails the insert: the whole check-in is tried again with a new one. Retrying the
    # transaction, rather than a savepoint around the insert, keeps the common path to the
    # statements it needs.
    for attempt in range(3):
        try:
            return _check_in_once(shelter, details, staff, language, receipt=new_receipt())
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _check_in_once(
    shelter: Shelter, details: CheckInDetails, staff: Any, language: str, *, receipt: str
) -> CheckIn:
    allowed: list[str] = (
        [Shelter.Status.OPEN, Shelter.Status.FULL] if staff else [Shelter.Status.OPEN]
    )
    now = timezone.now()
    entry = CheckIn.objects.create(
        shelter_id=shelter.pk,
        receipt=receipt,
        name=details.name,
        contact=details.contact,
        party_size=details.party_size,
        needs=list(details.needs),
        needs_note=details.needs_note,
        heading_to=details.heading_to,
        language=language,
        registered_by=staff,
        checked_in_at=now,
    )
    audit.record(
        action="information.shelter_checked_in",
        obj=entry,
        department_id=shelter.department_id,
        # Who and what they need stay in the roster; the audit trail keeps only the count.
        changes={"shelter": str(shelter.public_id), "party_size": details.party_size},
        actor_label="check-in QR" if staff is None else None,
    )
    # Last, so that the shelter's row is locked only from here to the commit: a crowd
    # checking in at one place waits on each other for this statement, not for the whole
    # request. It checks the status and counts in one go; nothing is kept if it refuses.
    counted = _count_in(shelter.pk, details.party_size, allowed, now, fit_capacity=staff is None)
    if not counted:
        status = Shelter.objects.filter(pk=shelter.pk).values_list("status", flat=True).first()
        # Full, or open with less room than the party needs: staff at the door decide.
        if status in (Shelter.Status.FULL, Shelter.Status.OPEN):
            raise ShelterError(_("This shelter is full. Staff at the entrance will guide you."))
        raise ShelterError(_("This shelter is not open now. Find an open one in the list."))
    return entry


def _count_in(
    shelter_id: int, party_size: int, allowed: list[str], now: Any, *, fit_capacity: bool
) -> int:
    """Add a party to an open (or, at the desk, full) shelter's headcount, turning it full at
    its capacity: 1 if counted, 0 if refused. ``fit_capacity``: only if the whole party fits
    (a self check-in; staff at the desk may take people over the capacity). Plain SQL: the
    crowd's one hot statement, which the ORM would rebuild (a CASE over F() expressions) on
    every request."""
    table = Shelter._meta.db_table
    status_params = ", ".join(["%s"] * len(allowed))  # one %s per allowed status
    fits = " AND headcount + %s <= capacity" if fit_capacity else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET headcount = headcount + %s, "  # noqa: S608 - names are ours
            "status = CASE WHEN status = %s AND headcount + %s >= capacity THEN %s "
            "ELSE status END, headcount_updated_at = %s, updated_at = %s "
            f"WHERE id = %s AND status IN ({status_params}){fits}",
            [
                party_size,
                Shelter.Status.OPEN.value,
                party_size,
                Shelter.Status.FULL.value,
                now,
                now,
                shelter_id,
                *[str(status) for status in allowed],
                *([party_size] if fit_capacity else []),
            ],
        )
        return cursor.rowcount


@transaction.atomic
def check_out(*, entry: CheckIn, staff: Any = None) -> CheckIn:
    """The party left: by themselves from their receipt, or by staff from the roster."""
    if staff is not None and not can_manage(staff, entry.shelter):
        raise ShelterError(_("Only staff of the shelter's department can change it."))
    entry = CheckIn.objects.select_for_update().select_related("shelter").get(pk=entry.pk)
    if entry.checked_out_at is not None:
        raise ShelterError(_("Already checked out."))
    now = timezone.now()
    entry.checked_out_at = now
    entry.save(update_fields=["checked_out_at", "updated_at"])
    Shelter.objects.filter(pk=entry.shelter_id).update(
        headcount=Greatest(F("headcount") - entry.party_size, Value(0)),
        headcount_updated_at=now,
        updated_at=now,
    )
    audit.record(
        action="information.shelter_checked_out",
        obj=entry,
        department_id=entry.shelter.department_id,
        changes={"shelter": str(entry.shelter.public_id), "party_size": entry.party_size},
        actor_label="check-in receipt" if staff is None else None,
    )
    return entry


def delete_old_check_ins(now: Any = None) -> int:
    """Housekeeping: delete check-ins whose people left ``KEEP_CHECK_INS`` ago, and those
    never checked out after twice as long. Personal data is kept no longer than needed."""
    now = now or timezone.now()
    deleted, _by_model = CheckIn.objects.filter(
        Q(checked_out_at__lt=now - KEEP_CHECK_INS)
        | Q(checked_out_at__isnull=True, checked_in_at__lt=now - 2 * KEEP_CHECK_INS)
    ).delete()
    return int(deleted)
