"""While disaster mode is on, the portal's home page (in each language) is the disaster page.

Other pages keep working: people still need to reach them. Placed after the locale and
message middleware, so the page is in the visitor's language and in its normal chrome.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from minato.information import disaster
from minato.information.views.disaster import disaster_page

HOME_PATHS = frozenset({"/", "/en/", "/ja-easy/"})


class DisasterModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and request.path in HOME_PATHS
            and disaster.is_active()
        ):
            response: HttpResponse = disaster_page(request)
            return response
        return self.get_response(request)
