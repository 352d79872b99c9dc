"""Console pages that manage what can be booked: facilities (opening hours, closures of a
period), offerings (fees, eligibility, mode), their sessions (added in bulk by weekday and
time), lotteries, and occupancy over a period with its CSV. Changing anything needs a
supervisor of the department (``catalogue.can_manage``); other staff see the pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts import selectors as account_selectors
from minato.accounts.models import Role
from minato.bookings import catalogue, selectors, services
from minato.bookings.models import Facility, Offering
from minato.bookings.views import portal
from minato.core.areas import Area
from minato.core.forms import (
    DATETIME_LOCAL,
    AccessibleForm,
    translated_fields,
    translated_initial,
    translated_value,
)
from minato.core.spreadsheets import csv_download
from minato.payments.services import PaymentError

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _formfield(field: models.Field[Any, Any]) -> forms.Field:
    if isinstance(field, models.URLField):
        return field.formfield(assume_scheme="https")  # type: ignore[no-any-return,return-value]
    return field.formfield()  # type: ignore[return-value]


def _model_fields(model: type, names: list[str]) -> dict[str, forms.Field]:
    """The model's own form fields (types, limits, choices), for forms that do not save it."""
    return forms.fields_for_model(  # type: ignore[no-any-return]
        model, fields=names, formfield_callback=_formfield
    )


def _add_model_errors(form: forms.Form, exc: ValidationError) -> None:
    """Errors the model's own validation found (a slug in use, a constraint), on their fields."""
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


# --- Facilities -----------------------------------------------------------------------------


class FacilityForm(AccessibleForm):
    FIELDS = ["slug", "area", "address", "latitude", "longitude", "opens_at", "closes_at"]

    name_ja, name_en, name_easy = translated_fields(
        gettext_lazy("Name"), required=True, max_length=200
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(Facility, self.FIELDS))
        self.fields["slug"].label = gettext_lazy("Code (in the web address)")
        self.fields["area"].label = gettext_lazy("Area")
        self.fields["address"].label = gettext_lazy("Address")
        self.fields["latitude"].label = gettext_lazy("Latitude")
        self.fields["longitude"].label = gettext_lazy("Longitude")
        self.fields["opens_at"].label = gettext_lazy("Opens at")
        self.fields["closes_at"].label = gettext_lazy("Closes at")
        for name in ("opens_at", "closes_at"):
            self.fields[name].widget = TIME
        self.fields["department"] = forms.ModelChoiceField(
            label=gettext_lazy("Department that runs it"),
            queryset=account_selectors.departments_visible_to(user),
        )

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in [*self.FIELDS, "department"]}
        return {**data, "name": translated_value(self.cleaned_data, "name")}


def facility_edit(request: HttpRequest, slug: str = "") -> HttpResponse:
    facility = None
    if slug:
        facility = selectors.staff_facilities(request.user).filter(slug=slug).first()
        if facility is None:
            raise Http404
    if facility is None:
        can_manage = permissions.has_role(request.user, Role.SUPERVISOR)
    else:
        can_manage = catalogue.can_manage(request.user, facility.department_id)
    initial = {}
    if facility is not None:
        initial = {
            **{name: getattr(facility, name) for name in FacilityForm.FIELDS},
            "department": facility.department,
            **translated_initial("name", facility.name),
        }
    form = FacilityForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                saved = catalogue.facility_save(
                    staff=request.user, facility=facility, values=form.values()
                )
            except ValidationError as exc:
                _add_model_errors(form, exc)
            except services.BookingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("staff:bookings:facility", slug=saved.slug)
    return render(
        request,
        "bookings/staff/facility_form.html",
        {
            "facility": facility,
            "form": form,
            "can_manage": can_manage,
            "close_form": ClosePeriodForm(),
            "offerings": list(facility.offerings.all()) if facility else [],
        },
        status=400 if form.errors else 200,
    )


class ClosePeriodForm(AccessibleForm):
    starts = forms.DateTimeField(label=gettext_lazy("From"), widget=DATETIME_LOCAL)
    ends = forms.DateTimeField(label=gettext_lazy("Until"), widget=DATETIME_LOCAL)
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to everyone booked)"),
        max_length=200,
        help_text=gettext_lazy("For example: 空調設備の点検のため / for air-conditioning repairs."),
    )


@require_POST
def facility_close(request: HttpRequest, slug: str) -> HttpResponse:
    facility = selectors.staff_facilities(request.user).filter(slug=slug).first()
    if facility is None:
        raise Http404
    form = ClosePeriodForm(request.POST)
    if form.is_valid():
        try:
            closed, cancelled = catalogue.facility_close_period(
                staff=request.user,
                facility=facility,
                starts=form.cleaned_data["starts"],
                ends=form.cleaned_data["ends"],
                reason=form.cleaned_data["reason"],
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        except PaymentError as exc:
            messages.error(request, _("Closed, but a refund failed: %(error)s") % {"error": exc})
            return redirect("staff:bookings:facility", slug=slug)
        else:
            messages.success(
                request,
                _("%(sessions)s sessions closed; %(bookings)s bookings cancelled and told.")
                % {"sessions": closed, "bookings": cancelled},
            )
            return redirect("staff:bookings:facility", slug=slug)
    return render(
        request,
        "bookings/staff/facility_form.html",
        {
            "facility": facility,
            "form": FacilityForm(
                initial={
                    **{name: getattr(facility, name) for name in FacilityForm.FIELDS},
                    "department": facility.department,
                    **translated_initial("name", facility.name),
                },
                user=request.user,
            ),
            "can_manage": catalogue.can_manage(request.user, facility.department_id),
            "close_form": form,
            "offerings": list(facility.offerings.all()),
        },
        status=400,
    )


# --- Offerings ------------------------------------------------------------------------------


class OfferingForm(AccessibleForm):
    FIELDS = [
        "slug",
        "facility",
        "kind",
        "mode",
        "fee_resident_yen",
        "fee_other_yen",
        "revenue_account_code",
        "revenue_account_name",
        "residents_only",
        "min_age",
        "max_age",
        "meeting_url",
        "per_person_limit",
        "cancel_hours_before",
        "hold_hours",
        "slot_minutes",
        "is_published",
    ]
    LABELS = {
        "slug": gettext_lazy("Code (in the web address)"),
        "facility": gettext_lazy("Facility"),
        "kind": gettext_lazy("Kind"),
        "mode": gettext_lazy("How places are given"),
        "fee_resident_yen": gettext_lazy("Fee for people who live in Minato (yen)"),
        "fee_other_yen": gettext_lazy("Fee for everyone else (yen)"),
        "revenue_account_code": gettext_lazy("Revenue account code (when there is a fee)"),
        "revenue_account_name": gettext_lazy("Revenue account name"),
        "residents_only": gettext_lazy("Only people who live in Minato"),
        "min_age": gettext_lazy("Minimum age on the day"),
        "max_age": gettext_lazy("Maximum age on the day"),
        "meeting_url": gettext_lazy("Online meeting link (shown to confirmed people only)"),
        "per_person_limit": gettext_lazy("Places (or entries) one person may hold at once"),
        "cancel_hours_before": gettext_lazy("Cancellation deadline (hours before it starts)"),
        "hold_hours": gettext_lazy("Hours to confirm or pay a place offered"),
        "slot_minutes": gettext_lazy("Usual length of a session (minutes)"),
        "is_published": gettext_lazy("Open for booking"),
    }

    name_ja, name_en, name_easy = translated_fields(
        gettext_lazy("Name"), required=True, max_length=200
    )
    description_ja, description_en, description_easy = translated_fields(
        gettext_lazy("Description"), required=True, textarea=True, max_length=2000
    )
    areas = forms.MultipleChoiceField(
        label=gettext_lazy("Only people who live in these areas"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave empty for no area limit."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(Offering, self.FIELDS))
        for name, label in self.LABELS.items():
            self.fields[name].label = label
        facility_field = self.fields["facility"]
        assert isinstance(facility_field, forms.ModelChoiceField)
        facility_field.queryset = selectors.staff_facilities(user)

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["revenue_account_code"] = data["revenue_account_code"].strip()
        return {
            **data,
            "areas": list(self.cleaned_data["areas"]),
            "name": translated_value(self.cleaned_data, "name"),
            "description": translated_value(self.cleaned_data, "description"),
        }


def _offering_initial(offering: Offering) -> dict[str, Any]:
    return {
        **{name: getattr(offering, name) for name in OfferingForm.FIELDS},
        "areas": offering.areas,
        **translated_initial("name", offering.name),
        **translated_initial("description", offering.description),
    }


def _staff_offering(user: Any, slug: str) -> Offering:
    offering = selectors.staff_offerings(user).filter(slug=slug).first()
    if offering is None:
        raise Http404
    return offering


def offering_edit(request: HttpRequest, slug: str = "") -> HttpResponse:
    offering = _staff_offering(request.user, slug) if slug else None
    initial: dict[str, Any] = _offering_initial(offering) if offering else {}
    if offering is None and "facility" in request.GET:
        found = selectors.staff_facilities(request.user).filter(slug=request.GET["facility"])
        initial["facility"] = found.first()
    form = OfferingForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = catalogue.offering_save(
                staff=request.user, offering=offering, values=form.values()
            )
        except ValidationError as exc:
            _add_model_errors(form, exc)
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:bookings:offering", slug=saved.slug)
    return render(
        request,
        "bookings/staff/offering_form.html",
        {"offering": offering, "form": form},
        status=400 if form.errors else 200,
    )


class SessionsForm(AccessibleForm):
    first_day = forms.DateField(label=gettext_lazy("First day"), widget=DATE)
    last_day = forms.DateField(label=gettext_lazy("Last day"), widget=DATE)
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days of the week"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.TimeField(label=gettext_lazy("First session starts at"), widget=TIME)
    end = forms.TimeField(label=gettext_lazy("Last session ends by"), widget=TIME)
    minutes = forms.IntegerField(
        label=gettext_lazy("Length of each session (minutes)"), min_value=10, max_value=1440
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Places in each session"), min_value=1, max_value=10000
    )

    def plan(self) -> catalogue.SessionPlan:
        data = self.cleaned_data
        return catalogue.SessionPlan(
            first_day=data["first_day"],
            last_day=data["last_day"],
            weekdays=frozenset(data["weekdays"]),
            start=data["start"],
            end=data["end"],
            minutes=data["minutes"],
            capacity=data["capacity"],
        )


class LotteryForm(AccessibleForm):
    first_day = forms.DateField(label=gettext_lazy("Sessions from"), widget=DATE)
    last_day = forms.DateField(label=gettext_lazy("Sessions until"), widget=DATE)
    entries_open_at = forms.DateTimeField(label=gettext_lazy("Entries open"), widget=DATETIME_LOCAL)
    entries_close_at = forms.DateTimeField(
        label=gettext_lazy("Entries close"), widget=DATETIME_LOCAL
    )
    draw_at = forms.DateTimeField(label=gettext_lazy("Draw"), widget=DATETIME_LOCAL)
    confirm_by = forms.DateTimeField(
        label=gettext_lazy("Winners confirm or pay by"), widget=DATETIME_LOCAL
    )
    resident_weight = forms.IntegerField(
        label=gettext_lazy("Weight of people who live in Minato"),
        min_value=1,
        max_value=10,
        initial=1,
        help_text=gettext_lazy("2 gives them twice the chance of everyone else; 1, the same."),
    )


def _sessions_initial(offering: Offering) -> dict[str, Any]:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {
        "first_day": tomorrow,
        "last_day": tomorrow + timedelta(days=27),
        "weekdays": [0, 1, 2, 3, 4],
        "start": offering.facility.opens_at,
        "end": offering.facility.closes_at,
        "minutes": offering.slot_minutes,
        "capacity": 1 if offering.kind == Offering.Kind.ROOM else 20,
    }


def _lottery_initial() -> dict[str, Any]:
    """Minato's calendar: entries during this month, the draw on the 1st, pay by the 10th,
    for the sessions of the month after next."""
    today = timezone.localdate()
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    first_after = (first_next + timedelta(days=32)).replace(day=1)
    last_after = (first_after + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour))

    return {
        "first_day": first_after,
        "last_day": last_after,
        "entries_open_at": at(today, 9),
        "entries_close_at": at(first_next - timedelta(days=1), 23) + timedelta(minutes=59),
        "draw_at": at(first_next, 6),
        "confirm_by": at(first_next.replace(day=10), 23) + timedelta(minutes=59),
        "resident_weight": 1,
    }


def offering(request: HttpRequest, slug: str) -> HttpResponse:
    found = _staff_offering(request.user, slug)
    return _offering_page(request, found, SessionsForm(initial=_sessions_initial(found)))


def _offering_page(
    request: HttpRequest,
    found: Offering,
    sessions_form: SessionsForm,
    lottery_form: LotteryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    start = portal.week_start(request.GET.get("from"), catalogue.MAX_DAYS_AHEAD)
    return render(
        request,
        "bookings/staff/offering.html",
        {
            "offering": found,
            "sessions": list(selectors.sessions_to_come(found, start=start, days=portal.WEEK)),
            **portal.week_links(start, catalogue.MAX_DAYS_AHEAD),
            "lotteries": list(found.lotteries.order_by("-draw_at")[:20]),
            "can_manage": catalogue.can_manage(request.user, found.department_id),
            "sessions_form": sessions_form,
            "lottery_form": lottery_form or LotteryForm(initial=_lottery_initial()),
        },
        status=status,
    )


@require_POST
def sessions_add(request: HttpRequest, slug: str) -> HttpResponse:
    found = _staff_offering(request.user, slug)
    form = SessionsForm(request.POST)
    if form.is_valid():
        try:
            added, skipped = catalogue.sessions_add(
                staff=request.user, offering=found, plan=form.plan()
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            text = _("%(added)s sessions added.") % {"added": added}
            if skipped:
                text += " " + _("%(skipped)s overlapped existing sessions and were left out.") % {
                    "skipped": skipped
                }
            messages.success(request, text)
            return redirect("staff:bookings:offering", slug=slug)
    return _offering_page(request, found, form, status=400)


@require_POST
def lottery_new(request: HttpRequest, slug: str) -> HttpResponse:
    found = _staff_offering(request.user, slug)
    form = LotteryForm(request.POST)
    if form.is_valid():
        try:
            lottery = catalogue.lottery_schedule(
                staff=request.user, offering=found, **form.cleaned_data
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Lottery created over %(count)s sessions. Its seed's hash is public now.")
                % {"count": lottery.sessions.count()},
            )
            return redirect("staff:bookings:offering", slug=slug)
    return _offering_page(
        request, found, SessionsForm(initial=_sessions_initial(found)), form, status=400
    )


@require_POST
def session_remove(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = selectors.staff_session(request.user, public_id)
    if session is None:
        raise Http404
    try:
        catalogue.session_remove(staff=request.user, session=session)
    except services.BookingError as exc:
        messages.error(request, str(exc))
        return redirect("staff:bookings:session", public_id=session.public_id)
    messages.success(request, _("Session removed."))
    return redirect("staff:bookings:offering", slug=session.offering.slug)


# --- The catalogue and occupancy ------------------------------------------------------------


def catalogue_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "bookings/staff/catalogue.html",
        {
            "facilities": list(
                selectors.staff_facilities(request.user).prefetch_related("offerings")
            ),
            "can_add": permissions.has_role(request.user, Role.SUPERVISOR),
        },
    )


class PeriodForm(AccessibleForm):
    first_day = forms.DateField(label=gettext_lazy("From"), widget=DATE)
    last_day = forms.DateField(label=gettext_lazy("Until"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and not first <= last <= first + timedelta(days=366):
            raise ValidationError(_("Choose a period of one day to one year, in order."))
        return data


def _period(request: HttpRequest) -> tuple[PeriodForm, date, date]:
    """The period asked for; this month by default."""
    first = timezone.localdate().replace(day=1)
    default = {
        "first_day": first,
        "last_day": (first + timedelta(days=32)).replace(day=1) - timedelta(days=1),
    }
    form = PeriodForm(request.GET or None, initial=default)
    if form.is_valid():
        return form, form.cleaned_data["first_day"], form.cleaned_data["last_day"]
    return form, default["first_day"], default["last_day"]


def occupancy(request: HttpRequest) -> HttpResponse:
    form, first, last = _period(request)
    rows = selectors.occupancy(request.user, first_day=first, last_day=last)
    return render(
        request,
        "bookings/staff/occupancy.html",
        {"form": form, "rows": rows, "first_day": first, "last_day": last},
        status=400 if form.errors else 200,
    )


def occupancy_csv(request: HttpRequest) -> HttpResponse:
    _form, first, last = _period(request)
    rows = selectors.occupancy(request.user, first_day=first, last_day=last)
    return csv_download(
        [
            "facility",
            "offering",
            "kind",
            "sessions",
            "closed",
            "places",
            "taken",
            "attended",
            "no_show",
            "occupancy_percent",
        ],
        (
            [
                row.facility,
                row.offering,
                row.kind,
                row.sessions,
                row.closed,
                row.places,
                row.taken,
                row.attended,
                row.no_show,
                row.percent,
            ]
            for row in rows
        ),
        f"occupancy-{first}-{last}.csv",
    )
