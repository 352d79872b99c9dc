"""The page chrome rendered once per process: shared only where it is the same for everyone,
and never carrying one visitor's CSRF token to another."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from minato.accounts.models import User
from minato.core.templatetags import chrome

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _header(page: str) -> str:
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def test_two_residents_get_the_same_header_each_with_their_own_csrf_token(
    resident_client: Callable[[User], Client], alice: User, bob: User
) -> None:
    alices = resident_client(alice).get("/accounts/profile/").content.decode()
    bobs = resident_client(bob).get("/accounts/profile/").content.decode()
    alice_token = CSRF_INPUT.search(_header(alices))
    bob_token = CSRF_INPUT.search(_header(bobs))
    assert alice_token and bob_token and alice_token.group(1) != bob_token.group(1)
    assert chrome.CSRF_MARKER not in alices + bobs
    # Apart from the token, the second header came from the cache and is the first one.
    assert CSRF_INPUT.sub("", _header(alices)) == CSRF_INPUT.sub("", _header(bobs))
    assert alice.email not in _header(bobs)


def test_the_header_differs_by_language_and_by_who_is_signed_in(
    client: Client, resident_client: Callable[[User], Client], alice: User
) -> None:
    anonymous = _header(client.get("/procedures/").content.decode())
    signed_in = _header(resident_client(alice).get("/procedures/").content.decode())
    english = _header(resident_client(alice).get("/en/procedures/").content.decode())
    assert "ログイン" in anonymous and "ログイン" not in signed_in
    assert "Sign out" in english and "Sign out" not in signed_in


def test_a_page_with_a_query_string_renders_its_header_fresh(client: Client) -> None:
    client.get("/procedures/")
    before = len(chrome._fragments)
    page = client.get("/procedures/?q=%E7%B2%97%E5%A4%A7").content.decode()
    assert len(chrome._fragments) == before  # nothing cached for it
    assert "/en/procedures/?q=" in _header(page)  # the switcher keeps the search
