from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from minato.accounts.models import User
from minato.payments import reconciliation
from minato.payments.models import Payment, Refund
from minato.payments.payables import Payable
from minato.procedures.models import Application

pytestmark = pytest.mark.django_db


def _refund_rows(day: date) -> list[reconciliation.Row]:
    report = reconciliation.settlement_report(day=day)
    return [row for row in report.rows if row.provider == "sandbox" and row.kind == "refund"]


def test_refunds_are_reported_on_the_day_they_settled_and_never_merged(
    payable: Payable, pay: Callable[..., Payment]
) -> None:
    paid = pay(payable, "success")
    today = timezone.localdate()
    for key, amount in (("asked-yesterday", 200), ("asked-today", 300)):
        # Succeeded today, but the provider's id never came back to us.
        Refund.objects.create(
            payment=paid,
            amount_yen=amount,
            reason="x",
            request_key=key,
            status=Refund.Status.SUCCEEDED,
            succeeded_at=timezone.now(),
        )
    Refund.objects.filter(request_key="asked-yesterday").update(
        created_at=timezone.now() - timedelta(days=1)
    )
    assert sorted(row.amount_here or 0 for row in _refund_rows(today)) == [200, 300]
    assert _refund_rows(today - timedelta(days=1)) == []


def test_a_refund_still_pending_is_not_in_the_settlement_report(
    payable: Payable, pay: Callable[..., Payment]
) -> None:
    paid = pay(payable, "success")
    Refund.objects.create(payment=paid, amount_yen=200, reason="x", request_key="k")
    assert _refund_rows(timezone.localdate()) == []


def test_a_formula_in_the_settlement_csv_is_not_a_formula_in_excel(
    sodai_application: Application, erin: User
) -> None:
    # given a counter payment whose terminal id was typed (or scanned) as a formula
    from minato.payments import payables, services

    payable = payables.for_staff("procedures.application", sodai_application.reference, erin)
    assert payable is not None
    services.counter_payment_record(
        payable=payable,
        staff=erin,
        method=Payment.Method.CARD,
        terminal_transaction_id='=HYPERLINK("http://evil.example")',
    )
    # when finance opens the day's settlement CSV
    report = reconciliation.settlement_report(day=timezone.localdate())
    rows = list(csv.reader(io.StringIO(reconciliation.report_csv(report).decode("utf-8-sig"))))
    # then the cell is text, as in the applications export
    assert [cell for row in rows for cell in row if "HYPERLINK" in cell] == [
        '\'=HYPERLINK("http://evil.example")'
    ]
