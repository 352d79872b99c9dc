"""API authentication: bearer tokens for service accounts, the session for the browser."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from minato.accounts import permissions
from minato.accounts.models import ApiToken
from minato.accounts.services import hash_token
from minato.core import context

LAST_USED_RESOLUTION_SECONDS = 300


class BearerToken(HttpBearer):
    openapi_description = "A service-account token issued by a system administrator."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = (
            ApiToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
        )
        if api_token is None or not api_token.is_usable or not api_token.user.is_active:
            return None
        now = timezone.now()
        # Record use at most every few minutes: one write per request would be a hot row.
        if (
            api_token.last_used_at is None
            or (now - api_token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.api_token = api_token  # type: ignore[attr-defined]
        request.user = api_token.user
        # The rest of this request acts as the service account (audit, created_by).
        # RequestContextMiddleware restores the outer context when the request ends.
        ctx = context.current()
        context.set_current(
            replace(
                ctx,
                actor_id=api_token.user_id,
                actor_label=f"service:{api_token.user_id}",
                department_id=api_token.department_id,
            )
        )
        return api_token


class StaffVerifiedSession(SessionAuth):
    """The browser's Django session (CSRF checked on unsafe methods); staff sessions count
    only after the second factor, as in the console."""

    openapi_description = "The portal's session cookie (browser clients; CSRF token required)."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and user.is_staff and not user.is_verified():
            return None
        return user


bearer = BearerToken()
session = StaffVerifiedSession(csrf=True)
AUTH = [bearer, session]


def require_scope(request: HttpRequest, scope: str) -> ApiToken | None:
    """Bearer callers need the scope; session callers are checked by the endpoint."""
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None and scope not in token.scopes:
        raise HttpError(403, f"This token lacks the scope {scope!r}")
    return token


def require_resident(request: HttpRequest, reason: str) -> Any:
    """The signed-in resident behind a session call; anyone else (a service token, staff,
    nobody) gets 403 with ``reason``."""
    user = request.user
    if (
        getattr(request, "api_token", None) is not None
        or not user.is_authenticated
        or not user.is_resident  # type: ignore[union-attr]
    ):
        raise HttpError(403, reason)
    return user


def require_confirmed_resident(request: HttpRequest, reason: str) -> Any:
    """``require_resident``, and the resident has confirmed their email address."""
    user = require_resident(request, reason)
    if not permissions.has_confirmed_email(user):
        raise HttpError(
            403, "Confirm your email address first: open the link we emailed you when you signed up"
        )
    return user
