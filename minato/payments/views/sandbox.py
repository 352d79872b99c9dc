"""The sandbox provider's hosted payment page (a stand-in for a payment company's page)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from minato.core.forms import AccessibleForm
from minato.payments.models import SandboxCheckout
from minato.payments.providers import sandbox


class OutcomeForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label=_("What should happen?"),
        widget=forms.RadioSelect,
        choices=[
            ("success", _("The payment succeeds")),
            ("decline", _("The card is declined")),
            ("challenge", _("The bank asks for 3-D Secure authentication")),
            ("timeout", _("The provider does not answer (timeout)")),
            ("abandon", _("The resident leaves the page (abandonment)")),
        ],
        initial="success",
    )


class ChallengeForm(AccessibleForm):
    result = forms.ChoiceField(
        label=_("Authentication result"),
        widget=forms.RadioSelect,
        choices=[
            ("pass", _("Authentication passes")),
            ("fail", _("Authentication fails")),
        ],
        initial="pass",
    )


def _checkout(checkout_id: str) -> SandboxCheckout:
    if not settings.PAYMENTS_SANDBOX_ENABLED:
        raise Http404
    checkout = sandbox.open_checkout(checkout_id[:40])
    if checkout is None:
        raise Http404
    return checkout


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, checkout_id: str) -> HttpResponse:
    current = _checkout(checkout_id)
    if current.status == SandboxCheckout.Status.CHALLENGE:
        return redirect("payments:sandbox_challenge", checkout_id=current.checkout_id)
    if current.status != SandboxCheckout.Status.OPEN:
        return render(request, "payments/sandbox/closed.html", {"checkout": current})
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        if "cancel" in request.POST:
            sandbox.checkout_choose(checkout_id=current.checkout_id, outcome="cancel")
            return redirect(current.return_url)
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            current = sandbox.checkout_choose(checkout_id=current.checkout_id, outcome=outcome)
            if outcome == "challenge":
                return redirect("payments:sandbox_challenge", checkout_id=current.checkout_id)
            if outcome == "abandon":
                return render(request, "payments/sandbox/closed.html", {"checkout": current})
            return redirect(current.return_url)
    return render(request, "payments/sandbox/checkout.html", {"checkout": current, "form": form})


@require_http_methods(["GET", "POST"])
def challenge(request: HttpRequest, checkout_id: str) -> HttpResponse:
    current = _checkout(checkout_id)
    if current.status != SandboxCheckout.Status.CHALLENGE:
        return redirect("payments:sandbox_checkout", checkout_id=current.checkout_id)
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        current = sandbox.challenge_answer(
            checkout_id=current.checkout_id, passed=form.cleaned_data["result"] == "pass"
        )
        return redirect(current.return_url)
    return render(request, "payments/sandbox/challenge.html", {"checkout": current, "form": form})
