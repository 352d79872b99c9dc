"""The resident portal's own pages: the home page and the accessibility statement."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minato.core.page_cache import cache_for_anonymous

PUBLIC_PAGE_SECONDS = 5  # the emergency banner is on these pages: seconds, not a minute


@cache_for_anonymous(PUBLIC_PAGE_SECONDS)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@cache_for_anonymous(PUBLIC_PAGE_SECONDS)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")
