"""Broadcasts: one message from a department to a segment of residents.

A member of staff writes it (``broadcast_save``) and submits it (``broadcast_submit``),
which counts the recipients; a supervisor of the department who is not the author approves
it (``broadcast_approve``; the two-person rule) or sends it back (``broadcast_return``).
It goes at once or at its scheduled time; until its last delivery is handed over it can be
cancelled (``broadcast_cancel``), which also withdraws deliveries not sent yet.

Fan-out (``broadcast_fan_out``, run by the task worker) goes through the audience in order of
account id, a chunk per transaction: the chunk's deliveries, their delivery tasks and the
broadcast's cursor commit together. A worker that dies in a chunk leaves nothing of it, and
the next run (the periodic ``broadcasts_send_due`` notices a stalled fan-out) redoes it from
the cursor; the unique dedupe key is a second guard, so nobody gets a broadcast twice on a
channel. Deliveries are grouped by channel and language into batches (``batches``): at most
500 LINE users a multicast, with a retry key fixed per batch.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.accounts.models import ResidentProfile, Role, User
from minato.core import audit
from minato.notifications import batches
from minato.notifications.adapters import enabled_channels
from minato.notifications.models import (
    Broadcast,
    ChildAgeBand,
    ChildBirthMonth,
    LineAccount,
    Notification,
    Preference,
    PushSubscription,
    Topic,
)
from minato.notifications.services import (
    DEFAULT_TOPICS,
    FALLBACK_LANGUAGE,
    json_list_has,
    ordered_channels,
)

# Accounts per fan-out transaction: big enough that the per-chunk cost (a lock, a cursor
# update, the task rows) is small, small enough that a chunk commits in well under a second.
CHUNK_SIZE = 5000
# A fan-out that has not moved for this long lost its worker: start it again.
STALLED_AFTER = timedelta(minutes=5)
BROADCAST_TEMPLATE_KEY = "broadcast/message"
EDITABLE = (Broadcast.Status.DRAFT,)
CANCELLABLE = (
    Broadcast.Status.DRAFT,
    Broadcast.Status.SUBMITTED,
    Broadcast.Status.SCHEDULED,
    Broadcast.Status.SENDING,
)


class BroadcastError(Exception):
    """A broadcast action that is not allowed now; the message says why."""


@dataclass(frozen=True)
class Segment:
    topic: str
    areas: list[str]
    languages: list[str]
    child_age_bands: list[str]

    @classmethod
    def of_values(cls, values: dict[str, Any]) -> Segment:
        return cls(
            topic=values["topic"],
            areas=list(values["areas"]),
            languages=list(values["languages"]),
            child_age_bands=list(values["child_age_bands"]),
        )

    @classmethod
    def of(cls, broadcast: Broadcast) -> Segment:
        names = ("topic", "areas", "languages", "child_age_bands")
        return cls.of_values({name: getattr(broadcast, name) for name in names})


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _children_in_bands(bands: list[str], today: date) -> Q:
    """Children whose age today is in one of the bands (by birth month: a child born in a
    month counts as that age from the month's first day)."""
    condition = Q()
    for band in bands:
        youngest, oldest = (int(part) for part in band.split("-"))
        condition |= Q(
            born_on__lte=_years_before(today, youngest),
            born_on__gt=_years_before(today, oldest + 1),
        )
    return condition


def audience(segment: Segment, *, today: date | None = None) -> QuerySet[User]:
    """The residents a broadcast to this segment reaches, by account id. Those who chose no
    topics yet hear about the default ones (disasters); an empty area list means the whole
    ward, on either side.

    Preferences and profiles are asked about per account (EXISTS), not joined: the fan-out
    reads the audience a page of account ids at a time, and PostgreSQL would otherwise merge
    each page with the joined tables from their first row, a page slower each time."""
    today = today or timezone.localdate()
    preferences = Preference.objects.filter(user=OuterRef("pk"))
    wanted = preferences.filter(json_list_has("topics", segment.topic))
    if segment.areas:
        in_area = Q(areas=[])
        for area in segment.areas:
            in_area |= json_list_has("areas", area)
        wanted = wanted.filter(in_area)
    reached = Q(Exists(wanted))
    if segment.topic in DEFAULT_TOPICS:
        reached |= Q(~Exists(preferences))
    users = User.objects.filter(reached, kind=User.Kind.RESIDENT, is_active=True)
    if segment.languages:
        profiles = ResidentProfile.objects.filter(user=OuterRef("pk"))
        speaks = Q(Exists(profiles.filter(preferred_language__in=segment.languages)))
        if FALLBACK_LANGUAGE in segment.languages:
            speaks |= Q(~Exists(profiles))
        users = users.filter(speaks)
    if segment.child_age_bands:
        children = ChildBirthMonth.objects.filter(
            _children_in_bands(segment.child_age_bands, today),
            preference__user=OuterRef("pk"),
        )
        users = users.filter(Exists(children))
    return users.order_by("pk")


def audience_by_language(segment: Segment) -> dict[str, int]:
    """How many of the audience read each language (for the approver), counted in the
    database."""
    counts: dict[str, int] = {}
    rows = (
        audience(segment)
        .order_by()
        .values("profile__preferred_language")
        .annotate(count=Count("pk"))
    )
    for row in rows:
        key = row["profile__preferred_language"] or FALLBACK_LANGUAGE
        counts[key] = counts.get(key, 0) + row["count"]
    return counts


# --- Writing and approving ------------------------------------------------------------------


def can_write(user: Any, department_id: int | None) -> bool:
    return permissions.has_role(user, Role.CLERK) and permissions.can_see_department(
        user, department_id
    )


def can_approve(user: Any, broadcast: Broadcast) -> bool:
    user_id = getattr(user, "pk", None)
    took_part = {broadcast.created_by_id, broadcast.submitted_by_id, *broadcast.editor_ids}
    return (
        permissions.has_role(user, Role.SUPERVISOR)
        and permissions.can_see_department(user, broadcast.department_id)
        and user_id not in took_part
    )


def _clean_content(content: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    cleaned = {}
    for language, text in content.items():
        subject, body = text.get("subject", "").strip(), text.get("body", "").strip()
        if subject or body:
            if not subject or not body:
                raise BroadcastError(
                    _("Give both a subject and a text in each language you write.")
                )
            cleaned[language] = {"subject": subject, "body": body}
    if FALLBACK_LANGUAGE not in cleaned:
        raise BroadcastError(_("Write the message in Japanese at least."))
    return cleaned


def _validate_segment(values: dict[str, Any]) -> None:
    if values["topic"] not in Topic.values:
        raise BroadcastError(_("Choose a topic from the list."))
    if any(band not in ChildAgeBand.values for band in values.get("child_age_bands", [])):
        raise BroadcastError(_("Choose children's ages from the list."))


FIELDS = [
    "department",
    "title",
    "topic",
    "areas",
    "languages",
    "child_age_bands",
    "content",
    "is_emergency",
    "scheduled_for",
]


AUDITED_FIELDS = [field if field != "department" else "department_id" for field in FIELDS]


@transaction.atomic
def broadcast_save(*, staff: Any, broadcast: Broadcast | None, values: dict[str, Any]) -> Broadcast:
    """Create a draft (``broadcast`` None) or change one. Staff of the department write it;
    once submitted it changes only after being sent back."""
    created = broadcast is None
    if broadcast is None:
        broadcast = Broadcast(created_by=staff)
        before: dict[str, Any] = {}
    else:
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if broadcast.status not in EDITABLE:
            raise BroadcastError(_("Only a draft can be changed."))
        if not can_write(staff, broadcast.department_id):
            raise BroadcastError(_("You can only write messages for your own departments."))
        before = audit.snapshot(broadcast, AUDITED_FIELDS)
        values = {**{name: getattr(broadcast, name) for name in FIELDS}, **values}
    if not can_write(staff, values["department"].pk):
        raise BroadcastError(_("You can only write messages for your own departments."))
    _validate_segment(values)
    values = {**values, "content": _clean_content(values["content"])}
    if values.get("scheduled_for") and values["scheduled_for"] <= timezone.now():
        raise BroadcastError(_("The sending time must be in the future."))
    for name in FIELDS:
        setattr(broadcast, name, values[name])
    if staff.pk not in broadcast.editor_ids:
        broadcast.editor_ids = [*broadcast.editor_ids, staff.pk]
    broadcast.save()
    changes = audit.diff(before, audit.snapshot(broadcast, AUDITED_FIELDS))
    if changes:
        audit.record(
            action="notifications.broadcast_created"
            if created
            else "notifications.broadcast_changed",
            obj=broadcast,
            department_id=broadcast.department_id,
            changes=changes,
        )
    return broadcast


def _attnames(names: list[str]) -> list[str]:
    """Field names as their columns (``department_id``): what an audit snapshot can keep."""
    return [Broadcast._meta.get_field(name).attname for name in names]  # type: ignore[union-attr]


def _locked(broadcast: Broadcast) -> Broadcast:
    return Broadcast.objects.select_for_update().get(pk=broadcast.pk)


def _transition(broadcast: Broadcast, status: str, **extra: Any) -> None:
    old = broadcast.status
    broadcast.status = status
    for name, value in extra.items():
        setattr(broadcast, name, value)
    broadcast.save(update_fields=["status", *extra, "updated_at"])
    audit.record(
        action=f"notifications.broadcast_{status}",
        obj=broadcast,
        department_id=broadcast.department_id,
        changes={
            "status": [old, status],
            **{
                name: [None, value]
                for name, value in audit.snapshot(broadcast, _attnames(list(extra))).items()
            },
        },
    )


@transaction.atomic
def broadcast_submit(*, staff: Any, broadcast: Broadcast) -> Broadcast:
    """Ask for approval; counts the recipients so the approver sees how many it reaches."""
    broadcast = _locked(broadcast)
    if not can_write(staff, broadcast.department_id):
        raise BroadcastError(_("You can only write messages for your own departments."))
    if broadcast.status != Broadcast.Status.DRAFT:
        raise BroadcastError(_("Only a draft can be submitted."))
    count = audience(Segment.of(broadcast)).count()
    if count == 0:
        raise BroadcastError(_("Nobody is in this segment: nothing would be sent."))
    _transition(
        broadcast,
        Broadcast.Status.SUBMITTED,
        submitted_by=staff,
        submitted_at=timezone.now(),
        recipient_count=count,
        returned_reason="",
    )
    return broadcast


@transaction.atomic
def broadcast_return(*, staff: Any, broadcast: Broadcast, reason: str) -> Broadcast:
    """Send it back to its author as a draft, with the reason."""
    broadcast = _locked(broadcast)
    if broadcast.status != Broadcast.Status.SUBMITTED:
        raise BroadcastError(_("Only a message waiting for approval can be sent back."))
    if not can_approve(staff, broadcast):
        raise BroadcastError(
            _("A supervisor of the department who did not write or submit it decides.")
        )
    _transition(broadcast, Broadcast.Status.DRAFT, returned_reason=reason.strip()[:300])
    return broadcast


@transaction.atomic
def broadcast_approve(*, staff: Any, broadcast: Broadcast) -> Broadcast:
    """Approve it (a supervisor of the department who did not write it). It goes at its
    scheduled time, or now."""
    broadcast = _locked(broadcast)
    if broadcast.status != Broadcast.Status.SUBMITTED:
        raise BroadcastError(_("Only a message waiting for approval can be approved."))
    if not can_approve(staff, broadcast):
        raise BroadcastError(
            _("A supervisor of the department who did not write or submit it must approve it.")
        )
    late = broadcast.scheduled_for is not None and broadcast.scheduled_for <= timezone.now()
    _transition(
        broadcast,
        Broadcast.Status.SCHEDULED,
        approved_by=staff,
        approved_at=timezone.now(),
        # Approved after its time: it goes now.
        **({"scheduled_for": None} if late else {}),
    )
    if broadcast.scheduled_for is None:
        _enqueue_fan_out(broadcast.pk)
    return broadcast


@transaction.atomic
def broadcast_emergency(
    *,
    staff: Any,
    department: Any,
    title: str,
    areas: list[str],
    content: dict[str, dict[str, str]],
    reference: str,
    ignore_quiet_hours: bool = True,
) -> Broadcast:
    """Send an emergency message now to everyone who hears about disasters in the areas,
    quiet hours ignored (unless ``ignore_quiet_hours`` is off: a drill waits for them). For
    another module's emergency path (an evacuation alert), whose own approval — a supervisor
    of the department — stands for the two-person rule here: the broadcast is created
    approved by ``staff`` and ``reference`` (the alert) says why."""
    if not (
        permissions.has_role(staff, Role.SUPERVISOR)
        and permissions.can_see_department(staff, department.pk)
    ):
        raise BroadcastError(_("A supervisor of the department sends emergency messages."))
    values = {
        "department": department,
        "title": title[:200],
        "topic": Topic.DISASTER,
        "areas": areas,
        "languages": [],
        "child_age_bands": [],
        "content": content,
    }
    _validate_segment(values)
    now = timezone.now()
    broadcast = Broadcast.objects.create(
        **{**values, "content": _clean_content(content)},
        is_emergency=ignore_quiet_hours,
        status=Broadcast.Status.SCHEDULED,
        created_by=staff,
        editor_ids=[staff.pk],
        submitted_by=staff,
        submitted_at=now,
        approved_by=staff,
        approved_at=now,
        recipient_count=audience(Segment.of_values(values)).count(),
    )
    audit.record(
        action="notifications.broadcast_emergency",
        obj=broadcast,
        department_id=department.pk,
        changes={"status": [None, broadcast.status], "reference": [None, reference]},
    )
    _enqueue_fan_out(broadcast.pk)
    return broadcast


@transaction.atomic
def broadcast_cancel(*, staff: Any, broadcast: Broadcast) -> int:
    """Cancel it before it has all gone: deliveries not sent yet are withdrawn. Returns how
    many were withdrawn."""
    broadcast = _locked(broadcast)
    if broadcast.status not in CANCELLABLE and not (
        broadcast.status == Broadcast.Status.SENT and waiting_deliveries(broadcast).exists()
    ):
        raise BroadcastError(_("This message has already gone, or was cancelled."))
    if not can_write(staff, broadcast.department_id):
        raise BroadcastError(_("You can only cancel messages of your own departments."))
    withdrawn = waiting_deliveries(broadcast).update(
        status=Notification.Status.CANCELLED, last_error="broadcast cancelled"
    )
    _transition(
        broadcast,
        Broadcast.Status.CANCELLED,
        cancelled_by=staff,
        cancelled_at=timezone.now(),
    )
    if withdrawn:
        audit.record(
            action="notifications.batch_cancelled",
            obj=broadcast,
            department_id=broadcast.department_id,
            changes={"deliveries_withdrawn": [None, withdrawn]},
        )
    return withdrawn


def broadcast_withdraw_waiting(*, staff: Any, broadcast_public_id: Any) -> int:
    """Withdraw what has not gone yet of a broadcast that another message supersedes (an
    alert updated or cancelled): nobody gets the old one after the new. Returns how many
    deliveries were withdrawn; 0 when it has all gone already."""
    broadcast = Broadcast.objects.filter(public_id=broadcast_public_id).first()
    if broadcast is None:
        return 0
    try:
        return broadcast_cancel(staff=staff, broadcast=broadcast)
    except BroadcastError:
        return 0  # it has all gone already


def waiting_deliveries(broadcast: Broadcast) -> QuerySet[Notification]:
    """Its deliveries not handed over yet (a batch being sent stops at its next attempt)."""
    return Notification.objects.filter(
        dedupe_key=broadcast.dedupe_key,
        status__in=[Notification.Status.QUEUED, Notification.Status.RETRYING],
    )


# --- Sending --------------------------------------------------------------------------------


def _enqueue_fan_out(broadcast_id: int) -> None:
    import_string("minato.notifications.tasks.fan_out_broadcast").enqueue(broadcast_id)


def broadcasts_send_due() -> int:
    """Periodic: start the approved broadcasts whose time has come, and start again any
    fan-out that stalled (its worker died). Returns how many were started."""
    now = timezone.now()
    due = list(
        Broadcast.objects.filter(
            Q(status=Broadcast.Status.SCHEDULED, scheduled_for__lte=now)
            # "Now" whose fan-out task was lost before it started.
            | Q(
                status=Broadcast.Status.SCHEDULED,
                scheduled_for__isnull=True,
                updated_at__lt=now - STALLED_AFTER,
            )
            | Q(status=Broadcast.Status.SENDING, updated_at__lt=now - STALLED_AFTER)
        ).values_list("pk", flat=True)[:50]
    )
    for broadcast_id in due:
        with transaction.atomic():
            # Touch it so the next round does not start it again while this run is queued.
            Broadcast.objects.filter(pk=broadcast_id).update(updated_at=now)
            _enqueue_fan_out(broadcast_id)
    return len(due)


def _start(broadcast_id: int) -> bool:
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
        if broadcast.status == Broadcast.Status.SENDING:
            return True
        if broadcast.status != Broadcast.Status.SCHEDULED:
            return False
        if broadcast.scheduled_for and broadcast.scheduled_for > timezone.now():
            return False
        _transition(broadcast, Broadcast.Status.SENDING, started_at=timezone.now())
        return True


def broadcast_fan_out(
    broadcast_id: int, *, after_chunk: Callable[[int], None] | None = None
) -> int:
    """Create the broadcast's deliveries, a chunk of the audience per transaction, and hand
    each batch to the worker. Returns how many deliveries this run created. ``after_chunk``
    (tests, benchmarks) is called with the cursor after each committed chunk."""
    if not _start(broadcast_id):
        return 0
    created = 0
    while True:
        with transaction.atomic():
            broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
            if broadcast.status != Broadcast.Status.SENDING:
                return created  # cancelled meanwhile
            rows = _plain_rows(
                _recipients(Segment.of(broadcast)).filter(pk__gt=broadcast.fanout_cursor)[
                    :CHUNK_SIZE
                ]
            )
            if not rows:
                total = Notification.objects.filter(
                    dedupe_key=broadcast.dedupe_key, fallback_of__isnull=True
                ).count()
                _transition(
                    broadcast,
                    Broadcast.Status.SENT,
                    sent_at=timezone.now(),
                    recipient_count=total,
                )
                return created
            created += _create_chunk(broadcast, rows)
            broadcast.fanout_cursor = rows[-1]["pk"]
            broadcast.save(update_fields=["fanout_cursor", "updated_at"])
        if after_chunk is not None:
            after_chunk(broadcast.fanout_cursor)


def _insert(columns: list[str], deliveries: list[tuple[Any, ...]]) -> None:
    """Write the chunk's deliveries (tuples of ``columns``, model attribute names): by COPY
    on PostgreSQL (several times faster than an INSERT for a broadcast to the whole ward),
    else one bulk INSERT. A recipient who already holds this broadcast on the channel (a
    fan-out redone after a crash that committed after all) makes COPY fail; the INSERT then
    skips them by the unique dedupe key."""
    if connection.vendor == "postgresql":
        names = {field.attname: field.column for field in Notification._meta.concrete_fields}
        quoted = ", ".join(connection.ops.quote_name(names[name]) for name in columns)
        table = connection.ops.quote_name(Notification._meta.db_table)
        statement = f"COPY {table} ({quoted}) FROM STDIN"
        try:
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.connection.cursor() as raw,
                raw.copy(statement) as copy,
            ):
                for delivery in deliveries:
                    copy.write_row(delivery)
            return
        # The raw driver's error: Django wraps only the errors of its own cursor calls.
        except (IntegrityError, connection.Database.IntegrityError):  # type: ignore[attr-defined]
            pass
    Notification.objects.bulk_create(
        [Notification(**dict(zip(columns, delivery, strict=True))) for delivery in deliveries],
        batch_size=1000,
        ignore_conflicts=True,
    )


def _recipients(segment: Segment) -> QuerySet[Any]:
    """The audience with what choosing a channel needs, in one query per chunk (each
    account's profile, LINE and push looked up by its id, for the reason ``audience`` says)."""
    profile = ResidentProfile.objects.filter(user=OuterRef("pk"))
    return audience(segment).values(
        "pk",
        "email",
        preferred_language=Subquery(profile.values("preferred_language")[:1]),
        preferred_channels=Subquery(profile.values("preferred_channels")[:1]),
        phone=Subquery(profile.values("phone")[:1]),
        line_user_id=LineAccount.objects.filter(user=OuterRef("pk"), is_following=True).values(
            "line_user_id"
        )[:1],
        has_push=Exists(PushSubscription.objects.filter(user=OuterRef("pk"))),
    )


RECIPIENT_COLUMNS = [
    "pk",
    "email",
    "preferred_language",
    "preferred_channels",
    "phone",
    "line_user_id",
    "has_push",
]


def _plain_rows(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    """The chunk's rows as the database gives them, without the ORM's per-value converters
    (a fifth of the fan-out's time for a million residents). The columns come in the order
    ``_recipients`` names them; the chosen channels come as JSON text (decoded once per
    distinct value by ``_create_chunk``)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # The per-account lookups make the planner's cost of the whole audience large
            # enough to compile the query first (JIT): 40 ms a page, for a 20 ms query.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return [dict(zip(RECIPIENT_COLUMNS, values, strict=True)) for values in cursor.fetchall()]


def _reachable(row: dict[str, Any], enabled: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    if "line" in enabled and row["line_user_id"]:
        found["line"] = row["line_user_id"]
    if "push" in enabled and row["has_push"]:
        found["push"] = str(row["pk"])
    if row["email"]:
        found["email"] = row["email"]
    found["inbox"] = str(row["pk"])
    if "sms" in enabled and row["phone"]:
        found["sms"] = row["phone"]
    return found


# The columns of a broadcast's delivery that differ from one recipient to the next; the
# others (``_constant_columns``) are the same for a whole batch.
RECIPIENT_DELIVERY_COLUMNS = ["public_id", "recipient_id", "address", "batch_key"]


def _constant_columns(
    broadcast: Broadcast, channel: str, language: str, now: datetime
) -> dict[str, Any]:
    text = broadcast.content[language]
    dedupe_key = broadcast.dedupe_key
    return {
        "channel": channel,
        "template_key": BROADCAST_TEMPLATE_KEY,
        "language": language,
        "subject": text["subject"][:300],
        "body": text["body"] + "\n",
        "status": Notification.Status.QUEUED,
        "attempts": 0,
        "last_error": "",
        "reference": dedupe_key[:100],
        "dedupe_key": dedupe_key,
        "topic": broadcast.topic,
        "is_emergency": broadcast.is_emergency,
        "created_by_id": broadcast.created_by_id,
        "created_at": now,
        "updated_at": now,
    }


def _first_channel(chosen: Any, reachable: dict[str, str]) -> str:
    if isinstance(chosen, str):
        chosen = json.loads(chosen)
    return ordered_channels(chosen or [], reachable)[0][0]


def _create_chunk(broadcast: Broadcast, rows: list[dict[str, Any]]) -> int:
    enabled = enabled_channels()
    now = timezone.now()
    # Residents fall into a handful of kinds (chosen channels × channels that reach them):
    # the first channel is worked out once per kind, not once per resident.
    first_channels: dict[tuple[Any, ...], str] = {}
    groups: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for row in rows:
        reachable = _reachable(row, enabled)
        chosen = row["preferred_channels"]
        kind = (chosen if isinstance(chosen, str) else repr(chosen), *reachable)
        channel = first_channels.get(kind)
        if channel is None:
            channel = first_channels[kind] = _first_channel(chosen, reachable)
        wanted = row["preferred_language"] or FALLBACK_LANGUAGE
        language = wanted if wanted in broadcast.content else FALLBACK_LANGUAGE
        groups.setdefault((channel, language), []).append((row["pk"], reachable[channel]))
    deliveries: list[tuple[Any, ...]] = []
    keys = []
    columns: list[str] = []
    for (channel, language), group in sorted(groups.items()):
        constants = _constant_columns(broadcast, channel, language, now)
        columns = RECIPIENT_DELIVERY_COLUMNS + list(constants)
        constant = tuple(constants.values())
        size = batches.batch_size(channel)
        for index in range(0, len(group), size):
            key = f"{broadcast.public_id.hex}:{rows[0]['pk']}:{channel}:{language}:{index // size}"
            deliveries += [
                (uuid.uuid4(), recipient_id, address, key, *constant)
                for recipient_id, address in group[index : index + size]
            ]
            keys.append(key)
    _insert(columns, deliveries)
    batches.enqueue(*keys)
    audit.record(
        action="notifications.batch_queued",
        obj=broadcast,
        department_id=broadcast.department_id,
        changes={
            "recipients": [None, len(rows)],
            "first_account": [None, rows[0]["pk"]],
            "last_account": [None, rows[-1]["pk"]],
        },
    )
    return len(deliveries)


def delivery_counts(broadcast: Broadcast) -> dict[str, dict[str, int]]:
    """The broadcast's deliveries (fallbacks included) by state and by channel, for its log."""
    deliveries = Notification.objects.filter(dedupe_key=broadcast.dedupe_key).order_by()
    return {
        field: {
            row[field]: row["count"] for row in deliveries.values(field).annotate(count=Count("pk"))
        }
        for field in ("status", "channel")
    }
