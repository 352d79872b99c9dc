"""Signage screens: registered by a supervisor, their polls are their heartbeat, and the
console shows which are offline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minato.accounts.models import Department, User
from minato.core.models import AuditEvent
from minato.information import services
from minato.information.models import Display
from minato.information.services import NoticeError

pytestmark = pytest.mark.django_db


def test_a_registered_screens_polls_are_its_heartbeat_and_the_console_shows_it_online(
    client: Client,
    staff_client: Any,
    departments: dict[str, Department],
    supervisor: User,
) -> None:
    console = staff_client(supervisor)
    page = console.get(reverse("staff:information:displays"))
    assert (page.status_code == 200 and "Register" in page.text) or "登録" in page.text
    refused = console.post(reverse("staff:information:displays"), {"name": "", "group": "shiba"})
    assert refused.status_code == 400 and not Display.objects.exists()
    console.post(reverse("staff:information:displays"), {"name": "1階ロビー", "group": "shiba"})
    display = Display.objects.get()
    assert AuditEvent.objects.filter(action="information.display_created").count() == 1
    listing = console.get(reverse("staff:information:displays")).text
    assert "badge--bad" in listing and "芝" in listing  # not yet; the area by name

    screen = client.get("/signage/shiba/", {"display": display.key})
    assert f"state.json?display={display.key}" in screen.text
    client.get("/signage/shiba/state.json", {"display": display.key})
    display.refresh_from_db()
    seen = display.last_seen_at
    assert seen is not None
    client.get("/signage/shiba/state.json", {"display": display.key})
    display.refresh_from_db()
    assert display.last_seen_at == seen  # at most one write every 30 s
    listing = console.get(reverse("staff:information:displays")).text
    assert "badge--ok" in listing and "badge--bad" not in listing

    Display.objects.update(last_seen_at=timezone.now() - timedelta(minutes=5))
    assert "badge--bad" in console.get(reverse("staff:information:displays")).text


def test_unknown_keys_and_other_groups_do_not_count_and_clerks_do_not_register(
    client: Client, charlie: User, supervisor: User, departments: dict[str, Department]
) -> None:
    display = services.display_create(staff=supervisor, name="芝 1階", group="shiba")
    assert client.get("/signage/shiba/state.json", {"display": "nope"}).status_code == 200
    client.get("/signage/azabu/state.json", {"display": display.key})
    display.refresh_from_db()
    assert display.last_seen_at is None
    with pytest.raises(NoticeError):
        services.display_create(staff=charlie, name="麻布", group="azabu")
    with pytest.raises(NoticeError):
        services.display_create(staff=supervisor, name="どこか", group="atlantis")
    assert Display.objects.count() == 1
