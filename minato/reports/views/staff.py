"""The console's community reports (``staff:reports:…``): the queue of the departments a
member of staff works for, one report with its triage (status, routing, notes, replies,
photos and their redaction), and the dashboard. Contact details are shown to the staff of
the report's department only on request, and each showing is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import Department, Role
from minato.core import uploads
from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.core.maps import map_settings
from minato.core.translated import localized
from minato.reports import selectors, services
from minato.reports.models import Photo, Report
from minato.reports.views.common import photo_response, report_point, service_choices

PAGE_SIZE = 50


def _staff(request: HttpRequest) -> Any:
    if not permissions.has_role(request.user, Role.CLERK):
        raise PermissionDenied
    return request.user


def _report(request: HttpRequest, reference: str) -> Report:
    report = selectors.report_for_staff(_staff(request), reference)
    if report is None:
        raise Http404
    return report


def _back(report: Report) -> HttpResponse:
    return redirect("staff:reports:report", reference=report.reference)


class QueueFilterForm(AccessibleForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    service = forms.ChoiceField(label=gettext_lazy("Kind of problem"), required=False)
    area = forms.ChoiceField(
        label=gettext_lazy("Area"),
        choices=[("", gettext_lazy("All areas")), *Area.choices],
        required=False,
    )
    q = forms.CharField(label=gettext_lazy("Number or words"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("open", _("Open")),
            ("", _("All")),
            *Report.Status.choices,
        ]
        self.fields["service"].choices = [("", _("All kinds")), *service_choices()]  # type: ignore[attr-defined]


def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = QueueFilterForm(request.GET or {"status": "open"})
    filters = form.cleaned_data if form.is_valid() else {"status": "open"}
    reports = selectors.reports_for_staff(
        user,
        status=filters.get("status", ""),
        service_code=filters.get("service", ""),
        area=filters.get("area", ""),
        query=filters.get("q", ""),
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    language = translation.get_language()
    return render(
        request,
        "reports/staff/queue.html",
        {
            "form": form,
            "page": page,
            "reports": [(report, localized(report.service.name, language)) for report in page],
            "query": query.urlencode(),
        },
    )


class StatusForm(AccessibleForm):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=Report.Status.choices)
    referral = forms.ChoiceField(
        label=gettext_lazy("Whose is it? (when referring)"),
        choices=[("", "—"), *Report.Referral.choices],
        required=False,
    )
    duplicate_of = forms.CharField(
        label=gettext_lazy("Number of the report it repeats (when a duplicate)"),
        max_length=12,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the reporter and the public"),
        help_text=gettext_lazy(
            "Required when closing without a fix or referring: say why, and who to contact."
        ),
        max_length=services.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = services.TRANSITIONS.get(report.status, set())
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Report.Status.choices if value in allowed
        ]


class RouteForm(AccessibleForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Send to"),
        queryset=Department.objects.filter(kind=Department.Kind.SECTION).select_related("parent"),
    )
    note = forms.CharField(
        label=gettext_lazy("Why (staff only)"), max_length=services.NOTE_LENGTH, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].label_from_instance = lambda d: d.full_name_ja  # type: ignore[attr-defined]


class TextForm(AccessibleForm):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=services.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PhotoForm(AccessibleForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("When was it taken?"),
        choices=[
            (Photo.Kind.BEFORE, Photo.Kind.BEFORE.label),
            (Photo.Kind.AFTER, Photo.Kind.AFTER.label),
        ],
        widget=forms.RadioSelect,
        initial=Photo.Kind.AFTER,
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class RedactForm(AccessibleForm):
    left = forms.FloatField(label=gettext_lazy("From the left (%)"), min_value=0, max_value=100)
    top = forms.FloatField(label=gettext_lazy("From the top (%)"), min_value=0, max_value=100)
    width = forms.FloatField(label=gettext_lazy("Width (%)"), min_value=0.1, max_value=100)
    height = forms.FloatField(label=gettext_lazy("Height (%)"), min_value=0.1, max_value=100)


def report_detail(
    request: HttpRequest, reference: str, forms_: dict[str, Any] | None = None
) -> HttpResponse:
    report = _report(request, reference)
    handler = services.can_handle(request.user, report)
    show_contact = handler and request.GET.get("contact") == "1"
    if show_contact:
        services.contact_viewed(staff=request.user, report=report)
    given = forms_ or {}
    language = translation.get_language()
    return render(
        request,
        "reports/staff/report.html",
        {
            "report": report,
            "service_name": localized(report.service.name, language),
            "attributes": _attribute_rows(report, language),
            "handler": handler,
            "show_contact": show_contact,
            "has_contact": bool(
                report.reporter_id
                or report.contact_name
                or report.contact_email
                or report.contact_phone
            ),
            "photos": report.photos.all(),
            "updates": report.updates.select_related("author"),
            "status_form": given.get("status") or StatusForm(report=report),
            "route_form": given.get("route") or RouteForm(),
            "note_form": given.get("note") or TextForm(prefix="note"),
            "reply_form": given.get("reply") or TextForm(prefix="reply"),
            "photo_form": given.get("photo") or PhotoForm(),
            "redact_form": RedactForm(),
            "nearby": selectors.nearby_open(
                service=report.service,
                latitude=report.latitude,
                longitude=report.longitude,
                exclude_id=report.pk,
            ),
            "map_points": [report_point(report, language)],
            "map": map_settings(),
        },
    )


def _attribute_rows(report: Report, language: str | None) -> list[tuple[str, str]]:
    rows = []
    for attribute in report.service.attributes:
        value = report.attributes.get(attribute["code"])
        if value in (None, "", []):
            continue
        names = {
            str(o["key"]): localized(o.get("name"), language) for o in attribute.get("values", [])
        }
        values = value if isinstance(value, list) else [value]
        rows.append(
            (
                localized(attribute.get("description"), language),
                "、".join(names.get(str(v), str(v)) for v in values),
            )
        )
    return rows


def _run(
    request: HttpRequest, report: Report, action: Any, success: str, form_key: str, form: Any
) -> HttpResponse:
    try:
        action()
    except services.ReportError as error:
        target = error.field if error.field in form.fields else None
        form.add_error(target, error.message)
        return _invalid(request, report, form_key, form)
    messages.success(request, success)
    return _back(report)


@require_POST
def set_status(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report(request, reference)
    form = StatusForm(request.POST, report=report)
    if not form.is_valid():
        return _invalid(request, report, "status", form)
    data = form.cleaned_data
    original = None
    if data["status"] == Report.Status.DUPLICATE:
        original = (
            selectors.report_by_reference(data["duplicate_of"]) if data["duplicate_of"] else None
        )
        if original is None:
            form.add_error("duplicate_of", _("There is no report with this number."))
            return _invalid(request, report, "status", form)
    return _run(
        request,
        report,
        lambda: services.report_set_status(
            staff=request.user,
            report=report,
            status=data["status"],
            note=data["note"],
            referral=data["referral"],
            duplicate_of=original,
        ),
        _("The status is changed, and the reporter is told."),
        "status",
        form,
    )


def _invalid(request: HttpRequest, report: Report, key: str, form: Any) -> HttpResponse:
    response = report_detail(request, report.reference, {key: form})
    response.status_code = 400
    return response


@require_POST
def route(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report(request, reference)
    form = RouteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, report, "route", form)
    return _run(
        request,
        report,
        lambda: services.report_route(
            staff=request.user,
            report=report,
            department=form.cleaned_data["department"],
            note=form.cleaned_data["note"],
        ),
        _("The report is sent to the other department."),
        "route",
        form,
    )


@require_POST
def note(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report(request, reference)
    form = TextForm(request.POST, prefix="note")
    if not form.is_valid():
        return _invalid(request, report, "note", form)
    return _run(
        request,
        report,
        lambda: services.report_add_note(
            staff=request.user, report=report, text=form.cleaned_data["text"]
        ),
        _("The note is added."),
        "note",
        form,
    )


@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report(request, reference)
    form = TextForm(request.POST, prefix="reply")
    if not form.is_valid():
        return _invalid(request, report, "reply", form)
    return _run(
        request,
        report,
        lambda: services.report_reply(
            staff=request.user, report=report, text=form.cleaned_data["text"]
        ),
        _("The reply is sent to the reporter."),
        "reply",
        form,
    )


@require_POST
def photo_add(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report(request, reference)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, report, "photo", form)

    def add() -> None:
        try:
            checked = uploads.inspect(
                form.cleaned_data["photo"],
                accept=services.PHOTO_KINDS,
                max_size_mb=services.MAX_PHOTO_MB,
            )
        except uploads.UploadRefused as refused:
            raise services.ReportError(str(refused.message), field="photo") from None
        services.photo_add(
            staff=request.user, report=report, checked=checked, kind=form.cleaned_data["kind"]
        )

    return _run(request, report, add, _("The photo is added and public."), "photo", form)


def _photo(request: HttpRequest, reference: str, photo_id: Any) -> tuple[Report, Photo]:
    report = _report(request, reference)
    found = selectors.photo_of(report, photo_id)
    if found is None:
        raise Http404
    return report, found


def photo(request: HttpRequest, reference: str, photo_id: Any) -> HttpResponseBase:
    """Any photo of a report the staff member may see, public or not yet."""
    _unused, found = _photo(request, reference, photo_id)
    return photo_response(found, public=False)


@require_POST
def photo_publish(request: HttpRequest, reference: str, photo_id: Any) -> HttpResponse:
    report, found = _photo(request, reference, photo_id)
    public = request.POST.get("public") == "1"
    try:
        services.photo_set_public(staff=request.user, photo=found, public=public)
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The photo is public.") if public else _("The photo is no longer public.")
        )
    return _back(report)


@require_POST
def photo_redact(request: HttpRequest, reference: str, photo_id: Any) -> HttpResponse:
    report, found = _photo(request, reference, photo_id)
    form = RedactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Each part to blur is given in percent, from 0 to 100."))
        return _back(report)
    try:
        services.photo_redact(
            staff=request.user, photo=found, boxes=[services.Box(**form.cleaned_data)]
        )
    except services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("That part of the photo is blurred for good."))
    return _back(report)


def dashboard(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    period = request.GET.get("period", "90")
    days = {"30": 30, "90": 90, "365": 365}.get(period)
    figures = selectors.dashboard(
        user, since=timezone.now() - timedelta(days=days) if days else None
    )
    language = translation.get_language()
    return render(
        request,
        "reports/staff/dashboard.html",
        {
            "figures": figures,
            "services": [
                (localized(service.name, language), count) for service, count in figures.by_service
            ],
            "period": period if days else "all",
            "heat": figures.heat,
            "heat_top": figures.heat[:10],
            "no_points": [],
            "map": map_settings(),
        },
    )
