"""The resident's payment pages: pay for a thing, the return page, history, receipts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minato.payments import payables, receipt, selectors, services
from minato.payments.models import Payment
from minato.payments.providers.base import ProviderError


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk)  # type: ignore[arg-type]


def _payer_only(view: Any) -> Any:
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_staff:  # type: ignore[union-attr]
            raise Http404  # staff record payments in the console
        return view(request, *args, **kwargs)

    return wrapper


@_payer_only
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, purpose: str, object_ref: str) -> HttpResponse:
    """What is to be paid and "Pay now"; POST starts the payment and goes to the provider."""
    payable = payables.for_payer(purpose, object_ref, request.user)
    if payable is None:
        raise Http404
    if request.method == "POST":
        try:
            payment = services.payment_begin(payable=payable, language=request.LANGUAGE_CODE)
        except services.AlreadyPaid:
            messages.info(request, _("This has already been paid."))
        except services.NotPayable as exc:
            messages.error(request, str(exc))
        except ProviderError:
            messages.error(
                request,
                _("The payment service is not answering. Nothing was charged. Try again later."),
            )
        else:
            return redirect(payment.checkout_url)
        return redirect("payments:pay", purpose=purpose, object_ref=payable.object_ref)
    history = selectors.payments_for_thing(purpose=purpose, object_ref=payable.object_ref)
    return render(
        request,
        "payments/portal/pay.html",
        {
            "payable": payable,
            "paid": selectors.paid_payment(history),
            "attempts": [p for p in history if p.status != Payment.Status.CREATED],
        },
    )


@_payer_only
def payment_return(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Where the provider sends the resident back. The redirect proves nothing: the page
    asks the provider for the true state before showing it."""
    payment = selectors.own_payment(public_id=public_id, payer_id=_user_id(request))
    if payment is None:
        raise Http404
    payment = services.payment_refresh(payment=payment)
    return redirect("payments:detail", public_id=payment.public_id)


@_payer_only
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    payment = selectors.own_payment(public_id=public_id, payer_id=_user_id(request))
    if payment is None:
        raise Http404
    payable = payables.for_payer(payment.purpose, payment.object_ref, request.user)
    return render(
        request,
        "payments/portal/detail.html",
        {"payment": payment, "payable": payable, "refunds": list(payment.refunds.all())},
    )


@_payer_only
def history(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "payments/portal/history.html",
        {"payments": selectors.payments_of(payer_id=_user_id(request))[:200]},
    )


@_payer_only
def receipt_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    payment = selectors.own_payment(public_id=public_id, payer_id=_user_id(request))
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        raise Http404
    content = receipt.receipt_pdf(payment, language=request.LANGUAGE_CODE)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{payment.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
