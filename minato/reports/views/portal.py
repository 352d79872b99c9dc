"""Residents' pages of community reports: the public map and list, one report's page, the
report form (with "me too" for what is already reported nearby), following a report or an
area, and the reporter's "not fixed". Who reported is never shown; a reporter without an
account reaches their own view through the private link they were given."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.core import uploads
from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.core.maps import map_settings
from minato.core.middleware import limited_per_person
from minato.core.translated import localized
from minato.reports import geo, selectors, services
from minato.reports.models import Report, Service
from minato.reports.views.common import (
    STATUS_FILTERS,
    photo_response,
    report_point,
    service_choices,
)

PAGE_SIZE = 20
# The map shows at most this many of the filtered reports (the list pages through them all).
MAP_POINTS = 300


# --- The public map and list ------------------------------------------------------------


class ReportFilterForm(AccessibleForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_FILTERS, required=False)
    service = forms.ChoiceField(label=gettext_lazy("Kind of problem"), required=False)
    area = forms.ChoiceField(
        label=gettext_lazy("Area"),
        choices=[("", gettext_lazy("All areas")), *Area.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All kinds")), *service_choices()]  # type: ignore[attr-defined]


def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = selectors.public_reports(
        status_group=filters.get("status", ""),
        service_codes=[filters["service"]] if filters.get("service") else None,
        area=filters.get("area", ""),
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    language = translation.get_language()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/portal/list.html",
        {
            "form": form,
            "page": page,
            "reports": [(report, localized(report.service.name, language)) for report in page],
            "map_points": [report_point(r, language) for r in reports[:MAP_POINTS]],
            "map": map_settings(),
            "filtered": any(filters.values()),
            "query": query.urlencode(),
        },
    )


# --- One report -------------------------------------------------------------------------


def _report_or_404(reference: str) -> Report:
    report = selectors.report_by_reference(reference)
    if report is None:
        raise Http404
    return report


def _reporter_view(request: HttpRequest, report: Report) -> bool:
    """Whether this is the reporter: their account, or their private link's key (kept in
    the session once used, so the key need not stay in the address bar)."""
    if selectors.is_reporter(request.user, report):
        return True
    key = request.GET.get("key") or request.POST.get("key") or ""
    if selectors.private_key_matches(report, key):
        request.session[f"reports:key:{report.reference}"] = key
        return True
    return selectors.private_key_matches(
        report, request.session.get(f"reports:key:{report.reference}", "")
    )


class ReopenForm(AccessibleForm):
    reason = forms.CharField(
        label=gettext_lazy("What is still wrong?"),
        max_length=services.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(reference)
    if request.GET.get("key") and _reporter_view(request, report):
        # Keep the key out of the address bar (and of Referer headers) once it is used.
        return redirect("reports:report", reference=report.reference)
    is_reporter = _reporter_view(request, report)
    language = translation.get_language()
    return render(
        request,
        "reports/portal/report.html",
        {
            "report": report,
            "service_name": localized(report.service.name, language),
            "photos": selectors.public_photos(report),
            "updates": (
                selectors.reporter_updates(report)
                if is_reporter
                else selectors.public_updates(report)
            ),
            "is_reporter": is_reporter,
            "can_reopen": is_reporter and services.can_reopen(report),
            "reopen_form": ReopenForm(),
            "is_following": selectors.is_following(request.user, report),
            "map_points": [report_point(report, language)],
            "map": map_settings(),
            "just_sent": request.session.pop("reports:just_sent", "") == report.reference,
            "private_link": request.build_absolute_uri(selectors.private_path(report))
            if is_reporter and report.reporter_id is None
            else "",
        },
    )


def photo(request: HttpRequest, reference: str, photo_id: Any) -> HttpResponseBase:
    """A public photo (staff see every photo in the console)."""
    report = _report_or_404(reference)
    found = selectors.photo_of(report, photo_id)
    if found is None or not found.is_public:
        raise Http404
    return photo_response(found, public=True)


@require_POST
def support(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(reference)
    if limited_per_person(request, "reports:support", settings.REPORT_SUPPORT_RATE):
        messages.error(
            request, _("You have done this many times in a short time. Try again later.")
        )
        return redirect("reports:report", reference=report.reference)
    if not request.session.session_key:
        request.session.save()
    key = selectors.supporter_key(user=request.user, session_key=request.session.session_key or "")
    try:
        added = services.report_support(report=report, supporter_key=key, user=request.user)
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        if added:
            messages.success(request, _("Thank you. We have added your “me too” to this report."))
        else:
            messages.info(request, _("You have already said “me too” to this report."))
    return redirect("reports:report", reference=report.reference)


@require_POST
@login_required
def follow(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(reference)
    following = request.POST.get("follow") != "0"
    services.report_follow(user=request.user, report=report, follow=following)
    messages.success(
        request,
        _("We will tell you when this report changes.")
        if following
        else _("You no longer follow this report."),
    )
    return redirect("reports:report", reference=report.reference)


@require_POST
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_or_404(reference)
    if not _reporter_view(request, report):
        raise Http404
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.report_reopen(report=report, reason=form.cleaned_data["reason"])
        except services.ReportError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your report is open again. The department will look at it.")
            )
    else:
        messages.error(request, _("Say what is still wrong (up to 2,000 characters)."))
    return redirect("reports:report", reference=report.reference)


# --- Sending a report -------------------------------------------------------------------


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png", "multiple": True}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


def town_choices() -> list[tuple[str, str]]:
    return [("", _("Choose the town"))] + [(name, name) for name, *_rest in geo.TOWN_CENTRES]


class ReportForm(AccessibleForm):
    service = forms.ChoiceField(label=gettext_lazy("What is the problem?"))
    photos = MultiplePhotoField(
        label=gettext_lazy("Photos (up to 3)"),
        required=False,
        help_text=gettext_lazy(
            "JPEG or PNG, 9 MB in all. Do not show people's faces or number plates. "
            "We remove the photo's hidden data (such as where it was taken) before storing it, "
            "and staff check each photo before it is shown to the public."
        ),
    )
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    town = forms.ChoiceField(
        label=gettext_lazy("Town (if you cannot use the map)"),
        required=False,
        help_text=gettext_lazy(
            "Without a pin on the map or a photo with its position, we place the report in "
            "the middle of the town: say exactly where below."
        ),
    )
    place_hint = forms.CharField(
        label=gettext_lazy("Where exactly? (optional)"),
        max_length=services.PLACE_HINT_LENGTH,
        required=False,
        help_text=gettext_lazy("A landmark, e.g. “in front of the school gate”. This is public."),
    )
    description = forms.CharField(
        label=gettext_lazy("Describe the problem"),
        max_length=services.DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("This is public. Do not write your name or other personal details."),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Your name (optional)"), max_length=100, required=False
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("Email address (optional)"),
        required=False,
        help_text=gettext_lazy(
            "To tell you when it is fixed. Only the staff who handle it see it."
        ),
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Phone number (optional)"), max_length=20, required=False
    )
    confirmed_new = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Choose the kind of problem")), *service_choices()]  # type: ignore[attr-defined]
        self.fields["town"].choices = town_choices()  # type: ignore[attr-defined]
        if signed_in:
            self.fields["contact_email"].help_text = _(
                "We tell you through your account. Give an address only to be reached at another."
            )
        self.attribute_fields: list[tuple[Service, list[str]]] = []
        for service in selectors.active_services():
            names = []
            for attribute in service.attributes:
                if not attribute.get("variable", True):
                    continue
                name = f"attr-{service.code}-{attribute['code']}"
                label = f"{localized(service.name)}: {localized(attribute.get('description'))}"
                if attribute.get("datatype") in ("singlevaluelist", "multivaluelist"):
                    field: forms.Field = forms.ChoiceField(
                        label=label,
                        required=False,
                        choices=[
                            ("", _("Choose")),
                            *[
                                (str(option["key"]), localized(option.get("name")))
                                for option in attribute.get("values", [])
                            ],
                        ],
                    )
                else:
                    field = forms.CharField(label=label, required=False, max_length=200)
                field.widget.attrs["data-service"] = service.code
                self.fields[name] = field
                names.append(name)
            if names:
                self.attribute_fields.append((service, names))

    def attribute_groups(self) -> list[tuple[Service, list[Any]]]:
        return [
            (service, [self[name] for name in names]) for service, names in self.attribute_fields
        ]

    def draft(self, photos: list[uploads.CheckedFile]) -> services.ReportDraft:
        data = self.cleaned_data
        code = data["service"]
        attributes = {
            name.removeprefix(f"attr-{code}-"): value
            for name, value in data.items()
            if name.startswith(f"attr-{code}-") and value not in (None, "")
        }
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (
            latitude is not None
            and longitude is not None
            and not (math.isfinite(latitude) and math.isfinite(longitude))
        ):
            latitude = longitude = None
        return services.ReportDraft(
            service_code=code,
            description=data["description"],
            latitude=latitude,
            longitude=longitude,
            town=data.get("town") or "",
            place_hint=data.get("place_hint") or "",
            contact_name=data.get("contact_name") or "",
            contact_email=data.get("contact_email") or "",
            contact_phone=data.get("contact_phone") or "",
            photos=photos,
            attributes=attributes,
            language=translation.get_language() or "ja",
        )


def _check_photos(files: list[Any]) -> list[uploads.CheckedFile]:
    if len(files) > services.MAX_PHOTOS:
        raise services.ReportError(_("Attach at most 3 photos."), field="photos")
    checked = []
    for upload in files:
        try:
            checked.append(
                uploads.inspect(
                    upload, accept=services.PHOTO_KINDS, max_size_mb=services.MAX_PHOTO_MB
                )
            )
        except uploads.UploadRefused as refused:
            raise services.ReportError(
                f"{upload.name or '?'}: {refused.message}", field="photos"
            ) from None
    return checked


def report_new(request: HttpRequest) -> HttpResponse:
    signed_in = request.user.is_authenticated
    nearby: list[tuple[Report, int]] = []
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, signed_in=signed_in)
        if limited_per_person(request, "reports:new", settings.REPORT_RATE):
            form.add_error(None, _("You have sent many reports in a short time. Try again later."))
        elif form.is_valid():
            try:
                photos = _check_photos(form.cleaned_data["photos"])
                draft = form.draft(photos)
                service = selectors.service_by_code(draft.service_code)
                if service is not None and not form.cleaned_data.get("confirmed_new"):
                    latitude, longitude = services.position_of(draft)
                    nearby = selectors.nearby_open(
                        service=service, latitude=latitude, longitude=longitude
                    )
                if nearby:
                    # Already reported nearby? Ask before sending a duplicate; the form
                    # comes back with everything but the photos.
                    data = request.POST.copy()
                    data["confirmed_new"] = "on"
                    form = ReportForm(data, signed_in=signed_in)
                    form.is_valid()
                else:
                    report = services.report_submit(draft=draft, reporter=request.user)
            except services.ReportError as error:
                target = error.field if error.field in form.fields else None
                form.add_error(target, error.message)
            else:
                if not nearby:
                    request.session["reports:just_sent"] = report.reference
                    if report.reporter_id is None:
                        request.session[f"reports:key:{report.reference}"] = report.private_key
                    return redirect("reports:report", reference=report.reference)
    else:
        form = ReportForm(initial={"service": request.GET.get("service", "")}, signed_in=signed_in)
    return render(
        request,
        "reports/portal/new.html",
        {
            "form": form,
            "nearby": nearby,
            "map": map_settings(),
            "map_points": [],
            "nearby_url": reverse("reports:nearby"),
        },
    )


def nearby(request: HttpRequest) -> HttpResponse:
    """The open reports near a pin, of the chosen kind (htmx, as the pin moves)."""
    service = selectors.service_by_code(request.GET.get("service", ""))
    found: list[tuple[Report, int]] = []
    try:
        latitude = float(request.GET.get("latitude", ""))
        longitude = float(request.GET.get("longitude", ""))
    except ValueError:
        latitude = longitude = math.nan
    if service is not None and math.isfinite(latitude) and math.isfinite(longitude):
        found = selectors.nearby_open(service=service, latitude=latitude, longitude=longitude)
    return render(request, "reports/portal/_nearby.html", {"nearby": found})


# --- Following areas --------------------------------------------------------------------


class AreaFollowForm(AccessibleForm):
    area = forms.ChoiceField(label=gettext_lazy("Area"), choices=Area.choices)
    service = forms.ChoiceField(label=gettext_lazy("Kind of problem"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All kinds")), *service_choices()]  # type: ignore[attr-defined]


@login_required
def following(request: HttpRequest) -> HttpResponse:
    form = AreaFollowForm(request.POST or None)
    if request.method == "POST":
        if limited_per_person(request, "reports:support", settings.REPORT_SUPPORT_RATE):
            form.add_error(
                None, _("You have done this many times in a short time. Try again later.")
            )
        elif form.is_valid():
            service = selectors.service_by_code(form.cleaned_data["service"])
            try:
                services.area_follow(
                    user=request.user, area=form.cleaned_data["area"], service=service
                )
            except services.ReportError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("We will tell you about new reports there."))
                return redirect("reports:following")
    language = translation.get_language()
    return render(
        request,
        "reports/portal/following.html",
        {
            "form": form,
            "follows": [
                (
                    follow,
                    Area(follow.area).label,
                    localized(follow.service.name, language) if follow.service else "",
                )
                for follow in selectors.area_follows(request.user)
            ],
            "reports": [
                (report, localized(report.service.name, language))
                for report in selectors.followed_reports(request.user)[:50]
            ],
            "own": [
                (report, localized(report.service.name, language))
                for report in selectors.own_reports(request.user)[:50]
            ],
        },
    )


@require_POST
@login_required
def area_unfollow(request: HttpRequest, public_id: Any) -> HttpResponse:
    follow = selectors.area_follows(request.user).filter(public_id=public_id).first()
    if follow is None:
        raise Http404
    services.area_unfollow(user=request.user, follow=follow)
    messages.success(request, _("You no longer follow that area."))
    return redirect("reports:following")
