"""``{% load payments %}{% payment_panel purpose object_ref %}``: the payment box on the page of
a thing paid for (an application: ``purpose`` is its kind's, e.g. ``payables.PURPOSE`` of
procedures), for the payer (fee, "Pay now", receipt) or for staff (status and a link to the
payments page)."""

from __future__ import annotations

from typing import Any

from django import template

from minato.payments import payables, selectors

register = template.Library()


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payment_panel(
    context: template.Context, purpose: str, object_ref: str | None
) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    is_staff = bool(user is not None and user.is_staff)
    reference = object_ref or ""
    payable = None
    if reference and user is not None:
        find = payables.for_staff if is_staff else payables.for_payer
        payable = find(purpose, reference, user)
    payments = (
        selectors.payments_for_thing(purpose=purpose, object_ref=payable.object_ref)
        if payable
        else []
    )
    paid = selectors.paid_payment(payments)
    return {
        "payable": payable,
        "paid": paid,
        "fee_changed": selectors.fee_changed(payable, paid),
        "in_progress": next((p for p in payments if p.status == "started"), None),
        "is_staff": is_staff,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
