"""Residents' circular board: the circulars of their households, reading and answering one,
its attachments, and joining a household with its code. Large text, one thing a page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from minato.community import selectors, services
from minato.community.models import Circular, Household
from minato.community.services import CommunityError
from minato.core.forms import AccessibleForm
from minato.core.views import rate_limited

PAGE_SIZE = 20


def option_label(circular: Circular, option: str) -> str:
    """How an answer reads: the fixed ones translated, a survey's as the officer wrote it."""
    labels = {
        "attend": _("I will attend"),
        "absent": _("I will not attend"),
        "yes": _("Yes, in favour"),
        "no": _("No, against"),
        "safe": _("We are safe"),
        "need_help": _("We need help"),
    }
    return labels.get(option, option) if circular.kind != Circular.Kind.SURVEY else option


@login_required
def circular_list(request: HttpRequest) -> HttpResponse:
    households = selectors.households_of(request.user)
    page = Paginator(selectors.circulars_for(households), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    receipts = selectors.receipts_of(households, list(page))
    return render(
        request,
        "community/portal/circulars.html",
        {
            "households": households,
            "page": page,
            "rows": [(circular, receipts.get(circular.pk)) for circular in page],
            "associations": list(selectors.associations_run_by(request.user)),
            "query": "",
        },
    )


class AnswerForm(AccessibleForm):
    answer = forms.ChoiceField(
        label=gettext_lazy("Your household's answer"), widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"), max_length=200, required=False
    )

    def __init__(
        self, *args: Any, circular: Circular, households: list[Household], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.households = households
        self.fields["answer"].choices = [  # type: ignore[attr-defined]
            (option, option_label(circular, option)) for option in circular.options
        ]
        if len(households) > 1:
            # Someone in two households (their own and a parent's) answers for each.
            self.fields["household"] = forms.ChoiceField(
                label=gettext_lazy("For which household"),
                choices=[(str(h.public_id), h.label) for h in households],
                widget=forms.RadioSelect,
            )
            self.order_fields(["household", "answer", "comment"])

    def household(self) -> Household:
        wanted = self.cleaned_data.get("household")
        return next((h for h in self.households if str(h.public_id) == wanted), self.households[0])


def _circular_or_404(request: HttpRequest, public_id: Any) -> Circular:
    circular = selectors.circular_visible_to(request.user, public_id)
    if circular is None:
        raise Http404
    return circular


@login_required
def circular_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Read a circular (which records that the household has read it) and answer it."""
    circular = _circular_or_404(request, public_id)
    households = selectors.households_receiving(request.user, circular)  # the 404 read them
    if households and request.method == "GET":
        services.circular_read(user=request.user, circular=circular)
    receipt = selectors.receipts_of(households, [circular]).get(circular.pk)
    form = None
    if circular.asks and households:
        initial = {"answer": receipt.answer, "comment": receipt.comment} if receipt else {}
        form = AnswerForm(
            request.POST or None, circular=circular, households=households, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.circular_answer(
                    user=request.user,
                    circular=circular,
                    household=form.household(),
                    answer=form.cleaned_data["answer"],
                    comment=form.cleaned_data["comment"],
                )
            except CommunityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Thank you. Your answer is saved."))
                return redirect("community:circular", public_id=circular.public_id)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "community/portal/circular.html",
        {
            "circular": circular,
            "receipt": receipt,
            "answer_label": option_label(circular, receipt.answer) if receipt else "",
            "form": form,
            "households": households,
            "attachments": list(circular.attachments.all()),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def attachment(request: HttpRequest, public_id: Any, attachment_id: Any) -> FileResponse:
    circular = _circular_or_404(request, public_id)
    found = get_object_or_404(circular.attachments, public_id=attachment_id)
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=found.content_type == "application/pdf",
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class JoinForm(AccessibleForm):
    code = forms.CharField(
        label=gettext_lazy("Household code"),
        max_length=20,
        help_text=gettext_lazy("On the paper from your association, e.g. ABCDE-23456."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


@login_required
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(
            request,
            group="community.join",
            key="user",
            rate=settings.COMMUNITY_JOIN_RATE,
            increment=True,
        ):
            return rate_limited(request)
        if form.is_valid():
            try:
                household = services.household_join(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except CommunityError as exc:
                form.add_error("code", str(exc))
            else:
                messages.success(
                    request,
                    _("You have joined %(household)s of %(association)s.")
                    % {"household": household.label, "association": household.association.name},
                )
                return redirect("community:circulars")
    return render(
        request,
        "community/portal/join.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def leave(request: HttpRequest, household_id: Any) -> HttpResponse:
    household = get_object_or_404(Household, public_id=household_id, members__user=request.user)
    services.household_leave(user=request.user, household=household)
    messages.success(request, _("You have left %(household)s.") % {"household": household.label})
    return redirect("community:circulars")
