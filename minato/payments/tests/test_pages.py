"""Resident and console pages: pay, return, history, receipt, counter, refunds, settlement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from minato.accounts.models import User
from minato.payments.models import Payment, Refund
from minato.payments.payables import Payable
from minato.payments.tests.conftest import APPLICATION
from minato.procedures.models import Application

pytestmark = pytest.mark.django_db
PAY = "/payments/pay/procedures.application/SODAI234/"


def test_pay_now_goes_to_the_sandbox_page_and_back_to_the_true_state(
    sodai_application: Application,
    alice: User,
    resident_client: Callable[[User], Client],
    webhooks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = resident_client(alice)
    page = client.get(PAY)
    assert page.status_code == 200 and "1,200" in page.content.decode()
    response = client.post(PAY)
    assert response.status_code == 302 and "/payments/sandbox/sbx_cs_" in response["Location"]
    checkout = client.get("/en" + response["Location"])
    assert "The payment succeeds" in checkout.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(response["Location"], {"outcome": "success"})
    payment = Payment.objects.get()
    assert back["Location"].endswith(f"/payments/{payment.public_id}/return/")
    detail = client.get(back["Location"], follow=True)
    assert payment.reference in detail.content.decode()
    assert Payment.objects.get().status == "succeeded"
    receipt = client.get(f"/payments/{payment.public_id}/receipt/")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    history = client.get("/en/payments/")
    assert payment.reference in history.content.decode()


def test_the_return_page_shows_waiting_when_the_provider_has_not_answered(
    payable: Payable, alice: User, resident_client: Callable[[User], Client]
) -> None:
    from minato.payments import services

    payment = services.payment_begin(payable=payable)
    page = resident_client(alice).get(f"/en/payments/{payment.public_id}/return/", follow=True)
    assert "We are waiting for the payment service" in page.content.decode()


def test_bob_cannot_see_or_pay_for_alices_application(
    payable: Payable,
    pay: Callable[..., Payment],
    bob: User,
    resident_client: Callable[[User], Client],
) -> None:
    payment = pay(payable, "success")
    client = resident_client(bob)
    assert client.get(PAY).status_code == 404
    assert client.post(PAY).status_code == 404
    assert client.get(f"/payments/{payment.public_id}/").status_code == 404
    assert client.get(f"/payments/{payment.public_id}/receipt/").status_code == 404
    assert payment.reference not in client.get("/payments/").content.decode()


def test_a_declined_payment_offers_to_try_again(
    payable: Payable,
    pay: Callable[..., Payment],
    alice: User,
    resident_client: Callable[[User], Client],
) -> None:
    payment = pay(payable, "decline")
    page = resident_client(alice).get(f"/en/payments/{payment.public_id}/")
    assert "Your card was declined." in page.content.decode()
    assert "Try again" in page.content.decode()


def test_the_payment_panel_shows_pay_now_to_the_applicant(
    sodai_application: Application, alice: User
) -> None:
    request = RequestFactory().get("/")
    request.user = alice
    html = Template("{% load payments %}{% payment_panel purpose application.reference %}").render(
        Context({"application": sodai_application, "purpose": APPLICATION, "request": request})
    )
    assert "/payments/pay/procedures.application/SODAI234/" in html


def _kankyo_supervisor(departments: dict[str, Any]) -> User:
    from conftest import _staff

    return _staff("kankyo-boss@city.minato.example", departments["kankyo"], "supervisor")


def test_staff_record_a_counter_payment_and_a_supervisor_refunds_it(
    sodai_application: Application,
    erin: User,
    departments: dict[str, Any],
    staff_client: Callable[[User], Client],
) -> None:
    clerk = staff_client(erin)
    thing = "/staff/payments/for/procedures.application/SODAI234/"
    assert clerk.get(thing).status_code == 200
    clerk.post(thing + "counter/", {"method": "card", "terminal_transaction_id": "TERM-42"})
    payment = Payment.objects.get()
    assert (payment.channel, payment.status, payment.recorded_by_id) == (
        "counter",
        "succeeded",
        erin.pk,
    )
    refund_url = f"/staff/payments/{payment.public_id}/refund/"
    data = {
        "amount_yen": "500",
        "reason": "品目取消",
        "request_key": "abc",
        "counter_refund_reference": "TERM-43",
    }
    clerk.post(refund_url, data)
    assert not Refund.objects.exists()  # a clerk may not refund
    boss = staff_client(_kankyo_supervisor(departments))
    boss.post(refund_url, data)
    boss.post(refund_url, data)  # the same form sent twice
    refund = Refund.objects.get()
    assert (refund.amount_yen, refund.status) == (500, "succeeded")
    # The payer sees, in 閲覧履歴, that the office took the payment and refunded some.
    payer = Client()
    payer.force_login(payment.payer)
    log = payer.get("/en/accounts/access-log/").content.decode()
    assert "Received your payment" in log and "Refunded your payment" in log


def test_a_clerk_of_another_department_cannot_open_the_payments_page(
    sodai_application: Application, charlie: User, staff_client: Callable[[User], Client]
) -> None:
    client = staff_client(charlie)
    assert client.get("/staff/payments/for/procedures.application/SODAI234/").status_code == 404


def test_the_settlement_report_flags_a_payment_the_provider_does_not_know(
    payable: Payable,
    pay: Callable[..., Payment],
    sam: User,
    staff_client: Callable[[User], Client],
) -> None:
    from django.utils import timezone

    from minato.payments.models import SandboxCheckout

    ok = pay(payable, "success")
    # the provider's record of it vanishes: it is now "recorded here, unknown to the provider"
    SandboxCheckout.objects.filter(checkout_id=ok.provider_reference).update(status="declined")
    day = timezone.localdate().isoformat()
    client = staff_client(sam)
    page = client.get(f"/en/staff/payments/settlement/?day={day}")
    assert "Recorded here, unknown to the provider" in page.content.decode()
    csv = client.get(f"/staff/payments/settlement/?day={day}&format=csv")
    assert csv.content.startswith("\ufeff".encode())
    text = csv.content.decode("utf-8-sig")
    assert "事業者記録なし" in text and "13-02-05-02" in text
    sjis = client.get(f"/staff/payments/settlement/?day={day}&format=sjis")
    assert "事業者記録なし" in sjis.content.decode("cp932")


def test_the_settlement_report_shows_a_fee_that_changed_after_the_payment(
    payable: Payable,
    pay: Callable[..., Payment],
    sodai_application: Application,
    sam: User,
    staff_client: Callable[[User], Client],
) -> None:
    from django.utils import timezone

    from minato.payments import reconciliation

    pay(payable, "success")  # 1,200 yen
    day = timezone.localdate()
    row = next(r for r in reconciliation.settlement_report(day=day).rows if r.kind == "payment")
    assert (row.object_ref, row.fee_now, row.flag) == ("SODAI234", None, "")
    # returned and resubmitted with another item: the fee is now 1,600 yen
    Application.objects.filter(pk=sodai_application.pk).update(fee_yen=1600)
    report = reconciliation.settlement_report(day=day)
    row = next(r for r in report.rows if r.kind == "payment")
    assert (row.fee_now, row.flag) == (1600, "")  # the provider and we still agree
    assert report.fee_changes == [row] and report.mismatches == []
    client = staff_client(sam)
    page = client.get(f"/en/staff/payments/settlement/?day={day.isoformat()}").content.decode()
    assert "Fee now 1,600 yen" in page and "1 payment was made at a fee that has changed" in page
    text = client.get(
        f"/staff/payments/settlement/?day={day.isoformat()}&format=csv"
    ).content.decode("utf-8-sig")
    assert "現在の手数料（支払後に変更）" in text
    assert text.strip().splitlines()[-1].endswith(",一致,1600")


def test_the_application_pages_show_the_payment_panel(
    sodai_application: Application,
    alice: User,
    erin: User,
    resident_client: Callable[[User], Client],
    staff_client: Callable[[User], Client],
) -> None:
    resident_page = resident_client(alice).get("/en/procedures/applications/SODAI234/")
    assert PAY in resident_page.content.decode()
    staff_page = staff_client(erin).get("/en/staff/applications/SODAI234/")
    assert "/staff/payments/for/procedures.application/SODAI234/" in staff_page.content.decode()
