"""The console's circular boards (``staff:community:…``): the associations a department
supports (registering one with its first officer) and the ward's circulars to every
association."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minato.accounts import permissions
from minato.accounts.models import Department, Role
from minato.accounts.selectors import departments_visible_to
from minato.community import selectors, services
from minato.community.services import CommunityError
from minato.community.views.officers import CircularForm
from minato.core.areas import Area
from minato.core.forms import AccessibleForm


def _with_counts(circulars: list[Any]) -> list[tuple[Any, Any]]:
    counts = selectors.circular_counts(circulars)
    return [(c, counts[c.pk]) for c in circulars]


def _staff(request: HttpRequest) -> Any:
    if not permissions.has_role(request.user, Role.CLERK):
        raise PermissionDenied
    return request.user


class AssociationForm(AccessibleForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=services.NAME_LENGTH)
    area = forms.ChoiceField(label=gettext_lazy("Area"), choices=Area.choices)
    department = forms.ModelChoiceField(
        label=gettext_lazy("Supported by"), queryset=Department.objects.none()
    )
    officer_email = forms.EmailField(
        label=gettext_lazy("First officer's email"),
        help_text=gettext_lazy("A resident with an account; they then run the board."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user)  # type: ignore[attr-defined]


def associations(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = AssociationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            association = services.association_create(
                staff=user,
                name=data["name"],
                area=data["area"],
                department=data["department"],
                officer_email=data["officer_email"],
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Registered %(name)s.") % {"name": association.name})
            return redirect("staff:community:associations")
    return render(
        request,
        "community/staff/associations.html",
        {
            "associations": list(selectors.associations_for_staff(user)),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


class WardCircularForm(CircularForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Posted by"), queryset=Department.objects.none()
    )
    field_order = ["department"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user)  # type: ignore[attr-defined]
        # A safety check is each association's, for its own households.
        kind: Any = self.fields["kind"]
        kind.choices = [choice for choice in kind.choices if choice[0] != "safety"]


def ward_circulars(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = WardCircularForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.circular_post(
                author=user,
                association=None,
                department=form.cleaned_data["department"],
                draft=form.draft(),
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Posted to every association."))
            return redirect("staff:community:circulars")
    return render(
        request,
        "community/staff/circulars.html",
        {
            "circulars": _with_counts(list(selectors.ward_circulars_for_staff(user)[:50])),
            "form": form,
            "can_post": permissions.has_role(user, Role.SUPERVISOR),
        },
        status=400 if form.errors else 200,
    )
