"""Web Push (RFC 8030, with VAPID, RFC 8292, and aes128gcm, RFC 8291) through ``pywebpush``,
to every browser the resident allowed (``address``: the resident's user id). A browser whose
subscription is gone (404 or 410 from its push service) is forgotten; when none is left the
failure is permanent and the message goes to the person's next channel."""

from __future__ import annotations

import json

import requests
from django.conf import settings
from pywebpush import WebPushException, webpush

from minato.notifications.adapters import DeliveryError
from minato.notifications.models import PushSubscription

TTL_SECONDS = 24 * 60 * 60
TIMEOUT_SECONDS = 10


class PushAdapter:
    channel = "push"

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        subscriptions = list(PushSubscription.objects.filter(user_id=int(address)))
        if not subscriptions:
            raise DeliveryError("No browser subscribed", permanent=True)
        payload = json.dumps(
            {
                "title": subject,
                "body": body[:500],
                "url": f"{settings.SITE_URL}/accounts/messages/",
                "tag": key,
            },
            ensure_ascii=False,
        )
        sent = temporary = 0
        for subscription in subscriptions:
            try:
                webpush(
                    subscription_info={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    data=payload,
                    vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
                    ttl=TTL_SECONDS,
                    timeout=TIMEOUT_SECONDS,
                )
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):
                    subscription.delete()  # the browser unsubscribed or expired
                else:
                    temporary += 1
            except requests.RequestException:
                temporary += 1  # no answer: this browser's push service may be down
            else:
                sent += 1
        if sent:
            return
        if temporary:
            raise DeliveryError("The push service refused or did not answer")
        raise DeliveryError("Every browser's subscription has expired", permanent=True)
