"""RFC 9457 problem details for the API, and the matching HTML error pages for the portal.

One function builds every error response so the API and the pages agree on statuses.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

PROBLEM_CONTENT_TYPE = "application/problem+json"


def wants_problem_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or PROBLEM_CONTENT_TYPE in request.META.get(
        "HTTP_ACCEPT", ""
    )


def problem_body(
    *, status: int, title: str, detail: str = "", type_: str = "about:blank", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    title: str,
    detail: str = "",
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
        # Errors raised before the auth middleware have no full request context; give the
        # page its language explicitly.
        from minato.core.i18n import html_lang

        html = render_to_string(
            "errors/problem.html",
            {"status": status, "title": title, "detail": detail, "html_lang": html_lang()},
            request=request if hasattr(request, "user") else None,
        )
        response = HttpResponse(html, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
