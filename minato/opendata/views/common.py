"""What the catalogue's public machine-readable answers share."""

from __future__ import annotations

from django.conf import settings
from django.http.response import HttpResponseBase


def public_headers(response: HttpResponseBase) -> HttpResponseBase:
    """Cacheable by anyone for OPENDATA_CACHE_SECONDS (then revalidated with the ETag), and
    readable by other sites' pages and tools: nothing here is private."""
    response["Cache-Control"] = f"public, max-age={settings.OPENDATA_CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
