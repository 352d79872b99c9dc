"""Messages to people and what the hub knows to reach them.

- ``Notification``: one message to one person on one channel (a delivery). A message that
  failed for good on one channel may be followed by one on the next channel the person
  chose (``fallback_of``). A ``dedupe_key`` makes sure nobody gets the same message twice on
  a channel, however often a batch is retried.
- ``Preference``: what a resident wants to hear about (topics, areas) and when not
  (quiet hours); the order of their channels and their language are on their profile.
- ``LineAccount``, ``LineLinkNonce``, ``LineWebhookEvent``: a resident's linked LINE user, the
  one-time nonces of LINE's account-link flow, and the webhook events already handled.
- ``PushSubscription``: a browser that accepted Web Push for a resident.
- ``MessageTemplate``: staff's versions of a message's text, per language and channel; the
  texts in each app's ``templates/notifications/messages/`` are the defaults.
- ``Broadcast``: one message from staff to a segment of residents, approved by a second
  person before it goes; its deliveries are ``Notification`` rows in batches.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Waiting to retry")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not sent (no longer wanted)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Deleting an account deletes its messages too: they hold personal data.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(max_length=254)
    channel = models.CharField(max_length=20, default="email")
    # Not indexed: nothing looks messages up by template, and each index on this table is
    # written a million times by a broadcast to the whole ward.
    template_key = models.CharField(max_length=100)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Which module asked, and for what (e.g. "procedures.application" / reference).
    reference = models.CharField(max_length=100, blank=True)
    # Nobody gets two messages with the same key on one channel (a retried batch, a
    # broadcast fanned out twice): a unique constraint, not a check that could race.
    dedupe_key = models.CharField(max_length=100, blank=True)
    # What it is about (preferences filter by it) and whether quiet hours may hold it back.
    topic = models.CharField(max_length=30, blank=True)
    is_emergency = models.BooleanField(default=False)
    # The message that failed for good on the channel before this one.
    fallback_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallback"
    )
    # Deliveries fanned out together (a broadcast's, by channel and language, at most
    # LINE's 500 a multicast) are claimed and handed to the channel together.
    batch_key = models.CharField(max_length=80, blank=True)
    # Messages in the inbox on the portal: when the person opened it.
    read_at = models.DateTimeField(null=True, blank=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    # Not indexed on its own, for the same reason: a person's messages by date use the
    # recipient index below.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["batch_key"],
                condition=~models.Q(batch_key=""),
                name="notification_batch",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "recipient", "channel"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} → {self.channel} ({self.status})"


class Topic(models.TextChoices):
    """What a message is about. Residents choose the topics they hear about; messages that
    are about their own business (an application, a booking, a payment) have no topic and
    always reach them."""

    DISASTER = "disaster", _("Disasters and emergencies")
    CHILDCARE = "childcare", _("Child-rearing")
    EVENTS = "events", _("Events and courses")
    HEALTH = "health", _("Health and welfare")
    TAX = "tax", _("Taxes and insurance")
    GARBAGE = "garbage", _("Garbage and recycling")
    COMMUNITY = "community", _("Community and town news")
    DISABILITY = "disability", _("For people with disabilities")


class Preference(models.Model):
    """A resident's choices about broadcasts: topics and areas to hear about, and quiet
    hours (messages wait until they end; emergencies do not)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    topics = models.JSONField(default=list, blank=True)
    # 地区 (minato.core.areas.Area values); empty: the whole ward.
    areas = models.JSONField(default=list, blank=True)
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"


class LineAccount(models.Model):
    """A resident's account linked to their LINE user through LINE's account-link flow."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line_account"
    )
    # LINE's id of the user for this channel (U + 32 hex digits), not their LINE ID.
    line_user_id = models.CharField(max_length=64, unique=True)
    # False once they block the ward's LINE account (an unfollow event): nothing is sent.
    is_following = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)  # when it was linked
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"LINE account of user {self.user_id}"


class LineLinkNonce(models.Model):
    """One account-link attempt: the nonce we give LINE for a signed-in resident. LINE sends
    it back in the accountLink event, which links the LINE user to that resident once."""

    nonce = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"link nonce for user {self.user_id}"


class LineWebhookEvent(models.Model):
    """A webhook event already handled (LINE redelivers events it is not sure we got)."""

    webhook_event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=30)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # when it came
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_event_id}"


class PushSubscription(models.Model):
    """A browser that accepted Web Push for a resident (the PushSubscription it gave us)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"push subscription {self.public_id}"


class ChildBirthMonth(models.Model):
    """The month a resident's child was born, which they gave so that child-rearing news
    reaches them by the child's age (健診, 予防接種, 入園). Only the month: no name, no day."""

    preference = models.ForeignKey(Preference, on_delete=models.CASCADE, related_name="children")
    born_on = models.DateField()  # the first of the month
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["born_on"]
        indexes = [models.Index(fields=["born_on"], name="child_birth_month")]

    def __str__(self) -> str:
        return f"child born {self.born_on:%Y-%m}"


class MessageTemplate(models.Model):
    """One version of a message's text written by staff. The newest version for a key,
    language and channel is used; ``channel`` "" is the text for every channel without its
    own. Placeholders are those the built-in text uses, checked when saved."""

    key = models.CharField(max_length=100)
    language = models.CharField(max_length=10)
    channel = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "language", "channel", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language", "channel", "version"], name="template_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.language} {self.channel or '*'} v{self.version}"


class ChildAgeBand(models.TextChoices):
    """Age bands of children for child-rearing news (ages in whole years)."""

    INFANT = "0-2", _("0 to 2 years")
    PRESCHOOL = "3-5", _("3 to 5 years")
    PRIMARY = "6-11", _("6 to 11 years")
    SECONDARY = "12-17", _("12 to 17 years")


class Broadcast(models.Model):
    """A message from a department to every resident in a segment (topic × areas ×
    languages × children's age bands). Written by one member of staff, approved by another
    (a supervisor), sent at once or at a set time, cancelled until it has gone."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("broadcast status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("broadcast status", "Waiting for approval")
        SCHEDULED = "scheduled", pgettext_lazy("broadcast status", "Approved, waiting to be sent")
        SENDING = "sending", pgettext_lazy("broadcast status", "Sending")
        SENT = "sent", pgettext_lazy("broadcast status", "Sent")
        CANCELLED = "cancelled", pgettext_lazy("broadcast status", "Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="broadcasts"
    )
    title = models.CharField(max_length=200)  # for staff; residents see the subject
    topic = models.CharField(max_length=30, choices=Topic.choices)
    areas = models.JSONField(default=list, blank=True)  # empty: the whole ward
    languages = models.JSONField(default=list, blank=True)  # empty: every language
    child_age_bands = models.JSONField(default=list, blank=True)  # empty: anyone
    # {language: {"subject": ..., "body": ...}}; Japanese is required, the rest fall back to it.
    content = models.JSONField(default=dict)
    is_emergency = models.BooleanField(default=False)  # ignores quiet hours
    scheduled_for = models.DateTimeField(null=True, blank=True)  # None: when approved
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Everyone who wrote or changed its text or segment, and who asked for approval: none of
    # them may approve it (the two-person rule holds for a supervisor who edits, too).
    editor_ids = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.CharField(max_length=300, blank=True)  # why approval was refused
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Counted when submitted (what the approver sees) and when sent (what went).
    recipient_count = models.PositiveIntegerField(null=True, blank=True)
    # The fan-out goes through the audience in order of account id; the last id done, so a
    # fan-out that died resumes where it stopped.
    fanout_cursor = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # every delivery created
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="broadcast_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def dedupe_key(self) -> str:
        return f"broadcast:{self.public_id}"
