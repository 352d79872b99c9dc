"""Japanese-aware search text: width, kana and kanji readings normalised.

Every procedure stores two strings: ``search_text`` (NFKC-normalised, lower-cased text in all
languages) and ``search_reading`` (the katakana reading of the Japanese text, from SudachiPy
with its bundled dictionary). A query is normalised the same way, so そだいごみ, ｿﾀﾞｲｺﾞﾐ and
ソダイゴミ all find 粗大ごみ, and full-width ＤＸ finds DX.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from sudachipy import Dictionary, SplitMode

_local = threading.local()
_SPACES = re.compile(r"\s+")
_HIRAGANA = re.compile(r"[\u3041-\u3096]")


def tokenizer():  # type: ignore[no-untyped-def]
    """This thread's SudachiPy tokenizer (bundled small dictionary, split mode C). Sudachi
    tokenizers are not safe to share between threads, and building one takes a while."""
    if not hasattr(_local, "tokenizer"):
        _local.tokenizer = Dictionary(dict="small").tokenizer(mode=SplitMode.C)
    return _local.tokenizer


def normalise(text: str) -> str:
    """NFKC (half-width kana and full-width Latin to standard), lower case, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def to_katakana(text: str) -> str:
    return _HIRAGANA.sub(lambda m: chr(ord(m.group(0)) + 0x60), text)


def reading(text: str) -> str:
    """The katakana reading of Japanese text, without spaces or punctuation."""
    text = normalise(text)
    if not text:
        return ""
    parts = [
        morpheme.reading_form() or morpheme.surface() for morpheme in tokenizer().tokenize(text)
    ]
    return re.sub(r"[\s・、。,.()（）「」\-]", "", to_katakana("".join(parts)))


def query_terms(query: str) -> list[tuple[str, str]]:
    """Split a query into terms, each as (normalised text, katakana reading)."""
    return [(term, reading(term)) for term in normalise(query).split(" ") if term][:8]
