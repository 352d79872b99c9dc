"""Signage: a screen per display group shows its notices and switches to emergencies."""

from __future__ import annotations

import pytest
from django.test import Client

from minato.accounts.models import Department, User
from minato.information.models import Notice
from minato.information.tests.factories import published_notice

pytestmark = pytest.mark.django_db


def test_a_screen_shows_its_areas_notices_and_an_emergency_first(
    client: Client, departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    published_notice(charlie, departments["kumin"], areas=["shiba"])
    published_notice(
        charlie,
        departments["kumin"],
        areas=["azabu"],
        content={"ja": {"title": "麻布の催し", "body": "本文"}},
    )
    screen = client.get("/signage/shiba/")
    assert screen.status_code == 200
    assert "年末年始の窓口" in screen.text and "麻布の催し" not in screen.text
    assert 'id="signage-state"' in screen.text and "<svg" in screen.text  # the QR code
    state = client.get("/signage/shiba/state.json").json()
    assert state["emergency"] == [] and len(state["notices"]) == 1
    assert state["notices"][0]["texts"]["en"]["title"] == "Counters over the New Year"

    published_notice(
        supervisor,
        departments["kumin"],
        kind=Notice.Kind.EMERGENCY,
        content={"ja": {"title": "避難指示", "body": "避難してください。"}},
    )
    state = client.get("/signage/shiba/state.json").json()
    [emergency] = state["emergency"]
    assert emergency["texts"]["ja"]["title"] == "避難指示"
    # Not translated: the Japanese text, said to be Japanese.
    assert emergency["texts"]["en"]["language"] == "ja"
    assert "signage__item--emergency" in client.get("/signage/ward/").text


def test_an_unknown_display_group_is_not_found(client: Client) -> None:
    assert client.get("/signage/atlantis/").status_code == 404
    assert client.get("/signage/atlantis/state.json").status_code == 404


def test_an_emergency_shows_however_many_notices_came_after_it(
    client: Client, departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    published_notice(
        supervisor,
        departments["kumin"],
        kind=Notice.Kind.EMERGENCY,
        starts_at=timezone.now() - timedelta(hours=2),
        content={"ja": {"title": "避難指示", "body": "避難してください。"}},
    )
    for _number in range(10):
        published_notice(charlie, departments["kumin"])
    state = client.get("/signage/ward/state.json").json()
    assert [item["texts"]["ja"]["title"] for item in state["emergency"]] == ["避難指示"]
