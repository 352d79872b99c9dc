"""The life-event navigator (guides, personal checklists, counter visits) and the counters'
queues (待たない窓口: offices, queues, desks, tickets).

A guide's questionnaire and the procedures it may lead to are data (``definition``, checked by
``guide.schema``), so staff change them without a release. A checklist keeps the items its
answers gave at the time (``items``): editing a guide later never rewrites a resident's list.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from minato.accounts.models import Department
from minato.core.translated import localized, validate_translated


class Guide(models.Model):
    """One life event's questionnaire (転入, 出生, …) and the procedures it may lead to."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.JSONField(validators=[validate_translated])
    summary = models.JSONField(default=dict, blank=True)
    definition = models.JSONField()
    # Raised by each edit; a checklist remembers the version it was made from.
    version = models.PositiveIntegerField(default=1)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.slug

    def title(self, language: str | None = None) -> str:
        return localized(self.name, language)


class Checklist(models.Model):
    """A person's list of procedures for one life event, reached by a private link (the
    token is shown once; only its hash is kept) or, once saved, from My page."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="checklists")
    guide_version = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    items = models.JSONField(default=list)
    done = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklists",
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.public_id)


class Visit(models.Model):
    """One trip to a counter for the counter procedures of a checklist (書かない窓口). The
    resident shows its QR code (a signed, expiring token) or reads out its code; staff find
    every form of the visit filled from what the resident answered once."""

    class Status(models.TextChoices):
        PREPARED = "prepared", "Prepared"
        AT_COUNTER = "at_counter", "At the counter"
        COMPLETED = "completed", "Completed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=8, unique=True)
    checklist = models.OneToOneField(Checklist, on_delete=models.CASCADE, related_name="visit")
    # What the forms are filled from: the questionnaire's answers and the profile, corrected
    # by the clerk with the resident ({field id: text}).
    details = models.JSONField(default=dict)
    # The applications the clerk recorded from it: {checklist item key: 申請番号}.
    applications = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREPARED)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code


class Office(models.Model):
    """A place with counters: a 地区総合支所 (or the 区役所 itself)."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.JSONField(validators=[validate_translated])
    address = models.CharField(max_length=200)
    # The unit whose staff run its queues (区民課 of the branch office).
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="offices")
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.slug

    def title(self, language: str | None = None) -> str:
        return localized(self.name, language)


class Queue(models.Model):
    """One line at an office for one kind of business (住民異動, 証明書, …). Its tickets are
    numbered from 1 each day, with the queue's letter: A001, A002, …"""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="queues")
    slug = models.SlugField(max_length=40)
    name = models.JSONField(validators=[validate_translated])
    prefix = models.CharField(max_length=2)
    # The estimate used until the day has served enough people to measure it.
    service_minutes = models.PositiveSmallIntegerField(default=10)
    # Residents are told when this many people (or fewer) are ahead of them.
    notify_ahead = models.PositiveSmallIntegerField(default=3)
    # Tickets a phone may book for one half-hour slot.
    slot_capacity = models.PositiveSmallIntegerField(default=2)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["office", "sort_order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["office", "slug"], name="navigator_queue_slug"),
            models.UniqueConstraint(fields=["office", "prefix"], name="navigator_queue_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.slug}"

    def title(self, language: str | None = None) -> str:
        return localized(self.name, language)


class Desk(models.Model):
    """A numbered counter position people are called to (「3番窓口」)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="desks")
    number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="navigator_desk_number")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.number}"


class QueueDay(models.Model):
    """The last number given in a queue on a day: the row a new ticket locks, so numbers are
    unique and gapless under concurrency, and start again at 1 the next day."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="days")
    service_date = models.DateField()
    last_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-service_date"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "service_date"], name="navigator_queue_day")
        ]

    def __str__(self) -> str:
        return f"{self.queue_id}:{self.service_date}"


class Ticket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        CALLED = "called", "Called"
        DONE = "done", "Done"
        ABSENT = "absent", "Absent"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    class Channel(models.TextChoices):
        KIOSK = "kiosk", "Kiosk"
        STAFF = "staff", "Staff"
        REMOTE = "remote", "Phone"
        LINE = "line", "LINE"

    ACTIVE = (Status.WAITING, Status.CALLED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The line it waits in now; ``issued_in`` numbered it and gives its label, which a
    # transfer to another counter keeps (the person keeps the number on their slip).
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets")
    issued_in = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    # When the ticket takes its place in the line: when issued, or the start of its slot.
    joins_at = models.DateTimeField()
    slot_start = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    desk = models.ForeignKey(Desk, null=True, blank=True, on_delete=models.SET_NULL)
    call_count = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service_date", "queue", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issued_in", "service_date", "number"], name="navigator_ticket_number"
            ),
            # A double tap on a phone cannot give one person two places in one line.
            models.UniqueConstraint(
                fields=["person", "queue", "service_date"],
                condition=Q(status__in=["waiting", "called"]),
                name="navigator_ticket_one_active_per_person",
            ),
        ]
        indexes = [models.Index(fields=["queue", "status", "joins_at"])]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def label(self) -> str:
        return f"{self.issued_in.prefix}{self.number:03d}"
