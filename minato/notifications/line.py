"""The LINE Messaging API, through LINE's official SDK (``line-bot-sdk``).

Settings name the API's base URL and the channel's credentials, so the demo and the tests
talk to the fake LINE server (``minato.notifications.fake_line``) exactly as production talks
to LINE. Every send carries an ``X-Line-Retry-Key``: LINE accepts a request with a given key
once and answers 409 to a repeat, so a retry after a timeout never sends twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)

# LINE's limits: 5,000 characters a text message, 500 recipients a multicast.
TEXT_LIMIT = 5000
MULTICAST_LIMIT = 500


class LineError(Exception):
    """LINE refused or did not answer. ``permanent``: asking again cannot help."""

    def __init__(self, message: str, *, status: int | None, permanent: bool) -> None:
        super().__init__(message)
        self.status = status
        self.permanent = permanent


def is_configured() -> bool:
    return bool(settings.LINE_CHANNEL_ACCESS_TOKEN and settings.LINE_CHANNEL_SECRET)


@contextmanager
def _api() -> Iterator[MessagingApi]:
    configuration = Configuration(
        host=settings.LINE_API_BASE, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN
    )
    with ApiClient(configuration) as client:
        yield MessagingApi(client)


def _call(method: str, *args: Any, **kwargs: Any) -> Any:
    with _api() as api:
        try:
            return getattr(api, method)(
                *args, _request_timeout=settings.LINE_TIMEOUT_SECONDS, **kwargs
            )
        except ApiException as exc:
            status = exc.status
            if status == 409:
                return None  # the retry key was accepted before: it was sent
            # 400 (no such user, a malformed request) and 403 (not allowed) will not change
            # on their own; 429 (rate limit) and 5xx are retried with backoff.
            permanent = status is not None and 400 <= status < 500 and status != 429
            raise LineError(f"LINE answered {status}", status=status, permanent=permanent) from None


def text_of(subject: str, body: str) -> str:
    text = f"{subject}\n\n{body}".strip() if subject else body.strip()
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def push(*, user_id: str, text: str, retry_key: str) -> None:
    _call(
        "push_message",
        PushMessageRequest(to=user_id, messages=[TextMessage(text=text)]),
        x_line_retry_key=retry_key,
    )


def multicast(*, user_ids: list[str], text: str, retry_key: str) -> None:
    if not 1 <= len(user_ids) <= MULTICAST_LIMIT:
        raise ValueError(f"A multicast goes to 1 to {MULTICAST_LIMIT} users")
    _call(
        "multicast",
        MulticastRequest(to=user_ids, messages=[TextMessage(text=text)]),
        x_line_retry_key=retry_key,
    )


def reply(*, reply_token: str, texts: list[str]) -> None:
    _call(
        "reply_message",
        ReplyMessageRequest(
            reply_token=reply_token, messages=[TextMessage(text=text) for text in texts[:5]]
        ),
    )


def issue_link_token(*, user_id: str) -> str:
    response = _call("issue_link_token", user_id)
    return str(response.link_token)


def account_link_url(*, link_token: str, nonce: str) -> str:
    """Where the resident's browser goes to finish linking (LINE's account-link dialog)."""
    from urllib.parse import urlencode

    query = urlencode({"linkToken": link_token, "nonce": nonce})
    return f"{settings.LINE_ACCESS_BASE}/dialog/bot/accountLink?{query}"


def signature_of(body: bytes, secret: str | None = None) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256 of the raw body with the channel secret."""
    key = (secret if secret is not None else settings.LINE_CHANNEL_SECRET).encode()
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def signature_valid(body: bytes, signature: str) -> bool:
    if not settings.LINE_CHANNEL_SECRET or not signature:
        return False
    return hmac.compare_digest(signature_of(body), signature)
