"""Console pages for bookings: a day's sessions with what is taken, a session's roster with
attendance, check-in by the booking's QR code (or its number typed in), and a booking.
Every page that shows residents' names records who looked (閲覧履歴)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.bookings import selectors, services
from minato.bookings.models import Booking, Group, Session
from minato.bookings.payables import PURPOSE
from minato.core import audit
from minato.core.forms import AccessibleForm
from minato.core.spreadsheets import csv_download
from minato.payments.services import PaymentError


class DayForm(AccessibleForm):
    day = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CheckInForm(AccessibleForm):
    code = forms.CharField(
        label=gettext_lazy("Booking number or scanned code"),
        max_length=40,
        help_text=gettext_lazy("8 letters and digits, as on the person's screen."),
    )


class CloseForm(AccessibleForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to everyone booked)"),
        max_length=200,
        help_text=gettext_lazy("For example: 空調設備の点検のため / for air-conditioning repairs."),
    )


def _viewed(bookings: list[Booking], session: Session) -> None:
    """One 閲覧履歴 entry for each person whose booking a member of staff looked at."""
    audit.record_many(
        [
            {
                "action": "bookings.booking_viewed",
                "object_type": "bookings.booking",
                "object_id": booking.pk,
                "subject_id": booking.person_id,
                "department_id": session.offering.department_id,
            }
            for booking in bookings
        ]
    )


def day(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.GET or None, initial={"day": timezone.localdate()})
    chosen: date = form.cleaned_data["day"] if form.is_valid() else timezone.localdate()
    sessions = list(selectors.staff_sessions(request.user, day=chosen))
    return render(
        request,
        "bookings/staff/day.html",
        {"form": form, "day": chosen, "sessions": sessions},
    )


def session_roster(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = selectors.staff_session(request.user, public_id)
    if session is None:
        raise Http404
    bookings = list(selectors.roster(session))
    _viewed(bookings, session)
    return render(
        request,
        "bookings/staff/session.html",
        {
            "session": session,
            "bookings": bookings,
            "close_form": CloseForm(),
            "can_close": permissions.has_role(request.user, Role.SUPERVISOR),
        },
    )


@require_POST
def session_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Close a session: its bookings are cancelled, their people told why, fees refunded."""
    session = selectors.staff_session(request.user, public_id)
    if session is None:
        raise Http404
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            cancelled = services.session_close(
                session=session, reason=form.cleaned_data["reason"], staff=request.user
            )
        except services.BookingError as exc:
            messages.error(request, str(exc))
        except PaymentError as exc:
            # The session is closed and its bookings cancelled; a refund the provider refused
            # is retried from the payments page.
            messages.error(request, _("Closed, but a refund failed: %(error)s") % {"error": exc})
        else:
            messages.success(
                request,
                _("Closed. %(count)s bookings cancelled; their people are told and refunded.")
                % {"count": len(cancelled)},
            )
        return redirect("staff:bookings:session", public_id=session.public_id)
    bookings = list(selectors.roster(session))
    return render(
        request,
        "bookings/staff/session.html",
        {
            "session": session,
            "bookings": bookings,
            "close_form": form,
            "can_close": permissions.has_role(request.user, Role.SUPERVISOR),
        },
        status=400,
    )


def session_roster_csv(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = selectors.staff_session(request.user, public_id)
    if session is None:
        raise Http404
    bookings = list(selectors.roster(session))
    _viewed(bookings, session)
    return csv_download(
        ["予約番号", "氏名", "状態", "料金区分", "使用料", "抽選順位", "来場"],
        (
            [
                booking.reference,
                getattr(getattr(booking.person, "profile", None), "full_name", "")
                or booking.person.email,
                booking.get_status_display(),
                booking.get_rate_class_display(),
                booking.fee_yen or 0,
                booking.draw_rank or "",
                timezone.localtime(booking.checked_in_at).strftime("%H:%M")
                if booking.checked_in_at
                else "",
            ]
            for booking in bookings
        ),
        f"roster-{timezone.localtime(session.starts_at):%Y%m%d-%H%M}.csv",
    )


def _reference_of(code: str) -> str:
    """A scanned code is ``MINATO-BOOKING:<reference>``; a typed one is the reference."""
    return code.strip().upper().removeprefix("MINATO-BOOKING:")[:8]


def check_in(request: HttpRequest) -> HttpResponse:
    """Scan (or type) a booking's code and record that the person came; from a roster, record
    that someone came or did not."""
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        booking = selectors.staff_booking(request.user, _reference_of(form.cleaned_data["code"]))
        if booking is None:
            form.add_error("code", _("No booking with this number in your departments."))
        else:
            attended = request.POST.get("attended", "1") != "0"
            try:
                services.attendance_record(booking=booking, attended=attended, staff=request.user)
            except services.BookingError as exc:
                form.add_error("code", str(exc))
            else:
                profile = getattr(booking.person, "profile", None)
                name = getattr(profile, "full_name", "") or booking.reference
                messages.success(
                    request,
                    (_("%(name)s: checked in.") if attended else _("%(name)s: did not come."))
                    % {"name": name},
                )
                if request.POST.get("back") == "session":
                    return redirect("staff:bookings:session", public_id=booking.session.public_id)
                return redirect("staff:bookings:check_in")
    return render(request, "bookings/staff/check_in.html", {"form": form})


def booking(request: HttpRequest, reference: str) -> HttpResponse:
    found = selectors.staff_booking(request.user, reference)
    if found is None:
        raise Http404
    _viewed([found], found.session)
    return render(
        request,
        "bookings/staff/booking.html",
        {"booking": found, "session": found.session, "purpose": PURPOSE},
    )


class DecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Register")),
            ("reject", gettext_lazy("Do not register")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the representative"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Required when the group is not registered: say why."),
    )


def groups(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Group.Status.PENDING)
    if status not in Group.Status.values:
        status = Group.Status.PENDING
    return render(
        request,
        "bookings/staff/groups.html",
        {
            "groups": list(selectors.staff_groups(request.user, status=status)[:200]),
            "status": status,
            "statuses": Group.Status.choices,
        },
    )


def group(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = selectors.staff_group(request.user, public_id)
    if found is None:
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_decide(
                group=found,
                staff=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Decided. The representative is told."))
            return redirect("staff:bookings:groups")
    audit.record(
        action="bookings.group_viewed",
        obj=found,
        subject_id=found.representative_id,
        department_id=found.department_id,
    )
    members = list(found.members.all())
    return render(
        request,
        "bookings/staff/group.html",
        {
            "group": found,
            "members": members,
            "in_ward": sum(1 for member in members if member.lives_in_ward),
            "form": form,
            "problem": services.group_members_problem(
                [(member.name, member.lives_in_ward) for member in members]
            ),
        },
    )
