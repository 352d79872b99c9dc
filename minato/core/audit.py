"""The audit log: record every state change (and every read of sensitive records) in an
append-only table whose rows form a SHA-256 hash chain, and verify that chain.

Each row's hash covers its own fields and the previous row's hash, so editing, inserting
or deleting a row breaks the chain at that point; the chain head row catches a deleted tail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from minato.core import context
from minato.core.models import AuditChainHead, AuditEvent

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
    before: Mapping[str, Any], after: Mapping[str, Any], *, fields: list[str] | None = None
) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for the fields whose values differ."""
    names = fields if fields is not None else sorted(set(before) | set(after))
    changes: dict[str, list[Any]] = {}
    for name in names:
        old, new = before.get(name), after.get(name)
        if old != new:
            if name in SECRET_FIELDS:
                changes[name] = [REDACTED, REDACTED]
            else:
                changes[name] = [old, new]
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, datetime | date):
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
    """Append one event. Call it inside the transaction that makes the change it records,
    so that the change and its audit row commit or roll back together."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor_id is None and actor_label is None:
        actor_id, actor_label = ctx.actor_id, ctx.actor_label
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            sequence=head.last_sequence + 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label or (f"user:{actor_id}" if actor_id else "system"),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            subject_id=subject_id,
            department_id=department_id if department_id is not None else ctx.department_id,
            changes=_json_safe(dict(changes or {})),
            request_id=ctx.request_id,
            ip=ctx.ip,
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(_hashed_fields(event), event.prev_hash)
        event.save()
        head.last_sequence = event.sequence
        head.last_hash = event.hash
        head.save(update_fields=["last_sequence", "last_hash", "updated_at"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    sequence: int | None
    kind: str  # "edited", "broken-link", "gap", "tail-missing", "head-mismatch"
    detail: str


def verify_chain(*, batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Walk the whole chain in order and yield every inconsistency found."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    last_sequence = 0
    last_hash = GENESIS_HASH
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for event in events:
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
