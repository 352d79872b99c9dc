"""The procedure catalogue: what a resident can apply for, where, how, and at what cost.

Names, summaries and other resident-facing text are translated data
(``{"ja": …, "en": …, "ja-easy": …}``, see ``minato.core.translated``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from minato.accounts.models import Department
from minato.core.translated import localized, validate_translated


class Taxonomy(models.Model):
    """A way to browse the catalogue: a code, a translated name and a place in the list."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.JSONField(validators=[validate_translated])
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return localized(self.name, "ja")


class Category(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name_plural = "categories"


class LifeEvent(Taxonomy):
    """ライフイベント: moving in, having a baby, starting school, a death in the family…"""


class Procedure(models.Model):
    class FeeType(models.TextChoices):
        NONE = "none", _("Free")
        FIXED = "fixed", _("Fixed fee")
        PER_ITEM = "per_item", _("Fee per item")
        ASSESSED = "assessed", _("Fee set by staff after review")

    class PaymentTiming(models.TextChoices):
        """When a fee is paid, and so what the workflow waits for (issue 8, point 4)."""

        # Paid online when applying: staff start the review only once it is paid.
        BEFORE_PROCESSING = "before_processing", _("When applying, before processing")
        # Paid online once approved (事後決済): the application is completed once it is paid.
        AFTER_APPROVAL = "after_approval", _("Once the application is approved")
        # Paid in person: staff record the counter payment before completing.
        AT_COUNTER = "at_counter", _("At the counter")

    class Availability(models.TextChoices):
        ONLINE = "online", _("Online")
        NOT_YET_ONLINE = "not_yet_online", _("At the counter for now")
        COUNTER_BY_LAW = "counter_by_law", _("At the counter (required by law)")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.JSONField(validators=[validate_translated])
    summary = models.JSONField(validators=[validate_translated])
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="procedures")
    categories = models.ManyToManyField(Category, related_name="procedures", blank=True)
    life_events = models.ManyToManyField(LifeEvent, related_name="procedures", blank=True)
    eligibility = models.JSONField(default=dict, blank=True)
    # A list of translated texts: [{"ja": "本人確認書類", "en": "Proof of identity"}, …]
    documents = models.JSONField(default=list, blank=True)
    fee_type = models.CharField(max_length=20, choices=FeeType.choices, default=FeeType.NONE)
    fee_amount_yen = models.PositiveIntegerField(null=True, blank=True)
    fee_note = models.JSONField(default=dict, blank=True)
    # Ignored for a free procedure; catalogue.services.default_payment_timing sets it when a
    # procedure is created without one.
    payment_timing = models.CharField(
        max_length=20, choices=PaymentTiming.choices, default=PaymentTiming.BEFORE_PROCESSING
    )
    # 歳入科目: the budget account the fee is booked to (款-項-目-節 code and name), for the
    # finance department. Required when there is a fee; payments copies it onto each payment.
    revenue_account_code = models.CharField(
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9A-Za-z][0-9A-Za-z.-]*$",
                _("Use digits, letters, hyphens and dots, e.g. 13-02-05-02."),
            )
        ],
    )
    revenue_account_name = models.CharField(max_length=100, blank=True)
    processing_days = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_basis = models.CharField(max_length=300, blank=True)
    availability = models.CharField(
        max_length=20, choices=Availability.choices, default=Availability.NOT_YET_ONLINE
    )
    # Why the procedure must be done in person (required when the law keeps it offline).
    offline_reason = models.JSONField(default=dict, blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    # Whether someone without an account may apply, after confirming their email address.
    allows_guest = models.BooleanField(default=False)
    is_published = models.BooleanField(default=True)
    search_text = models.TextField(blank=True, editable=False)
    search_reading = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                name="procedure_fee_amount_matches_type",
                condition=(
                    models.Q(fee_type__in=["fixed", "per_item"], fee_amount_yen__isnull=False)
                    | models.Q(fee_type__in=["none", "assessed"], fee_amount_yen__isnull=True)
                ),
            ),
            # An assessed fee is known only after review: it cannot be paid before it.
            models.CheckConstraint(
                name="procedure_assessed_fee_not_paid_before_processing",
                condition=~models.Q(fee_type="assessed", payment_timing="before_processing"),
            ),
            # A fee is booked to a revenue account; a catch-all default would hide a gap.
            models.CheckConstraint(
                name="procedure_fee_has_revenue_account",
                condition=models.Q(fee_type="none") | ~models.Q(revenue_account_code=""),
            ),
        ]

    def __str__(self) -> str:
        return localized(self.name, "ja")


class FormVersion(models.Model):
    """One published version of a procedure's form. Published versions never change; every
    application records the version it answered."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="form_versions")
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    published_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version"], name="form_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.slug} v{self.version}"


class FormDraft(models.Model):
    """The form a department is building in the console: edited freely, checked and copied
    into a new FormVersion when published. One per procedure."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="form_draft")
    definition = models.JSONField()
    # Optimistic lock: two people editing the same form cannot overwrite each other.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure_id"]

    def __str__(self) -> str:
        return f"form draft of {self.procedure.slug}"


class GuestAccess(models.Model):
    """A link emailed to someone applying without an account. Opening it (once, within a
    day) proves they own the address and signs them in to a guest account
    (User.Kind.GUEST) for it, which holds their drafts and applications."""

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    # The procedure they want to apply for; None when they only want to see their applications.
    procedure = models.ForeignKey(
        Procedure, null=True, blank=True, on_delete=models.CASCADE, related_name="guest_accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"guest access to {self.procedure_id}"


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("In review")
        # A clerk has reviewed it and asks a supervisor to approve or reject it.
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Given at submission: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    reference = models.CharField(max_length=8, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="applications")
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    draft_expires_at = models.DateTimeField(null=True, blank=True)
    # When a business system pulling through the API acknowledged it (pull hand-off).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The fee worked out from the answers at submission (per-item fees), in yen.
    fee_yen = models.PositiveBigIntegerField(null=True, blank=True)
    # The standard processing days counted in business days from submission.
    due_date = models.DateField(null=True, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )
    # Optimistic lock: every staff change states the version it saw; a stale one is refused,
    # so two staff members cannot overwrite each other silently.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="application_applicant"),
            # The staff queue: a department's submitted applications, oldest due first.
            models.Index(
                fields=["department", "due_date", "submitted_at"],
                condition=~models.Q(status="draft"),
                name="application_queue",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.public_id}"


class Attachment(models.Model):
    """A file an applicant uploaded, checked by ``uploads.inspect`` before it was stored.

    The SHA-256 is taken when it is stored and checked every time it is read, so a file
    changed on disk is noticed rather than handed out. An attachment belongs to its
    uploader; it joins an application when that application is submitted with it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attachments"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    question_id = models.CharField(max_length=40)
    filename = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"attachment {self.public_id}"


class ApplicationNote(models.Model):
    """An internal note by staff: never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note on {self.application}"


# What the applicant reads when staff moved the application without writing a message. It is
# not stored: an event keeps an empty message, so each reader sees it in their own language.
DEFAULT_MESSAGES = {
    Application.Status.RETURNED: _("Check your answers, correct what is needed and submit again.")
}


class ApplicationEvent(models.Model):
    """The applicant-visible timeline: every status change, with an optional message."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    message = models.TextField(blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.from_status}→{self.to_status}"

    # The states and the message as people read them, in the active language: the codes
    # ("in_review") are for code, exports' machine columns and the audit log.
    @property
    def from_label(self) -> str:
        return status_label(self.from_status) if self.from_status else "–"

    @property
    def to_label(self) -> str:
        return status_label(self.to_status)

    @property
    def message_text(self) -> str:
        return self.message or str(DEFAULT_MESSAGES.get(self.to_status, ""))  # type: ignore[call-overload]


def status_label(status: str) -> str:
    """An application status's label in the active language (the code if it is unknown)."""
    return str(dict(Application.Status.choices).get(status, status))


class HandoffEndpoint(models.Model):
    """Where a procedure's submitted applications are pushed (a business system's webhook)."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="handoff")
    url = models.URLField(max_length=500)
    # Shared secret for the HMAC-SHA256 signature; the receiving system holds the same one.
    secret = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure_id"]

    def __str__(self) -> str:
        return f"hand-off of {self.procedure.slug}"


class HandoffDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Waiting to retry")
        FAILED = "failed", _("Failed")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="handoffs")
    endpoint = models.ForeignKey(
        HandoffEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} of {self.application} ({self.status})"
