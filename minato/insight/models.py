"""Residents' voices (区民の声), their analysis into topics, and serious security incidents.

A voice keeps the text as written (``body``, seen only by the staff who handle it) and the
text with personal data masked (``masked_body``), which is all that analysis, exports and the
public page ever read. Topics belong to one analysis run; ``lineage`` is the same for a topic
and its match in the previous run, so a topic can be followed month to month.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minato.accounts.models import Department
from minato.core.areas import Area


class Voice(models.Model):
    class Kind(models.TextChoices):
        OPINION = "opinion", _("Opinion")
        REQUEST = "request", _("Request")
        COMPLAINT = "complaint", _("Complaint")
        THANKS = "thanks", _("Thanks")

    class Category(models.TextChoices):
        CHILDREN = "children", _("Children and education")
        WELFARE = "welfare", _("Welfare and health")
        ENVIRONMENT = "environment", _("Environment and waste")
        TOWN = "town", _("Roads, parks and transport")
        SAFETY = "safety", _("Disaster prevention and safety")
        SERVICES = "services", _("Procedures and counters")
        CULTURE = "culture", _("Culture, sport and community")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        WEB = "web", _("Website")
        LINE = "line", _("LINE")
        PHONE = "phone", _("Telephone")
        PAPER = "paper", _("Letter or card")
        EMAIL = "email", _("E-mail")
        COUNTER = "counter", _("At a counter")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, not yet sent to a department")
        ROUTED = "routed", _("With a department")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class AgeBand(models.TextChoices):
        UNDER_20 = "0-19", _("Under 20")
        TWENTIES = "20-29", _("20s")
        THIRTIES = "30-39", _("30s")
        FORTIES = "40-49", _("40s")
        FIFTIES = "50-64", _("50 to 64")
        SENIOR = "65+", _("65 and over")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.CharField(max_length=12, choices=Category.choices)
    area = models.CharField(max_length=20, choices=Area.choices, blank=True)
    # 町丁目 as written by the ward's town list (芝公園一丁目), for the safe statistics.
    town = models.CharField(max_length=20, blank=True)
    age_band = models.CharField(max_length=6, choices=AgeBand.choices, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    body = models.TextField()
    masked_body = models.TextField()
    # SHA-256 of the normalised text: the same text twice from one sender is one voice.
    body_hash = models.CharField(max_length=64, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voices",
    )
    # An anonymous writer who wants an answer leaves an address; kept only for the reply.
    contact_email = models.EmailField(blank=True)
    language = models.CharField(max_length=10, default="ja")
    wants_reply = models.BooleanField(default=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="voices"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField()
    import_batch = models.ForeignKey(
        "VoiceImport", null=True, blank=True, on_delete=models.PROTECT, related_name="voices"
    )
    # Publication: the text shown (masked, and edited by staff) and the ward's answer.
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_body = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "department"]),
            models.Index(fields=["is_published", "-published_at"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class VoiceReply(models.Model):
    """An answer sent to the writer (by ``notify()``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.voice_id}:{self.pk}"


class VoiceImport(models.Model):
    """One CSV or Excel file of call-centre or paper voices, imported whole or not at all."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class AnalysisRun(models.Model):
    """One offline analysis of the voices received in a period."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    voice_count = models.PositiveIntegerField(default=0)
    model_name = models.CharField(max_length=100, blank=True)
    # Seconds per step (mask, embed, raw_encode, cluster, label, map, match, total).
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-created_at"]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class Topic(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="topics")
    # The same across months for matched topics.
    lineage = models.UUIDField(default=uuid.uuid4, db_index=True)
    label = models.CharField(max_length=200)
    keywords = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    x = models.FloatField()
    y = models.FloatField()
    centroid = models.JSONField(default=list)
    # Representative quotes: [{"voice": public_id, "text": masked text}].
    quotes = models.JSONField(default=list)
    # The matched topic of the previous run and how alike they are (cosine of centroids).
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    similarity = models.FloatField(null=True, blank=True)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "-size"]

    def __str__(self) -> str:
        return self.label


class TopicMember(models.Model):
    """A voice's place in one run: its topic and its point on the 2-D map."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="members")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="members")
    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="+")
    x = models.FloatField()
    y = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "voice"], name="insight_member_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.voice_id}"


class Incident(models.Model):
    """A security incident as declared by the ward's CISO (the plan's indicator counts the
    serious ones; the target is none)."""

    class Severity(models.TextChoices):
        SERIOUS = "serious", _("Serious")
        MINOR = "minor", _("Minor")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_on = models.DateField()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return self.title


class Survey(models.Model):
    """A resident survey (区民意識調査): a form of the form engine's format, sent to a random
    sample of residents, whose choice questions measure the plan's survey indicators.

    ``indicators`` maps a question (named as the indicator it measures) to the option values
    that count as agreeing, e.g. ``{"information_reaches": ["agree", "rather_agree"]}``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not sent yet")
        OPEN = "open", _("Taking answers")
        CLOSED = "closed", _("Finished")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.JSONField()
    definition = models.JSONField()
    indicators = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.title.get("ja", self.public_id))


class SurveyInvitation(models.Model):
    """One sampled resident's invitation. It says whether they answered, never what: the
    answers (``SurveyResponse``) carry no link to the person."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    # SHA-256 of the link's token (the token itself is only in the message sent).
    token_hash = models.CharField(max_length=64, unique=True)
    # Set with a queryset update, which leaves ``updated_at`` at the sending: no time is
    # kept that could be matched to an answer.
    answered = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="insight_invited_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.person_id}"


class SurveyResponse(models.Model):
    """One set of answers, with nothing that leads to the person: no link to the invitation,
    and no time (see the module recipe's exceptions)."""

    class Channel(models.TextChoices):
        WEB = "web", _("Online")
        PAPER = "paper", _("Paper (entered by staff)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)

    class Meta:
        ordering = ["survey", "public_id"]

    def __str__(self) -> str:
        return str(self.public_id)
