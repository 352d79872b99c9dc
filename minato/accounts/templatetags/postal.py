"""``{{ code|postal_code }}``: a stored postal code shown with its hyphen (105-8511)."""

from __future__ import annotations

from django import template

from minato.accounts.adapters.postal import format_postal_code

register = template.Library()


@register.filter(name="postal_code")
def postal_code(value: str | None) -> str:
    return format_postal_code(value or "")
