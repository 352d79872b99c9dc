"""What the ward's LINE account does with LINE's webhook events, and account linking.

Linking follows LINE's account-link flow: the resident asks in LINE (the word 連携 or the
rich menu's postback), we answer with a link to our site carrying LINE's link token; signed
in there, they confirm, we make a one-time nonce and send their browser to LINE's dialog;
LINE then sends an ``accountLink`` event with the nonce and their LINE user id, which links
the two, once. Every event is handled once (``LineWebhookEvent``): LINE redelivers events it
is not sure we received.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minato.core import audit
from minato.notifications.models import LineAccount, LineLinkNonce, LineWebhookEvent

NONCE_VALID = timedelta(minutes=10)
KEYWORDS = {
    "link": ("連携", "れんけい", "link"),
    "unlink": ("解除", "かいじょ", "unlink"),
    "bookings": ("予約", "よやく", "booking", "bookings"),
    "procedures": ("申請", "しんせい", "手続", "application", "procedures"),
    "counters": ("番号札", "ばんごうふだ", "窓口", "まどぐち", "ticket", "counters"),
}
PAGES = {
    "bookings": "/bookings/",
    "procedures": "/procedures/",
    # The counters' waits and "take a ticket", marked as taken from LINE.
    "counters": "/navigator/counters/?via=line",
}
# Languages the answers and the pages they link to come in; "ja" pages have no prefix.
SITE_LANGUAGES = ("ja", "en", "ja-easy")


@dataclass
class Outcome:
    """What to answer in LINE (``reply_token`` and texts), after the transaction."""

    reply_token: str = ""
    texts: list[str] = field(default_factory=list)
    # The linked resident's language (Japanese for someone not linked yet).
    language: str = "ja"
    # A LINE user who asked to link: the caller fetches a link token for them (a call to LINE).
    link_for: str = ""


def _first_time(event: dict[str, Any]) -> bool:
    event_id = str(event.get("webhookEventId") or "")[:64]
    if not event_id:
        return True
    try:
        with transaction.atomic():
            LineWebhookEvent.objects.create(
                webhook_event_id=event_id, event_type=str(event.get("type", ""))[:30]
            )
    except IntegrityError:
        return False
    return True


def _help() -> str:
    return _(
        "You can receive Minato City's news on LINE.\n"
        "「連携」: link your Minato City account\n「予約」: book facilities and events\n"
        "「申請」: apply online\n「番号札」: take a ticket for a ward counter\n「解除」: unlink"
    )


def site_url(path: str, language: str) -> str:
    """An absolute link to a page of the site in the person's language."""
    prefix = "" if language == "ja" or language not in SITE_LANGUAGES else f"/{language}"
    return f"{settings.SITE_URL}{prefix}{path}"


def _language_of(account: LineAccount | None) -> str:
    profile = getattr(account.user, "profile", None) if account is not None else None
    language = getattr(profile, "preferred_language", "") or "ja"
    return language if language in SITE_LANGUAGES else "ja"


@transaction.atomic
def event_handle(event: dict[str, Any]) -> Outcome:
    """Handle one webhook event, once. Returns what to reply."""
    if not _first_time(event):
        return Outcome()
    kind = event.get("type")
    user_id = str((event.get("source") or {}).get("userId") or "")
    outcome = Outcome(reply_token=str(event.get("replyToken") or ""))
    account = (
        LineAccount.objects.select_related("user__profile").filter(line_user_id=user_id).first()
        if user_id
        else None
    )
    outcome.language = _language_of(account)
    with translation.override(outcome.language):
        _handle(event, kind, user_id, account, outcome)
    return outcome


def _handle(
    event: dict[str, Any],
    kind: Any,
    user_id: str,
    account: LineAccount | None,
    outcome: Outcome,
) -> None:
    if kind == "follow":
        if account is not None:
            account.is_following = True
            account.save(update_fields=["is_following", "updated_at"])
        outcome.texts.append(_help())
    elif kind == "unfollow":
        if account is not None:
            account.is_following = False
            account.save(update_fields=["is_following", "updated_at"])
            _audit(account, "notifications.line_unfollowed")
    elif kind in ("message", "postback"):
        if kind == "message":
            text = str((event.get("message") or {}).get("text") or "").strip().lower()
        else:
            data = str((event.get("postback") or {}).get("data") or "")
            text = dict(part.split("=", 1) for part in data.split("&") if "=" in part).get(
                "action", ""
            )
        command = next((name for name, words in KEYWORDS.items() if text in words), "")
        if command == "link" and user_id:
            if account is not None:
                outcome.texts.append(_("Your LINE is already linked to your Minato City account."))
            else:
                outcome.link_for = user_id
        elif command == "unlink" and account is not None:
            _audit(account, "notifications.line_unlinked")
            account.delete()
            outcome.texts.append(_("Your LINE is no longer linked to your Minato City account."))
        elif command in PAGES:
            outcome.texts.append(site_url(PAGES[command], outcome.language))
        else:
            outcome.texts.append(_help())
    elif kind == "accountLink":
        link = event.get("link") or {}
        if link.get("result") == "ok" and user_id:
            linked = link_finish(nonce=str(link.get("nonce") or ""), line_user_id=user_id)
            if linked is not None:
                outcome.language = _language_of(linked)
                with translation.override(outcome.language):
                    outcome.texts.append(
                        _("Linked to your Minato City account. News now comes on LINE.")
                    )
            else:
                outcome.texts.append(_("Linking did not work. Please send 「連携」 again."))


def link_page_url(link_token: str, language: str = "ja") -> str:
    """Our page where a resident, signed in, confirms linking (sent to them in LINE)."""
    query = urlencode({"linkToken": link_token})
    return site_url(f"/notifications/line/link/?{query}", language)


def link_start(*, user: Any) -> str:
    """A one-time nonce for this resident's link attempt."""
    nonce = secrets.token_urlsafe(32)
    LineLinkNonce.objects.create(nonce=nonce, user=user)
    return nonce


def link_finish(*, nonce: str, line_user_id: str) -> LineAccount | None:
    """Link the LINE user to the resident who asked, if the nonce is theirs, fresh and unused.
    A LINE user linked before to another account moves to this one."""
    found = (
        LineLinkNonce.objects.select_for_update()
        .filter(nonce=nonce, used_at__isnull=True, created_at__gt=timezone.now() - NONCE_VALID)
        .first()
    )
    if found is None:
        return None
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    LineAccount.objects.filter(line_user_id=line_user_id).exclude(user_id=found.user_id).delete()
    account, _ = LineAccount.objects.update_or_create(
        user_id=found.user_id, defaults={"line_user_id": line_user_id, "is_following": True}
    )
    _audit(account, "notifications.line_linked")
    return account


@transaction.atomic
def unlink(*, user: Any) -> bool:
    account = LineAccount.objects.filter(user=user).first()
    if account is None:
        return False
    _audit(account, "notifications.line_unlinked")
    account.delete()
    return True


def _audit(account: LineAccount, action: str) -> None:
    # LINE's user id is personal data: the chain keeps that it changed, not the id.
    audit.record(
        action=action, obj=account, subject_id=account.user_id, changes={"line": [None, True]}
    )
