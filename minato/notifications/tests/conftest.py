from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts import services as accounts
from minato.accounts.models import Department, Role, User
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


@pytest.fixture
def supervisor(departments: dict[str, Department]) -> User:
    """A supervisor of 区民課, where charlie is a clerk."""
    user = accounts.staff_create(
        email="sue@city.minato.example",
        password="correct-horse-battery-9",  # the password conftest signs staff in with
        display_name="sue",
        department=departments["kumin"],
        role=Role.SUPERVISOR,
    )
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user
