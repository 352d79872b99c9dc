"""Every error page (400, 403, 404, 413, 429, 500) is a normal page of the site: in the
language of its URL, with the portal's header (the console's under /staff/) and a way back.
API paths keep answering with problem+json."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils.functional import SimpleLazyObject

from minato.accounts.models import User
from minato.core import views

pytestmark = pytest.mark.django_db

# (URL prefix, <html lang>, the site's name in the header, "Procedures" in the menu)
LANGUAGES = [
    ("", "ja", "港区", "手続き"),
    ("/en", "en", "Minato City", "Procedures"),
    ("/ja-easy", "ja-x-easy", "みなとく", "てつづき"),
]
# The title of each error page, in each language.
TITLES = {
    400: {"ja": "使用できない文字", "en": "The address contains a character that is not allowed"},
    403: {"ja": "有効期限", "en": "Your session has expired"},
    404: {"ja": "ページが見つかりません", "en": "Page not found"},
    413: {"ja": "送信されたデータが大きすぎます", "en": "Request body too large"},
    429: {"ja": "アクセスが集中しています", "en": "Too many requests"},
    500: {"ja": "申し訳ありません。システムでエラーが発生しました", "en": "Sorry, something went"},
}


def _oversized_post(client: Client, prefix: str) -> HttpResponse:
    with override_settings(MAX_REQUEST_BYTES=100):
        return client.post(f"{prefix}/accounts/signup/", {"email": "x" * 500})  # type: ignore[return-value]


def _language_switch(html: str) -> list[str]:
    nav = re.search(r'<nav class="lang-switcher".*?</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'href="([^"]*)"', nav.group(0))


def _assert_portal_page(
    response: HttpResponse, prefix: str, lang: str, name: str, menu: str
) -> str:
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f'class="site-header__brand" href="{prefix}/">{name} ' in html
    assert f'<a href="{prefix}/procedures/">{menu}</a>' in html
    assert len(_language_switch(html)) == 3
    assert f'<a href="{prefix}/">' in html.split("<main", 1)[1]  # a way home
    return html


@pytest.mark.parametrize(("prefix", "lang", "name", "menu"), LANGUAGES)
def test_an_oversized_body_gets_an_error_page_in_the_language_of_the_page(
    client: Client, prefix: str, lang: str, name: str, menu: str
) -> None:
    response = _oversized_post(client, prefix)
    assert response.status_code == 413
    html = _assert_portal_page(response, prefix, lang, name, menu)
    if lang == "ja":
        assert TITLES[413]["ja"] in html
        assert "Request body too large" not in html


def test_an_oversized_body_on_a_signed_in_page_keeps_the_signed_in_header(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    with override_settings(MAX_REQUEST_BYTES=100):
        response = resident_client(alice).post("/en/accounts/profile/edit/", {"city": "x" * 500})
    assert response.status_code == 413
    html = response.content.decode()
    assert 'href="/en/accounts/profile/">My account</a>' in html
    assert "Sign out" in html


def test_an_oversized_body_offers_a_way_back_to_the_form(client: Client) -> None:
    with override_settings(MAX_REQUEST_BYTES=100):
        response = client.post(
            "/en/accounts/signup/",
            {"email": "x" * 500},
            HTTP_REFERER="http://testserver/en/accounts/signup/?step=2",
        )
    assert response.status_code == 413
    assert '<a href="/en/accounts/signup/?step=2">Back to the previous page</a>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/en/accounts/signup/",
        "http://testserver//evil.example/x",
        "http://testserver/\\evil.example/x",
        "javascript:alert(1)",
    ],
)
def test_the_way_back_never_leaves_the_site(client: Client, referer: str) -> None:
    response = client.get("/en/no-such-page/", HTTP_REFERER=referer)
    html = response.content.decode()
    assert "evil.example" not in html.replace("/evil.example/x", "")  # only as a local path
    assert 'href="//' not in html and 'href="/\\' not in html
    assert "javascript:" not in html


def test_a_body_over_djangos_parse_limit_on_a_page_is_a_413_not_a_400(client: Client) -> None:
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        response = client.post("/en/accounts/login/", {"email": "x" * 500, "password": "p"})
    assert response.status_code == 413
    assert "Request body too large" in response.content.decode()


def _bad_request(client: Client, prefix: str) -> HttpResponse:
    return client.get(f"{prefix}/procedures/?q=%00")  # type: ignore[return-value]


def _csrf_failure(client: Client, prefix: str) -> HttpResponse:
    strict = Client(enforce_csrf_checks=True)
    return strict.post(f"{prefix}/accounts/login/", {"email": "a@example.jp", "password": "p"})  # type: ignore[return-value]


def _not_found(client: Client, prefix: str) -> HttpResponse:
    return client.get(f"{prefix}/no-such-page/")  # type: ignore[return-value]


def _too_many(client: Client, prefix: str) -> HttpResponse:
    with override_settings(ANONYMOUS_POST_RATE="1/m"):
        client.post(f"{prefix}/accounts/login/", {"email": "a@example.jp", "password": "p"})
        return client.post(f"{prefix}/accounts/login/", {"email": "a@example.jp", "password": "p"})  # type: ignore[return-value]


@override_settings(ROOT_URLCONF="minato.core.tests.urls_failing")
def _server_error(client: Client, prefix: str) -> HttpResponse:
    client.raise_request_exception = False
    return client.get(f"{prefix}/broken/")  # type: ignore[return-value]


@pytest.mark.parametrize(("prefix", "lang", "name", "menu"), LANGUAGES)
@pytest.mark.parametrize(
    ("status", "request_page"),
    [
        (400, _bad_request),
        (403, _csrf_failure),
        (404, _not_found),
        (413, _oversized_post),
        (429, _too_many),
        (500, _server_error),
    ],
)
def test_every_error_page_is_a_page_of_the_site_in_its_language(
    client: Client,
    prefix: str,
    lang: str,
    name: str,
    menu: str,
    status: int,
    request_page: Callable[[Client, str], HttpResponse],
) -> None:
    response = request_page(client, prefix)
    assert response.status_code == status
    html = _assert_portal_page(response, prefix, lang, name, menu)
    if lang in ("ja", "en"):
        assert TITLES[status][lang] in html


@pytest.mark.parametrize("prefix", ["", "/en", "/ja-easy"])
def test_a_forbidden_console_page_has_the_console_header_and_a_way_home(
    staff_client: Callable[[User], Client], charlie: User, prefix: str
) -> None:
    response = staff_client(charlie).get(f"{prefix}/staff/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="staff-banner"' in html
    assert f'class="site-header__brand" href="{prefix}/staff/">' in html
    assert 'class="staff-sidebar"' in html  # the signed-in clerk keeps the console menu
    assert f'<a href="{prefix}/staff/">' in html.split("<main", 1)[1]
    assert len(_language_switch(html)) == 3


@override_settings(ROOT_URLCONF="minato.core.tests.urls_failing")
def test_a_failing_console_page_has_the_console_header(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/en/staff/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="staff-banner"' in html
    assert TITLES[500]["en"] in html


def test_the_500_page_renders_even_when_the_session_store_is_down(rf: RequestFactory) -> None:
    def broken_user() -> Any:
        raise DatabaseError("the database is down")

    request = rf.get("/en/accounts/profile/")
    request.user = SimpleLazyObject(broken_user)  # type: ignore[assignment]
    response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert TITLES[500]["en"] in html
    assert len(_language_switch(html)) == 3


@pytest.mark.parametrize(
    ("path", "status"), [("/api/v1/no-such-endpoint", 404), ("/api/v1/notifications", 413)]
)
def test_api_errors_stay_problem_json(client: Client, path: str, status: int) -> None:
    with override_settings(MAX_REQUEST_BYTES=100):
        if status == 413:
            response = client.post(path, data="x" * 500, content_type="application/json")
        else:
            response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
