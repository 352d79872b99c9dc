"""Reads for bookings: what is open to book, a person's own bookings, staff rosters scoped to
their departments, and a lottery's published lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from minato.accounts import permissions
from minato.accounts.models import Department
from minato.bookings.models import Booking, Facility, Group, Lottery, Offering, Session
from minato.core.translated import localized

# How far ahead the pages list sessions.
HORIZON_DAYS = 62


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def offerings_search(
    *, kind: str = "", area: str = "", day: date | None = None, query: str = ""
) -> QuerySet[Offering]:
    """Published offerings with a session to come (on ``day`` if given), and those sessions."""
    now = timezone.now()
    sessions = Session.objects.filter(starts_at__gt=now, is_closed=False)
    if day is not None:
        sessions = sessions.filter(
            starts_at__gte=_day_start(day), starts_at__lt=_day_start(day + timedelta(days=1))
        )
    else:
        sessions = sessions.filter(starts_at__lt=now + timedelta(days=HORIZON_DAYS))
    offerings = Offering.objects.filter(is_published=True, sessions__in=sessions).distinct()
    if kind:
        offerings = offerings.filter(kind=kind)
    if area:
        offerings = offerings.filter(facility__area=area)
    if query:
        words = query.split()
        for word in words[:5]:
            offerings = offerings.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(facility__name__icontains=word)
            )
    return offerings.select_related("facility").prefetch_related(
        Prefetch("sessions", queryset=sessions.order_by("starts_at"), to_attr="upcoming")
    )


def offering(slug: str) -> Offering | None:
    return Offering.objects.filter(slug=slug, is_published=True).select_related("facility").first()


def sessions_to_come(
    offering: Offering, *, start: date | None = None, days: int = HORIZON_DAYS
) -> QuerySet[Session]:
    """Sessions not yet started, from ``start`` (today if not given) for ``days`` days."""
    now = timezone.now()
    first = max(now, _day_start(start)) if start is not None else now
    last = (_day_start(start) if start is not None else now) + timedelta(days=days)
    return (
        Session.objects.filter(offering=offering, starts_at__gt=first, starts_at__lt=last)
        .select_related("lottery")
        .order_by("starts_at")
    )


def session(offering: Offering, public_id: Any) -> Session | None:
    return (
        Session.objects.filter(offering=offering, public_id=public_id)
        .select_related("offering__facility", "lottery")
        .first()
    )


def bookings_of(person: Any) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(person=person)
        .select_related("session__offering__facility")
        .order_by("-session__starts_at")
    )


def own_booking(*, reference: str, person: Any) -> Booking | None:
    return (
        bookings_of(person)
        .filter(reference=reference.upper()[:8])
        .select_related("lottery")
        .first()
    )


def calendar_bookings(person: Any) -> list[Booking]:
    """The bookings that hold a place for a person, for their calendar feed."""
    return list(
        bookings_of(person).filter(
            status__in=[Booking.Status.CONFIRMED, Booking.Status.OFFERED, Booking.Status.ATTENDED]
        )[:500]
    )


# --- Lotteries, in public -----------------------------------------------------------------


def lottery(public_id: Any) -> Lottery | None:
    return Lottery.objects.filter(public_id=public_id).select_related("offering__facility").first()


def lottery_published_entries(lottery: Lottery) -> list[tuple[int, str, int, int]]:
    """Entry number, session, tier and weight of every entry (no names): what the draw ran on.
    Only after the draw, with the seed."""
    if lottery.status != Lottery.Status.DRAWN:
        return []
    return [
        (int(number or 0), str(session_id), tier, weight)
        for number, session_id, tier, weight in Booking.objects.filter(lottery=lottery)
        .exclude(draw_rank__isnull=True)
        .order_by("entry_number")
        .values_list("entry_number", "session__public_id", "tier", "weight")
    ]


def lottery_published_sessions(lottery: Lottery) -> list[tuple[str, int]]:
    """Each session of the lottery and the places the draw gave out. Only after the draw."""
    if lottery.status != Lottery.Status.DRAWN:
        return []
    return sorted(
        (str(session), int(places)) for session, places in lottery.drawn_capacities.items()
    )


# --- Staff --------------------------------------------------------------------------------


def staff_offerings(user: Any) -> QuerySet[Offering]:
    departments = permissions.visible_department_ids(user)
    offerings = Offering.objects.select_related("facility")
    if departments is not None:
        offerings = offerings.filter(department_id__in=departments)
    return offerings


def staff_facilities(user: Any) -> QuerySet[Facility]:
    departments = permissions.visible_department_ids(user)
    facilities = Facility.objects.select_related("department")
    if departments is not None:
        facilities = facilities.filter(department_id__in=departments)
    return facilities


@dataclass(frozen=True)
class OccupancyRow:
    facility: str
    offering: str
    slug: str
    kind: str
    sessions: int
    closed: int
    places: int
    taken: int
    attended: int
    no_show: int

    @property
    def percent(self) -> float:
        return round(100 * self.taken / self.places, 1) if self.places else 0.0


def occupancy(user: Any, *, first_day: date, last_day: date) -> list[OccupancyRow]:
    """For each offering in the staff member's departments, its sessions in a period: how
    many places the open ones had, how many were taken, who came and who did not."""
    open_session = Q(sessions__is_closed=False)
    in_period = Q(
        sessions__starts_at__gte=_day_start(first_day),
        sessions__starts_at__lt=_day_start(last_day + timedelta(days=1)),
    )
    totals = (
        staff_offerings(user)
        .annotate(
            session_count=Count("sessions", filter=in_period),
            closed_count=Count("sessions", filter=in_period & ~open_session),
            places=Coalesce(Sum("sessions__capacity", filter=in_period & open_session), 0),
            taken_places=Coalesce(Sum("sessions__taken", filter=in_period & open_session), 0),
        )
        .filter(session_count__gt=0)
        .order_by("facility__area", "facility__slug", "slug")
    )
    attendance: dict[tuple[int, str], int] = {
        (offering_id, status): count
        for offering_id, status, count in Booking.objects.filter(
            session__offering__in=[row.pk for row in totals],
            session__starts_at__gte=_day_start(first_day),
            session__starts_at__lt=_day_start(last_day + timedelta(days=1)),
            status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW],
        )
        .values("session__offering_id", "status")
        .annotate(count=Count("id"))
        .values_list("session__offering_id", "status", "count")
        .order_by()
    }
    return [
        OccupancyRow(
            facility=localized(row.facility.name),
            offering=localized(row.name),
            slug=row.slug,
            kind=row.kind,
            sessions=row.session_count,
            closed=row.closed_count,
            places=row.places,
            taken=row.taken_places,
            attended=attendance.get((row.pk, Booking.Status.ATTENDED), 0),
            no_show=attendance.get((row.pk, Booking.Status.NO_SHOW), 0),
        )
        for row in totals
    ]


def staff_sessions(user: Any, *, day: date) -> QuerySet[Session]:
    """Sessions of a day in the staff member's departments, with what is taken."""
    return (
        Session.objects.filter(
            offering__in=staff_offerings(user),
            starts_at__gte=_day_start(day),
            starts_at__lt=_day_start(day + timedelta(days=1)),
        )
        .select_related("offering__facility")
        .order_by("starts_at", "offering__slug")
    )


def staff_session(user: Any, public_id: Any) -> Session | None:
    return (
        Session.objects.filter(offering__in=staff_offerings(user), public_id=public_id)
        .select_related("offering__facility", "lottery")
        .first()
    )


def roster(session: Session) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(session=session)
        .exclude(status__in=[Booking.Status.LOST])
        .select_related("person__profile")
        .order_by("status", "draw_rank", "created_at")
    )


def staff_booking(user: Any, reference: str) -> Booking | None:
    return (
        Booking.objects.filter(
            session__offering__in=staff_offerings(user), reference=reference.upper()[:8]
        )
        .select_related("session__offering__facility", "person__profile")
        .first()
    )


def facilities_listed() -> QuerySet[Facility]:
    """Every facility people can book, for the open-data catalogue's 公共施設一覧."""
    return Facility.objects.select_related("department").order_by("slug")


def events_feed(*, days: int = HORIZON_DAYS) -> QuerySet[Session]:
    """Events and courses to come, for the public feed (open data's イベント一覧)."""
    now = timezone.now()
    return (
        Session.objects.filter(
            offering__is_published=True,
            offering__kind__in=[Offering.Kind.EVENT, Offering.Kind.COURSE],
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=days),
            is_closed=False,
        )
        .select_related("offering__facility", "offering__department")
        .order_by("starts_at")
    )


# --- Groups -------------------------------------------------------------------------------


def groups_of(person: Any) -> QuerySet[Group]:
    return Group.objects.filter(representative=person).prefetch_related("members")


def registered_groups_of(person: Any) -> list[Group]:
    """The person's groups registered today (the choices for "book for")."""
    today = timezone.localdate()
    return [
        group
        for group in Group.objects.filter(representative=person)
        if group.is_registered_on(today)
    ]


def own_group(person: Any, public_id: Any) -> Group | None:
    return groups_of(person).filter(public_id=public_id).first()


def staff_groups(user: Any, *, status: str = "") -> QuerySet[Group]:
    departments = permissions.visible_department_ids(user)
    groups = Group.objects.select_related("representative__profile", "department").prefetch_related(
        "members"
    )
    if departments is not None:
        groups = groups.filter(department_id__in=departments)
    return groups.filter(status=status) if status else groups


def staff_group(user: Any, public_id: Any) -> Group | None:
    return staff_groups(user).filter(public_id=public_id).first()


# The 地区 of Area and the code of its 総合支所 in the organisation (accounts.organisation).
BRANCH_OFFICE_CODES = {
    "shiba": "shiba",
    "azabu": "azabu",
    "akasaka": "akasaka",
    "takanawa": "takanawa",
    "shibaura_konan": "shibaura-konan",
}


def branch_office(area: str) -> Department:
    """The office that checks groups of an area: the branch office's 協働推進課 where the
    organisation has it, else the branch office itself."""
    code = BRANCH_OFFICE_CODES[area]
    found = {
        department.code: department
        for department in Department.objects.filter(code__in=[f"{code}.kyodo-suishin", code])
    }
    office = found.get(f"{code}.kyodo-suishin") or found.get(code)
    if office is None:
        raise Department.DoesNotExist(f"No branch office {code}")
    return office
