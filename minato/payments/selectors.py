"""Reads for payments: a resident's own payments, a thing's payments, and staff views scoped
by department."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from minato.payments.models import AssessedFee, Payment, ProviderEvent, Refund


def payments_of(*, payer_id: int) -> QuerySet[Payment]:
    """A resident's payments, newest first (attempts that never started are left out)."""
    return (
        Payment.objects.filter(payer_id=payer_id)
        .exclude(status=Payment.Status.CREATED)
        .prefetch_related("refunds")
    )


def own_payment(*, public_id: Any, payer_id: int) -> Payment | None:
    return (
        Payment.objects.filter(public_id=public_id, payer_id=payer_id)
        .prefetch_related("refunds")
        .first()
    )


def payments_for_thing(*, purpose: str, object_ref: str) -> list[Payment]:
    return list(
        Payment.objects.filter(purpose=purpose, object_ref=object_ref).prefetch_related(
            Prefetch("refunds", queryset=Refund.objects.order_by("created_at"))
        )
    )


def paid_payment(payments: list[Payment]) -> Payment | None:
    return next((p for p in payments if p.status == Payment.Status.SUCCEEDED), None)


def fee_changed(payable: Any, paid: Payment | None) -> bool:
    """Paid, but the fee is now different (the application was returned and resubmitted
    with other answers): staff refund the difference or ask for it."""
    return bool(
        paid is not None
        and payable is not None
        and payable.amount_yen
        and paid.amount_yen != payable.amount_yen
    )


def assessed_fees(*, purpose: str, object_refs: list[str]) -> dict[str, int]:
    """The fees staff set (for things whose fee is assessed after review), by reference;
    one query. A reference without one is absent."""
    return dict(
        AssessedFee.objects.filter(purpose=purpose, object_ref__in=object_refs).values_list(
            "object_ref", "amount_yen"
        )
    )


def is_paid(*, purpose: str, object_ref: str) -> bool:
    """Whether the thing has a payment that succeeded and was not refunded in full (refunds
    asked for and still pending count as refunded). One query. A fee that changed after it
    was paid still counts as paid: ``fee_changed`` tells staff about the difference."""
    refunded = Coalesce(
        Sum("refunds__amount_yen", filter=~Q(refunds__status=Refund.Status.FAILED)), 0
    )
    return (
        Payment.objects.filter(
            purpose=purpose, object_ref=object_ref, status=Payment.Status.SUCCEEDED
        )
        .annotate(refunded=refunded)
        .filter(refunded__lt=F("amount_yen"))
        .exists()
    )


def staff_payment(*, public_id: Any, department_ids: set[int] | None) -> Payment | None:
    payments = Payment.objects.filter(public_id=public_id).select_related("payer", "department")
    if department_ids is not None:
        payments = payments.filter(department_id__in=department_ids)
    return payments.prefetch_related("refunds").first()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Japanese calendar day as aware datetimes [start, end)."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def succeeded_on(*, day: date, provider: str) -> QuerySet[Payment]:
    start, end = day_bounds(day)
    return Payment.objects.filter(
        provider=provider,
        status=Payment.Status.SUCCEEDED,
        succeeded_at__gte=start,
        succeeded_at__lt=end,
    ).order_by("account_code", "pk")


def refunds_on(*, day: date, provider: str) -> QuerySet[Refund]:
    """Refunds that completed on the day (when the money went back, as the provider settles
    them), not the day they were asked for."""
    start, end = day_bounds(day)
    return (
        Refund.objects.filter(
            payment__provider=provider,
            status=Refund.Status.SUCCEEDED,
            succeeded_at__gte=start,
            succeeded_at__lt=end,
        )
        .select_related("payment")
        .order_by("pk")
    )


def webhook_events_backlog() -> dict[str, Any]:
    """For /readyz: how many stored webhook events wait to be applied, and whether the
    oldest has waited longer than PAYMENTS_EVENTS_STALE_SECONDS (no worker applying them,
    or one failing). Two index reads (the pending partial index)."""
    pending = ProviderEvent.objects.filter(outcome=ProviderEvent.Outcome.PENDING)
    oldest = pending.order_by("pk").values_list("created_at", flat=True).first()
    if oldest is None:
        return {"ok": True, "pending": 0}
    age = (timezone.now() - oldest).total_seconds()
    return {
        "ok": age <= settings.PAYMENTS_EVENTS_STALE_SECONDS,
        "pending": pending.count(),
        "oldest_age_seconds": round(age, 1),
    }
