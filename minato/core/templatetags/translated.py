from __future__ import annotations

from typing import Any

from django import template

from minato.core.translated import localized

register = template.Library()


@register.filter(name="localized")
def localized_filter(value: Any) -> str:
    """``{{ procedure.name|localized }}``: the text in the page's language (or Japanese)."""
    return localized(value)
