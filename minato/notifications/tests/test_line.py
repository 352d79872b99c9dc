"""LINE's webhook and account linking, against the fake LINE server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.test import Client

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.notifications import line
from minato.notifications.fake_line import FakeLine, serve
from minato.notifications.models import LineAccount

pytestmark = pytest.mark.django_db
LINE_USER = "U" + "a" * 32
SECRET = "test-channel-secret"


@pytest.fixture
def fake_line(settings: Any) -> Iterator[FakeLine]:
    app = FakeLine(token="test-token")
    server, url = serve(app)
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-token"
    settings.LINE_CHANNEL_SECRET = SECRET
    settings.LINE_API_BASE = url
    settings.LINE_ACCESS_BASE = url
    yield app
    server.shutdown()


def _post(client: Client, *events: dict[str, Any], signature: str | None = None) -> Any:
    body = json.dumps({"destination": "U" + "0" * 32, "events": list(events)}).encode()
    return client.post(
        "/line/webhook",
        body,
        content_type="application/json",
        headers={"X-Line-Signature": signature or line.signature_of(body, SECRET)},
    )


def _event(kind: str, event_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "webhookEventId": event_id,
        "timestamp": 1764900000000,
        "mode": "active",
        "source": {"type": "user", "userId": LINE_USER},
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"reply-{event_id}",
        **extra,
    }


def test_a_bad_signature_is_refused_and_changes_nothing(
    fake_line: FakeLine, client: Client
) -> None:
    response = _post(client, _event("follow", "01A"), signature="bm90IHRoZSBzaWduYXR1cmU=")
    assert response.status_code == 400
    assert fake_line.sent == []


def test_a_resident_links_line_and_gets_messages_there_then_unlinks(
    fake_line: FakeLine,
    client: Client,
    resident_client: Callable[[User], Client],
    alice: User,
) -> None:
    assert _post(client, _event("follow", "01B")).status_code == 200
    assert "連携" in fake_line.sent[-1].texts[0]
    # "連携" in LINE: the answer links to our page with LINE's link token.
    _post(client, _event("message", "01C", message={"type": "text", "id": "1", "text": "連携"}))
    url = fake_line.sent[-1].texts[-1].splitlines()[-1]
    link_token = parse_qs(urlparse(url).query)["linkToken"][0]
    assert fake_line.link_tokens[link_token] == LINE_USER
    signed_in = resident_client(alice)
    page = signed_in.get(f"/notifications/line/link/?linkToken={link_token}")
    assert page.status_code == 200
    # The page's policy lets its form lead to LINE's dialog (else the browser stops there).
    form_action = next(
        part
        for part in page["Content-Security-Policy"].split(";")
        if part.strip().startswith("form-action")
    )
    assert "'self'" in form_action and settings.LINE_ACCESS_BASE in form_action
    sent_on = signed_in.post("/notifications/line/link/", {"linkToken": link_token})
    assert sent_on.status_code == 302
    target = urlparse(sent_on["Location"])
    assert target.path == "/dialog/bot/accountLink"
    nonce = parse_qs(target.query)["nonce"][0]
    # LINE tells us the result; the same event redelivered changes nothing more.
    link_event = _event("accountLink", "01D", link={"result": "ok", "nonce": nonce})
    _post(client, link_event)
    _post(client, link_event)
    account = LineAccount.objects.get()
    assert account.user == alice and account.line_user_id == LINE_USER
    assert AuditEvent.objects.filter(action="notifications.line_linked").count() == 1
    # A nonce works once.
    _post(client, _event("accountLink", "01E", link={"result": "ok", "nonce": nonce}))
    assert "できませんでした" in fake_line.sent[-1].texts[0]
    # Blocking the account stops messages; unlinking forgets the LINE user.
    _post(client, _event("unfollow", "01F"))
    account.refresh_from_db()
    assert not account.is_following
    assert signed_in.post("/notifications/line/unlink/").status_code == 302
    assert not LineAccount.objects.exists()


def test_keywords_answer_with_the_pages_they_name(fake_line: FakeLine, client: Client) -> None:
    _post(client, _event("message", "02A", message={"type": "text", "id": "2", "text": "予約"}))
    assert fake_line.sent[-1].texts[0].endswith("/bookings/")
    _post(client, _event("postback", "02B", postback={"data": "action=procedures"}))
    assert fake_line.sent[-1].texts[0].endswith("/procedures/")
    _post(client, _event("message", "02C", message={"type": "text", "id": "3", "text": "番号札"}))
    assert fake_line.sent[-1].texts[0].endswith("/navigator/counters/?via=line")


def test_a_linked_resident_is_answered_in_their_language_with_pages_in_it(
    fake_line: FakeLine, client: Client, bob: User
) -> None:
    bob.profile.preferred_language = "en"
    bob.profile.save()
    LineAccount.objects.create(user=bob, line_user_id=LINE_USER)
    _post(client, _event("message", "02A", message={"type": "text", "id": "1", "text": "予約"}))
    assert fake_line.sent[-1].texts == [f"{settings.SITE_URL}/en/bookings/"]
    _post(client, _event("postback", "02B", postback={"data": "action=help"}))
    assert fake_line.sent[-1].texts[0].startswith("You can receive Minato City's news")
    _post(client, _event("message", "02C", message={"type": "text", "id": "2", "text": "解除"}))
    assert "no longer linked" in fake_line.sent[-1].texts[0]
    # Not linked any more: answered in Japanese, the ward's default.
    _post(client, _event("postback", "02D", postback={"data": "action=procedures"}))
    assert fake_line.sent[-1].texts == [f"{settings.SITE_URL}/procedures/"]


def test_a_resident_orders_channels_and_chooses_topics_areas_and_quiet_hours(
    fake_line: FakeLine, resident_client: Callable[[User], Client], alice: User
) -> None:
    from minato.notifications.models import Preference

    client = resident_client(alice)
    page = client.get("/notifications/settings/")
    assert page.status_code == 200 and "連携" in page.content.decode()
    form = {
        "first": "line",
        "second": "email",
        "third": "",
        "topics": ["disaster", "events"],
        "areas": ["shiba"],
        "quiet_from": "22:00",
        "quiet_until": "07:00",
    }
    half = client.post("/notifications/settings/", {**form, "quiet_until": ""})
    assert half.status_code == 400 and not Preference.objects.exists()
    assert client.post("/notifications/settings/", {**form, "first": "pigeon"}).status_code == 400
    assert client.post("/notifications/settings/", form).status_code == 302
    alice.refresh_from_db()
    assert alice.profile.preferred_channels == ["line", "email"]
    preference = Preference.objects.get(user=alice)
    assert preference.topics == ["disaster", "events"] and preference.areas == ["shiba"]
    assert AuditEvent.objects.filter(action="notifications.preferences_changed").exists()
