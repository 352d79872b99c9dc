"""The site's URLs plus pages that fail on purpose, for the 500 page's tests."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as site


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("broken on purpose")


urlpatterns = [
    *site.urlpatterns,
    *i18n_patterns(
        path("broken/", broken), path("staff/broken/", broken), prefix_default_language=False
    ),
]
handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
