"""LINE's webhook (/line/webhook) and the page where a resident confirms linking LINE."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from minato.notifications import line, line_events

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Events from LINE, signed with the channel secret (X-Line-Signature). A bad signature
    is refused and changes nothing; each event is handled once, then answered."""
    if not line.signature_valid(request.body, request.headers.get("X-Line-Signature", "")):
        return HttpResponseBadRequest("bad signature")
    try:
        events = json.loads(request.body).get("events", [])
        assert isinstance(events, list)
    except (ValueError, AttributeError, AssertionError):
        return HttpResponseBadRequest("bad body")
    for event in events:
        if isinstance(event, dict):
            _answer(line_events.event_handle(event))
    return HttpResponse(status=200)


def _answer(outcome: line_events.Outcome) -> None:
    """Replies go out after the event is recorded; LINE's failure only loses the reply."""
    texts = list(outcome.texts)
    try:
        if outcome.link_for:
            token = line.issue_link_token(user_id=outcome.link_for)
            with translation.override(outcome.language):
                texts.append(
                    _("Sign in to your Minato City account on this page to link it:")
                    + "\n"
                    + line_events.link_page_url(token, outcome.language)
                )
        if texts and outcome.reply_token:
            line.reply(reply_token=outcome.reply_token, texts=texts)
    except line.LineError as exc:
        logger.warning("LINE reply failed", extra={"status": exc.status})


@login_required
def link(request: HttpRequest) -> HttpResponse:
    """Signed in, the resident confirms; we send their browser to LINE with a nonce."""
    link_token = request.GET.get("linkToken", "") or request.POST.get("linkToken", "")
    if request.method == "POST" and link_token:
        nonce = line_events.link_start(user=request.user)
        return redirect(line.account_link_url(link_token=link_token, nonce=nonce))
    context: dict[str, Any] = {"link_token": link_token}
    response = render(request, "notifications/portal/line_link.html", context)
    # The form's answer is a redirect to LINE's account-link dialog: the page's CSP must
    # allow that origin as a form target, or the browser stops there (form-action 'self').
    response._csp_update = {"form-action": [settings.LINE_ACCESS_BASE]}  # type: ignore[attr-defined]
    return response


@login_required
@require_POST
def unlink(request: HttpRequest) -> HttpResponse:
    line_events.unlink(user=request.user)
    return redirect("accounts:inbox")
