from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture
def english() -> Iterator[None]:
    """Refusals read in English (the pages show them in the person's language)."""
    with translation.override("en"):
        yield
