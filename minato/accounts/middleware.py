"""The staff console is only for staff who have passed two-factor authentication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

# Console pages reachable before the second factor is done.
OPEN_VIEWS = {"staff:login", "staff:invitation", "staff:logout"}


class StaffConsoleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        # Any console namespace ("staff", "staff:procedures", ...) needs the second factor.
        if match is None or match.namespaces[:1] != ["staff"] or match.view_name in OPEN_VIEWS:
            return None
        user = request.user
        if user.is_authenticated and user.is_staff and user.is_verified():  # type: ignore[union-attr,attr-defined]
            return None
        # Everyone else signs in with password and code; a session that has only passed the
        # password (signed in elsewhere) gets no further, and cannot enrol a device here.
        return redirect(f"{_login_url()}?{urlencode({'next': request.get_full_path()})}")


def _login_url() -> str:
    from django.urls import reverse

    return reverse("staff:login")
