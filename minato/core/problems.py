"""RFC 9457 problem details for the API, and the matching HTML error pages for the portal.

One function builds every error response so the API and the pages agree on statuses.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme

PROBLEM_CONTENT_TYPE = "application/problem+json"
logger = logging.getLogger(__name__)

# A title or detail: a string, or a lazy translation that the page renders in its language.
Text = str | Promise


def wants_problem_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or PROBLEM_CONTENT_TYPE in request.META.get(
        "HTTP_ACCEPT", ""
    )


def problem_body(
    *, status: int, title: Text, detail: Text = "", type_: str = "about:blank", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type_, "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return body


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    title: Text,
    detail: Text = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    if wants_problem_json(request):
        body = problem_body(status=status, title=title, detail=detail, **extra)
        if getattr(request, "request_id", None):
            body["request_id"] = request.request_id  # type: ignore[attr-defined]
        response: HttpResponse = JsonResponse(
            body, status=status, content_type=PROBLEM_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            error_page(request, status=status, title=title, detail=detail), status=status
        )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def page_language(request: HttpRequest) -> str:
    """The language of the page at this URL: its prefix, or Japanese without one."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _in_console(request: HttpRequest, language: str) -> bool:
    path = request.path_info
    prefix = f"/{language}/"
    if language != settings.LANGUAGE_CODE and path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return path.startswith("/staff/")


def _previous_page(request: HttpRequest) -> str:
    """The page the visitor came from on this site, as a local path, or "" (another site,
    no Referer, or this very page again)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a forged Host header renders this page too
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if not parts.netloc:
        return ""
    # Only the path and query, with one leading slash: "//host" or "/\host" would leave the site.
    back = "/" + parts.path.lstrip("/\\") + (f"?{parts.query}" if parts.query else "")
    if request.method in ("GET", "HEAD") and back == request.get_full_path():
        return ""
    return back


def error_page(request: HttpRequest, *, status: int, title: Text, detail: Text = "") -> str:
    """The HTML error page: a normal page of the site, in the language of its URL (some
    errors are answered before or outside LocaleMiddleware), with the console's header
    under /staff/ and the portal's elsewhere, and links back."""
    from minato.core.i18n import language_context

    language = page_language(request)
    with translation.override(language):
        console = _in_console(request, language)
        context = {
            "status": status,
            "title": title,
            "detail": detail,
            "base_template": "staff/base.html" if console else "portal/base.html",
            "console": console,
            "home_url": reverse("staff:home" if console else "portal:home"),
            "back_url": _previous_page(request),
        }
        try:
            return render_to_string("errors/problem.html", context, request=request)
        except Exception:
            if status < 500:
                raise
            # The 500 page must not fail in turn when what broke is the database or the
            # session store: render it without the visitor's session (signed-out header).
            logger.exception("The error page could not use the request; rendering it bare")
            return render_to_string("errors/problem.html", {**context, **language_context(request)})
