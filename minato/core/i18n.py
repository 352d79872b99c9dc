"""Language switching by URL prefix: / is Japanese, /en/ English, /ja-easy/ やさしい日本語.

Templates get the current language, the value for ``<html lang>`` and, for the switcher, the
same page's URL in every other language.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import translation

# BCP 47 for やさしい日本語: Japanese with a private-use subtag. Screen readers and browsers
# read it as Japanese (the primary subtag), and it still says which variant the page is in.
HTML_LANG = {"ja": "ja", "en": "en", "ja-easy": "ja-x-easy"}


def html_lang(language_code: str | None = None) -> str:
    code = language_code or translation.get_language() or settings.LANGUAGE_CODE
    return HTML_LANG.get(code, code)


@cache
def _prefixes() -> dict[str, str]:
    return {
        code: f"/{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    }


def url_in_language(path: str, language_code: str) -> str:
    """The same page in another language. Our URL patterns are identical in every language
    (only the prefix differs), so swapping the prefix is exact, and far cheaper than
    Django's translate_url, which resolves and reverses the path on every page view."""
    prefixes = _prefixes()
    for prefix in prefixes.values():
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    # Always exactly one leading slash: "//host/…" or "/\host/…" would take the visitor
    # to another site.
    rest = path.lstrip("/\\")
    return prefixes.get(language_code, "/") + rest


def _switchable_path(request: HttpRequest) -> str | None:
    """The page's own path and query, if the path resolves to one of our pages; None for
    an unknown path (a 404), whose text must never be echoed into a link."""
    if getattr(request, "resolver_match", None) is None:
        try:
            resolve(request.path_info)  # error pages answered before the URL was resolved
        except Resolver404:
            return None
    return request.get_full_path()


def language_switch(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    """The switcher's links: this page in each language."""
    # On an unknown page the switcher offers each language's home page.
    path = _switchable_path(request) or "/"
    return [
        {
            "code": code,
            "name": name,
            "html_lang": html_lang(code),
            "url": url_in_language(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


def language_context(request: HttpRequest) -> dict[str, Any]:
    current = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "html_lang": html_lang(current),
        # A callable: the template engine calls it only if a template shows the switcher,
        # which on most pages comes from the cached chrome (core.templatetags.chrome).
        "language_switch": lambda: language_switch(request, current),
        "municipality_name": settings.MUNICIPALITY_NAME.get(
            current, settings.MUNICIPALITY_NAME["ja"]
        ),
    }
