"""``{% emergency_banner %}``: the emergency notices showing now, on every portal page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from minato.information import selectors

register = template.Library()


@register.inclusion_tag("information/portal/_banner.html")
def emergency_banner() -> dict[str, Any]:
    language = translation.get_language() or "ja"
    return {
        "LANGUAGE_CODE": language,
        "banner": [
            (notice, *notice.text(language)) for notice in selectors.emergency_notices_now()
        ],
    }
