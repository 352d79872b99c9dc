"""Hand-off to business systems: push (signed webhooks, retried) and pull (API with cursor).

A delivery row is written in the same transaction as the submission and its task enqueued
there too, so a submitted application is never left without its hand-off; the worker sends
it outside any database lock and retries with exponential backoff.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from minato.core import audit, outbox
from minato.procedures.adapters import webhook
from minato.procedures.models import Application, HandoffDelivery, HandoffEndpoint

MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 60


def application_document(application: Application, *, event: str) -> dict[str, Any]:
    """What a business system receives: the application as data, with its form version."""
    return {
        "event": event,
        "reference": application.reference,
        "procedure": application.procedure.slug,
        "department": application.department.code,
        "form_version": application.form_version.version,
        "status": application.status,
        "submitted_at": application.submitted_at,
        "due_date": application.due_date,
        "applicant": {
            "id": str(application.applicant.public_id),
            "email": application.applicant.email,
        },
        "answers": application.answers,
    }


class HandoffOutbox(outbox.Outbox[HandoffDelivery]):
    """Hand-off deliveries, for the core deliverer: POSTed to the endpoint, signed."""

    model = HandoffDelivery
    task = "minato.procedures.tasks.deliver_handoff"
    audit_action = "procedures.handoff_{status}"
    backoff = outbox.Backoff(base_seconds=RETRY_BASE_SECONDS, max_attempts=MAX_ATTEMPTS)

    def rows(self) -> QuerySet[HandoffDelivery]:
        return HandoffDelivery.objects.select_related(
            "endpoint",
            "application__procedure",
            "application__department",
            "application__form_version",
            "application__applicant",
        )

    def send(self, row: HandoffDelivery) -> outbox.Sent:
        body = json.dumps(
            application_document(row.application, event=row.event),
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
        ).encode()
        result = webhook.post(url=row.endpoint.url, secret=row.endpoint.secret, body=body)
        return outbox.Sent(ok=result.ok, error=result.error, status_code=result.status_code)

    def audit_scope(self, row: HandoffDelivery) -> outbox.AuditScope:
        return {"department_id": row.application.department_id}


HANDOFFS = HandoffOutbox()


def queue_handoff(*, application: Application, event: str) -> HandoffDelivery | None:
    """Call inside the submitting transaction (an outbox: both commit or neither)."""
    endpoint = HandoffEndpoint.objects.filter(
        procedure_id=application.procedure_id, is_active=True
    ).first()
    if endpoint is None:
        return None
    delivery = HandoffDelivery.objects.create(
        application=application, endpoint=endpoint, event=event
    )
    outbox.enqueue(HANDOFFS, delivery.pk)
    return delivery


def handoff_deliver(*, delivery_id: int) -> str:
    """Try to deliver one hand-off once; a failure is retried with backoff (see
    ``minato.core.outbox``). Returns the new status, or "skipped"."""
    return outbox.deliver(HANDOFFS, delivery_id)


@transaction.atomic
def handoff_resend(*, delivery: HandoffDelivery) -> HandoffDelivery:
    """Staff send a delivery again (after fixing the receiving system)."""
    new = HandoffDelivery.objects.create(
        application=delivery.application, endpoint=delivery.endpoint, event=delivery.event
    )
    audit.record(
        action="procedures.handoff_resent",
        obj=new,
        department_id=delivery.application.department_id,
        changes={"resend_of": [None, delivery.pk]},
    )
    outbox.enqueue(HANDOFFS, new.pk)
    return new


@transaction.atomic
def handoff_endpoint_set(
    *, procedure: Any, url: str, secret: str, is_active: bool = True
) -> HandoffEndpoint:
    """Point a procedure's hand-off at a business system's webhook. Raises ValueError for a
    URL that is not https (outside DEBUG and loopback), or whose host is, or resolves to, an
    address the worker must not POST to (see ``minato.core.webhooks``); the send checks the
    address again, after its own DNS lookup."""
    if not url.startswith("https://") and not (settings.DEBUG or _is_loopback(url)):
        raise ValueError("Hand-off endpoints must use https")
    try:
        webhook.check_url(url)
    except ValueError as exc:
        raise ValueError(f"Hand-off endpoint refused: {exc}") from None
    endpoint, _created = HandoffEndpoint.objects.update_or_create(
        procedure=procedure, defaults={"url": url, "secret": secret, "is_active": is_active}
    )
    audit.record(
        action="procedures.handoff_endpoint_set",
        obj=endpoint,
        department_id=procedure.department_id,
        changes={
            "url": [None, url],
            "secret": [audit.REDACTED, audit.REDACTED],
            "is_active": [None, is_active],
        },
    )
    return endpoint


def _is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in {"127.0.0.1", "localhost", "::1"}


@transaction.atomic
def application_acknowledge(*, application: Application) -> Application:
    """A pulling system confirms it has taken the application into its own records."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.acknowledged_at is None:
        application.acknowledged_at = timezone.now()
        application.save(update_fields=["acknowledged_at", "updated_at"])
        audit.record(
            action="procedures.application_acknowledged",
            obj=application,
            department_id=application.department_id,
            changes={"acknowledged_at": [None, application.acknowledged_at.isoformat()]},
        )
    return application
