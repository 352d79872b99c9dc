"""The console's disaster pages (``staff:information:…``): shelters kept from a phone (status,
headcount, roster, desk check-in, the QR poster), hazard map layers, and disaster mode."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts.models import Department
from minato.accounts.selectors import departments_visible_to
from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.information import disaster, hazards, shelters
from minato.information.hazards import HazardError
from minato.information.models import CheckIn, HazardLayer, Shelter
from minato.information.shelters import ShelterError
from minato.information.views.shelters import CheckInForm
from minato.information.views.staff import _staff

ROSTER_PAGE_SIZE = 100


def _shelter_or_404(user: Any, slug: str) -> Shelter:
    return get_object_or_404(shelters.shelters_for_staff(user), slug=slug)


def check_in_url(shelter: Shelter) -> str:
    """The address in the shelter's QR code."""
    path = reverse("shelters:check_in", args=[shelter.slug])
    return f"{settings.SITE_URL}{path}?{urlencode({'key': shelter.checkin_key})}"


def shelter_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(
        request,
        "information/staff/shelters.html",
        {"shelters": list(shelters.shelters_for_staff(user))},
    )


class HeadcountForm(AccessibleForm):
    headcount = forms.IntegerField(
        label=gettext_lazy("People here now"),
        min_value=0,
        max_value=shelters.MAX_HEADCOUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def shelter(request: HttpRequest, slug: str) -> HttpResponse:
    """One shelter on a phone: status buttons, the headcount, the roster, desk check-in."""
    user = _staff(request)
    found = _shelter_or_404(user, slug)
    try:
        entries = shelters.roster(staff=user, shelter=found)
    except ShelterError as exc:  # staff of another department that can see it (none today)
        raise PermissionDenied from exc
    # Those still here first (the ones staff look for and check out), then who left.
    ordered = entries.order_by(F("checked_out_at").asc(nulls_first=True), "-checked_in_at")
    page = Paginator(ordered, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "information/staff/shelter.html",
        {
            "shelter": found,
            "name": localized(found.name, "ja"),
            "statuses": Shelter.Status.choices,
            "headcount_form": HeadcountForm(initial={"headcount": found.headcount}),
            "check_in_form": CheckInForm(prefix="desk"),
            "roster": [
                (entry, [CheckIn.Need(need).label for need in entry.needs]) for entry in page
            ],
            "page": page,
            "query": "",
            "present": shelters.present(found),
        },
    )


def _back(slug: str) -> HttpResponse:
    return redirect("staff:information:shelter", slug=slug)


@require_POST
def shelter_status(request: HttpRequest, slug: str) -> HttpResponse:
    user = _staff(request)
    found = _shelter_or_404(user, slug)
    try:
        found = shelters.shelter_set_status(
            staff=user, shelter=found, status=request.POST.get("status", "")
        )
    except ShelterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Status: %(status)s") % {"status": found.get_status_display()})
    return _back(slug)


@require_POST
def shelter_headcount(request: HttpRequest, slug: str) -> HttpResponse:
    user = _staff(request)
    found = _shelter_or_404(user, slug)
    form = HeadcountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the number of people as a whole number from 0."))
        return _back(slug)
    try:
        shelters.shelter_set_headcount(
            staff=user, shelter=found, headcount=form.cleaned_data["headcount"]
        )
    except ShelterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Headcount saved."))
    return _back(slug)


@require_POST
def shelter_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Check in someone at the desk (no phone, or the QR code is not working for them)."""
    user = _staff(request)
    found = _shelter_or_404(user, slug)
    form = CheckInForm(request.POST, prefix="desk")
    if not form.is_valid():
        messages.error(request, _("Check the name and the number of people."))
        return _back(slug)
    try:
        entry = shelters.check_in(shelter=found, details=form.details(), staff=user)
    except ShelterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Checked in: %(receipt)s") % {"receipt": entry.receipt})
    return _back(slug)


@require_POST
def shelter_check_out(request: HttpRequest, slug: str, public_id: Any) -> HttpResponse:
    user = _staff(request)
    found = _shelter_or_404(user, slug)
    entry = get_object_or_404(CheckIn, shelter=found, public_id=public_id)
    try:
        shelters.check_out(entry=entry, staff=user)
    except ShelterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Checked out: %(receipt)s") % {"receipt": entry.receipt})
    return _back(slug)


@require_POST
def shelter_new_key(request: HttpRequest, slug: str) -> HttpResponse:
    user = _staff(request)
    found = _shelter_or_404(user, slug)
    try:
        shelters.shelter_new_checkin_key(staff=user, shelter=found)
    except ShelterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("New QR code made. Print the poster again."))
    return _back(slug)


def shelter_poster(request: HttpRequest, slug: str) -> HttpResponse:
    """The A4 poster for the entrance: the QR code that opens check-in, in three languages."""
    user = _staff(request)
    found = _shelter_or_404(user, slug)
    url = check_in_url(found)
    return render(
        request,
        "information/staff/shelter_poster.html",
        {
            "shelter": found,
            "name": localized(found.name, "ja"),
            "name_en": localized(found.name, "en"),
            "url": url,
            # SVG made by segno from our own URL.
            "qr_svg": mark_safe(segno.make(url, micro=False).svg_inline(scale=8, title=url)),  # noqa: S308
        },
    )


# --- Hazard map layers ------------------------------------------------------------------------


class HazardLayerForm(AccessibleForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of hazard"), choices=HazardLayer.Kind.choices)
    title_ja = forms.CharField(label=gettext_lazy("Title (Japanese)"), max_length=200)
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=200, required=False
    )
    title_ja_easy = forms.CharField(
        label=gettext_lazy("Title (Easy Japanese)"), max_length=200, required=False
    )
    description_ja = forms.CharField(
        label=gettext_lazy("Description (Japanese)"), required=False, widget=forms.Textarea
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), required=False, widget=forms.Textarea
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=200,
        help_text=gettext_lazy("For example: 東京都 高潮浸水想定区域図 (令和5年)"),
    )
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        help_text=gettext_lazy(
            "A FeatureCollection in longitude/latitude (WGS 84), up to 5 MB. A feature's "
            "“name” and “level” (or “depth”) are shown in the list beside the map."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user)  # type: ignore[attr-defined]


def hazard_layers(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = HazardLayerForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            layer = hazards.layer_upload(
                staff=user,
                department=data["department"],
                kind=data["kind"],
                title={
                    "ja": data["title_ja"],
                    "en": data["title_en"],
                    "ja-easy": data["title_ja_easy"],
                },
                description={"ja": data["description_ja"], "en": data["description_en"]},
                source=data["source"],
                data=data["file"].read(hazards.MAX_BYTES + 1),
            )
        except HazardError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                _("Uploaded %(title)s with %(count)d areas. Publish it when it is right.")
                % {"title": layer, "count": layer.feature_count},
            )
            return redirect("staff:information:hazard_layers")
    return render(
        request,
        "information/staff/hazard_layers.html",
        {"layers": list(hazards.layers_for_staff(user)), "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def hazard_layer_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _staff(request)
    layer = get_object_or_404(hazards.layers_for_staff(user), public_id=public_id)
    publish = request.POST.get("published") == "1"
    try:
        hazards.layer_set_published(staff=user, layer=layer, published=publish)
    except HazardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Published.") if publish else _("Taken off the portal."))
    return redirect("staff:information:hazard_layers")


# --- Disaster mode ----------------------------------------------------------------------------


class DisasterModeForm(AccessibleForm):
    message_ja = forms.CharField(
        label=gettext_lazy("Message at the top of the disaster page (Japanese)"),
        max_length=disaster.MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message_en = forms.CharField(
        label=gettext_lazy("Message (English)"),
        max_length=disaster.MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message_ja_easy = forms.CharField(
        label=gettext_lazy("Message (Easy Japanese)"),
        max_length=disaster.MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def disaster_mode(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    mode = disaster.current(fresh=True)
    can_switch = disaster.can_switch(user)
    initial = {f"message_{k.replace('-', '_')}": v for k, v in mode.message.items()}
    form = DisasterModeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_switch:
            raise PermissionDenied
        wanted = request.POST.get("active")
        if wanted not in ("0", "1"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                disaster.set_mode(
                    staff=user,
                    active=wanted == "1",
                    message={
                        "ja": data["message_ja"],
                        "en": data["message_en"],
                        "ja-easy": data["message_ja_easy"],
                    },
                )
            except disaster.DisasterModeError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Disaster mode is on.") if wanted == "1" else _("Disaster mode is off."),
                )
                return redirect("staff:information:disaster_mode")
    return render(
        request,
        "information/staff/disaster_mode.html",
        {"mode": mode, "form": form, "can_switch": can_switch},
        status=400 if form.errors else 200,
    )
