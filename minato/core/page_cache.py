"""Serve public pages to anonymous visitors from a small in-process cache.

The portal's home page is what everyone opens first, and what a crowd opens in a disaster.
For a visitor with no session and no pending message, the page is the same for everyone
in a language, so each worker process keeps the rendered bytes for a short time. Anything
personal — a session cookie, a flash message, a CSRF token on the page, a query string —
bypasses the cache. Per-process memory needs no network round trip and no invalidation
beyond the timeout (content changes with deploys, which restart the processes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

View = Callable[..., HttpResponse]
_pages: dict[tuple[str, str], tuple[float, bytes, str]] = {}


def _is_anonymous_and_plain(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_for_anonymous(seconds: int, key_prefix: str = "") -> Callable[[View], View]:
    """Keep the view's plain anonymous answers ``seconds`` in this process. ``key_prefix``
    keeps apart two views that may answer the same path (the home page and, in disaster
    mode, the disaster page served in its place)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _is_anonymous_and_plain(request):
                return view(request, *args, **kwargs)
            key = (translation.get_language() or settings.LANGUAGE_CODE, key_prefix + request.path)
            cached = _pages.get(key)
            now = time.monotonic()
            if cached is not None and cached[0] > now:
                return HttpResponse(cached[1], content_type=cached[2])
            response = view(request, *args, **kwargs)
            uses_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get(
                "CSRF_COOKIE_USED"
            )
            if response.status_code == 200 and not response.cookies and not uses_csrf:
                _pages[key] = (now + seconds, response.content, response["Content-Type"])
            return response

        return wrapper

    return decorator


def clear() -> None:
    _pages.clear()
