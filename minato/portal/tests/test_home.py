from __future__ import annotations

from collections.abc import Callable, Iterator
from unittest import mock

import pytest
from django import shortcuts
from django.test import Client

from minato.accounts.models import User
from minato.core import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_page_cache() -> Iterator[None]:
    page_cache.clear()
    yield
    page_cache.clear()


def _renders(client: Client, path: str, n: int, **extra: str) -> int:
    with mock.patch("minato.portal.views.render", wraps=shortcuts.render) as render:
        for _ in range(n):
            assert client.get(path, **extra).status_code == 200
    return render.call_count


def test_anonymous_visitors_get_the_home_page_from_the_cache(client: Client) -> None:
    assert _renders(client, "/", 3) == 1


def test_each_language_is_cached_separately(client: Client) -> None:
    assert "Create an account" in client.get("/en/").content.decode()
    assert "Create an account" not in client.get("/").content.decode()


def test_signed_in_residents_always_get_a_fresh_page(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    assert _renders(client, "/", 2) == 2
    assert "Go to my account" in client.get("/en/").content.decode()


def test_a_pending_message_bypasses_the_cache(client: Client, alice: User) -> None:
    client.get("/")  # fill the cache
    client.force_login(alice)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "ログアウトしました" in response.content.decode()
