"""``{% chrome "portal/_header.html" %}``: the page's chrome (head, header and navigation,
footer), rendered once per worker process for each combination it depends on, instead of
on every page.

The chrome of a signed-in page was most of its template time (a dozen URL reversals, the
language switcher, two dozen translations) and it is the same for everyone with the same
language, page and kind of visitor. So a chrome fragment is keyed on exactly that:

- the template and the active language;
- the path (the language switcher links to this page; the menu marks it current), unless
  ``vary_on_path=False``; a page with a query string is rendered fresh, not cached;
- whether someone is signed in, and as what kind of user (the menu differs).

**A chrome template must show nothing personal** (no name, no email, no counts of one's
own things): the fragment is shared by everyone with the same key. Its CSRF token is the
one exception, and it is handled: the fragment is rendered with a marker in its place, and
each page puts its own token in. Translations and URLs change only with a deploy, which
restarts the processes; the cache is also bounded (least recently used goes first).

Personal values go in through ``slots``: ``{% chrome "x.html" slots=details %}`` with
``details`` a dict of finished strings made by the view. The fragment is rendered once with
a marker for each ``{{ slots.name }}``, and each page puts in its own values, escaped. A
fragment may only print a slot as it is (no filters, no ``{% if %}`` on it): whatever
depends on a personal value belongs in the view or outside the fragment.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# A value the CSRF tag writes unchanged (no character HTML escaping would touch).
CSRF_MARKER = "chrome-csrf-marker-5c1e0a7d"
MAX_FRAGMENTS = 2048
_fragments: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_lock = Lock()


def _visitor(user: Any) -> str:
    if user is None or not user.is_authenticated:
        return "anonymous"
    return str(getattr(user, "kind", "user"))


def _values(context: template.Context) -> dict[str, Any]:
    return {str(name): value for name, value in context.flatten().items()}


def _slot_marker(name: str) -> str:
    return f"chrome-slot-{name}-5c1e0a7d"


class _SlotMarkers(dict[str, str]):
    """What ``slots`` is while a fragment is rendered for the cache: a marker per name."""

    def __missing__(self, name: str) -> str:
        return _slot_marker(name)


@register.simple_tag(takes_context=True)
def chrome(
    context: template.Context,
    template_name: str,
    vary_on_path: bool = True,
    slots: dict[str, Any] | None = None,
) -> str:
    request = context.get("request")
    if request is None or (vary_on_path and request.META.get("QUERY_STRING")):
        # Outside a request (nothing to key on), or a page with a query string: fresh.
        fresh = {**_values(context), "slots": slots or {}}
        return get_template(template_name).render(fresh, request)
    key = (
        template_name,
        translation.get_language(),
        request.path if vary_on_path else "",
        _visitor(context.get("user")),
    )
    with _lock:
        html = _fragments.get(key)
        if html is not None:
            _fragments.move_to_end(key)
    if html is None:
        values = {**_values(context), "csrf_token": CSRF_MARKER, "slots": _SlotMarkers()}
        html = str(get_template(template_name).render(values, request))
        with _lock:
            _fragments[key] = html
            while len(_fragments) > MAX_FRAGMENTS:
                _fragments.popitem(last=False)
    if CSRF_MARKER in html:
        html = html.replace(CSRF_MARKER, get_token(request))
    for name, value in (slots or {}).items():
        html = html.replace(_slot_marker(name), str(conditional_escape(value)))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


def clear() -> None:
    with _lock:
        _fragments.clear()
