"""Cross-cutting request handling: request ids, access log, body limits, anonymous rate limits."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import is_ratelimited

from minato.core import context
from minato.core.problems import problem_response

access_log = logging.getLogger("minato.access")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, the proxy must overwrite X-Forwarded-For; we trust it only when told to.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def ip_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client's IP (or "unknown" when the server gives none)."""
    return client_ip(request) or "unknown"


class RequestContextMiddleware:
    """Give every request an id (or accept a well-formed X-Request-ID) and log its outcome."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else context.new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.set_current(
            context.ActorContext(request_id=request_id, ip=client_ip(request))
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            match = getattr(request, "resolver_match", None)
            # The route pattern, not the path: paths can carry tokens and personal data.
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.route if match else None,
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            context.reset(token)


class ActorContextMiddleware:
    """After authentication, record who is acting so audit events can name them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            base = context.current()
            # Staff actions are filed under the actor's department so department admins
            # can review their own department's audit trail.
            staff_profile = getattr(user, "staff_profile", None) if user.is_staff else None
            token = context.set_current(
                context.ActorContext(
                    request_id=base.request_id,
                    ip=base.ip,
                    actor_id=user.pk,
                    actor_label=f"{user.kind}:{user.pk}",
                    department_id=staff_profile.department_id if staff_profile else None,
                )
            )
            try:
                return self.get_response(request)
            finally:
                context.reset(token)
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """Refuse oversized bodies from the Content-Length header, before anything reads them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return problem_response(request, status=400, title="Invalid Content-Length header")
        if length > settings.MAX_REQUEST_BYTES:
            return problem_response(
                request,
                status=413,
                title="Request body too large",
                detail=f"The limit is {settings.MAX_REQUEST_BYTES} bytes.",
            )
        return self.get_response(request)


class AnonymousPostRateLimitMiddleware:
    """Limit unsafe requests from anonymous clients per IP (sign-up, login, guest forms)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous = not getattr(request, "user", None) or not request.user.is_authenticated
        has_token = request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
        if (
            request.method in {"POST", "PUT", "PATCH", "DELETE"}
            and anonymous
            and not has_token
            and is_ratelimited(
                request,
                group="anonymous-post",
                key=ip_key,
                rate=settings.ANONYMOUS_POST_RATE,
                increment=True,
            )
        ):
            return problem_response(
                request,
                status=429,
                title="Too many requests",
                detail="Please wait a minute and try again.",
                headers={"Retry-After": "60"},
            )
        return self.get_response(request)
