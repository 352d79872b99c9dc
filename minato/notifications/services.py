"""Tell a person something. Every module calls ``notify``; nothing else sends messages.

Messages are rendered when queued (so what was sent is kept exactly), delivered by a
background task, retried with exponential backoff, and every status change is audited.
The task is enqueued inside the caller's transaction: with the database task backend the
message and its delivery job commit together or not at all (a transactional outbox).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template import Context, TemplateDoesNotExist
from django.utils import timezone

from minato.core import audit, outbox
from minato.core.context import current as current_context
from minato.notifications import message_templates
from minato.notifications.adapters import DeliveryError, adapter_for, enabled_channels
from minato.notifications.models import (
    ChildBirthMonth,
    LineAccount,
    Notification,
    Preference,
    PushSubscription,
    Topic,
)

TEMPLATE_KEY_RE = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")
FALLBACK_LANGUAGE = "ja"
RETRY_BASE_SECONDS = 30


class UnknownTemplate(ValueError):
    pass


def _template_language_chain(language: str) -> list[str]:
    return [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]


def render_message(
    *, template_key: str, language: str, context: dict[str, Any], channel: str = ""
) -> tuple[str, str, str]:
    """Render a message: staff's newest text for the channel or for every channel
    (``message_templates``), else the built-in template, whose first line is the subject.

    Returns ``(language_used, subject, body)``; falls back to Japanese where a message has
    no text in the language yet.
    """
    if not TEMPLATE_KEY_RE.match(template_key):
        raise UnknownTemplate(f"Invalid template key {template_key!r}")
    for candidate in _template_language_chain(language):
        written = message_templates.text_for(key=template_key, language=candidate, channel=channel)
        if written is not None:
            return candidate, *message_templates.render_text(*written, context)
        try:
            template = message_templates.TEXT_ENGINE.get_template(
                f"notifications/messages/{template_key}/{candidate}.txt"
            )
        except TemplateDoesNotExist:
            continue
        text = template.render(
            Context({**context, "site_url": settings.SITE_URL}, autoescape=False)
        ).strip()
        subject, _, body = text.partition("\n")
        return candidate, subject.strip(), body.strip() + "\n"
    raise UnknownTemplate(f"No template {template_key!r}")


def template_exists(template_key: str) -> bool:
    try:
        render_message(template_key=template_key, language=FALLBACK_LANGUAGE, context={})
    except UnknownTemplate:
        return False
    return True


def context_actor_id() -> int | None:
    return current_context().actor_id


def _preferences(recipient: Any) -> tuple[str, list[str]]:
    profile = getattr(recipient, "profile", None) if recipient is not None else None
    language = getattr(profile, "preferred_language", "") or FALLBACK_LANGUAGE
    channels = list(getattr(profile, "preferred_channels", None) or [])
    return language, channels


# Channels that interrupt (a phone buzzes): quiet hours hold them back. Email and the inbox
# wait for the person anyway.
INTERRUPTING_CHANNELS = ("line", "push", "sms")
# Topics a resident hears about before choosing any.
DEFAULT_TOPICS = (Topic.DISASTER,)


def reachable_channels(recipient: Any) -> dict[str, str]:
    """Each enabled channel on which this person can be reached now, with its address."""
    enabled = enabled_channels()
    found: dict[str, str] = {}
    if "line" in enabled:
        account = LineAccount.objects.filter(user=recipient, is_following=True).first()
        if account is not None:
            found["line"] = account.line_user_id
    if "push" in enabled and PushSubscription.objects.filter(user=recipient).exists():
        found["push"] = str(recipient.pk)
    if getattr(recipient, "email", ""):
        found["email"] = recipient.email
    found["inbox"] = str(recipient.pk)
    phone = getattr(getattr(recipient, "profile", None), "phone", "")
    if "sms" in enabled and phone:
        found["sms"] = phone
    return found


def channel_order(recipient: Any) -> list[tuple[str, str]]:
    """Where to try, in order: the channels the person chose (as they ordered them) that
    reach them now, then email and the inbox as the last resorts."""
    _language, preferred = _preferences(recipient)
    return ordered_channels(preferred, reachable_channels(recipient))


def ordered_channels(preferred: list[str], reachable: dict[str, str]) -> list[tuple[str, str]]:
    """The channels chosen (in the person's order) that reach them, then email and the
    inbox; each with its address."""
    order = [channel for channel in preferred if channel in reachable]
    order += [channel for channel in ("email", "inbox") if channel in reachable]
    return [(channel, reachable[channel]) for channel in dict.fromkeys(order)]


def _build(
    *,
    template_key: str,
    context: dict[str, Any],
    recipient: Any = None,
    address: str = "",
    language: str | None = None,
    channel: str | None = None,
    reference: str = "",
    dedupe_key: str = "",
    topic: str = "",
    is_emergency: bool = False,
) -> Notification:
    preferred_language, _preferred = _preferences(recipient)
    language = language or preferred_language
    if recipient is not None and not address:
        order = channel_order(recipient)
        if channel is None:
            channel, address = order[0] if order else ("email", recipient.email)
        else:
            address = dict(order).get(channel, "") or (
                recipient.email if channel == "email" else ""
            )
    channel = channel or "email"
    if not address:
        raise ValueError("A notification needs a recipient or an address")
    language_used, subject, body = render_message(
        template_key=template_key, language=language, context=context, channel=channel
    )
    return Notification(
        recipient=recipient,
        address=address,
        channel=channel,
        template_key=template_key,
        language=language_used,
        subject=subject[:300],
        body=body,
        reference=reference[:100],
        dedupe_key=dedupe_key[:100],
        topic=topic,
        is_emergency=is_emergency,
        created_by_id=context_actor_id(),
    )


def _queued_event(notification: Notification) -> dict[str, Any]:
    return {
        "action": "notifications.queued",
        "obj": notification,
        "subject_id": notification.recipient_id,
        "changes": {
            "status": [None, notification.status],
            "template_key": [None, notification.template_key],
        },
    }


@transaction.atomic
def notify(
    *,
    template_key: str,
    context: dict[str, Any],
    recipient: Any = None,
    address: str = "",
    language: str | None = None,
    channel: str | None = None,
    reference: str = "",
    dedupe_key: str = "",
    topic: str = "",
    is_emergency: bool = False,
) -> Notification:
    """Queue one message to one person, in their language, on the first of their channels
    that reaches them (a failure there moves it to the next one).

    ``recipient`` is a user (preferences come from their profile); ``address`` alone sends
    to someone without an account (a guest applicant). With a ``dedupe_key`` the message is
    queued once per person and channel: asking again returns the message already queued.
    ``topic`` is for news people subscribe to (``Topic``); their own business has none.
    ``is_emergency`` messages ignore quiet hours.
    """
    notification = _build(
        template_key=template_key,
        context=context,
        recipient=recipient,
        address=address,
        language=language,
        channel=channel,
        reference=reference,
        dedupe_key=dedupe_key,
        topic=topic,
        is_emergency=is_emergency,
    )
    if dedupe_key:
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            return Notification.objects.get(
                dedupe_key=notification.dedupe_key,
                recipient=recipient,
                channel=notification.channel,
            )
    else:
        notification.save(force_insert=True)
    audit.record(**_queued_event(notification))
    outbox.enqueue(NOTIFICATIONS, notification.pk)
    return notification


@transaction.atomic
def notify_many(messages: list[dict[str, Any]]) -> list[Notification]:
    """Queue several messages at once (work done in batches): each dict holds ``notify``'s
    keyword arguments. One insert for the messages, one for their audit events and one
    delivery task for them all; the messages are otherwise exactly as ``notify`` makes them.
    """
    notifications = [_build(**message) for message in messages]
    if not notifications:
        return []
    Notification.objects.bulk_create(notifications)
    audit.record_many([_queued_event(notification) for notification in notifications])
    outbox.enqueue_many(NOTIFICATIONS, [notification.pk for notification in notifications])
    return notifications


class NotificationOutbox(outbox.Outbox[Notification]):
    """Messages, for the core deliverer: sent through their channel's adapter."""

    model = Notification
    task = "minato.notifications.tasks.deliver_notification"
    batch_task = "minato.notifications.tasks.deliver_notifications"
    audit_action = "notifications.{status}"

    @property
    def backoff(self) -> outbox.Backoff:
        return outbox.Backoff(
            base_seconds=RETRY_BASE_SECONDS, max_attempts=settings.NOTIFICATION_MAX_ATTEMPTS
        )

    def send(self, row: Notification) -> outbox.Sent:
        try:
            adapter_for(row.channel).send(
                address=row.address, subject=row.subject, body=row.body, key=str(row.public_id)
            )
        except DeliveryError as exc:
            # Our own DeliveryError messages never quote the address: safe to keep. Any
            # other error is retried by the deliverer, which keeps only its type.
            return outbox.Sent(ok=False, error=str(exc), permanent=exc.permanent)
        return outbox.Sent(ok=True)

    def requeue(self, row_ids: list[int]) -> None:
        """A broadcast's deliveries go again as their batch (one multicast, the same retry
        key), never one by one, which LINE would take as new messages."""
        from minato.notifications import batches

        rows = Notification.objects.filter(pk__in=row_ids).values_list("pk", "batch_key")
        for batch_key in sorted({key for _pk, key in rows if key}):
            batches.enqueue(batch_key)  # one task each: a stranded batch goes on its own
        for row_id in [pk for pk, key in rows if not key]:
            outbox.enqueue(self, row_id)

    def audit_scope(self, row: Notification) -> outbox.AuditScope:
        return {"subject_id": row.recipient_id}

    def withhold(self, row: Notification) -> str:
        """A message on a topic the person has since unsubscribed from is not sent: an
        unsubscription takes effect at once, even for messages already queued."""
        wanted = (
            row.recipient_id is None or not row.topic or row.topic in topics_of(row.recipient_id)
        )
        return "" if wanted else "unsubscribed"

    def hold_until(self, row: Notification) -> datetime | None:
        if row.is_emergency or row.channel not in INTERRUPTING_CHANNELS:
            return None
        if row.recipient_id is None:
            return None
        preference = Preference.objects.filter(user_id=row.recipient_id).first()
        if preference is None:
            return None
        return quiet_hours_end(preference, timezone.localtime())


NOTIFICATIONS = NotificationOutbox()


def broadcast_cancelled(dedupe_key: str) -> bool:
    """Whether the message belongs to a broadcast staff cancelled (its dedupe key names it):
    nothing more of it goes, not even on another channel."""
    prefix, _sep, public_id = dedupe_key.partition(":")
    if prefix != "broadcast" or not public_id:
        return False
    from minato.notifications.models import Broadcast

    return Broadcast.objects.filter(public_id=public_id, status=Broadcast.Status.CANCELLED).exists()


def json_list_has(field: str, value: str) -> Q:
    """A JSON list field that holds ``value``: jsonb containment on PostgreSQL (an index
    could serve it); elsewhere the value, quoted, in the list's text."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})


def topics_of(user_id: int) -> list[str]:
    preference = Preference.objects.filter(user_id=user_id).first()
    return list(preference.topics) if preference is not None else list(DEFAULT_TOPICS)


def quiet_hours_end(preference: Preference, now: datetime) -> datetime | None:
    """When the person's quiet hours (e.g. 22:00 to 07:00, across midnight) end, if ``now``
    (local time) is inside them; None otherwise."""
    start, end = preference.quiet_from, preference.quiet_until
    if start is None or end is None or start == end:
        return None
    clock = now.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = now.date() if clock < end else now.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end), now.tzinfo)


def notification_deliver(*, notification_id: int) -> str:
    """Try to deliver one queued message once; a temporary failure is retried with backoff
    (see ``minato.core.outbox``). A message that fails for good is queued on the person's
    next channel. Returns the new status, or "skipped"."""
    status = outbox.deliver(NOTIFICATIONS, notification_id)
    if status == outbox.FAILED:
        fall_back(notification_id=notification_id)
    return status


@transaction.atomic
def fall_back(*, notification_id: int) -> Notification | None:
    """Queue a failed message again on the next channel in the person's order that has not
    been tried for it (LINE blocked → push → email → inbox). Once per failed message."""
    failed = (
        Notification.objects.select_for_update()
        .select_related("recipient")
        .filter(pk=notification_id, status=Notification.Status.FAILED, recipient__isnull=False)
        .first()
    )
    if failed is None or Notification.objects.filter(fallback_of=failed).exists():
        return None
    if broadcast_cancelled(failed.dedupe_key):
        return None
    tried = {failed.channel}
    earlier = failed.fallback_of
    while earlier is not None:
        tried.add(earlier.channel)
        earlier = earlier.fallback_of
    following = [pair for pair in channel_order(failed.recipient) if pair[0] not in tried]
    if not following:
        return None
    channel, address = following[0]
    fallback = Notification.objects.create(
        recipient=failed.recipient,
        address=address,
        channel=channel,
        template_key=failed.template_key,
        language=failed.language,
        subject=failed.subject,
        body=failed.body,
        reference=failed.reference,
        dedupe_key=failed.dedupe_key,
        topic=failed.topic,
        is_emergency=failed.is_emergency,
        fallback_of=failed,
        created_by_id=failed.created_by_id,
    )
    audit.record(
        **{
            **_queued_event(fallback),
            "changes": {
                "status": [None, fallback.status],
                "channel": [failed.channel, channel],
                "template_key": [None, fallback.template_key],
            },
        }
    )
    outbox.enqueue(NOTIFICATIONS, fallback.pk)
    return fallback


@transaction.atomic
def preference_save(
    *,
    user: Any,
    topics: list[str],
    areas: list[str],
    quiet_from: Any = None,
    quiet_until: Any = None,
    children: list[date] | None = None,
) -> Preference:
    """A resident's topics, areas and quiet hours (both times, or neither). Audited with
    what changed; a topic dropped stops the messages on it already queued."""
    if (quiet_from is None) != (quiet_until is None):
        raise ValueError("Give both ends of the quiet hours, or neither")
    preference, _ = Preference.objects.select_for_update().get_or_create(
        user=user, defaults={"topics": list(DEFAULT_TOPICS)}
    )
    before = audit.snapshot(preference, ["topics", "areas", "quiet_from", "quiet_until"])
    preference.topics = [topic for topic in Topic.values if topic in topics]
    preference.areas = list(dict.fromkeys(areas))
    preference.quiet_from, preference.quiet_until = quiet_from, quiet_until
    preference.save()
    changes = audit.diff(
        before,
        audit.snapshot(preference, ["topics", "areas", "quiet_from", "quiet_until"]),
        fields=["topics", "areas", "quiet_from", "quiet_until"],
    )
    if children is not None:
        born = sorted(child.replace(day=1) for child in children)
        before_children = list(preference.children.values_list("born_on", flat=True))
        if before_children != born:
            preference.children.all().delete()
            ChildBirthMonth.objects.bulk_create(
                ChildBirthMonth(preference=preference, born_on=month) for month in born
            )
            # How many, not the months: the chain keeps no more than it must.
            changes["children"] = [len(before_children), len(born)]
    if changes:
        audit.record(
            action="notifications.preferences_changed",
            obj=preference,
            subject_id=user.pk,
            changes=changes,
        )
    return preference
