"""Public information: notices the ward publishes (news, events, emergencies) in several
languages, for the portal, feeds, the open API and, later, signage and CAP alerts.

A notice's text is data that staff write, one entry per language in ``content``
(``{"ja": {"title": …, "body": …}, "en": …}``): Japanese always, English, やさしい日本語,
Chinese and Korean when written. A reader whose language is missing gets Japanese, marked
as such.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minato.core.areas import Area

# The languages a notice may be written in: the site's three, and Chinese and Korean, which
# many of Minato's foreign residents read (the plan's 多言語 information).
CONTENT_LANGUAGES = ["ja", "en", "ja-easy", "zh", "ko"]


def area_labels(areas: list[str]) -> list[str]:
    """The names of 地区 codes, in the active language."""
    return [str(Area(area).label) for area in areas if area in Area.values]


class Notice(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        EVENT = "event", _("Event")
        EMERGENCY = "emergency", _("Emergency")

    class Category(models.TextChoices):
        DISASTER = "disaster", _("Disasters and safety")
        CHILDCARE = "childcare", _("Child-rearing")
        HEALTH = "health", _("Health and welfare")
        TAX = "tax", _("Taxes and insurance")
        GARBAGE = "garbage", _("Garbage and recycling")
        EVENTS = "events", _("Events and courses")
        COMMUNITY = "community", _("Community and culture")
        TOWN = "town", _("Town planning and roads")
        WARD = "ward", _("The ward office")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    category = models.CharField(max_length=20, choices=Category.choices)
    # 地区 (minato.core.areas.Area values) the notice concerns; empty: the whole ward.
    areas = models.JSONField(default=list, blank=True)
    content = models.JSONField(default=dict)
    # Shown from ``starts_at`` (publishing earlier schedules it) until ``ends_at``, if set.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    # Where an event takes place, when it is one (free text, for people).
    event_starts_at = models.DateTimeField(null=True, blank=True)
    event_place = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # When a published notice was last corrected (readers see "updated").
    corrected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["status", "-starts_at"], name="notice_published")]

    def __str__(self) -> str:
        return str(self.content.get("ja", {}).get("title", self.public_id))

    def text(self, language: str) -> tuple[str, dict[str, str]]:
        """The notice in ``language`` if written in it, else in Japanese: (language, text)."""
        written = self.content.get(language)
        if written and written.get("title"):
            return language, written
        return "ja", self.content.get("ja", {"title": "", "body": ""})

    @property
    def area_labels(self) -> list[str]:
        return area_labels(self.areas)

    @property
    def languages(self) -> list[str]:
        return [code for code in CONTENT_LANGUAGES if self.content.get(code, {}).get("title")]


class Alert(models.Model):
    """An emergency alert written once and sent everywhere: the portal (as an emergency
    notice and its banner), the notification hub (everyone subscribed to disasters in the
    areas, quiet hours ignored) and the CAP 1.2 feed. An update or a cancellation is a new
    alert that references the ones before it, as CAP does."""

    class Event(models.TextChoices):
        # The evacuation information levels of the Cabinet Office's guideline (警戒レベル).
        EVACUATION_ELDERLY = "evacuation_elderly", _("Level 3: older people and others evacuate")
        EVACUATION_ORDER = "evacuation_order", _("Level 4: evacuation order")
        EMERGENCY_SAFETY = "emergency_safety", _("Level 5: secure your safety now")
        SHELTERS_OPEN = "shelters_open", _("Shelters opened")
        OTHER = "other", _("Other emergency information")

    class Mode(models.TextChoices):
        # CAP <status>: a drill (Exercise) reaches residents marked as a drill; a Test is a
        # technical test and goes only to the CAP feed.
        ACTUAL = "Actual", _("Actual")
        EXERCISE = "Exercise", _("Drill")
        TEST = "Test", _("Technical test")

    class MessageType(models.TextChoices):
        ALERT = "Alert", _("First alert")
        UPDATE = "Update", _("Update")
        CANCEL = "Cancel", _("Cancellation")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for a supervisor")
        ISSUED = "issued", _("Issued")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="alerts"
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.ACTUAL)
    message_type = models.CharField(
        max_length=10, choices=MessageType.choices, default=MessageType.ALERT
    )
    # The alert this one updates or cancels (the latest of its chain).
    # (Drafts of several follow-ups may exist; the first issued wins, the others are refused.)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    areas = models.JSONField(default=list, blank=True)  # 地区; empty: the whole ward
    # {"ja": {"headline", "description", "instruction"}, "en": …, "ja-easy": …}
    content = models.JSONField(default=dict)
    expires_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # CAP <sent>: when it was issued.
    issued_at = models.DateTimeField(null=True, blank=True)
    # What it became on the portal and in the hub (None for a technical test).
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    broadcast_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["state", "-issued_at"], name="alert_issued")]

    def __str__(self) -> str:
        return str(self.content.get("ja", {}).get("headline", self.public_id))

    @property
    def area_labels(self) -> list[str]:
        return area_labels(self.areas)

    @property
    def chain(self) -> list[Alert]:
        """The alerts before this one, oldest first (CAP <references>)."""
        earlier: list[Alert] = []
        current = self.previous
        while current is not None:
            earlier.append(current)
            current = current.previous
        return earlier[::-1]


class Display(models.Model):
    """A signage screen, registered by staff so that its heartbeat can be watched: the screen
    opens ``/signage/<group>/?display=<key>`` and each of its polls says it is alive."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)  # where it hangs, for staff: 芝地区総合支所 1階
    group = models.CharField(max_length=30)  # a 地区 or "ward" (views.signage)
    # Identifies the screen in its address; not a password (the pages are public anyway).
    key = models.CharField(max_length=40, unique=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def group_label(self) -> str:
        """The group as staff read it: a 地区's name, or the whole ward."""
        return (
            area_labels([self.group])[0] if self.group in Area.values else str(_("The whole ward"))
        )


def new_checkin_key() -> str:
    """The key in a shelter's QR code (see ``Shelter.checkin_key``)."""
    return secrets.token_urlsafe(12)


class Shelter(models.Model):
    """A place people go in a disaster: a designated shelter (指定避難所), a designated
    emergency evacuation site (指定緊急避難場所) or a temporary-stay facility for stranded
    commuters (一時滞在施設); one place may be several. Staff open it, report how many people
    are there, and people check in by scanning its QR code (``CheckIn``)."""

    class Kind(models.TextChoices):
        SHELTER = "shelter", _("Designated shelter")
        EVACUATION_SITE = "evacuation_site", _("Emergency evacuation site")
        TEMPORARY_STAY = "temporary_stay", _("Temporary-stay facility for stranded commuters")

    class Status(models.TextChoices):
        CLOSED = "closed", pgettext_lazy("shelter", "Closed")
        PREPARING = "preparing", pgettext_lazy("shelter", "Preparing to open")
        OPEN = "open", pgettext_lazy("shelter", "Open")
        FULL = "full", pgettext_lazy("shelter", "Full")

    class Hazard(models.TextChoices):
        # The disaster types of the Disaster Countermeasures Basic Act for which an emergency
        # evacuation site is designated (災害対策基本法施行令 and the national open-data list).
        FLOOD = "flood", _("Flood")
        LANDSLIDE = "landslide", _("Landslide")
        STORM_SURGE = "storm_surge", _("Storm surge")
        EARTHQUAKE = "earthquake", _("Earthquake")
        TSUNAMI = "tsunami", _("Tsunami")
        FIRE = "fire", _("Large fire")
        INLAND_FLOOD = "inland_flood", _("Inland flooding")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    name = models.JSONField()  # {"ja": …, "en": …} (minato.core.translated)
    kinds = models.JSONField(default=list)  # Kind values
    hazards = models.JSONField(default=list, blank=True)  # Hazard values it is safe for
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="shelters"
    )
    area = models.CharField(max_length=20, choices=Area.choices)
    address = models.CharField(max_length=200)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    phone = models.CharField(max_length=20, blank=True)
    capacity = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CLOSED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # People there now: staff report it, each check-in adds its party and each check-out
    # takes it away again, so between reports it follows the roster.
    headcount = models.PositiveIntegerField(default=0)
    headcount_updated_at = models.DateTimeField(null=True, blank=True)
    # In the QR code posted at the entrance: check-in needs it, so that a form cannot be
    # filled in for a place one is not at by guessing its address. Staff can change it.
    checkin_key = models.CharField(max_length=40, unique=True, default=new_checkin_key)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "slug"]
        constraints = [
            models.CheckConstraint(name="shelter_has_capacity", condition=models.Q(capacity__gt=0)),
        ]

    def __str__(self) -> str:
        return str(self.name.get("ja", self.slug))

    @property
    def area_label(self) -> str:
        return area_labels([self.area])[0]

    @property
    def accepts_people(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.FULL)


class CheckIn(models.Model):
    """One party's arrival at a shelter, written by the person from the QR code (no account)
    or by staff for someone who cannot. Personal data: staff of the shelter's department see
    it (each roster read is audited), and it is deleted a while after the disaster."""

    class Need(models.TextChoices):
        WHEELCHAIR = "wheelchair", _("Wheelchair or help walking")
        MEDICAL = "medical", _("Medical care or medicine")
        INFANT = "infant", _("Baby or small child")
        PREGNANT = "pregnant", _("Pregnancy")
        ELDERLY = "elderly", _("Older person who needs care")
        ALLERGY = "allergy", _("Food allergy")
        LANGUAGE = "language", _("Help in another language")
        PET = "pet", _("With a pet")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="check_ins")
    # What the person shows at the desk: short, unambiguous letters and digits.
    receipt = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    contact = models.CharField(max_length=100, blank=True)
    party_size = models.PositiveSmallIntegerField(default=1)
    needs = models.JSONField(default=list, blank=True)  # Need values
    needs_note = models.CharField(max_length=200, blank=True)
    heading_to = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, default="ja")
    # Set when staff registered the person at the desk (None: the person did, by QR).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["shelter", "-checked_in_at"], name="checkin_roster"),
        ]
        constraints = [
            models.CheckConstraint(
                name="checkin_party_size_1_to_20",
                condition=models.Q(party_size__gte=1, party_size__lte=20),
            ),
        ]

    def __str__(self) -> str:
        return self.receipt


class HazardLayer(models.Model):
    """A hazard map layer (flood, landslide, storm surge …) that staff upload as GeoJSON and
    publish; the portal draws it over the map and lists its areas for readers without a map."""

    class Kind(models.TextChoices):
        FLOOD = "flood", _("Flood (river)")
        INLAND_FLOOD = "inland_flood", _("Inland flooding")
        STORM_SURGE = "storm_surge", _("Storm surge")
        LANDSLIDE = "landslide", _("Landslide")
        OTHER = "other", _("Other hazard")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.JSONField()  # {"ja": …, "en": …}
    description = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=200)  # 出典, shown with the layer
    geojson = models.JSONField()  # a FeatureCollection, checked on upload (hazards.py)
    feature_count = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=False)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="hazard_layers"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "slug"]

    def __str__(self) -> str:
        return str(self.title.get("ja", self.slug))


class DisasterMode(models.Model):
    """The switch (one row) that turns the portal into its light disaster page set: the home
    page becomes the disaster page (emergency notices, open shelters, hazard maps)."""

    active = models.BooleanField(default=False)
    # Shown at the top of the disaster page, e.g. 「首都直下地震の発生に伴い…」.
    message = models.JSONField(default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return "on" if self.active else "off"
