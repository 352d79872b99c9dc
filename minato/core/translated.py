"""Translated text stored as data: ``{"ja": "…", "en": "…", "ja-easy": "…"}``.

Content that staff write (procedure names, summaries) is data, not code, so it cannot go
through gettext. Each such field is a JSON object keyed by language code; a missing or empty
translation falls back to Japanese, the language every entry must have.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

FALLBACK = "ja"


def localized(value: Any, language: str | None = None) -> str:
    if not isinstance(value, dict):
        return str(value or "")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return str(value.get(language) or value.get(FALLBACK) or "")


def validate_translated(value: Any) -> None:
    """Model-field validator: a dict of known languages with Japanese present."""
    known = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, dict) or not str(value.get(FALLBACK, "")).strip():
        raise ValidationError("Japanese text is required.", code="missing_japanese")
    unknown = set(value) - known
    if unknown:
        raise ValidationError(f"Unknown languages: {sorted(unknown)}", code="unknown_language")
    if not all(isinstance(text, str) for text in value.values()):
        raise ValidationError("Every translation must be text.", code="not_text")
