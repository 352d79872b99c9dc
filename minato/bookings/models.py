"""Bookings and lotteries (施設・イベント予約と抽選): what can be booked, when, and who has it.

- ``Facility``: a place of the ward (a community centre, a library, a health centre).
- ``Offering``: one bookable thing at a facility: a room, an event, a course, library seats,
  a checkup or temporary childcare, booked first-come or by lottery.
- ``Session``: one time of an offering with a capacity (a room's slot: capacity 1).
- ``Lottery``: one draw over some sessions of an offering: its entry window, the hash of its
  seed published in advance, and the seed once drawn (see ``draw``).
- ``Booking``: one person's place in a session, or their entry in its lottery; its status
  says which.

Every booking takes one place. Names and descriptions are translated data (see
``minato.core.translated``); money is integer yen.
"""

from __future__ import annotations

import uuid
from datetime import time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minato.accounts.models import Department
from minato.core.areas import Area
from minato.core.references import new_reference
from minato.core.translated import localized, validate_translated


class Facility(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.JSONField(validators=[validate_translated])
    area = models.CharField(max_length=20, choices=Area.choices)
    address = models.CharField(max_length=200)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    # Opening hours: staff add sessions within them.
    opens_at = models.TimeField(default=time(9, 0))
    closes_at = models.TimeField(default=time(22, 0))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "slug"]
        verbose_name_plural = "facilities"
        constraints = [
            models.CheckConstraint(
                name="facility_opens_before_it_closes",
                condition=Q(opens_at__lt=models.F("closes_at")),
            ),
        ]

    def __str__(self) -> str:
        return localized(self.name, "ja")


class Offering(models.Model):
    class Kind(models.TextChoices):
        ROOM = "room", _("Room")
        EVENT = "event", _("Event")
        COURSE = "course", _("Course")
        SEAT = "seat", _("Library seat")
        CHECKUP = "checkup", _("Health checkup")
        CHILDCARE = "childcare", _("Temporary childcare")

    class Mode(models.TextChoices):
        FIRST_COME = "first_come", _("First come, first served")
        LOTTERY = "lottery", _("Lottery")

    slug = models.SlugField(max_length=80, unique=True)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="offerings")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.FIRST_COME)
    name = models.JSONField(validators=[validate_translated])
    description = models.JSONField(validators=[validate_translated])
    # Fees by rate class: people who live in the ward, and everyone else. None: free.
    fee_resident_yen = models.PositiveIntegerField(null=True, blank=True)
    fee_other_yen = models.PositiveIntegerField(null=True, blank=True)
    revenue_account_code = models.CharField(max_length=30, blank=True)
    revenue_account_name = models.CharField(max_length=100, blank=True)
    # Who may book: only people who live in the ward, and an age range on the session's day.
    residents_only = models.BooleanField(default=False)
    # Only people living in these areas (地区) may book; empty: anyone.
    areas = models.JSONField(default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Online sessions: the link is shown to people with a confirmed place only.
    meeting_url = models.URLField(blank=True)
    # How many places one person may hold at once (first-come) or enter per lottery.
    per_person_limit = models.PositiveSmallIntegerField(default=2)
    # A booking can be cancelled online until this many hours before it starts.
    cancel_hours_before = models.PositiveSmallIntegerField(default=24)
    # How long a place offered from the waiting list (or taken first-come with a fee) is held
    # for the person to confirm or pay.
    hold_hours = models.PositiveSmallIntegerField(default=24)
    # The usual length of one session, proposed when staff add sessions (a room's slot).
    slot_minutes = models.PositiveSmallIntegerField(default=120)
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["facility__area", "slug"]
        constraints = [
            models.CheckConstraint(
                name="offering_ages_in_order",
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
            ),
            models.CheckConstraint(
                name="offering_fee_has_revenue_account",
                condition=(Q(fee_resident_yen__isnull=True) & Q(fee_other_yen__isnull=True))
                | ~Q(revenue_account_code=""),
            ),
        ]

    def __str__(self) -> str:
        return localized(self.name, "ja")

    @property
    def area_labels(self) -> list[str]:
        """The names of the areas whose people may book it, in the ward's order."""
        return [str(label) for value, label in Area.choices if value in self.areas]

    @property
    def has_fee(self) -> bool:
        return bool(self.fee_resident_yen or self.fee_other_yen)

    def fee_for(self, rate_class: str) -> int | None:
        fee = self.fee_resident_yen if rate_class == RateClass.RESIDENT else self.fee_other_yen
        return fee or None


class RateClass(models.TextChoices):
    RESIDENT = "resident", _("Lives in Minato")
    OTHER = "other", _("Lives elsewhere")


class Lottery(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Taking entries")
        DRAWN = "drawn", _("Drawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="lotteries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    entries_open_at = models.DateTimeField()
    entries_close_at = models.DateTimeField()
    draw_at = models.DateTimeField()
    # Winners confirm (and pay) by then, or lose the place to the waiting list.
    confirm_by = models.DateTimeField()
    # Extra weight in the draw for people who live in the ward (1: none).
    resident_weight = models.PositiveSmallIntegerField(default=1)
    # The hash is published before entries close; the seed is kept secret until the draw
    # (pages and the API show it only once drawn).
    seed_sha256 = models.CharField(max_length=64, editable=False)
    seed = models.CharField(max_length=64, blank=True, editable=False)
    drawn_at = models.DateTimeField(null=True, blank=True)
    # The places each session had when drawn ({session public_id: places}), published with
    # the entries so the draw can be re-run whatever happens to the sessions later.
    drawn_capacities = models.JSONField(default=dict, blank=True, editable=False)
    # Entry numbers are handed out in order and never reused (the draw depends on them).
    last_entry_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["draw_at", "id"]
        verbose_name_plural = "lotteries"
        constraints = [
            models.CheckConstraint(
                name="lottery_times_in_order",
                condition=Q(entries_open_at__lt=models.F("entries_close_at"))
                & Q(entries_close_at__lte=models.F("draw_at"))
                & Q(draw_at__lt=models.F("confirm_by")),
            ),
        ]

    def __str__(self) -> str:
        return f"lottery {self.public_id} of {self.offering.slug}"


class Session(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="sessions")
    # Set for the sessions a lottery allocates; places left after it go first-come.
    lottery = models.ForeignKey(
        Lottery, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    # Places held (offered, confirmed or attended): changed only by a conditional UPDATE, so
    # two people can never take the last place at once (services.booking_create).
    taken = models.PositiveIntegerField(default=0)
    # A closure (maintenance, an election): nobody can book it.
    is_closed = models.BooleanField(default=False)
    closed_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_it_starts", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="session_taken_within_capacity", condition=Q(taken__lte=models.F("capacity"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering.slug} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)


def new_booking_reference() -> str:
    return new_reference(8)


class Booking(models.Model):
    class Status(models.TextChoices):
        ENTERED = "entered", _("Entered in the lottery")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Place offered: confirm it")
        CONFIRMED = "confirmed", _("Booked")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Not confirmed in time")
        LOST = "lost", _("Not drawn")

    # The statuses that hold a place (counted in Session.taken).
    HOLDS_PLACE = ("offered", "confirmed", "attended", "no_show")
    # The statuses in which a person still has something in a session.
    ACTIVE = ("entered", "waiting", "offered", "confirmed")

    reference = models.CharField(max_length=8, unique=True, default=new_booking_reference)
    # No single-column indexes on session, person and lottery: the composite indexes below
    # start with each of them, and every index more is written for each of a lottery's
    # 200,000 results.
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    rate_class = models.CharField(max_length=10, choices=RateClass.choices)
    # Worked out by the platform when the place was offered; never taken from the client.
    fee_yen = models.PositiveIntegerField(null=True, blank=True)
    # Made for a registered group (its representative books): the group's priority and
    # window apply, and its own limit.
    group = models.ForeignKey(
        "Group", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    # Lottery entries: their lottery and number in it, weight and tier in the draw, and rank.
    lottery = models.ForeignKey(
        Lottery,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
    )
    entry_number = models.PositiveIntegerField(null=True, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    tier = models.PositiveSmallIntegerField(default=0)
    draw_rank = models.PositiveIntegerField(null=True, blank=True)
    # An offered place must be confirmed (or paid) by then.
    confirm_by = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # When the reminder of the day before was queued (once per booking).
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When the entrant was told the draw's result (set in the transaction that queues it).
    announced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(status__in=["entered", "waiting", "offered", "confirmed"]),
                name="booking_one_active_per_person_and_session",
            ),
            models.UniqueConstraint(
                fields=["lottery", "entry_number"], name="booking_entry_number_once_per_lottery"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["status", "confirm_by"]),
            models.Index(fields=["session", "status", "draw_rank"]),
        ]

    def __str__(self) -> str:
        return f"booking {self.reference}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDS_PLACE


class PenaltyPoint(models.Model):
    """Points for a late cancellation or a no-show; enough of them, not yet expired, keep the
    person out of lotteries (``BOOKINGS_PENALTY_*`` settings)."""

    class Reason(models.TextChoices):
        LATE_CANCEL = "late_cancel", _("Cancelled after the deadline")
        NO_SHOW = "no_show", _("Did not come")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_penalties"
    )
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="penalty")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    points = models.PositiveSmallIntegerField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expires_at"]
        indexes = [models.Index(fields=["person", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.points} points for booking {self.booking_id}"


class Group(models.Model):
    """A registered user group (登録団体): a 町会・自治会, a welfare group, a residents' group or
    another group, with its members. Registered groups enter lotteries ahead of individuals
    and, by class, may book rooms further ahead (``rules.GROUP_WINDOW_MONTHS``)."""

    class GroupClass(models.TextChoices):
        CHOKAI = "chokai", _("Neighbourhood association (町会・自治会)")
        WELFARE = "welfare", _("Welfare group")
        RESIDENTS = "residents", _("Residents' group")
        OTHER = "other", _("Other group")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the ward's check")
        APPROVED = "approved", _("Registered")
        REJECTED = "rejected", _("Not registered")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    group_class = models.CharField(max_length=20, choices=GroupClass.choices)
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booking_groups"
    )
    # The office that checks it (the 協働推進課 of the representative's area, in Minato).
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Registration lasts a year; renewing sends the group (and its members) to be checked again.
    registered_until = models.DateField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def is_registered_on(self, day: Any) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.registered_until is not None
            and day <= self.registered_until
        )


class GroupMember(models.Model):
    """A member as the group lists them (name, and whether they live in the ward): the
    registration rules count them; they need no account."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=100)
    lives_in_ward = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "id"]

    def __str__(self) -> str:
        return f"member of group {self.group_id}"
