"""Validators for Japanese personal data, shared by forms and the API."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Furigana: hiragana or katakana, with the long-vowel mark and spaces.
_KANA_RE = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$")
# Japanese phone numbers: 10 digits (landline, starting 0) or 11 (mobile/IP, 0[5789]0).
_PHONE_RE = re.compile(r"^(0\d{9}|0[5789]0\d{8})$")


def normalise_email(address: str) -> str:
    """One spelling per address: NFKC (full-width letters become ASCII), stripped and
    case-folded. For counting and hashing (rate limits, failed sign-ins), not for delivery."""
    return unicodedata.normalize("NFKC", address).strip().casefold()


def normalise_phone(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-()ー−‐]", "", text)


def validate_phone(value: str) -> None:
    if value and not _PHONE_RE.match(normalise_phone(value)):
        raise ValidationError(
            _("Enter a Japanese phone number, such as 03-3578-2111 or 090-1234-5678."),
            code="invalid_phone",
        )


def normalise_kana(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def validate_kana(value: str) -> None:
    if value and not _KANA_RE.match(normalise_kana(value)):
        raise ValidationError(_("Enter furigana in hiragana or katakana."), code="invalid_kana")
