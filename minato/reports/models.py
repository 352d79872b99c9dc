"""Reports of problems in public places (道路・公園の不具合通報), after Open311's model.

A ``Service`` is a kind of problem (Open311's service: 街路灯, 遊具, …); a ``Report`` is one
problem at one place (Open311's service request). Reports are public, but never who sent
them: the reporter's account and contact details are read only by the staff it is routed to.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minato.core.areas import Area
from minato.core.references import new_reference


def new_report_reference() -> str:
    # 8 characters of the reference alphabet (about 40 bits): read aloud on the phone, typed
    # into Open311 clients, and not guessable in order.
    return new_reference(8)


def new_private_key() -> str:
    return uuid.uuid4().hex


class Service(models.Model):
    """A kind of problem people report: Open311's service, with its attributes."""

    class Group(models.TextChoices):
        ROADS = "roads", _("Roads")
        PARKS = "parks", _("Parks")
        TOWN = "town", _("Streets and cleanliness")

    code = models.SlugField(max_length=50, unique=True)  # Open311 service_code
    group = models.CharField(max_length=20, choices=Group.choices)
    name = models.JSONField()  # {"ja": …, "en": …, "ja-easy": …} (minato.core.translated)
    description = models.JSONField(default=dict, blank=True)
    keywords = models.CharField(max_length=200, blank=True)  # comma-separated, Open311
    # Routing. With ``area_section`` (a section code under each 地区総合支所: "machizukuri")
    # a report goes to that section of the branch office of its area; otherwise, or when the
    # area cannot be told, to ``department``.
    area_section = models.SlugField(max_length=50, blank=True)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="report_services"
    )
    # Open311 attributes: [{"code", "datatype", "required", "description": {ja, en},
    # "values": [{"key", "name": {ja, en}}]}] (see minato.reports.open311).
    attributes = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("Being fixed")
        FIXED = "fixed", _("Fixed")
        CLOSED = "closed", _("Closed, not fixed")
        REFERRED = "referred", _("Not the ward's: referred")
        DUPLICATE = "duplicate", _("Already reported")

    class Referral(models.TextChoices):
        NATIONAL_ROAD = "national_road", _("A national road (the national highway office)")
        METROPOLITAN_ROAD = (
            "metropolitan_road",
            _("A metropolitan road (Tokyo Metropolitan Government)"),
        )
        PRIVATE_LAND = "private_land", _("Private land (the owner or manager)")
        POLICE = "police", _("A matter for the police (traffic lights, signs, crime)")
        OTHER = "other", _("Another organisation")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        OPEN311 = "open311", _("Open311 client")
        STAFF = "staff", _("Staff")

    reference = models.CharField(max_length=12, unique=True, default=new_report_reference)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    description = models.TextField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    area = models.CharField(max_length=20, choices=Area.choices, blank=True)
    # What the reporter says about the place ("in front of the school gate"): public.
    place_hint = models.CharField(max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="reports"
    )
    # Who sent it: never shown on public pages, read only by staff of ``department``.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    # The language the report was sent in: what the reporter is written to in, without an
    # account's preference.
    language = models.CharField(max_length=10, default="ja")
    # The reporter's private link (/reports/<reference>/?key=…): following and reopening a
    # report sent without an account.
    private_key = models.CharField(max_length=32, unique=True, default=new_private_key)
    # Open311's token (GET tokens/{token}) for requests posted through the API.
    open311_token = models.CharField(max_length=32, null=True, blank=True, unique=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PORTAL)
    # Answers to the service's Open311 attributes: {code: value or [values]}.
    attributes = models.JSONField(default=dict, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    referral = models.CharField(max_length=30, choices=Referral.choices, blank=True)
    # Why it was closed, referred or is a duplicate, as the reporter and the public read it.
    status_note = models.TextField(blank=True)
    support_count = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    fixed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expected_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            # The bounding-box reads of the map and the API.
            models.Index(fields=["latitude", "longitude"], name="reports_report_position"),
            models.Index(fields=["-requested_at"], name="reports_report_requested"),
            models.Index(fields=["department", "status"], name="reports_report_queue"),
            models.Index(fields=["service", "status"], name="reports_report_service"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = frozenset({Report.Status.OPEN, Report.Status.ACCEPTED, Report.Status.IN_PROGRESS})


class Photo(models.Model):
    """A photo of a report: the reporter's, or staff's before and after the work. Stored
    re-encoded without EXIF; a reporter's photo is public only once staff have looked at it
    (and blurred faces or number plates), staff photos at once."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Reporter's photo")
        BEFORE = "before", _("Before the work")
        AFTER = "after", _("After the work")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPORT)
    file = models.FileField(upload_to="reports/%Y/%m/")
    content_type = models.CharField(max_length=30)
    is_public = models.BooleanField(default=False)
    redacted_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} photo of {self.report_id}"


class Update(models.Model):
    """One line of a report's history: a change of status, a reply to the reporter, a note.
    Public ones are shown on the report's page; internal notes only to staff."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status")
        REPLY = "reply", _("Reply to the reporter")
        NOTE = "note", _("Internal note")
        ROUTED = "routed", _("Routed")
        REOPENED = "reopened", _("Reopened by the reporter")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Report.Status.choices, blank=True)
    text = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.report_id}"


class Support(models.Model):
    """A "me too": someone else has seen the same problem. One per person (signed in) or per
    browser (a signed device cookie) and report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    supporter_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "supporter_key"], name="reports_support_once")
        ]

    def __str__(self) -> str:
        return f"support for {self.report_id}"


class Follow(models.Model):
    """A resident following one report (told of each change) or an area (told of new
    reports there, of one kind or of all)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_follows"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    area = models.CharField(max_length=20, choices=Area.choices, blank=True)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "report"],
                condition=models.Q(report__isnull=False),
                name="reports_follow_report_once",
            ),
            models.CheckConstraint(
                condition=models.Q(report__isnull=False) | ~models.Q(area=""),
                name="reports_follow_report_or_area",
            ),
        ]

    def __str__(self) -> str:
        return f"follow by {self.user_id}"
