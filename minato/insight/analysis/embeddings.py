"""Sentence embeddings from a model whose weights ship inside a Python package.

``WordLlamaEncoder`` loads WordLlama's ``l2_supercat`` (256 dimensions) from the files inside
the ``wordllama`` wheel, with downloads disabled: nothing is fetched at run time, and a
machine without network analyses as well as one with it. The model is a static token-embedding
model (averaged, learned token weights), fast on a CPU: ten thousand voices in about a second.

``Encoder`` is the small interface the pipeline needs, so a test can pass a fake and a ward
can plug in another local model.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text."""
        ...


class WordLlamaEncoder:
    name = "wordllama l2_supercat 256d (bundled)"

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        # The wheel keeps its tokenizer and weights in the package folder; pointing the cache
        # there with downloads disabled makes a missing file an error, never a download.
        package = Path(wordllama.__file__).resolve().parent
        self._model = WordLlama.load(
            config="l2_supercat", dim=256, cache_dir=package, disable_download=True
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        return np.asarray(self._model.embed(texts, norm=True), dtype=np.float32)


_lock = threading.Lock()
_encoder: WordLlamaEncoder | None = None


def default_encoder() -> WordLlamaEncoder:
    """The process's one encoder (loading takes a fraction of a second, then it is shared)."""
    global _encoder
    with _lock:
        if _encoder is None:
            _encoder = WordLlamaEncoder()
        return _encoder
