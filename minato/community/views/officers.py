"""The officers' side of an association's board (residents, in the portal): post circulars,
see who has read and answered, remind the others, record paper households, print, and keep
the list of 班 and households."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.community import selectors, services
from minato.community.models import Association, Circular, Group
from minato.community.services import CircularDraft, CommunityError
from minato.community.views.portal import option_label
from minato.core.forms import DATETIME_LOCAL, AccessibleForm
from minato.information import selectors as information


def _association_or_404(request: HttpRequest, slug: str) -> Association:
    association = selectors.association_for_officer(request.user, slug)
    if association is None:
        raise Http404
    return association


def _circular_or_404(association: Association, public_id: Any) -> Circular:
    return get_object_or_404(association.circulars, public_id=public_id)


@login_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    association = _association_or_404(request, slug)
    circulars = list(association.circulars.all()[:50])
    counts = selectors.circular_counts(circulars)
    return render(
        request,
        "community/portal/board.html",
        {
            "association": association,
            "circulars": [(c, counts[c.pk]) for c in circulars],
            "disaster_mode": information.disaster_mode_active(),
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class CircularForm(AccessibleForm):
    kind = forms.ChoiceField(label=gettext_lazy("What it asks"), choices=Circular.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=services.TITLE_LENGTH)
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=services.BODY_LENGTH, widget=forms.Textarea
    )
    options = forms.CharField(
        label=gettext_lazy("Choices (surveys only, one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    deadline = forms.DateTimeField(
        label=gettext_lazy("Answer by (optional)"), required=False, widget=DATETIME_LOCAL
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attachments (optional)"),
        required=False,
        help_text=gettext_lazy("Up to 5 PDF, JPEG or PNG files, 9 MB in all."),
    )

    def draft(self) -> CircularDraft:
        data = self.cleaned_data
        return CircularDraft(
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            options=data["options"].splitlines(),
            deadline=data["deadline"],
            files=data["attachments"],
        )


@login_required
def circular_new(request: HttpRequest, slug: str) -> HttpResponse:
    association = _association_or_404(request, slug)
    form = CircularForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            circular = services.circular_post(
                author=request.user, association=association, draft=form.draft()
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Posted. Every household's members have been told."))
            return redirect("community:status", slug=slug, public_id=circular.public_id)
    return render(
        request,
        "community/portal/circular_form.html",
        {
            "association": association,
            "form": form,
            "disaster_mode": information.disaster_mode_active(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def status(request: HttpRequest, slug: str, public_id: Any) -> HttpResponse:
    """Who has read and answered, with the tally; reminders and paper households."""
    association = _association_or_404(request, slug)
    circular = _circular_or_404(association, public_id)
    found = selectors.circular_status(circular)
    return render(
        request,
        "community/portal/status.html",
        {
            "association": association,
            "circular": circular,
            "status": found,
            "tally": [(option_label(circular, o), n) for o, n in found.tally],
            "options": [(o, option_label(circular, o)) for o in circular.options],
            "labels": {o: option_label(circular, o) for o in circular.options},
            "can_remind": circular.last_reminded_at is None
            or circular.last_reminded_at <= timezone.now() - services.REMIND_EVERY,
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest, slug: str, public_id: Any) -> HttpResponse:
    association = _association_or_404(request, slug)
    circular = _circular_or_404(association, public_id)
    try:
        sent = services.circular_remind(officer=request.user, circular=circular)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Reminded %(count)d people.") % {"count": sent})
    return redirect("community:status", slug=slug, public_id=circular.public_id)


@login_required
@require_POST
def paper_receipt(request: HttpRequest, slug: str, public_id: Any) -> HttpResponse:
    association = _association_or_404(request, slug)
    circular = _circular_or_404(association, public_id)
    try:
        household_id = uuid.UUID(request.POST.get("household", ""))
    except ValueError:
        raise Http404 from None
    household = get_object_or_404(association.households, public_id=household_id)
    try:
        services.paper_receipt(
            officer=request.user,
            circular=circular,
            household=household,
            answer=request.POST.get("answer", ""),
        )
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded for %(household)s.") % {"household": household})
    return redirect("community:status", slug=slug, public_id=circular.public_id)


@login_required
def printable(request: HttpRequest, slug: str, public_id: Any) -> HttpResponse:
    """The paper copy: the circular in large print and the 回覧 sheet by 班, to tick."""
    association = _association_or_404(request, slug)
    circular = _circular_or_404(association, public_id)
    found = selectors.circular_status(circular)
    return render(
        request,
        "community/portal/print.html",
        {
            "association": association,
            "circular": circular,
            "rows": found.rows,
            "options": [option_label(circular, o) for o in circular.options],
            "attachments": list(circular.attachments.all()),
        },
    )


class GroupForm(AccessibleForm):
    name = forms.CharField(label=gettext_lazy("Group (班) name"), max_length=50)


class HouseholdForm(AccessibleForm):
    label = forms.CharField(
        label=gettext_lazy("Household"),
        max_length=services.NAME_LENGTH,
        help_text=gettext_lazy("As on your paper list, e.g. 港 (芝2-5-1)"),
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Group (班)"), queryset=Group.objects.none(), required=False
    )
    paper = forms.BooleanField(
        label=gettext_lazy("Gets the printed copy (no smartphone)"), required=False
    )

    def __init__(self, *args: Any, association: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = association.groups.all()  # type: ignore[attr-defined]


class OfficerForm(AccessibleForm):
    email = forms.EmailField(label=gettext_lazy("Email of the resident's account"))


@login_required
def households(request: HttpRequest, slug: str) -> HttpResponse:
    """The association's 班 and households (with their join codes), and its officers."""
    association = _association_or_404(request, slug)
    action = request.POST.get("action", "")
    group_form = GroupForm(request.POST if action == "group" else None, prefix="group")
    household_form = HouseholdForm(
        request.POST if action == "household" else None, prefix="household", association=association
    )
    officer_form = OfficerForm(request.POST if action == "officer" else None, prefix="officer")
    if request.method == "POST":
        try:
            if action == "group" and group_form.is_valid():
                services.group_create(
                    officer=request.user,
                    association=association,
                    name=group_form.cleaned_data["name"],
                )
                messages.success(request, _("Group added."))
                return redirect("community:households", slug=slug)
            if action == "household" and household_form.is_valid():
                data = household_form.cleaned_data
                household = services.household_create(
                    officer=request.user,
                    association=association,
                    label=data["label"],
                    group=data["group"],
                    paper=data["paper"],
                )
                messages.success(
                    request,
                    _("Household added. Its code is %(code)s.") % {"code": household.join_code},
                )
                return redirect("community:households", slug=slug)
            if action == "officer" and officer_form.is_valid():
                services.officer_add(
                    officer=request.user,
                    association=association,
                    email=officer_form.cleaned_data["email"],
                )
                messages.success(request, _("Officer added."))
                return redirect("community:households", slug=slug)
        except CommunityError as exc:
            form = {"group": group_form, "household": household_form}.get(action, officer_form)
            form.add_error(None, str(exc))
    bound = [f for f in (group_form, household_form, officer_form) if f.is_bound]
    return render(
        request,
        "community/portal/households.html",
        {
            "association": association,
            "households": list(selectors.households_with_members(association)),
            "officers": list(association.officers.select_related("user")),
            "group_form": group_form,
            "household_form": household_form,
            "officer_form": officer_form,
        },
        status=400 if any(f.errors for f in bound) else 200,
    )
