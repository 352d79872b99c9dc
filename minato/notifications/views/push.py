"""Web Push in the browser: the endpoints the preferences page's script posts a browser's
``PushSubscription`` to, and the service worker that shows the notifications (/sw.js).

The endpoints answer JSON only (RFC 9457 problem details when they refuse), since only the
script calls them; they are CSRF-protected like any form (the script sends X-CSRFToken).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from minato.core.problems import PROBLEM_CONTENT_TYPE, problem_body
from minato.notifications.adapters import enabled_channels
from minato.notifications.push_subscriptions import push_subscribe, push_unsubscribe

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "notifications" / "sw.js"


def _problem(request: HttpRequest, status: int, title: str | Promise, detail: str = "") -> Any:
    body = problem_body(status=status, title=title, detail=detail)
    if getattr(request, "request_id", None):
        body["request_id"] = request.request_id  # type: ignore[attr-defined]
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def _refusal(request: HttpRequest, *, subscribing: bool) -> HttpResponse | None:
    """Why this request may not change push subscriptions, as a problem; None if it may.
    Unsubscribing stays possible on a site that has stopped sending push."""
    if not getattr(request.user, "is_resident", False):
        return _problem(request, 403, _("Sign in with a resident account first."))
    if subscribing and "push" not in enabled_channels():
        return _problem(request, 404, _("This site does not send notifications to browsers."))
    return None


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ValueError("The body must be a JSON object") from exc
    if not isinstance(data, dict):
        raise ValueError("The body must be a JSON object")
    return data


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    """The browser's ``PushSubscription.toJSON()``: ``{"endpoint", "keys": {"p256dh",
    "auth"}}``. 201 once it is stored (again: subscribing twice is harmless)."""
    if refused := _refusal(request, subscribing=True):
        return refused
    try:
        data = _body(request)
        keys = data.get("keys")
        if not isinstance(keys, dict):
            raise ValueError("keys must be an object with p256dh and auth")
        push_subscribe(
            user=request.user,
            endpoint=_text(data.get("endpoint"), "endpoint"),
            p256dh=_text(keys.get("p256dh"), "keys.p256dh"),
            auth=_text(keys.get("auth"), "keys.auth"),
        )
    except ValueError as exc:
        return _problem(request, 400, _("This browser's subscription cannot be used."), str(exc))
    return HttpResponse(status=201)


@require_POST
def unsubscribe(request: HttpRequest) -> HttpResponse:
    """``{"endpoint"}`` (or the whole subscription). 204 whether or not it was stored."""
    if refused := _refusal(request, subscribing=False):
        return refused
    try:
        endpoint = _text(_body(request).get("endpoint"), "endpoint")
    except ValueError as exc:
        return _problem(request, 400, _("This browser's subscription cannot be used."), str(exc))
    push_unsubscribe(user=request.user, endpoint=endpoint)
    return HttpResponse(status=204)


@cache
def _service_worker_source() -> bytes:
    return SERVICE_WORKER.read_bytes()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: at the root so that it may control every page (its scope), and served by a
    view because static files live under /static/."""
    response = HttpResponse(_service_worker_source(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check a service worker for updates themselves; a cached copy only delays a fix.
    response["Cache-Control"] = "no-cache"
    return response
