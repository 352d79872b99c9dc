"""The browsers a resident allowed to show Web Push notifications: subscribing one, and
forgetting it again.

A browser's ``PushSubscription`` is an endpoint URL at its vendor's push service and two
keys. The endpoint identifies the browser and is personal data: it never goes into a log or
the audit chain, which records only that a subscription was made or dropped.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction

from minato.core import audit, webhooks
from minato.notifications.models import PushSubscription

# The push adapter sends to every browser of a resident one after the other: a cap keeps a
# resident (or a script in their session) from making each message wait on hundreds.
MAX_BROWSERS_PER_RESIDENT = 10
MAX_ENDPOINT_LENGTH = PushSubscription._meta.get_field("endpoint").max_length or 1000
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
# A host name's last label (its top-level domain) starts with a letter; "127.1", "2130706433"
# or "0x7f.1" are addresses in disguise, which resolvers turn into 127.0.0.1.
_TOP_LEVEL_DOMAIN = re.compile(r"[a-z][a-z0-9-]*")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def loopback_endpoints_allowed() -> bool:
    """Endpoints on this machine (the tests' push service listens on 127.0.0.1): in
    development, or where ``WEBPUSH_ALLOW_LOOPBACK_ENDPOINTS`` says so. Elsewhere the worker
    would POST to the site's own ports for whoever subscribed such an address."""
    return bool(settings.DEBUG or settings.WEBPUSH_ALLOW_LOOPBACK_ENDPOINTS)


def _check_endpoint(endpoint: str) -> None:
    if not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH or _SPACE_OR_CONTROL.search(endpoint):
        raise ValueError(
            f"The endpoint must be a URL of at most {MAX_ENDPOINT_LENGTH} characters, no spaces"
        )
    parts = urlsplit(endpoint)
    try:
        # .port raises ValueError for a port that is not a number from 0 to 65535.
        host, _port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise ValueError("The endpoint is not a valid URL") from exc
    if not host or parts.username is not None or parts.password is not None:
        raise ValueError("The endpoint must be a URL with a host and no user name")
    if host in LOOPBACK_HOSTS:
        if not loopback_endpoints_allowed():
            raise ValueError("The endpoint must be a push service on the internet")
        if parts.scheme not in ("http", "https"):
            raise ValueError("The endpoint must be an https URL")
        return
    if parts.scheme != "https":
        raise ValueError("The endpoint must be an https URL")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # A name, as push services have. Where it points is checked by nobody here: the push
        # adapter sends where the name resolves when it sends.
        if not _TOP_LEVEL_DOMAIN.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
            raise ValueError("The endpoint must be a push service on the internet") from None
        return
    if webhooks.refusal(address, allow_private=False):
        raise ValueError("The endpoint must be a push service on the internet")


def _key(value: str, *, name: str, length: int) -> bytes:
    if not _BASE64URL.fullmatch(value):
        raise ValueError(f"{name} must be base64url-encoded")
    try:
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{name} must be base64url-encoded") from exc
    if len(raw) != length:
        raise ValueError(f"{name} must be {length} bytes long")
    return raw


def _check_keys(p256dh: str, auth: str) -> None:
    raw = _key(p256dh, name="keys.p256dh", length=65)
    try:
        # An uncompressed point on P-256: pywebpush could not encrypt for anything else.
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise ValueError("keys.p256dh must be a P-256 public key") from exc
    _key(auth, name="keys.auth", length=16)


def _dropped(subscription: PushSubscription, user_id: int) -> None:
    audit.record(
        action="notifications.push_unsubscribed",
        obj=subscription,
        subject_id=user_id,
        changes={"push_subscription": [True, None]},
    )


@transaction.atomic
def push_subscribe(*, user: Any, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Remember a browser that accepted Web Push for ``user``, or refresh its keys.

    The endpoint identifies the browser: one already subscribed for another resident (a
    shared computer, a new sign-in) now belongs to this one. Beyond
    ``MAX_BROWSERS_PER_RESIDENT`` the oldest of the resident's browsers is forgotten. Raises
    ``ValueError`` for an endpoint that is not an https URL of a push service on the
    internet, or keys that are not a P-256 public key and a 16-byte secret (base64url).
    Audited as ``notifications.push_subscribed``; the endpoint itself is never recorded.
    """
    _check_endpoint(endpoint)
    p256dh, auth = p256dh.rstrip("="), auth.rstrip("=")
    _check_keys(p256dh, auth)
    # get_or_create, not a lookup then an insert: the same browser posting twice at once
    # (a double click) gets the row the other request made instead of a unique violation.
    subscription, created = PushSubscription.objects.select_for_update().get_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    if created:
        changes: dict[str, list[Any]] = {"push_subscription": [None, True]}
    else:
        previous_user_id = subscription.user_id
        if previous_user_id != user.pk:
            _dropped(subscription, previous_user_id)
        before = {
            "user": previous_user_id,
            "p256dh": subscription.p256dh,
            "auth": subscription.auth,
        }
        subscription.user, subscription.p256dh, subscription.auth = user, p256dh, auth
        subscription.save(update_fields=["user", "p256dh", "auth", "updated_at"])
        changes = audit.diff(
            before,
            {"user": user.pk, "p256dh": p256dh, "auth": auth},
            fields=["user", "p256dh", "auth"],
            redact=("p256dh", "auth"),
        )
        if "user" in changes:
            changes = {"push_subscription": [None, True], **changes}
    if changes:
        audit.record(
            action="notifications.push_subscribed",
            obj=subscription,
            subject_id=user.pk,
            changes=changes,
        )
    oldest_first = PushSubscription.objects.filter(user=user).exclude(pk=subscription.pk)
    surplus = oldest_first.count() - (MAX_BROWSERS_PER_RESIDENT - 1)
    for old in oldest_first.order_by("created_at", "pk")[: max(surplus, 0)]:
        _dropped(old, user.pk)
        old.delete()
    return subscription


@transaction.atomic
def push_unsubscribe(*, user: Any, endpoint: str) -> bool:
    """Forget the browser at ``endpoint`` if it is one of ``user``'s; return whether it was.
    Another resident's browser is left alone, and the answer does not tell them apart.
    Audited as ``notifications.push_unsubscribed``."""
    subscription = (
        PushSubscription.objects.select_for_update().filter(user=user, endpoint=endpoint).first()
    )
    if subscription is None:
        return False
    _dropped(subscription, user.pk)
    subscription.delete()
    return True


def push_browser_count(*, user_id: int) -> int:
    """How many browsers show this resident's Web Push notifications."""
    return PushSubscription.objects.filter(user_id=user_id).count()
