"""Writes for payments: create, start at the provider, apply what the provider says, counter
payments, assessed fees and refunds.

Calls to a provider never happen inside a transaction or under a row lock (they can take
seconds): the payment is written first, the provider is called, and the answer is applied
in a new transaction under the payment's row lock with a version check. So the webhook, the
return page and the sweep can all report the same outcome at the same moment and it is
applied exactly once: whoever comes second finds the payment already final.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    router,
    transaction,
)
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.core import audit, bulk, references
from minato.core.context import current as current_context
from minato.core.context import reset as reset_context
from minato.core.context import set_current as set_context
from minato.notifications.services import notify, notify_many
from minato.payments import providers
from minato.payments.models import (
    FINAL_STATUSES,
    AssessedFee,
    Payment,
    ProviderEvent,
    Refund,
)
from minato.payments.payables import Payable
from minato.payments.providers.base import (
    CheckoutRequest,
    Event,
    PaymentState,
    ProviderError,
    ProviderRefused,
    RefundResult,
)

logger = logging.getLogger(__name__)

REFERENCE_LENGTH = 10
WATCHED = [
    "status",
    "provider",
    "provider_reference",
    "provider_transaction_id",
    "method",
    "failure_reason",
]
S = Payment.Status
_FROM_PROVIDER = {
    "succeeded": S.SUCCEEDED,
    "failed": S.FAILED,
    "cancelled": S.CANCELLED,
    "expired": S.EXPIRED,
}


class PaymentError(Exception):
    """A request the rules refuse; the message is safe to show."""


class NotPayable(PaymentError):
    pass


class AlreadyPaid(PaymentError):
    pass


class UnknownPayment(PaymentError):
    """A provider event for a checkout or refund we never created."""


class AmountMismatch(PaymentError):
    """The provider reports a different amount from the one we asked for."""


class RefundNotAllowed(PaymentError):
    pass


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _audit_event(payment: Payment, action: str, changes: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": f"payments.{action}",
        "obj": payment,
        "subject_id": payment.payer_id,
        "department_id": payment.department_id,
        "changes": changes,
    }


def _audit(payment: Payment, action: str, changes: dict[str, Any]) -> None:
    audit.record(**_audit_event(payment, action, changes))


def _locked(payment_id: int) -> Payment:
    # The payer (and their profile, for the language of the "paid" email) come in the same
    # query; only the payment's own row is locked.
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("payer__profile")
        .get(pk=payment_id)
    )


def _save(payment: Payment, before: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Write the locked payment if nobody changed it since it was read (optimistic check on
    ``version`` on top of the row lock: SQLite has no row locks, only a writer lock)."""
    changed = Payment.objects.filter(pk=payment.pk, version=payment.version).update(
        **{name: getattr(payment, name) for name in fields},
        version=payment.version + 1,
        updated_at=timezone.now(),
    )
    if changed != 1:  # pragma: no cover - only reachable without the row lock
        raise PaymentError("The payment was changed at the same time; try again.")
    payment.version += 1
    return audit.diff(before, audit.snapshot(payment, WATCHED), fields=WATCHED)


# --- Creating and starting ------------------------------------------------------------------


def _payment_of(payable: Payable) -> dict[str, Any]:
    """A new payment's fields that come from the thing paid for (the amount included: it
    is never taken from the client)."""
    if not payable.account_code:
        # Booking it to a catch-all account would hide the gap from the finance department.
        raise NotPayable(
            _("This fee has no revenue account to be booked to yet. Contact the ward's office.")
        )
    return {
        "reference": references.new_reference(REFERENCE_LENGTH),
        "purpose": payable.purpose,
        "object_ref": payable.object_ref,
        "payer_id": payable.payer_id,
        "department_id": payable.department_id,
        "description": payable.description,
        "account_code": payable.account_code,
        "account_name": payable.account_name,
        "amount_yen": payable.amount_yen or 0,
    }


def _create(*, payable: Payable, provider: str, channel: str) -> Payment:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    **_payment_of(payable), provider=provider, channel=channel
                )
                _audit(
                    payment,
                    "payment_created",
                    {
                        "status": [None, payment.status],
                        "amount_yen": [None, payment.amount_yen],
                        "purpose": [None, f"{payment.purpose}:{payment.object_ref}"],
                    },
                )
                return payment
        except IntegrityError:
            live = _live_payment(payable.purpose, payable.object_ref)
            if live is not None:
                return live
    raise PaymentError("Could not create the payment")  # pragma: no cover


def _live_payment(purpose: str, object_ref: str) -> Payment | None:
    return Payment.objects.filter(
        purpose=purpose, object_ref=object_ref, status__in=[S.CREATED, S.STARTED, S.SUCCEEDED]
    ).first()


def payment_prepare(*, payable: Payable) -> Payment:
    """The thing's open payment (created, or started at the provider), or a new one.
    Raises NotPayable, or AlreadyPaid when it has been paid."""
    if not payable.payable:
        raise NotPayable(str(payable.blocked_reason))
    payment = _live_payment(payable.purpose, payable.object_ref)
    if payment is not None and payment.status == S.SUCCEEDED:
        raise AlreadyPaid("This has already been paid.")
    if (
        payment is not None
        and payment.status == S.STARTED
        and payment.amount_yen != payable.amount_yen
    ):
        _checkout_withdraw(payment)
        payment = None
    if (
        payment is not None
        and payment.status == S.CREATED
        and payment.amount_yen != payable.amount_yen
    ):
        payment_cancel(payment=payment, reason="amount_changed")
        payment = None
    if payment is None:
        payment = _create(
            payable=payable, provider=settings.PAYMENTS_PROVIDER, channel=Payment.Channel.ONLINE
        )
    return payment


def payment_begin(*, payable: Payable, language: str = "ja") -> Payment:
    """The resident's "Pay now": the thing's open payment, started at the provider (a new one
    after a decline, a cancellation or an expiry). Returns a payment whose ``checkout_url``
    the browser goes to. Raises NotPayable, AlreadyPaid or ProviderError."""
    payment = _live_payment(payable.purpose, payable.object_ref)
    if payment is not None and payment.status == S.STARTED and not payment.provider_reference:
        # Another tab is opening the checkout at this moment.
        raise ProviderError("The checkout is being opened")
    if (
        payment is not None
        and payment.status == S.STARTED
        and payment.amount_yen == payable.amount_yen
    ):
        # Back from the provider without finishing, or a second tab: ask first.
        payment = payment_refresh(payment=payment)
        if payment.status == S.STARTED:
            return payment
    payment = payment_prepare(payable=payable)
    if payment.status == S.STARTED:
        return payment
    return payment_start(payment=payment, language=language)


def payment_start(*, payment: Payment, language: str = "ja") -> Payment:
    """Open a hosted checkout at the provider (outside any transaction) and record it.

    The payment is first claimed under its row lock: ``started`` with no checkout yet. A
    changed amount or a counter payment only ever cancels a payment not yet started, so
    nothing can cancel it while the provider is being called and leave a payable checkout
    behind. If the provider gives no checkout, the payment is cancelled (audited): the next
    attempt is a new payment with its own idempotency key, so a retry never sends one key
    with different parameters (Stripe refuses that for 24 hours)."""
    with transaction.atomic():
        current = _locked(payment.pk)
        if current.status == S.STARTED:
            return current
        if current.status != S.CREATED:
            raise PaymentError("Only a payment not yet started can be started")
        before = audit.snapshot(current, WATCHED)
        current.status = S.STARTED
        current.started_at = timezone.now()
        _audit(current, "payment_started", _save(current, before, ["status", "started_at"]))
    provider = providers.get(current.provider)
    return_path = reverse("payments:return", args=[current.public_id])
    try:
        checkout = provider.create_checkout(
            CheckoutRequest(
                payment_reference=current.reference,
                amount_yen=current.amount_yen,
                description=current.description,
                return_url=settings.SITE_URL + return_path,
                cancel_url=settings.SITE_URL + return_path,
                language=language,
                idempotency_key=f"minato-checkout-{current.public_id}",
            )
        )
    except ProviderError:
        _checkout_abandon(current, reason="checkout_failed")
        raise
    with transaction.atomic():
        current = _locked(payment.pk)
        if current.status != S.STARTED or current.provider_reference:
            return current
        before = audit.snapshot(current, WATCHED)
        current.provider_reference = checkout.provider_reference
        current.checkout_url = checkout.redirect_url
        changes = _save(current, before, ["provider_reference", "checkout_url"])
        _audit(current, "payment_checkout_opened", changes)
    return current


def _checkout_withdraw(payment: Payment) -> None:
    """The fee changed while a checkout for the old amount is open: close it at the
    provider, then ask the provider how it ended. Raises AlreadyPaid when it was paid
    meanwhile, ProviderError when it could not be closed (try again later)."""
    try:
        providers.get(payment.provider).expire_checkout(payment.provider_reference)
    except ProviderError:
        logger.warning("checkout not expired", extra={"payment_id": payment.pk})
    payment = payment_refresh(payment=payment, source="amount_changed")
    if payment.status == S.SUCCEEDED:
        raise AlreadyPaid("This has already been paid.")
    if payment.status == S.STARTED:
        raise ProviderError("The checkout for the old amount could not be closed")


@transaction.atomic
def _checkout_abandon(payment: Payment, *, reason: str) -> None:
    """Cancel a payment claimed for starting that never got a checkout (the provider gave
    none, or the process stopped half way: then the resident never saw a checkout page)."""
    current = _locked(payment.pk)
    if current.status != S.STARTED or current.provider_reference:
        return
    _cancel_locked(current, reason)


def _cancel_locked(current: Payment, reason: str) -> None:
    before = audit.snapshot(current, WATCHED)
    current.status = S.CANCELLED
    current.failure_reason = reason
    current.finished_at = timezone.now()
    _audit(
        current,
        "payment_cancelled",
        _save(current, before, ["status", "failure_reason", "finished_at"]),
    )


@transaction.atomic
def payment_cancel(*, payment: Payment, reason: str) -> Payment:
    """Give up an open payment on our side (the amount changed before it was started)."""
    current = _locked(payment.pk)
    if current.status != S.CREATED:
        return current
    _cancel_locked(current, reason)
    return current


# --- Applying what the provider says -------------------------------------------------------


def _state_change(current: Payment, state: PaymentState) -> tuple[str, dict[str, Any], list[str]]:
    """Decide what a provider state does to a locked payment: the outcome (applied /
    ignored / conflict) and, when applied, the payment changed in memory, its snapshot from
    before and the fields changed. Writes nothing."""
    if state.amount_yen is not None and state.amount_yen != current.amount_yen:
        raise AmountMismatch(
            f"The provider reports {state.amount_yen} yen for a payment of {current.amount_yen}"
        )
    if state.status == "pending":
        return ProviderEvent.Outcome.IGNORED, {}, []
    target = _FROM_PROVIDER[state.status]
    if current.status in FINAL_STATUSES:
        if current.status == target:
            return ProviderEvent.Outcome.IGNORED, {}, []
        # A final state is never rewritten here: the settlement report shows the difference
        # for finance to resolve (paid at the provider but not here, or the reverse).
        logger.warning(
            "payment final state contradicted",
            extra={"payment_id": current.pk, "status": current.status, "reported": target},
        )
        return ProviderEvent.Outcome.CONFLICT, {}, []
    before = audit.snapshot(current, WATCHED)
    now = timezone.now()
    current.status = target
    current.finished_at = now
    fields = ["status", "finished_at"]
    if state.transaction_id:
        current.provider_transaction_id = state.transaction_id
        fields.append("provider_transaction_id")
    if state.method:
        current.method = state.method
        fields.append("method")
    if target == S.SUCCEEDED:
        current.succeeded_at = now
        fields.append("succeeded_at")
    else:
        current.failure_reason = state.failure_reason[:50]
        fields.append("failure_reason")
    return ProviderEvent.Outcome.APPLIED, before, fields


def _apply_state(current: Payment, state: PaymentState, *, source: str) -> str:
    """Apply a provider state to a locked payment now; return applied / ignored / conflict."""
    outcome, before, fields = _state_change(current, state)
    if outcome != ProviderEvent.Outcome.APPLIED:
        return outcome
    changes = _save(current, before, fields)
    changes["source"] = [None, source]
    _audit(current, f"payment_{current.status}", changes)
    if current.status == S.SUCCEEDED:
        _notify_paid(current)
    return outcome


def _notify_paid(payment: Payment) -> None:
    if payment.payer is not None:
        notify(**_paid_message(payment))


def _paid_message(payment: Payment) -> dict[str, Any]:
    """The "payment received" message to the payer, as ``notify``'s arguments."""
    return {
        "recipient": payment.payer,
        "template_key": "payments/payment_received",
        "context": {
            "reference": payment.reference,
            "amount": f"{payment.amount_yen:,}",
            "description": payment.description,
            "receipt_url": settings.SITE_URL
            + reverse("payments:receipt", args=[payment.public_id]),
        },
        "reference": f"payments.payment:{payment.reference}",
    }


def payment_refresh(*, payment: Payment, source: str = "return") -> Payment:
    """Ask the provider for the true state (the return page never trusts the redirect) and
    apply it. A provider that cannot be reached leaves the payment as it is."""
    if payment.status != S.STARTED or not payment.provider_reference:
        return payment
    try:
        state = providers.get(payment.provider).fetch_payment(payment.provider_reference)
    except ProviderError:
        logger.warning("provider unreachable", extra={"payment_id": payment.pk})
        return payment
    try:
        with transaction.atomic():
            current = _locked(payment.pk)
            _apply_state(current, state, source=source)
    except AmountMismatch:
        # Left as it is, for finance: the settlement report shows the difference.
        logger.warning("provider amount differs", extra={"payment_id": payment.pk})
        return payment
    return current


# --- Webhook events: stored by the endpoint, applied in batches by the worker (ADR 0006) -------


def _refund_of_event(payment_id: int, event: Event, *, lock: bool) -> Refund | None:
    refunds = Refund.objects.filter(payment_id=payment_id)
    if lock:
        refunds = refunds.select_for_update()
    refund = refunds.filter(provider_reference=event.refund_reference).first()
    ours = _uuid_or_none(event.refund_our_reference)
    if refund is None and ours is not None:
        # A refund whose request timed out: we never learnt the provider's id for it.
        refund = refunds.filter(public_id=ours, provider_reference="").first()
    return refund


def _payment_of_event(provider: str, event: Event) -> int:
    """The id of the payment an event is about, after the checks that reject the event
    (unknown payment or refund, another amount). One indexed read; no lock."""
    payments = Payment.objects.filter(provider=provider)
    if event.provider_reference:
        payments = payments.filter(provider_reference=event.provider_reference)
    elif event.transaction_id:
        payments = payments.filter(provider_transaction_id=event.transaction_id)
    else:
        raise UnknownPayment("The event names no payment")
    found = payments.values_list("pk", "amount_yen").first()
    if found is None:
        raise UnknownPayment(f"No payment for {provider} {event.provider_reference}")
    payment_id, amount_yen = found
    if event.kind == "payment":
        assert event.state is not None
        if event.state.amount_yen is not None and event.state.amount_yen != amount_yen:
            raise AmountMismatch(
                f"The provider reports {event.state.amount_yen} yen for a payment of {amount_yen}"
            )
    else:
        refund = _refund_of_event(payment_id, event, lock=False)
        if refund is None:
            raise UnknownPayment(f"No refund {event.refund_reference}")
        if event.refund_amount_yen is not None and event.refund_amount_yen != refund.amount_yen:
            raise AmountMismatch("The provider reports a different refund amount")
    return payment_id


def _store_event(provider: str, event: Event, payment_id: int) -> bool:
    """INSERT the event unless its id is already stored; True when it was new.

    One statement (``ON CONFLICT DO NOTHING``): two deliveries of one event at the same
    moment are settled by the unique index, not by a lock or a failed transaction."""
    now = timezone.now()
    ctx = current_context()
    values = {
        "provider": provider,
        "event_id": event.event_id[:100],
        "type": event.type[:60],
        "payment_id": payment_id,
        "payload": asdict(event),
        "outcome": ProviderEvent.Outcome.PENDING,
        "attempts": 0,
        "error": "",
        "request_id": ctx.request_id[:64],
        "ip": ctx.ip[:45],
        "created_at": now,
        "updated_at": now,
    }
    return bulk.insert_unless_present(ProviderEvent, values, unique=["provider", "event_id"])


def webhook_event_receive(*, provider: str, event: Event) -> str:
    """Check and store one verified webhook event for the worker to apply; return
    ``accepted``, or ``duplicate`` for an event id already stored. An unknown payment or
    refund, or another amount, raises and stores nothing."""
    payment_id = _payment_of_event(provider, event)
    return "accepted" if _store_event(provider, event, payment_id) else "duplicate"


def _event_of(payload: dict[str, Any]) -> Event:
    state = payload.get("state")
    return Event(**{**payload, "state": PaymentState(**state) if state else None})


class _PaymentWrites:
    """What a batch of events changes, written at the end in a few statements: the payments
    (one UPDATE for all rows), their audit events (one INSERT) and the "paid" messages
    (notify_many)."""

    def __init__(self) -> None:
        self.changed: list[tuple[Payment, dict[str, Any], list[str], ProviderEvent]] = []

    def add(
        self, payment: Payment, before: dict[str, Any], fields: list[str], row: ProviderEvent
    ) -> None:
        self.changed.append((payment, before, fields, row))

    def write(self, *, source: str) -> None:
        if not self.changed:
            return
        now = timezone.now()
        names = {"version", "updated_at"}
        events, messages = [], []
        for payment, before, fields, row in self.changed:
            # The rows are locked (PostgreSQL) or the database is (SQLite's IMMEDIATE
            # transactions), so the version check of _save is not needed; the bump is.
            payment.version += 1
            payment.updated_at = now
            names.update(fields)
            changes = audit.diff(before, audit.snapshot(payment, WATCHED), fields=WATCHED)
            changes["source"] = [None, source]
            # Traced to the webhook request that delivered the event, as when it was applied
            # in that request.
            events.append(
                {
                    **_audit_event(payment, f"payment_{payment.status}", changes),
                    "request_id": row.request_id,
                    "ip": row.ip,
                }
            )
            if payment.status == S.SUCCEEDED and payment.payer is not None:
                messages.append(_paid_message(payment))
        bulk.update_rows([change[0] for change in self.changed], sorted(names))
        audit.record_many(events)
        notify_many(messages)


# Held by the one worker applying events at a time (PostgreSQL; SQLite has one writer anyway).
_APPLIER_LOCK = 0x6D6E7470  # "mntp"


def _applier_lock_taken() -> bool:
    """Take the transaction's applier lock, or say another worker holds it. One applier at a
    time keeps a payment's events in the order they arrived, even across batches."""
    connection = connections[router.db_for_write(ProviderEvent)]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_APPLIER_LOCK])
        row = cursor.fetchone()
    return not (row and row[0])


def _pending_events() -> QuerySet[ProviderEvent]:
    return ProviderEvent.objects.filter(outcome=ProviderEvent.Outcome.PENDING).order_by("pk")


@transaction.atomic
def _webhook_events_apply_batch(batch_size: int, *, event_id: int | None = None) -> int:
    if _applier_lock_taken():
        return 0
    pending = _pending_events()
    if event_id is not None:
        pending = pending.filter(pk=event_id)
    stored = list(pending[:batch_size])
    if not stored:
        return 0
    # Locked in id order, as a return page or the sweep lock one: no deadlock.
    payments = {
        payment.pk: payment
        for payment in Payment.objects.select_for_update(of=("self",))
        .select_related("payer__profile")
        .filter(pk__in={row.payment_id for row in stored})
        .order_by("pk")
    }
    writes = _PaymentWrites()
    now = timezone.now()
    for row in stored:
        payment = payments.get(row.payment_id or 0)
        try:
            event = _event_of(row.payload)
            if payment is None:
                raise UnknownPayment("The payment no longer exists")
            if event.kind == "payment":
                assert event.state is not None
                outcome, before, fields = _state_change(payment, event.state)
                if outcome == ProviderEvent.Outcome.APPLIED:
                    writes.add(payment, before, fields, row)
            else:
                # Its audit event names the webhook request that delivered it, as payment
                # events' do; a refund event that fails leaves nothing behind.
                token = set_context(
                    replace(current_context(), request_id=row.request_id, ip=row.ip)
                )
                try:
                    with transaction.atomic():
                        outcome = _apply_refund_event(payment, event)
                finally:
                    reset_context(token)
        except PaymentError as exc:
            logger.warning(
                "webhook event not applied",
                extra={"provider_event_id": row.pk, "reason": type(exc).__name__},
            )
            outcome, row.error = ProviderEvent.Outcome.REJECTED, str(exc)[:200]
        row.outcome, row.applied_at, row.updated_at = outcome, now, now
    writes.write(source="webhook")
    bulk.update_rows(stored, ["outcome", "error", "applied_at", "updated_at"])
    return len(stored)


MAX_EVENT_ATTEMPTS = 5
# A failing event is given up only once it has failed this many rounds *and* is this old, so
# a short-lived bug or outage (fixed by a deploy) does not reject good events.
EVENT_GIVE_UP_AFTER = timedelta(minutes=15)


def _webhook_events_apply_one_by_one(batch_size: int) -> int:
    """After a batch failed on something other than the payment rules (a bug, a constraint):
    apply its events one at a time, so the others go through. The one that fails is counted
    (``attempts``, ``error``) and rejected after MAX_EVENT_ATTEMPTS rounds once it is
    EVENT_GIVE_UP_AFTER old, so it never blocks the queue for good; until then it keeps
    /readyz failing (PAYMENTS_EVENTS_STALE_SECONDS), which is the alarm. A database error
    (connection lost, deadlock, timeout) says nothing about the event and is not counted."""
    applied = 0
    for event_id in list(_pending_events().values_list("pk", flat=True)[:batch_size]):
        try:
            applied += _webhook_events_apply_batch(1, event_id=event_id)
        except (OperationalError, InterfaceError):
            logger.exception("webhook event not applied", extra={"provider_event_id": event_id})
        except Exception as exc:
            logger.exception("webhook event failed", extra={"provider_event_id": event_id})
            _webhook_event_failed(event_id, exc)
    return applied


@transaction.atomic
def _webhook_event_failed(event_id: int, exc: Exception) -> None:
    row = _pending_events().select_for_update().filter(pk=event_id).first()
    if row is None:
        return
    now = timezone.now()
    row.attempts += 1
    row.error = f"{type(exc).__name__} (attempt {row.attempts})"[:200]
    row.updated_at = now
    fields = ["attempts", "error", "updated_at"]
    if row.attempts >= MAX_EVENT_ATTEMPTS and row.created_at < now - EVENT_GIVE_UP_AFTER:
        row.outcome, row.applied_at = ProviderEvent.Outcome.REJECTED, now
        fields += ["outcome", "applied_at"]
    row.save(update_fields=fields)


def webhook_events_apply(*, batch_size: int = 200) -> int:
    """Apply the stored webhook events, oldest first, in batches of ``batch_size`` (each in
    one transaction); return how many. Run by the worker every PAYMENTS_EVENTS_SECONDS.

    Every worker runs it; on PostgreSQL one at a time applies (the others find the applier
    lock taken and skip the round; on SQLite they wait for the writer lock), so events are
    applied in id order, which is the order they were stored except for requests committing
    at the same instant. A payment reached
    by two events is changed once (the second finds it final), exactly as when the return
    page or the sweep got there first."""
    if not _pending_events().exists():  # the idle case: no write transaction (SQLite)
        return 0
    applied = 0
    while True:
        try:
            done = _webhook_events_apply_batch(batch_size)
        except Exception:
            logger.exception("webhook event batch failed; applying its events one by one")
            return applied + _webhook_events_apply_one_by_one(batch_size)  # the rest next round
        applied += done
        if done < batch_size:
            return applied


def _apply_refund_event(payment: Payment, event: Event) -> str:
    refund = _refund_of_event(payment.pk, event, lock=True)
    if refund is None:
        raise UnknownPayment(f"No refund {event.refund_reference}")
    if not refund.provider_reference and event.refund_reference:
        refund.provider_reference = event.refund_reference
        refund.save(update_fields=["provider_reference", "updated_at"])
    if event.refund_amount_yen is not None and event.refund_amount_yen != refund.amount_yen:
        raise AmountMismatch("The provider reports a different refund amount")
    if event.refund_status is None or event.refund_status == "pending":
        return ProviderEvent.Outcome.IGNORED
    return _refund_finish(refund, event.refund_status, "")


# --- Counter payments and assessed fees -----------------------------------------------------


@transaction.atomic
def counter_payment_record(
    *, payable: Payable, staff: Any, method: str, terminal_transaction_id: str
) -> Payment:
    """Record a cashless payment taken on a terminal at the counter (窓口): card, QR code or
    transport IC card, with the terminal's transaction id (unique: a slip entered twice is
    refused)."""
    if not permissions.can_see_department(staff, payable.department_id):
        raise NotPayable("Not allowed")
    # Staff may take a fee at the counter that cannot be paid online yet (or at all, when it
    # is paid in person); nothing else that is blocked.
    if not payable.counter_payable:
        raise NotPayable(str(payable.blocked_reason or "Nothing to pay"))
    terminal_transaction_id = terminal_transaction_id.strip()
    if not terminal_transaction_id:
        raise PaymentError("Enter the terminal's transaction id")
    if _terminal_recorded(terminal_transaction_id):
        raise PaymentError("This terminal transaction id is already recorded")
    live = _live_payment(payable.purpose, payable.object_ref)
    if live is not None and live.status in (S.SUCCEEDED, S.STARTED):
        raise AlreadyPaid("This has already been paid, or a payment is in progress.")
    if live is not None:
        payment_cancel(payment=live, reason="paid_at_counter")
    now = timezone.now()
    try:
        # A form submitted twice at once: the second insert breaks a unique constraint.
        with transaction.atomic():
            payment = Payment.objects.create(
                **_payment_of(payable),
                channel=Payment.Channel.COUNTER,
                provider=providers.COUNTER,
                provider_reference=terminal_transaction_id,
                provider_transaction_id=terminal_transaction_id,
                method=method,
                status=S.SUCCEEDED,
                started_at=now,
                succeeded_at=now,
                finished_at=now,
                recorded_by=staff,
            )
    except IntegrityError:
        if _terminal_recorded(terminal_transaction_id):
            raise PaymentError("This terminal transaction id is already recorded") from None
        raise AlreadyPaid("This has already been paid, or a payment is in progress.") from None
    _audit(
        payment,
        "payment_succeeded",
        {
            "status": [None, S.SUCCEEDED],
            "amount_yen": [None, payment.amount_yen],
            "channel": [None, "counter"],
            "method": [None, method],
            "provider_reference": [None, terminal_transaction_id],
        },
    )
    _notify_paid(payment)
    return payment


def _terminal_recorded(terminal_transaction_id: str) -> bool:
    return Payment.objects.filter(
        provider=providers.COUNTER, provider_reference=terminal_transaction_id
    ).exists()


@transaction.atomic
def assessed_fee_set(*, payable: Payable, amount_yen: int, staff: Any) -> AssessedFee:
    """Staff set the fee of a procedure whose fee is assessed after review; the resident
    is told and pays once the application is approved."""
    if payable.fee_type != "assessed" or not permissions.can_see_department(
        staff, payable.department_id
    ):
        raise NotPayable("This fee is not set by staff")
    if amount_yen <= 0:
        raise PaymentError("The fee must be at least 1 yen")
    if _live_payment(payable.purpose, payable.object_ref) is not None:
        raise AlreadyPaid("A payment for this fee has already been made or started.")
    fee = (
        AssessedFee.objects.select_for_update()
        .filter(purpose=payable.purpose, object_ref=payable.object_ref)
        .first()
    )
    old = fee.amount_yen if fee else None
    if fee is None:
        fee = AssessedFee.objects.create(
            purpose=payable.purpose,
            object_ref=payable.object_ref,
            amount_yen=amount_yen,
            department_id=payable.department_id,
            set_by=staff,
        )
    else:
        fee.amount_yen = amount_yen
        fee.set_by = staff
        fee.save(update_fields=["amount_yen", "set_by", "updated_at"])
    audit.record(
        action="payments.fee_assessed",
        obj=fee,
        subject_id=payable.payer_id,
        department_id=payable.department_id,
        changes={"amount_yen": [old, amount_yen], "purpose": [None, payable.object_ref]},
    )
    if payable.payer_id is not None:
        from minato.accounts.models import User

        notify(
            recipient=User.objects.get(pk=payable.payer_id),
            template_key="payments/fee_assessed",
            context={
                "amount": f"{amount_yen:,}",
                "title": payable.description,
                "url": settings.SITE_URL + payable.resident_url,
            },
            reference=f"payments.fee:{payable.object_ref}",
        )
    return fee


# --- Refunds --------------------------------------------------------------------------------


def refundable_yen(payment: Payment) -> int:
    taken = (
        payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount_yen"))[
            "total"
        ]
        or 0
    )
    return payment.amount_yen - taken


def refund_request(
    *,
    payment: Payment,
    amount_yen: int,
    reason: str,
    staff: Any,
    request_key: str,
    counter_refund_reference: str = "",
) -> Refund:
    """Refund all or part of a paid payment (supervisors and above). The same request_key
    returns the refund already asked for. Online refunds go to the provider outside the
    transaction; its confirmation (the answer, or a later webhook) makes it succeeded."""
    if not permissions.can_refund_payment(staff, payment.department_id):
        raise RefundNotAllowed("Refunds need a supervisor or above in the payment's department")
    return _refund(
        payment=payment,
        amount_yen=amount_yen,
        reason=reason,
        requested_by=staff,
        request_key=request_key,
        counter_refund_reference=counter_refund_reference,
    )


def refund_by_rule(*, payment: Payment, reason: str, request_key: str) -> Refund:
    """Refund what is left of an online payment because a published rule says so, with no
    member of staff deciding (a resident cancels a paid booking before its cancellation
    deadline). A counter payment needs the terminal, so it is refused: the caller sends the
    person to the counter. The same request_key returns the refund already asked for."""
    if payment.provider == providers.COUNTER:
        raise RefundNotAllowed("A counter payment is refunded at the counter")
    existing = Refund.objects.filter(payment=payment, request_key=request_key).first()
    if existing is not None:
        return existing
    return _refund(
        payment=payment,
        amount_yen=refundable_yen(payment),
        reason=reason,
        requested_by=None,
        request_key=request_key,
    )


def _refund(
    *,
    payment: Payment,
    amount_yen: int,
    reason: str,
    requested_by: Any,
    request_key: str,
    counter_refund_reference: str = "",
) -> Refund:
    reason = reason.strip()
    if not reason:
        raise PaymentError("Give the reason for the refund")
    with transaction.atomic():
        current = _locked(payment.pk)
        existing = Refund.objects.filter(payment=current, request_key=request_key).first()
        if existing is not None:
            return existing
        if current.status != S.SUCCEEDED:
            raise RefundNotAllowed("Only a completed payment can be refunded")
        if amount_yen <= 0 or amount_yen > refundable_yen(current):
            raise PaymentError(f"The refund must be between 1 and {refundable_yen(current)} yen")
        counter = current.provider == providers.COUNTER
        if counter and not counter_refund_reference.strip():
            raise PaymentError("Enter the terminal's refund transaction id")
        refund = Refund.objects.create(
            payment=current,
            amount_yen=amount_yen,
            reason=reason[:500],
            request_key=request_key,
            requested_by=requested_by,
            provider_reference=counter_refund_reference.strip() if counter else "",
        )
        audit.record(
            action="payments.refund_requested",
            obj=refund,
            subject_id=current.payer_id,
            department_id=current.department_id,
            changes={
                "payment": [None, current.reference],
                "amount_yen": [None, amount_yen],
                # The reason is free text that may say something about the resident
                # (decision 0007): the refund keeps it; the chain, that one was given.
                "reason_length": [None, len(refund.reason)],
            },
        )
        if counter:
            _refund_finish(refund, "succeeded", "")
            return refund
    _refund_send(refund)
    refund.refresh_from_db()
    return refund


def _refund_send(refund: Refund) -> None:
    """Ask the provider to refund (outside any transaction) and record its answer. A refusal
    fails the refund; no answer (timeout, 5xx) leaves it pending: the provider may have
    refunded, so the amount stays taken until its webhook or the sweep says how it ended.
    The idempotency key is the refund's own, so asking again never refunds twice."""
    payment = refund.payment
    try:
        result = providers.get(payment.provider).refund(
            provider_reference=payment.provider_reference,
            transaction_id=payment.provider_transaction_id,
            amount_yen=refund.amount_yen,
            key=_refund_key(refund),
            our_reference=str(refund.public_id),
        )
    except ProviderRefused as exc:
        result = RefundResult(provider_reference="", status="failed", failure_reason=str(exc))
    except ProviderError:
        logger.warning("refund outcome unknown", extra={"refund_id": refund.pk})
        return
    _refund_record(refund, result)


def _refund_key(refund: Refund) -> str:
    return f"minato-refund-{refund.public_id}"


def _refund_record(refund: Refund, result: RefundResult) -> None:
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=refund.pk)
        )
        if result.provider_reference and not refund.provider_reference:
            refund.provider_reference = result.provider_reference
            refund.save(update_fields=["provider_reference", "updated_at"])
        if refund.status == Refund.Status.PENDING and result.status != "pending":
            _refund_finish(refund, result.status, result.failure_reason)


def _refund_finish(refund: Refund, status: str, failure_reason: str) -> str:
    if refund.status != Refund.Status.PENDING:
        return (
            ProviderEvent.Outcome.IGNORED
            if refund.status == status
            else ProviderEvent.Outcome.CONFLICT
        )
    old = refund.status
    refund.status = status
    refund.failure_reason = failure_reason[:100]
    if status == Refund.Status.SUCCEEDED:
        refund.succeeded_at = timezone.now()
    refund.save(update_fields=["status", "failure_reason", "succeeded_at", "updated_at"])
    payment = refund.payment
    audit.record(
        action=f"payments.refund_{status}",
        obj=refund,
        subject_id=payment.payer_id,
        department_id=payment.department_id,
        changes={"status": [old, status], "provider_reference": [None, refund.provider_reference]},
    )
    if status == Refund.Status.SUCCEEDED and payment.payer is not None:
        notify(
            recipient=payment.payer,
            template_key="payments/refund_completed",
            context={
                "reference": payment.reference,
                "amount": f"{refund.amount_yen:,}",
                "description": payment.description,
            },
            reference=f"payments.payment:{payment.reference}",
        )
    return ProviderEvent.Outcome.APPLIED


# --- The sweep ------------------------------------------------------------------------------


def payments_sweep_stuck() -> int:
    """Ask the provider about payments left "started" for longer than
    PAYMENTS_STUCK_AFTER_MINUTES (a lost webhook, a resident who never came back) and apply
    the answer. Returns how many changed."""
    cutoff = timezone.now() - timedelta(minutes=settings.PAYMENTS_STUCK_AFTER_MINUTES)
    changed = 0
    stuck = Payment.objects.filter(status=S.STARTED, started_at__lt=cutoff).order_by("pk")[:500]
    for payment in stuck:
        if not payment.provider_reference:
            _checkout_abandon(payment, reason="start_interrupted")
            changed += 1
        elif payment_refresh(payment=payment, source="sweep").status != S.STARTED:
            changed += 1
    return changed


def refunds_sweep_pending() -> int:
    """Ask the provider about online refunds still pending after
    PAYMENTS_STUCK_AFTER_MINUTES (a request that timed out, a lost webhook) and record the
    answer. A refund the provider has never heard of is sent again with the same
    idempotency key. Returns how many were settled."""
    cutoff = timezone.now() - timedelta(minutes=settings.PAYMENTS_STUCK_AFTER_MINUTES)
    settled = 0
    pending = (
        Refund.objects.filter(status=Refund.Status.PENDING, created_at__lt=cutoff)
        .exclude(payment__provider=providers.COUNTER)
        .select_related("payment")
        .order_by("pk")[:500]
    )
    for refund in pending:
        payment = refund.payment
        try:
            found = providers.get(payment.provider).find_refund(
                provider_reference=payment.provider_reference,
                transaction_id=payment.provider_transaction_id,
                key=_refund_key(refund),
                our_reference=str(refund.public_id),
            )
        except ProviderError:
            logger.warning("provider unreachable", extra={"refund_id": refund.pk})
            continue
        if found is None:
            _refund_send(refund)
        else:
            _refund_record(refund, found)
        refund.refresh_from_db()
        if refund.status != Refund.Status.PENDING:
            settled += 1
    return settled
