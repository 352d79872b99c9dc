"""Hand-off to business systems: push (signed webhooks, retried) and pull (API with cursor).

A delivery row is written in the same transaction as the submission and its task enqueued
there too, so a submitted application is never left without its hand-off; the worker sends
it outside any database lock and retries with exponential backoff.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
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
    from minato.procedures.tasks import deliver_handoff

    deliver_handoff.enqueue(delivery.pk)
    return delivery


def _claim(delivery_id: int) -> HandoffDelivery | None:
    return outbox.claim(
        HandoffDelivery.objects.select_related(
            "endpoint",
            "application__procedure",
            "application__department",
            "application__form_version",
            "application__applicant",
        ),
        delivery_id,
    )


def handoff_deliver(*, delivery_id: int) -> str:
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    body = json.dumps(
        application_document(delivery.application, event=delivery.event),
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    ).encode()
    result = webhook.post(url=delivery.endpoint.url, secret=delivery.endpoint.secret, body=body)
    with transaction.atomic():
        old = delivery.status
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error[:300]
        if result.ok:
            delivery.status = HandoffDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
        else:
            delivery.status, delivery.next_attempt_at = outbox.after_failure(
                attempts=delivery.attempts,
                max_attempts=MAX_ATTEMPTS,
                base_seconds=RETRY_BASE_SECONDS,
            )
        delivery.save()
        audit.record(
            action=f"procedures.handoff_{delivery.status}",
            obj=delivery,
            department_id=delivery.application.department_id,
            changes={"status": [old, delivery.status], "http_status": [None, result.status_code]},
        )
        if delivery.next_attempt_at is not None and delivery.status == outbox.RETRYING:
            from minato.procedures.tasks import deliver_handoff

            outbox.schedule_retry(deliver_handoff, delivery.pk, delivery.next_attempt_at)
    return delivery.status


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
    from minato.procedures.tasks import deliver_handoff

    deliver_handoff.enqueue(new.pk)
    return new


@transaction.atomic
def handoff_endpoint_set(
    *, procedure: Any, url: str, secret: str, is_active: bool = True
) -> HandoffEndpoint:
    if not url.startswith("https://") and not (settings.DEBUG or _is_loopback(url)):
        raise ValueError("Hand-off endpoints must use https")
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
    from urllib.parse import urlsplit

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
