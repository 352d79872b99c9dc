"""Shared-kernel models: the audit chain, idempotency records and worker heartbeats."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

# An event is written unsealed, with a provisional ``sequence`` of PENDING_BASE + n (n from a
# counter that needs no lock) and empty ``prev_hash``/``hash``; the sealer
# (``minato.core.audit.seal``) later gives it its gapless place in the chain (1, 2, 3, ...)
# and its hashes. The base sorts pending events after every sealed one (newest first stays
# right for readers ordering by ``-sequence``) and stays below 2**53, so JavaScript clients of
# the API read the number exactly.
PENDING_BASE = 10**15
# PostgreSQL only: the counter behind provisional numbers (created by migration 0003).
PENDING_SEQUENCE = "core_auditevent_pending_seq"


class AuditEvent(models.Model):
    """One state change or sensitive read, append-only and linked into a SHA-256 chain.

    ``actor_id`` and ``subject_id`` are plain integers, not foreign keys: deleting a person
    must never rewrite (and so break) the chain that records what was done to them.

    Rows are inserted *unsealed* (``hash == ""``, ``sequence >= PENDING_BASE``) and sealed in
    batches by ``audit.seal()``; see decision 0005.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=100)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    # Whose personal data this concerns: lets a resident see who accessed their records.
    subject_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    department_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Both empty until the event is sealed.
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["subject_id", "-sequence"], name="audit_subject_seq"),
            # The sealer's work list: tiny, since rows leave it within seconds.
            models.Index(fields=["id"], condition=Q(hash=""), name="audit_unsealed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hash"], condition=~Q(hash=""), name="audit_hash_unique"
            )
        ]

    def __str__(self) -> str:
        if self.is_sealed:
            return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"
        return f"(unsealed) {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Audit events are append-only")

    @property
    def is_sealed(self) -> bool:
        return bool(self.hash)


class AuditChainHead(models.Model):
    """The single row that serialises sealing and remembers the chain's tip.

    The sealer locks this row (SELECT ... FOR UPDATE), so batches are sealed one at a time;
    writers of events never touch it. Its copy of the last hash lets ``audit_verify`` notice a
    deleted tail, which the chain alone cannot show.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"audit head #{self.last_sequence}"


class IdempotencyRecord(models.Model):
    """The stored outcome of a POST made with an Idempotency-Key, replayed on retries."""

    owner = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class WorkerHeartbeat(models.Model):
    """Last sign of life from each task worker process; /readyz reads the freshest."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
