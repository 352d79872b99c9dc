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
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    template_key = models.CharField(max_length=100, db_index=True)
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
    # Messages in the inbox on the portal: when the person opened it.
    read_at = models.DateTimeField(null=True, blank=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_recipient")]
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
