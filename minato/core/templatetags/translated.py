from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from minato.core.translated import localized

register = template.Library()


@register.filter(name="localized")
def localized_filter(value: Any) -> str:
    """``{{ procedure.name|localized }}``: the text in the page's language (or Japanese)."""
    return localized(value)


@register.filter(name="yen")
def yen_filter(value: Any) -> str:
    """``{{ 1200|yen }}`` → "1,200円" / "1,200 yen"."""
    if value in (None, ""):
        return ""
    return _("%(amount)s yen") % {"amount": f"{int(value):,}"}
