"""Cross-cutting request handling: request ids, access log, body limits, anonymous rate limits."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Callable

import csp.middleware
import csp.utils
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from minato.core import context
from minato.core.problems import problem_response

access_log = logging.getLogger("minato.access")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, each appends the address it
    saw to X-Forwarded-For, so the client is that many entries from the right; anything to
    the left of it was written by the client and is ignored (it could be forged)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def limited_per_person(request: HttpRequest, group: str, rate: str) -> bool:
    """Count one more of ``group`` for the signed-in person, else the network (``ip_key``);
    True once ``rate`` is exceeded."""
    user = request.user
    return is_ratelimited(
        request,
        group=group,
        key=(lambda _group, _request: f"u:{user.pk}") if user.is_authenticated else ip_key,
        rate=rate,
        increment=True,
    )


def ip_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client's IPv4 address, or the /64 network of an IPv6 address
    (or "unknown" when the server gives none). One IPv6 subscriber is given a /64 or more,
    so counting single addresses would hand them 2^64 fresh buckets."""
    address = client_ip(request)
    if not address:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return address


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


class PrivateResponsesMiddleware:
    """Mark every answer to a signed-in session or to a bearer token, and every page opened
    through a secret link (a URL with a ``token``), ``private, no-store``.

    Such answers may hold personal data, and no view should have to remember that: one
    forgotten header would leave a resident's profile in a shared proxy, or in the browser
    history of a library computer. Anonymous public pages keep their own cache headers."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_private(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _is_private(request: HttpRequest) -> bool:
    # A bearer token authenticates the API call itself, and even a refused one may be a
    # client's credential: its answers are private too.
    if request.META.get("HTTP_AUTHORIZATION"):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    # Emailed links (verification, password reset, guest access, staff invitations) carry
    # a token: whoever opens one sees one person's page before signing in.
    match = getattr(request, "resolver_match", None)
    return match is not None and "token" in match.kwargs


class BodySizeLimitMiddleware:
    """Refuse oversized bodies (by Content-Length, before anything reads them) and NUL
    characters in the path or query string, which no database column can store.

    It sits after the session, locale and authentication middleware, none of which reads
    the body, so the refusal is a normal page: in the page's language, with the visitor's
    own header. The body is first read by CSRF's process_view, after every __call__."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return problem_response(request, status=400, title=_("Invalid Content-Length header"))
        if length > settings.MAX_REQUEST_BYTES:
            return problem_response(
                request,
                status=413,
                title=_("Request body too large"),
                detail=_("The limit is %(bytes)s bytes.") % {"bytes": settings.MAX_REQUEST_BYTES},
            )
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return problem_response(
                request, status=400, title=_("The address contains a character that is not allowed")
            )
        return None


WEBHOOK_PREFIXES = ("/api/v1/payments/webhooks/",)
# CKAN's Action API takes reads by POST (ckanapi sends every call so); they change nothing,
# so they are limited like GETs, not like forms (the open data catalogue, issue 13).
READ_ONLY_POST_PREFIXES = ("/api/3/action/", "/api/action/")


class AnonymousPostRateLimitMiddleware:
    """Limit unsafe requests from anonymous clients per IP (sign-up, login, guest forms)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous = not getattr(request, "user", None) or not request.user.is_authenticated
        # API calls with a bearer token are authenticated (or refused) by the API itself; a
        # bearer header on a portal form earns nothing.
        api_token_call = request.path.startswith("/api/") and request.META.get(
            "HTTP_AUTHORIZATION", ""
        ).startswith("Bearer ")
        # Payment providers' webhooks are anonymous by nature and prove themselves by
        # their signature; a burst of them is normal, not abuse.
        webhook = request.path.startswith(WEBHOOK_PREFIXES)
        read_only = request.path.startswith(READ_ONLY_POST_PREFIXES)
        if (
            request.method in {"POST", "PUT", "PATCH", "DELETE"}
            and anonymous
            and not api_token_call
            and not webhook
            and not read_only
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
                title=_("Too many requests"),
                detail=_("Please wait a minute and try again."),
                headers={"Retry-After": "60"},
            )
        return self.get_response(request)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the site's own policy built once per process.

    django-csp builds the header for every response: a ``dataclasses.asdict`` (a deep copy of
    the whole policy) and the string, about 5 % of the CPU of a small request. A response that
    asks for nothing of its own (no ``_csp_update``/``_csp_replace``/``_csp_config``, no
    nonce used) gets the same header each time, so that one is kept; any other response goes
    through django-csp unchanged. There is no report-only policy in our settings; were one
    added, every response would take django-csp's own path."""

    # (the settings' policy object, its header): a changed setting (override_settings in a
    # test) is a different object, and builds its header again.
    _site_policy: tuple[int, str] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        own = any(
            getattr(response, name, None) is not None
            for name in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
        )
        if (
            own
            or getattr(request, "_csp_nonce", None) is not None
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or csp.middleware.HEADER in response
        ):
            return super().process_response(request, response)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        cached = CSPMiddleware._site_policy
        if cached is None or cached[0] != id(policy):
            cached = CSPMiddleware._site_policy = (id(policy), csp.utils.build_policy())
        excluded = tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
        if cached[1] and not request.path_info.startswith(excluded):
            response[csp.middleware.HEADER] = cached[1]
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = csp.middleware.CheckableLazyObject(  # type: ignore[attr-defined]
            self._csp_nonce_post_response
        )
        return response
