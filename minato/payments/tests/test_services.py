from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.payments import payables, services
from minato.payments.models import AssessedFee, Payment, ProviderEvent, Refund, SandboxCheckout
from minato.payments.payables import Payable
from minato.payments.providers import sandbox
from minato.payments.providers.base import PaymentState, ProviderError
from minato.payments.tests.conftest import APPLICATION, make_application
from minato.procedures.models import Application, Procedure

pytestmark = pytest.mark.django_db


def _actions(payment: Payment) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="payments.payment", object_id=str(payment.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_amount_comes_from_the_application_not_the_client(payable: Payable) -> None:
    payment = services.payment_begin(payable=payable)
    assert payment.amount_yen == 1200
    assert payment.status == Payment.Status.STARTED
    assert payment.account_code == "13-02-05-02"
    assert payment.account_name.endswith("粗大ごみ処理手数料")
    assert payment.description.startswith("粗大ごみ収集の申込 手数料")
    assert SandboxCheckout.objects.get(checkout_id=payment.provider_reference).amount_yen == 1200


def test_a_fee_without_a_revenue_account_is_not_taken(payable: Payable) -> None:
    # given a kind of thing that forgot to say where its fee is booked
    from dataclasses import replace

    unbooked = replace(payable, account_code="", account_name="")
    # when the resident pays, then nothing is created (no silent catch-all account)
    with pytest.raises(services.NotPayable):
        services.payment_begin(payable=unbooked)
    assert not Payment.objects.exists()


def test_a_successful_sandbox_payment_is_applied_once_with_an_audit_trail(
    payable: Payable, pay: Callable[..., Payment]
) -> None:
    payment = pay(payable, "success")
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.provider_transaction_id.startswith("sbx_pi_")
    assert _actions(payment) == [
        "payments.payment_created",
        "payments.payment_started",
        "payments.payment_checkout_opened",
        "payments.payment_succeeded",
    ]
    assert [m.subject for m in mail.outbox if "領収番号" in m.subject] == [
        f"【港区】お支払いを受け付けました（領収番号 {payment.reference}）"
    ]


def test_a_decline_followed_by_a_retry_succeeds(
    payable: Payable, pay: Callable[..., Payment]
) -> None:
    declined = pay(payable, "decline")
    assert declined.status == Payment.Status.FAILED
    assert declined.failure_reason == "card_declined"
    retried = pay(payables.for_payer(APPLICATION, payable.object_ref, declined.payer), "success")
    assert retried.pk != declined.pk
    assert retried.status == Payment.Status.SUCCEEDED


def test_a_second_pay_now_while_started_reuses_the_same_checkout(payable: Payable) -> None:
    first = services.payment_begin(payable=payable)
    second = services.payment_begin(payable=payable)
    assert first.pk == second.pk
    assert second.checkout_url == first.checkout_url


def test_a_paid_application_cannot_be_paid_again(
    payable: Payable, pay: Callable[..., Payment]
) -> None:
    pay(payable, "success")
    with pytest.raises(services.AlreadyPaid):
        services.payment_begin(payable=payable)


def test_the_webhook_and_the_return_page_together_apply_the_payment_once(
    payable: Payable, webhooks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a payment the provider has completed, whose webhooks are in flight
    payment = services.payment_begin(payable=payable)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        sandbox.checkout_choose(checkout_id=payment.provider_reference, outcome="success")
    provider = sandbox.SandboxProvider()
    real_fetch = provider.fetch_payment

    def fetch_while_the_webhooks_arrive(reference: str) -> PaymentState:
        state = real_fetch(reference)
        for callback in pending:  # the webhooks land between the ask and the write
            callback()
        return state

    # when the return page asks the provider while the webhooks are applied
    with (
        mock.patch.object(provider, "fetch_payment", fetch_while_the_webhooks_arrive),
        mock.patch("minato.payments.providers.get", return_value=provider),
    ):
        services.payment_refresh(payment=payment)
    # then it is succeeded, audited and notified exactly once
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert _actions(payment).count("payments.payment_succeeded") == 1
    assert sum("領収番号" in m.subject for m in mail.outbox) == 1


def test_the_return_page_asks_the_provider_and_does_not_trust_the_redirect(
    payable: Payable,
) -> None:
    payment = services.payment_begin(payable=payable)
    # coming back without paying anything: the provider says it is still open
    assert services.payment_refresh(payment=payment).status == Payment.Status.STARTED


def test_a_timed_out_payment_is_expired_by_the_sweep_once_the_provider_expires_it(
    payable: Payable, pay: Callable[..., Payment]
) -> None:
    payment = pay(payable, "timeout")
    assert payment.status == Payment.Status.STARTED
    assert services.payments_sweep_stuck() == 0  # not stuck long enough yet
    later = timezone.now() - timedelta(hours=2)
    Payment.objects.filter(pk=payment.pk).update(started_at=later)
    SandboxCheckout.objects.filter(checkout_id=payment.provider_reference).update(expires_at=later)
    assert services.payments_sweep_stuck() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert "payments.payment_expired" in _actions(payment)


def test_an_abandoned_payment_expires_and_the_resident_can_pay_again(
    payable: Payable, pay: Callable[..., Payment]
) -> None:
    assert pay(payable, "abandon").status == Payment.Status.EXPIRED
    assert pay(payable, "success").status == Payment.Status.SUCCEEDED


def test_a_3d_secure_challenge_passed_succeeds_and_failed_declines(
    payable: Payable, webhooks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    payment = services.payment_begin(payable=payable)
    sandbox.checkout_choose(checkout_id=payment.provider_reference, outcome="challenge")
    with django_capture_on_commit_callbacks(execute=True):
        sandbox.challenge_answer(checkout_id=payment.provider_reference, passed=False)
    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == ("failed", "authentication_failed")


def test_an_assessed_fee_is_paid_only_after_approval(
    catalogue: dict[str, Procedure], alice: User, charlie: User
) -> None:
    procedure = catalogue["juminhyo"]
    procedure.fee_type, procedure.fee_amount_yen = "assessed", None
    procedure.payment_timing = "after_approval"
    procedure.save(update_fields=["fee_type", "fee_amount_yen", "payment_timing"])
    application = make_application(
        procedure, alice, reference="ASSESS23", fee_yen=None, status="in_review"
    )
    assert not payables.for_payer(APPLICATION, "ASSESS23", alice).payable  # type: ignore[union-attr]
    staff_view = payables.for_staff(APPLICATION, "ASSESS23", charlie)
    assert staff_view is not None
    services.assessed_fee_set(payable=staff_view, amount_yen=2500, staff=charlie)
    assert AssessedFee.objects.get().amount_yen == 2500
    assert any("手数料が決まりました" in m.subject for m in mail.outbox)
    waiting = payables.for_payer(APPLICATION, "ASSESS23", alice)
    assert waiting is not None and not waiting.payable
    Application.objects.filter(pk=application.pk).update(status="approved")
    ready = payables.for_payer(APPLICATION, "ASSESS23", alice)
    assert ready is not None and ready.payable and ready.amount_yen == 2500


def test_staff_record_a_counter_payment_with_the_terminal_transaction_id(
    catalogue: dict[str, Procedure], alice: User, charlie: User
) -> None:
    make_application(
        catalogue["juminhyo"], alice, reference="COUNTER2", fee_yen=None, status="received"
    )
    payable = payables.for_staff(APPLICATION, "COUNTER2", charlie)
    assert payable is not None and payable.amount_yen == 300
    payment = services.counter_payment_record(
        payable=payable, staff=charlie, method="transport_ic", terminal_transaction_id="T-0001"
    )
    assert (payment.status, payment.channel, payment.provider_reference) == (
        "succeeded",
        "counter",
        "T-0001",
    )
    with pytest.raises(services.PaymentError):
        services.counter_payment_record(
            payable=payable, staff=charlie, method="card", terminal_transaction_id="T-0001"
        )


def test_erin_cannot_see_or_record_payments_of_another_department(
    sodai_application: Application, erin: User, charlie: User
) -> None:
    # 粗大ごみ belongs to 環境課 (erin's); charlie in 区民課 sees nothing of it
    assert payables.for_staff(APPLICATION, sodai_application.reference, charlie) is None
    assert payables.for_staff(APPLICATION, sodai_application.reference, erin) is not None


@pytest.fixture
def paid(payable: Payable, pay: Callable[..., Payment]) -> Payment:
    return pay(payable, "success")


@pytest.fixture
def kankyo_supervisor(departments: dict[str, Any]) -> User:
    from conftest import _staff

    return _staff("kankyo-boss@city.minato.example", departments["kankyo"], "supervisor")


def test_a_clerk_cannot_refund(paid: Payment, erin: User) -> None:
    with pytest.raises(services.RefundNotAllowed):
        services.refund_request(
            payment=paid, amount_yen=100, reason="x", staff=erin, request_key="k1"
        )
    assert not Refund.objects.exists()


def test_a_supervisor_refunds_part_then_the_rest_and_the_provider_confirms(
    paid: Payment, kankyo_supervisor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.refund_request(
            payment=paid,
            amount_yen=400,
            reason="1点キャンセル",
            staff=kankyo_supervisor,
            request_key="k1",
        )
    first.refresh_from_db()
    assert first.status == Refund.Status.SUCCEEDED  # confirmed by the sandbox's webhook
    assert first.provider_reference.startswith("sbx_re_")
    with pytest.raises(services.PaymentError):
        services.refund_request(
            payment=paid,
            amount_yen=801,
            reason="too much",
            staff=kankyo_supervisor,
            request_key="k2",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_request(
            payment=paid,
            amount_yen=800,
            reason="全額",
            staff=kankyo_supervisor,
            request_key="k3",
        )
    assert services.refundable_yen(paid) == 0
    assert any("返金しました" in m.subject for m in mail.outbox)


def test_a_refund_reason_stays_out_of_the_audit_log(paid: Payment, kankyo_supervisor: User) -> None:
    # given a reason that says something about the resident (decision 0007)
    reason = "申請者が入院中のため（港 アリス様より電話）"
    # when a supervisor refunds with it
    refund = services.refund_request(
        payment=paid, amount_yen=100, reason=reason, staff=kankyo_supervisor, request_key="k1"
    )
    # then the refund keeps the reason, and the audit log only that one was given
    assert refund.reason == reason
    event = AuditEvent.objects.get(action="payments.refund_requested")
    assert "港" not in str(event.changes) and "入院" not in str(event.changes)
    assert event.changes["reason_length"] == [None, len(reason)]


def test_the_same_refund_request_twice_refunds_once(paid: Payment, kankyo_supervisor: User) -> None:
    for _ in range(2):
        services.refund_request(
            payment=paid,
            amount_yen=1200,
            reason="取消",
            staff=kankyo_supervisor,
            request_key="same",
        )
    assert Refund.objects.count() == 1
    assert sandbox.SandboxRefund.objects.count() == 1


def test_a_webhook_for_a_final_payment_contradicting_it_changes_nothing(
    paid: Payment, webhooks: Any
) -> None:
    from minato.payments.providers.base import Event

    received = services.webhook_event_receive(
        provider="sandbox",
        event=Event(
            event_id="evt_x",
            type="payment.declined",
            kind="payment",
            provider_reference=paid.provider_reference,
            state=PaymentState(status="failed", amount_yen=1200),
        ),
    )
    assert received == "accepted"
    assert services.webhook_events_apply() == 1
    assert ProviderEvent.objects.get(event_id="evt_x").outcome == ProviderEvent.Outcome.CONFLICT
    paid.refresh_from_db()
    assert paid.status == Payment.Status.SUCCEEDED


def test_a_refund_whose_answer_the_sandbox_lost_is_settled_by_the_sweep(
    paid: Payment, kankyo_supervisor: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sandbox.SandboxProvider.refund

    def answer_lost(self: sandbox.SandboxProvider, **kwargs: Any) -> Any:
        real(self, **kwargs)
        raise ProviderError("timeout")

    monkeypatch.setattr(sandbox.SandboxProvider, "refund", answer_lost)
    refund = services.refund_request(
        payment=paid, amount_yen=1200, reason="取消", staff=kankyo_supervisor, request_key="k1"
    )
    assert refund.status == Refund.Status.PENDING
    assert services.refundable_yen(paid) == 0
    settings.PAYMENTS_STUCK_AFTER_MINUTES = 0
    assert services.refunds_sweep_pending() == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.provider_reference.startswith("sbx_re_")
    assert sandbox.SandboxRefund.objects.count() == 1


def test_a_refund_that_never_reached_the_sandbox_is_sent_again_by_the_sweep_once(
    paid: Payment, kankyo_supervisor: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(
            sandbox.SandboxProvider, "refund", mock.Mock(side_effect=ProviderError("down"))
        )
        refund = services.refund_request(
            payment=paid, amount_yen=300, reason="一部", staff=kankyo_supervisor, request_key="k1"
        )
    assert refund.status == Refund.Status.PENDING
    settings.PAYMENTS_STUCK_AFTER_MINUTES = 0
    services.refunds_sweep_pending()
    services.refunds_sweep_pending()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert sandbox.SandboxRefund.objects.get().amount_yen == 300


def test_a_counter_payment_cannot_cancel_a_payment_while_its_checkout_is_being_opened(
    payable: Payable, erin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sandbox.SandboxProvider.create_checkout
    staff_view = payables.for_staff(APPLICATION, payable.object_ref, erin)
    assert staff_view is not None

    def counter_payment_meanwhile(self: sandbox.SandboxProvider, request: Any) -> Any:
        with pytest.raises(services.AlreadyPaid):
            services.counter_payment_record(
                payable=staff_view, staff=erin, method="card", terminal_transaction_id="T-9"
            )
        return real(self, request)

    monkeypatch.setattr(sandbox.SandboxProvider, "create_checkout", counter_payment_meanwhile)
    payment = services.payment_begin(payable=payable)
    assert payment.status == Payment.Status.STARTED
    assert payment.provider_reference.startswith("sbx_cs_")
    assert Payment.objects.count() == 1


def test_a_payment_whose_checkout_was_never_recorded_is_cancelled_by_the_sweep(
    payable: Payable, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = services.payment_prepare(payable=payable)
    # The process stopped between claiming the payment and recording the checkout.
    monkeypatch.setattr(
        sandbox.SandboxProvider, "create_checkout", mock.Mock(side_effect=SystemExit)
    )
    with pytest.raises(SystemExit):
        services.payment_start(payment=payment)
    settings.PAYMENTS_STUCK_AFTER_MINUTES = 0
    assert services.payments_sweep_stuck() == 1
    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == ("cancelled", "start_interrupted")


def test_a_counter_payment_submitted_twice_at_once_is_refused_not_a_server_error(
    payable: Payable, erin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_view = payables.for_staff(APPLICATION, payable.object_ref, erin)
    assert staff_view is not None
    services.counter_payment_record(
        payable=staff_view, staff=erin, method="card", terminal_transaction_id="T-1"
    )
    # The second submit checked before the first one committed.
    monkeypatch.setattr(services, "_live_payment", lambda purpose, object_ref: None)
    with pytest.raises(services.AlreadyPaid):
        services.counter_payment_record(
            payable=staff_view, staff=erin, method="card", terminal_transaction_id="T-2"
        )
    assert Payment.objects.count() == 1


def _assessed(catalogue: dict[str, Procedure], alice: User, charlie: User, status: str) -> Payable:
    procedure = catalogue["juminhyo"]
    procedure.fee_type, procedure.fee_amount_yen = "assessed", None
    procedure.payment_timing = "after_approval"
    procedure.save(update_fields=["fee_type", "fee_amount_yen", "payment_timing"])
    application = make_application(
        procedure, alice, reference="ASSESS23", fee_yen=None, status=status
    )
    AssessedFee.objects.create(
        purpose=APPLICATION,
        object_ref=application.reference,
        amount_yen=2500,
        department_id=application.department_id,
    )
    staff_view = payables.for_staff(APPLICATION, "ASSESS23", charlie)
    assert staff_view is not None
    return staff_view


def test_staff_take_an_assessed_fee_at_the_counter_before_approval(
    catalogue: dict[str, Procedure], alice: User, charlie: User
) -> None:
    staff_view = _assessed(catalogue, alice, charlie, "in_review")
    payment = services.counter_payment_record(
        payable=staff_view, staff=charlie, method="card", terminal_transaction_id="T-7"
    )
    assert payment.amount_yen == 2500


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_an_assessed_fee_of_a_closed_application_cannot_be_taken_at_the_counter(
    catalogue: dict[str, Procedure], alice: User, charlie: User, status: str
) -> None:
    staff_view = _assessed(catalogue, alice, charlie, status)
    with pytest.raises(services.NotPayable):
        services.counter_payment_record(
            payable=staff_view, staff=charlie, method="card", terminal_transaction_id="T-8"
        )
    assert not Payment.objects.exists()


def test_a_fee_above_the_maximum_cannot_be_paid(
    sodai_application: Application, alice: User, erin: User
) -> None:
    Application.objects.filter(pk=sodai_application.pk).update(fee_yen=3_000_000_000)
    payable = payables.for_payer(APPLICATION, sodai_application.reference, alice)
    assert payable is not None and not payable.payable
    assert "2,000,000,000" in str(payable.blocked_reason)
    with pytest.raises(services.NotPayable):
        services.payment_begin(payable=payable)
    staff_view = payables.for_staff(APPLICATION, sodai_application.reference, erin)
    assert staff_view is not None
    with pytest.raises(services.NotPayable):
        services.counter_payment_record(
            payable=staff_view, staff=erin, method="card", terminal_transaction_id="T-3"
        )
    assert not Payment.objects.exists()


def test_a_started_payment_at_an_old_amount_is_closed_and_started_again_at_the_new_fee(
    sodai_application: Application, alice: User
) -> None:
    old = services.payment_begin(payable=payables.for_payer(APPLICATION, "SODAI234", alice))  # type: ignore[arg-type]
    Application.objects.filter(pk=sodai_application.pk).update(fee_yen=1500)
    new = services.payment_begin(payable=payables.for_payer(APPLICATION, "SODAI234", alice))  # type: ignore[arg-type]
    assert (new.status, new.amount_yen) == ("started", 1500)
    old.refresh_from_db()
    assert old.status == Payment.Status.EXPIRED
    assert SandboxCheckout.objects.get(checkout_id=old.provider_reference).status == "expired"


def test_staff_see_when_the_fee_changed_after_it_was_paid(
    sodai_application: Application,
    payable: Payable,
    pay: Callable[..., Payment],
    erin: User,
    staff_client: Callable[[User], Any],
) -> None:
    pay(payable, "success")
    Application.objects.filter(pk=sodai_application.pk).update(fee_yen=1500)
    page = staff_client(erin).get("/en/staff/payments/for/procedures.application/SODAI234/")
    assert "but the fee is now" in page.content.decode()
