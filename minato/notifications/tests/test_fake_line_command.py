"""The fake LINE server as the demo runs it (``manage.py fake_line``): its LINE app simulator
and account-link dialog post webhooks shaped and signed as LINE's, which the site accepts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from minato.accounts.models import User
from minato.notifications import line
from minato.notifications.fake_line import FakeLine, serve
from minato.notifications.models import LineAccount, LineWebhookEvent

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "demo-token"
SECRET = "demo-channel-secret"
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


@pytest.fixture
def capture() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A site that records the webhooks it receives and answers 200."""
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({"path": self.path, **dict(self.headers.items())}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()


def _simulator(site: str) -> tuple[FakeLine, httpx.Client, Callable[[], None]]:
    app = FakeLine(token=TOKEN, secret=SECRET, site=site)
    server, url = serve(app)
    return app, httpx.Client(base_url=url), server.shutdown


def _new_user(browser: httpx.Client) -> str:
    created = browser.post("/simulator/users", data={"name": "花子のスマホ"})
    assert created.status_code == 303
    return parse_qs(urlparse(created.headers["Location"]).query)["user"][0]


@pytest.fixture
def site_on_fake_line(settings: Any, live_server: Any) -> Iterator[tuple[FakeLine, httpx.Client]]:
    """The live site talks to the fake, and the fake's simulator posts to the live site."""
    app, browser, stop = _simulator(live_server.url)
    settings.SITE_URL = live_server.url
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    settings.LINE_CHANNEL_SECRET = SECRET
    settings.LINE_API_BASE = settings.LINE_ACCESS_BASE = str(browser.base_url).rstrip("/")
    yield app, browser
    stop()


def test_follow_and_a_message_post_webhooks_signed_and_shaped_as_lines(
    capture: tuple[str, list[tuple[dict[str, str], bytes]]],
) -> None:
    site, received = capture
    app, browser, stop = _simulator(site)
    try:
        user = _new_user(browser)
        browser.post("/simulator/follow", data={"user": user})
        browser.post("/simulator/message", data={"user": user, "text": "連携"})
    finally:
        stop()
    assert re.fullmatch(r"U[0-9a-f]{32}", user)
    events = []
    for headers, body in received:
        assert headers["path"] == "/line/webhook"
        assert headers["Content-Type"].startswith("application/json")
        assert headers["X-Line-Signature"] == line.signature_of(body, SECRET)
        payload = json.loads(body)
        assert payload["destination"] == app.destination
        [event] = payload["events"]
        events.append(event)
    follow, message = events
    for event in events:
        assert event["mode"] == "active"
        assert isinstance(event["timestamp"], int)
        assert event["source"] == {"type": "user", "userId": user}
        assert ULID.match(event["webhookEventId"])
        assert event["deliveryContext"] == {"isRedelivery": False}
        assert event["replyToken"]
    assert follow["type"] == "follow" and follow["follow"] == {"isUnblocked": False}
    assert message["type"] == "message"
    assert message["message"]["type"] == "text" and message["message"]["text"] == "連携"
    assert message["message"]["id"].isdigit()
    assert follow["webhookEventId"] != message["webhookEventId"]


def test_the_simulator_escapes_what_it_shows(
    capture: tuple[str, list[tuple[dict[str, str], bytes]]],
) -> None:
    site, _received = capture
    _app, browser, stop = _simulator(site)
    try:
        user = _new_user(browser)
        browser.post("/simulator/message", data={"user": user, "text": "<b>hi</b>"})
        page = browser.get(f"/?user={user}").text
    finally:
        stop()
    assert "&lt;b&gt;hi&lt;/b&gt;" in page and "<b>hi</b>" not in page
    assert "花子のスマホ" in page


def test_a_post_from_another_site_is_refused(
    capture: tuple[str, list[tuple[dict[str, str], bytes]]],
) -> None:
    site, received = capture
    _app, browser, stop = _simulator(site)
    try:
        user = _new_user(browser)
        refused = browser.post(
            "/simulator/follow", data={"user": user}, headers={"Origin": "https://evil.example"}
        )
    finally:
        stop()
    assert refused.status_code == 403 and received == []


@pytest.mark.django_db(transaction=True)
def test_the_site_handles_the_simulators_events_and_its_replies_show_there(
    site_on_fake_line: tuple[FakeLine, httpx.Client],
) -> None:
    app, browser = site_on_fake_line
    user = _new_user(browser)
    browser.post("/simulator/follow", data={"user": user})
    browser.post("/simulator/message", data={"user": user, "text": "予約"})
    assert sorted(LineWebhookEvent.objects.values_list("event_type", flat=True)) == [
        "follow",
        "message",
    ]
    assert [w.answer for w in app.webhooks] == ["200", "200"]
    # The replies are addressed to the user whose event carried the reply token.
    assert [sent.to for sent in app.sent] == [[user], [user]]
    page = browser.get(f"/?user={user}").text
    assert "連携" in page and "/bookings/</a>" in page


@pytest.mark.django_db(transaction=True)
def test_a_resident_links_line_through_the_account_link_dialog(
    site_on_fake_line: tuple[FakeLine, httpx.Client],
    settings: Any,
    resident_client: Callable[[User], Client],
    alice: User,
) -> None:
    app, browser = site_on_fake_line
    user = _new_user(browser)
    browser.post("/simulator/follow", data={"user": user})
    # "連携" in LINE: the ward answers with its link page, carrying LINE's link token.
    browser.post("/simulator/message", data={"user": user, "text": "連携"})
    link_page = app.sent[-1].texts[-1].splitlines()[-1]
    link_token = parse_qs(urlparse(link_page).query)["linkToken"][0]
    # Signed in on the site, alice confirms and is sent to LINE's dialog with a nonce.
    sent_on = resident_client(alice).post("/notifications/line/link/", {"linkToken": link_token})
    dialog_url = sent_on["Location"]
    assert dialog_url.startswith(f"{settings.LINE_ACCESS_BASE}/dialog/bot/accountLink?")
    dialog = browser.get(dialog_url)
    assert dialog.status_code == 200 and user in dialog.text
    nonce = parse_qs(urlparse(dialog_url).query)["nonce"][0]

    linked = browser.post("/dialog/bot/accountLink", data={"linkToken": link_token, "nonce": nonce})

    assert linked.status_code == 200 and "You can close this page" in linked.text
    account = LineAccount.objects.get()
    assert account.user == alice and account.line_user_id == user
    assert "連携しました" in app.sent[-1].texts[0] and app.sent[-1].to == [user]
    # LINE's link token works once.
    again = browser.post("/dialog/bot/accountLink", data={"linkToken": link_token, "nonce": nonce})
    assert again.status_code == 400
    assert LineWebhookEvent.objects.filter(event_type="accountLink").count() == 1


def test_the_command_refuses_without_a_line_channel(settings: Any) -> None:
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    with pytest.raises(CommandError, match="LINE_CHANNEL_ACCESS_TOKEN"):
        call_command("fake_line", "--port", "0")


def test_the_command_refuses_outside_development_and_demos(settings: Any) -> None:
    settings.DEBUG = settings.ALLOW_DEMO_SECRETS = False
    with pytest.raises(CommandError, match="ALLOW_DEMO_SECRETS"):
        call_command("fake_line", "--port", "0")


def test_the_command_serves_the_api_and_the_simulator_on_loopback() -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "ALLOW_DEMO_SECRETS": "1",
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_CHANNEL_SECRET": SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "manage.py", "fake_line", "--port", "0"]
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()
        url = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert url, first
        simulator = httpx.get(url.group(0) + "/")
        push = httpx.post(
            url.group(0) + "/v2/bot/message/push",
            headers={"Authorization": f"Bearer {TOKEN}"},
            json={"to": "U" + "b" * 32, "messages": [{"type": "text", "text": "hi"}]},
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert simulator.status_code == 200 and "LINE app simulator" in simulator.text
    assert push.status_code == 200
