"""The resident's booking pages: find something to book, book it or enter its lottery, and
see, confirm, pay for, cancel or add to a calendar what they have. Lottery pages are public:
anyone can check a draw."""

from __future__ import annotations

import csv
import uuid
from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts.models import User
from minato.bookings import calendar, selectors, services
from minato.bookings.models import Booking, Group, Lottery, Offering
from minato.bookings.payables import PURPOSE
from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.payments import selectors as payment_selectors


class SearchForm(AccessibleForm):
    q = forms.CharField(label=gettext_lazy("Keywords"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=gettext_lazy("What"),
        required=False,
        choices=[("", gettext_lazy("Anything")), *Offering.Kind.choices],
    )
    area = forms.ChoiceField(
        label=gettext_lazy("Area"),
        required=False,
        choices=[("", gettext_lazy("Anywhere in Minato")), *Area.choices],
    )
    day = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        help_text=gettext_lazy(
            "For example 2026-12-24. Leave it empty to see the next two months."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _members(text: str, lives_in_ward: bool) -> list[tuple[str, bool]]:
    return [(line.strip(), lives_in_ward) for line in text.splitlines() if line.strip()]


class GroupForm(AccessibleForm):
    name = forms.CharField(label=gettext_lazy("Group name"), max_length=100)
    group_class = forms.ChoiceField(
        label=gettext_lazy("Kind of group"), choices=Group.GroupClass.choices
    )
    area = forms.ChoiceField(
        label=gettext_lazy("Area where the group is active"),
        choices=Area.choices,
        help_text=gettext_lazy("Its branch office checks the registration."),
    )
    members_in_ward = forms.CharField(
        label=gettext_lazy("Members who live in Minato"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One name per line, you included if you are a member."),
        max_length=5000,
    )
    members_elsewhere = forms.CharField(
        label=gettext_lazy("Members who live elsewhere"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One name per line. At least seven in ten members must live in Minato."
        ),
        max_length=5000,
        required=False,
    )

    def members(self) -> list[tuple[str, bool]]:
        return _members(self.cleaned_data["members_in_ward"], True) + _members(
            self.cleaned_data.get("members_elsewhere", ""), False
        )


class RenewForm(GroupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "group_class", "area"):
            del self.fields[name]


def _resident(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated or user.kind != User.Kind.RESIDENT:  # type: ignore[union-attr]
        return None
    return user


def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    offerings: Any = []
    searched = bool(request.GET)
    if form.is_valid() or not searched:
        data = form.cleaned_data if searched else {}
        offerings = list(
            selectors.offerings_search(
                kind=data.get("kind", ""),
                area=data.get("area", ""),
                day=data.get("day"),
                query=data.get("q", ""),
            )[:50]
        )
    return render(
        request,
        "bookings/portal/index.html",
        {"form": form, "offerings": offerings, "searched": searched},
    )


WEEK = 7


def week_start(value: str | None, horizon_days: int = selectors.HORIZON_DAYS) -> date:
    """The first day shown: ``?from=YYYY-MM-DD`` within the horizon, else today."""
    today = timezone.localdate()
    try:
        chosen = date.fromisoformat(value) if value else today
    except ValueError:
        chosen = today
    return min(max(chosen, today), today + timedelta(days=horizon_days - WEEK))


def week_links(start: date, horizon_days: int = selectors.HORIZON_DAYS) -> dict[str, Any]:
    """What ``_week_nav.html`` needs: the weeks before and after, within the horizon."""
    last_start = week_start("9999-12-31", horizon_days)
    return {
        "week_start": start,
        "week_end": start + timedelta(days=WEEK - 1),
        "previous_week": start - timedelta(days=WEEK) if start > timezone.localdate() else None,
        "next_week": start + timedelta(days=WEEK)
        if start + timedelta(days=WEEK) <= last_start
        else None,
    }


def offering_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The offering and one week of its sessions, with links to the weeks before and after
    (a calendar that works without JavaScript and stays short on a phone)."""
    offering = selectors.offering(slug)
    if offering is None:
        raise Http404
    start = week_start(request.GET.get("from"))
    sessions = list(selectors.sessions_to_come(offering, start=start, days=WEEK))
    mine: dict[int, Booking] = {}
    person = _resident(request)
    if person is not None:
        mine = {
            booking.session_id: booking
            for booking in Booking.objects.filter(
                person=person, session__in=sessions, status__in=Booking.ACTIVE
            )
        }
    groups = selectors.registered_groups_of(person) if person is not None else []
    days: OrderedDict[Any, list[Any]] = OrderedDict()
    for session in sessions:
        days.setdefault(timezone.localtime(session.starts_at).date(), []).append(
            (session, mine.get(session.pk))
        )
    # Each lottery still to come with the first day of its sessions, to jump to its week.
    lotteries: dict[Any, date] = {}
    for session in selectors.sessions_to_come(offering).exclude(lottery=None):
        day = timezone.localtime(session.starts_at).date()
        lotteries[session.lottery] = min(lotteries.get(session.lottery, day), day)
    return render(
        request,
        "bookings/portal/offering.html",
        {
            "offering": offering,
            "days": days,
            "lotteries": sorted(lotteries.items(), key=lambda item: item[0].draw_at),
            "now": timezone.now(),
            "groups": groups,
            **week_links(start),
        },
    )


@require_POST
def session_action(request: HttpRequest, slug: str, public_id: Any) -> HttpResponse:
    """Book, enter the lottery or join the waiting list (``action``)."""
    offering = selectors.offering(slug)
    session = selectors.session(offering, public_id) if offering is not None else None
    if session is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("bookings:offering", args=[slug]))
    person = _resident(request)
    if person is None:
        raise Http404  # staff book for people in the console
    action = request.POST.get("action", "")
    book = {
        "book": services.booking_create,
        "enter": services.lottery_enter,
        "wait": services.waitlist_join,
    }.get(action)
    if book is None:
        messages.error(request, _("Choose what to do."))
        return redirect("bookings:offering", slug=slug)
    group = None
    if request.POST.get("group"):
        group = (
            selectors.own_group(person, request.POST["group"])
            if _is_uuid(request.POST["group"])
            else None
        )
        if group is None:
            raise Http404
    try:
        booking = book(session=session, person=person, group=group)
    except services.SessionFull:
        messages.error(
            request,
            _("Someone took the last place just before you. You can join the waiting list."),
        )
        return redirect("bookings:offering", slug=slug)
    except services.BookingError as exc:
        messages.error(request, str(exc))
        return redirect("bookings:offering", slug=slug)
    messages.success(request, _BOOKED_MESSAGES[booking.status])
    return redirect("bookings:detail", reference=booking.reference)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


_BOOKED_MESSAGES: dict[str, Any] = {
    Booking.Status.CONFIRMED: gettext_lazy("Your booking is confirmed."),
    Booking.Status.OFFERED: gettext_lazy("The place is held for you: pay the fee to confirm it."),
    Booking.Status.ENTERED: gettext_lazy("You have entered the lottery."),
    Booking.Status.WAITING: gettext_lazy("You are on the waiting list."),
}


def _person_only(view: Any) -> Any:
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _resident(request) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@_person_only
def mine(request: HttpRequest) -> HttpResponse:
    bookings = list(selectors.bookings_of(request.user)[:200])
    now = timezone.now()
    return render(
        request,
        "bookings/portal/mine.html",
        {
            "upcoming": [
                b for b in bookings if b.session.ends_at > now and b.status in Booking.ACTIVE
            ],
            "past": [
                b for b in bookings if not (b.session.ends_at > now and b.status in Booking.ACTIVE)
            ],
            "penalties": services.active_penalties(request.user),
            "suspended_until": services.lotteries_suspended_until(request.user),
            "feed_url": request.build_absolute_uri(
                _feed_path(str(request.user.public_id))  # type: ignore[union-attr]
            ),
        },
    )


def _feed_path(public_id: str) -> str:
    return reverse("bookings:feed", args=[calendar.feed_token(public_id)])


@_person_only
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.own_booking(reference=reference, person=request.user)
    if booking is None:
        raise Http404
    session = booking.session
    is_confirmed = booking.status in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED)
    qr_svg = ""
    if is_confirmed:
        qr_svg = segno.make(f"MINATO-BOOKING:{booking.reference}", micro=False).svg_inline(
            scale=5,
            title=_("Check-in code for booking %(reference)s") % {"reference": booking.reference},
        )
    return render(
        request,
        "bookings/portal/detail.html",
        {
            "booking": booking,
            "session": session,
            "offering": session.offering,
            "is_confirmed": is_confirmed,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308 - SVG generated by segno from the reference
            "cancel_deadline": services.cancel_deadline(booking),
            "can_cancel": services.can_cancel_online(booking),
            "late_cancel": services.is_late_cancel(booking),
            "late_cancel_points": settings.BOOKINGS_PENALTY_LATE_CANCEL,
            "suspend_at": settings.BOOKINGS_PENALTY_SUSPEND_AT,
            "purpose": PURPOSE,
            "is_paid": payment_selectors.is_paid(purpose=PURPOSE, object_ref=booking.reference),
        },
    )


@_person_only
@require_POST
def booking_action(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.own_booking(reference=reference, person=request.user)
    if booking is None:
        raise Http404
    action = request.POST.get("action", "")
    try:
        if action == "confirm":
            services.booking_confirm(booking=booking, person=request.user)
            messages.success(request, _("Your booking is confirmed."))
        elif action == "cancel":
            refunding = timezone.now() <= services.cancel_deadline(
                booking
            ) and payment_selectors.is_paid(purpose=PURPOSE, object_ref=booking.reference)
            services.booking_cancel(booking=booking, person=request.user)
            messages.success(request, _("Your booking is cancelled."))
            if refunding:
                messages.info(request, _("What you paid is being refunded in full."))
        else:
            messages.error(request, _("Choose what to do."))
    except services.BookingError as exc:
        messages.error(request, str(exc))
    return redirect("bookings:detail", reference=booking.reference)


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_person_only
def booking_ics(request: HttpRequest, reference: str) -> HttpResponse:
    booking = selectors.own_booking(reference=reference, person=request.user)
    if booking is None:
        raise Http404
    name = _("Minato City bookings")
    return _ics(
        calendar.calendar_of([booking], language=request.LANGUAGE_CODE, name=name),
        f"booking-{booking.reference}.ics",
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's bookings as a calendar feed; the signed token in the URL is the key (calendar
    apps cannot sign in)."""
    public_id = calendar.feed_person_public_id(token)
    person = User.objects.filter(public_id=public_id, is_active=True).first() if public_id else None
    if person is None:
        raise Http404
    bookings = selectors.calendar_bookings(person)
    response = HttpResponse(
        calendar.calendar_of(
            bookings, language=request.LANGUAGE_CODE, name=_("Minato City bookings")
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- Public lottery pages -------------------------------------------------------------------


def lottery_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    lottery = selectors.lottery(public_id)
    if lottery is None:
        raise Http404
    return render(
        request,
        "bookings/portal/lottery.html",
        {
            "lottery": lottery,
            "drawn": lottery.status == Lottery.Status.DRAWN,
            "entries": lottery.entries.count(),
        },
    )


def _csv(rows: list[tuple[Any, ...]], header: list[str], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def lottery_entries_csv(request: HttpRequest, public_id: Any) -> HttpResponse:
    lottery = selectors.lottery(public_id)
    if lottery is None or lottery.status != Lottery.Status.DRAWN:
        raise Http404
    return _csv(
        selectors.lottery_published_entries(lottery),
        ["entry_number", "session", "tier", "weight"],
        f"lottery-{lottery.public_id}-entries.csv",
    )


def lottery_sessions_csv(request: HttpRequest, public_id: Any) -> HttpResponse:
    lottery = selectors.lottery(public_id)
    if lottery is None or lottery.status != Lottery.Status.DRAWN:
        raise Http404
    return _csv(
        selectors.lottery_published_sessions(lottery),
        ["session", "capacity"],
        f"lottery-{lottery.public_id}-sessions.csv",
    )


# --- Groups -------------------------------------------------------------------------------


@_person_only
def groups(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "bookings/portal/groups.html",
        {"groups": list(selectors.groups_of(request.user)), "today": timezone.localdate()},
    )


@_person_only
def group_new(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_register(
                representative=request.user,
                name=form.cleaned_data["name"],
                group_class=form.cleaned_data["group_class"],
                department=selectors.branch_office(form.cleaned_data["area"]),
                members=form.members(),
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sent. The ward will check the group and tell you."))
            return redirect("bookings:group", public_id=group.public_id)
    return render(request, "bookings/portal/group_new.html", {"form": form})


@_person_only
def group_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    group = selectors.own_group(request.user, public_id)
    if group is None:
        raise Http404
    members = list(group.members.all())
    form = RenewForm(
        request.POST or None,
        initial={
            "members_in_ward": "\n".join(m.name for m in members if m.lives_in_ward),
            "members_elsewhere": "\n".join(m.name for m in members if not m.lives_in_ward),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_renew(group=group, representative=request.user, members=form.members())
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sent. The ward will check the group again and tell you."))
            return redirect("bookings:group", public_id=group.public_id)
    return render(
        request,
        "bookings/portal/group.html",
        {
            "group": group,
            "members": members,
            "form": form,
            "registered": group.is_registered_on(timezone.localdate()),
        },
    )
