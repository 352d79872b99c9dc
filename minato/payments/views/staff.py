"""Console pages for payments: a thing's payments (counter payments, assessed fees, refunds)
and the daily settlement report."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import User
from minato.core.forms import AccessibleForm
from minato.payments import payables, reconciliation, selectors, services
from minato.payments.models import Payment
from minato.payments.payables import Payable

COUNTER_METHODS = [
    (Payment.Method.CARD, Payment.Method.CARD.label),
    (Payment.Method.QR, Payment.Method.QR.label),
    (Payment.Method.TRANSPORT_IC, Payment.Method.TRANSPORT_IC.label),
]


class CounterPaymentForm(AccessibleForm):
    method = forms.ChoiceField(label=gettext_lazy("How it was paid"), choices=COUNTER_METHODS)
    terminal_transaction_id = forms.CharField(
        label=gettext_lazy("Terminal transaction id"),
        max_length=100,
        help_text=gettext_lazy("As printed on the terminal's slip."),
    )


class AssessedFeeForm(AccessibleForm):
    amount_yen = forms.IntegerField(
        label=gettext_lazy("Fee in yen"), min_value=1, max_value=10_000_000
    )


class RefundForm(AccessibleForm):
    amount_yen = forms.IntegerField(
        label=gettext_lazy("Amount to refund in yen"), min_value=1, max_value=10_000_000
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    counter_refund_reference = forms.CharField(
        label=gettext_lazy("Terminal refund transaction id (counter payments only)"),
        max_length=100,
        required=False,
    )
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class SettlementForm(AccessibleForm):
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _payable(request: HttpRequest, purpose: str, object_ref: str) -> Payable:
    payable = payables.for_staff(purpose, object_ref, _staff(request))
    if payable is None:
        raise Http404
    return payable


def thing(request: HttpRequest, purpose: str, object_ref: str) -> HttpResponse:
    payable = _payable(request, purpose, object_ref)
    history = selectors.payments_for_thing(purpose=purpose, object_ref=payable.object_ref)
    staff = _staff(request)
    paid = selectors.paid_payment(history)
    return render(
        request,
        "payments/staff/thing.html",
        {
            "payable": payable,
            "payments": history,
            "paid": paid,
            "fee_changed": selectors.fee_changed(payable, paid),
            "refundable": services.refundable_yen(paid) if paid else 0,
            "can_refund": permissions.can_refund_payment(staff, payable.department_id),
            "counter_form": CounterPaymentForm(),
            "fee_form": AssessedFeeForm(initial={"amount_yen": payable.amount_yen}),
            "refund_form": RefundForm(initial={"request_key": secrets.token_urlsafe(24)}),
        },
    )


def _back(payable: Payable) -> HttpResponse:
    return redirect("staff:payments:thing", purpose=payable.purpose, object_ref=payable.object_ref)


@require_POST
def counter(request: HttpRequest, purpose: str, object_ref: str) -> HttpResponse:
    payable = _payable(request, purpose, object_ref)
    form = CounterPaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how it was paid and enter the transaction id."))
        return _back(payable)
    try:
        services.counter_payment_record(
            payable=payable,
            staff=_staff(request),
            method=form.cleaned_data["method"],
            terminal_transaction_id=form.cleaned_data["terminal_transaction_id"],
        )
    except services.PaymentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The counter payment is recorded."))
    return _back(payable)


@require_POST
def assess(request: HttpRequest, purpose: str, object_ref: str) -> HttpResponse:
    payable = _payable(request, purpose, object_ref)
    form = AssessedFeeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the fee as a whole number of yen."))
        return _back(payable)
    try:
        services.assessed_fee_set(
            payable=payable, amount_yen=form.cleaned_data["amount_yen"], staff=_staff(request)
        )
    except services.PaymentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The fee is set and the applicant has been told."))
    return _back(payable)


@require_POST
def refund(request: HttpRequest, public_id: Any) -> HttpResponse:
    payment = selectors.staff_payment(
        public_id=public_id, department_ids=permissions.visible_department_ids(_staff(request))
    )
    if payment is None:
        raise Http404
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            result = services.refund_request(
                payment=payment,
                amount_yen=form.cleaned_data["amount_yen"],
                reason=form.cleaned_data["reason"],
                staff=_staff(request),
                request_key=form.cleaned_data["request_key"],
                counter_refund_reference=form.cleaned_data["counter_refund_reference"],
            )
        except services.RefundNotAllowed as exc:
            messages.error(request, str(exc))
        except services.PaymentError as exc:
            messages.error(request, str(exc))
        else:
            if result.status == "failed":
                messages.error(request, _("The provider refused the refund."))
            elif result.status == "pending" and not result.provider_reference:
                messages.warning(
                    request,
                    _(
                        "The provider did not answer. The refund stays pending (do not refund "
                        "again): it is checked with the provider automatically."
                    ),
                )
            else:
                messages.success(request, _("The refund has been requested."))
    else:
        messages.error(request, _("Enter the amount and the reason for the refund."))
    return redirect("staff:payments:thing", purpose=payment.purpose, object_ref=payment.object_ref)


def settlement(request: HttpRequest) -> HttpResponse:
    """The daily settlement report; ``?format=csv`` (UTF-8 with BOM) or ``sjis``."""
    yesterday = timezone.localdate() - timedelta(days=1)
    form = SettlementForm(request.GET or None, initial={"day": yesterday})
    day: date = form.cleaned_data["day"] if form.is_valid() else yesterday
    report = reconciliation.settlement_report(
        day=day, department_ids=permissions.visible_department_ids(_staff(request))
    )
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "sjis"):
        content = reconciliation.report_csv(
            report, encoding="cp932" if fmt == "sjis" else "utf-8-sig"
        )
        charset = "shift_jis" if fmt == "sjis" else "utf-8"
        response = HttpResponse(content, content_type=f"text/csv; charset={charset}")
        response["Content-Disposition"] = f'attachment; filename="settlement-{day}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request, "payments/staff/settlement.html", {"form": form, "report": report, "day": day}
    )
