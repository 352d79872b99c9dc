from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from minato.notifications.fake_line import FakeLine, serve

TOKEN = "test-channel-access-token"


@pytest.fixture
def fake_line(settings: Any) -> Iterator[FakeLine]:
    """The fake LINE API on loopback, with the site configured to use it."""
    app = FakeLine(token=TOKEN)
    server, url = serve(app)
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    settings.LINE_CHANNEL_SECRET = "test-channel-secret"
    settings.LINE_API_BASE = url
    yield app
    server.shutdown()
