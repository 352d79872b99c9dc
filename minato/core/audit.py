"""The audit log: record every state change (and every read of sensitive records) in an
append-only table whose rows form a SHA-256 hash chain, and verify that chain.

Each row's hash covers its own fields and the previous row's hash, so editing, inserting
or deleting a row breaks the chain at that point; the chain head row catches a deleted tail.

Writing and chaining are separate steps (decision 0005): ``record()`` inserts the event
unsealed, without any lock, inside the caller's transaction; ``seal()`` chains the committed
unsealed events in batches, under the head row's lock, outside any request. Until it is
sealed an event is not protected by the chain: that window is what ``audit_verify`` bounds
by reporting events left unsealed for too long.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone

from minato.core import bulk, context
from minato.core.models import PENDING_BASE, PENDING_SEQUENCE, AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
REDACTED = "[redacted]"
# Fields whose values never enter the audit log, only the fact that they changed.
SECRET_FIELDS = frozenset({"password", "token", "secret", "key", "otp_secret", "token_hash"})


def _json_safe(value: Any) -> Any:
    """Normalise values so what is hashed is exactly what the JSON column gives back.

    Floats become strings: PostgreSQL's jsonb rewrites some of them (1e16 comes back as
    10000000000000000), which would make an honest row look edited."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return json.loads(text, parse_float=str)


def diff(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    fields: list[str] | None = None,
    redact: Collection[str] = (),
) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for the fields whose values differ. Secrets, and the
    fields named in ``redact`` (personal data: decision 0007), record only that they
    changed."""
    names = fields if fields is not None else sorted(set(before) | set(after))
    changes: dict[str, list[Any]] = {}
    for name in names:
        old, new = before.get(name), after.get(name)
        if old != new:
            if name in SECRET_FIELDS or name in redact:
                changes[name] = [REDACTED, REDACTED]
            else:
                changes[name] = [old, new]
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, datetime | date | time):
            value = value.isoformat()
        values[name] = value
    return values


def compute_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "subject_id": event.subject_id,
        "department_id": event.department_id,
        "changes": event.changes,
        "request_id": event.request_id,
        "ip": event.ip,
    }


_INSERTED_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "subject_id",
    "department_id",
    "changes",
    "request_id",
    "ip",
    "prev_hash",
    "hash",
)


def _insert_unsealed(events: list[AuditEvent]) -> None:
    """INSERT the events with provisional sequences, in one statement and without any lock.

    The provisional number is PENDING_BASE + n: on PostgreSQL n comes from a sequence
    (non-transactional, never blocks); on SQLite, where IMMEDIATE transactions already let one
    writer in at a time, n is the next row id (plus the event's place in the statement, so
    the rows of one statement never share a number). Raw SQL because this runs in every
    audited request: one statement, no savepoint, no ORM compilation.
    """
    connection = connections[router.db_for_write(AuditEvent)]
    opts = AuditEvent._meta
    qn = connection.ops.quote_name
    table = qn(opts.db_table)
    fields = [cast(models.Field[Any, Any], opts.get_field(name)) for name in _INSERTED_COLUMNS]
    columns = ", ".join(qn(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows: list[str] = []
    params: list[Any] = []
    for offset, event in enumerate(events):
        # The SQL is built from constants and quoted column names only; values are parameters.
        if connection.vendor == "postgresql":
            pending = f"{PENDING_BASE} + nextval('{PENDING_SEQUENCE}')"
        elif connection.vendor == "sqlite":
            pending = (
                f"{PENDING_BASE} + {offset + 1} + "  # noqa: S608
                f"(SELECT COALESCE(MAX({qn('id')}), 0) FROM {table})"
            )
        else:  # pragma: no cover - the platform runs on PostgreSQL or SQLite
            raise NotImplementedError(f"audit.record does not support {connection.vendor}")
        rows.append(f"({pending}, {placeholders})")
        params.extend(
            field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({qn('sequence')}, {columns}) "  # noqa: S608
            f"VALUES {', '.join(rows)} RETURNING {qn('id')}, {qn('sequence')}",
            params,
        )
        returned = sorted(cursor.fetchall())
    # Both databases hand out ids in VALUES order; RETURNING's own order is not promised.
    for event, (pk, sequence) in zip(events, returned, strict=True):
        event.pk, event.sequence = pk, sequence
        event._state.adding = False
        event._state.db = connection.alias


def _event(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    changes: Mapping[str, Any] | None = None,
    subject_id: int | None = None,
    department_id: int | None = None,
    actor_id: int | None = None,
    actor_label: str | None = None,
    request_id: str | None = None,
    ip: str | None = None,
) -> AuditEvent:
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor_id is None and actor_label is None:
        actor_id, actor_label = ctx.actor_id, ctx.actor_label
    return AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label or (f"user:{actor_id}" if actor_id else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        subject_id=subject_id,
        department_id=department_id if department_id is not None else ctx.department_id,
        changes=_json_safe(dict(changes or {})),
        request_id=ctx.request_id if request_id is None else request_id,
        ip=ctx.ip if ip is None else ip,
        prev_hash="",
        hash="",
    )


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    changes: Mapping[str, Any] | None = None,
    subject_id: int | None = None,
    department_id: int | None = None,
    actor_id: int | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Write one event, unsealed. Call it inside the transaction that makes the change it
    records, so that the change and its audit row commit or roll back together.

    It takes no lock: the event gets its place in the hash chain (``sequence``, ``prev_hash``,
    ``hash``) when ``seal()`` runs after the transaction has committed (the worker does so
    every second). Until then ``sequence`` is provisional (``>= PENDING_BASE``) and the hashes
    are empty.
    """
    event = _event(
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        subject_id=subject_id,
        department_id=department_id,
        actor_id=actor_id,
        actor_label=actor_label,
    )
    _insert_unsealed([event])
    return event


def record_many(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Write several events in one statement (for work done in batches); each dict holds
    ``record``'s keyword arguments, plus ``request_id`` and ``ip`` for work done later on
    behalf of a request (a stored webhook). The same rules as ``record`` apply."""
    built = [_event(**kwargs) for kwargs in events]
    if built:
        _insert_unsealed(built)
    return built


def seal_waiting() -> int:
    """The worker's periodic job: seal what is waiting, or skip if another sealer is busy."""
    return seal(wait=False)


def seal(*, batch_size: int = 1000, wait: bool = True) -> int:
    """Give every committed unsealed event its place in the chain; return how many.

    Events are sealed in id order, in batches of ``batch_size``, each batch in its own short
    transaction that holds the chain head's row lock: so sealers never run at once, and
    writers never wait for a sealer. An event whose transaction commits after events with
    higher ids were sealed (PostgreSQL hands out ids before commit) is simply sealed in a
    later batch, after them: the chain's order is the sealing order, recorded in
    ``sequence``, and ``verify_chain`` walks that order.

    ``wait=False`` returns 0 at once if another sealer holds the lock (the worker's loop uses
    it; that sealer will take this call's rows too). On SQLite the database's write lock
    serialises sealers instead.
    """
    sealed = 0
    unsealed = AuditEvent.objects.filter(hash="", sequence__gte=PENDING_BASE)
    if not unsealed.exists():  # the common idle case: no lock, no write transaction
        return 0
    while True:
        with transaction.atomic():
            heads = AuditChainHead.objects.select_for_update(skip_locked=not wait)
            head = heads.filter(id=1).first()
            if head is None:
                if not wait and AuditChainHead.objects.filter(id=1).exists():
                    return sealed  # locked by another sealer
                head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
            # A row with hash "" but a real sequence lost its seal: verify reports it; it
            # is not re-chained (that would hide the hole it left).
            pending = list(unsealed.order_by("id")[:batch_size])
            if not pending:
                return sealed
            sequence, prev_hash = head.last_sequence, head.last_hash
            for event in pending:
                sequence += 1
                event.sequence = sequence
                event.prev_hash = prev_hash
                event.hash = compute_hash(_hashed_fields(event), prev_hash)
                prev_hash = event.hash
            # Not bulk_update: its CASE WHEN for 3 columns of a thousand rows took nine tenths
            # of the sealer's CPU (0.4 ms an event), which every write of the platform pays.
            bulk.update_rows(pending, ["sequence", "prev_hash", "hash"])
            head.last_sequence, head.last_hash = sequence, prev_hash
            head.save(update_fields=["last_sequence", "last_hash", "updated_at"])
        sealed += len(pending)
        if len(pending) < batch_size:
            return sealed


@dataclass(frozen=True)
class ChainProblem:
    sequence: int | None
    # "edited", "broken-link", "gap", "tail-missing", "head-mismatch", "unsealed"
    kind: str
    detail: str


def verify_chain(
    *, batch_size: int = 2000, unsealed_grace: timedelta | None = None
) -> Iterator[ChainProblem]:
    """Walk the whole sealed chain in order and yield every inconsistency found.

    Unsealed events are not in the chain yet, so nothing can be said about their contents;
    with ``unsealed_grace``, each one older than that is reported as ``unsealed`` (the sealer
    is not running, or is failing). A row with a chain position but no hash is reported
    whatever its age: somebody removed a seal.
    """
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    last_sequence = 0
    last_hash = GENESIS_HASH
    sealed = AuditEvent.objects.exclude(hash="").order_by("sequence")
    for event in sealed.iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            yield ChainProblem(
                event.sequence,
                "gap",
                f"expected sequence {expected_sequence}, found {event.sequence}: "
                "rows were deleted or inserted",
            )
        if event.prev_hash != expected_prev:
            yield ChainProblem(
                event.sequence,
                "broken-link",
                "prev_hash does not match the previous row's hash: a row before it was "
                "deleted, inserted or edited",
            )
        recomputed = compute_hash(_hashed_fields(event), event.prev_hash)
        if recomputed != event.hash:
            yield ChainProblem(event.sequence, "edited", "row contents do not match its hash")
        expected_prev = event.hash
        expected_sequence = event.sequence + 1
        last_sequence, last_hash = event.sequence, event.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_sequence, head.last_hash) != (last_sequence, last_hash):
        yield ChainProblem(
            None,
            "tail-missing" if head.last_sequence > last_sequence else "head-mismatch",
            f"chain head records #{head.last_sequence} but the table ends at #{last_sequence}",
        )
    unsealed = AuditEvent.objects.filter(hash="").order_by("id")
    for event in unsealed.filter(sequence__lt=PENDING_BASE).iterator(chunk_size=batch_size):
        yield ChainProblem(
            event.sequence, "edited", "a row with a place in the chain has lost its hash"
        )
    if unsealed_grace is not None:
        cutoff = timezone.now() - unsealed_grace
        stale = unsealed.filter(sequence__gte=PENDING_BASE, occurred_at__lt=cutoff)
        for event in stale.iterator(chunk_size=batch_size):
            yield ChainProblem(
                None,
                "unsealed",
                f"event id {event.pk} ({event.action}, {event.occurred_at:%Y-%m-%d %H:%M:%S} "
                f"UTC) is still unsealed after {unsealed_grace}",
            )


def unsealed_count() -> int:
    return AuditEvent.objects.filter(hash="").count()
