"""How we contact you, on a phone-sized screen with axe-core: a resident orders channels and
picks topics, areas and quiet hours, turns notifications on this device on and off, and
reads the messages in their inbox."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect
from py_vapid.utils import b64urlencode

from minato.accounts.models import User
from minato.notifications import services
from minato.notifications.models import Notification, Preference, PushSubscription
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_chooses_how_and_when_the_ward_contacts_them(
    axe_page: AxePage, bob: User
) -> None:
    _sign_in(axe_page, bob, "/en")
    page = axe_page.visit("/en/accounts/messages/")
    axe_page.follow(page.get_by_role("link", name="How we contact you"))
    axe_page.check()
    page.get_by_label("First choice").select_option("email")
    page.get_by_label("Second choice").select_option("inbox")
    page.get_by_label("Events and courses").check()
    page.get_by_label("Azabu").check()
    page.get_by_label("Quiet from").fill("22:00")
    axe_page.expected_errors.add(page.url)  # the form with an error answers 400
    axe_page.follow(page.get_by_role("button", name="Save"))
    assert "error-summary" in page.content()  # one end of the quiet hours only
    axe_page.check()
    page.get_by_label("Quiet until").fill("07:00")
    axe_page.follow(page.get_by_role("button", name="Save"))
    assert "Saved." in page.locator(".notices").inner_text()
    axe_page.check()
    preference = Preference.objects.get(user=bob)
    assert "events" in preference.topics and preference.areas == ["azabu"]


@pytest.mark.parametrize("prefix", ["", "/en", "/ja-easy"])
def test_a_resident_opens_an_unread_message_goes_back_and_marks_the_rest_read(
    axe_page: AxePage, bob: User, prefix: str
) -> None:
    for title in ("道路工事", "健康診断"):
        services.notify(
            recipient=bob,
            template_key="general/message",
            context={"title": title, "message": "芝公園の道路を工事します。"},
            channel="inbox",
        )
    _sign_in(axe_page, bob, prefix)
    page = axe_page.visit(f"{prefix}/accounts/messages/")
    assert page.locator("h1 .badge").inner_text().startswith("2")
    axe_page.follow(page.get_by_role("link", name="道路工事"))
    axe_page.check()
    assert "道路工事" in page.get_by_role("heading", level=1).inner_text()
    axe_page.follow(page.locator(f'main a[href="{prefix}/accounts/messages/"]').first)
    assert page.locator("h1 .badge").inner_text().startswith("1")
    axe_page.check()
    axe_page.follow(page.locator("main form button[type=submit]"))
    assert page.locator("h1 .badge").count() == 0
    axe_page.check()
    assert not Notification.objects.filter(recipient=bob, channel="inbox", read_at=None).exists()


# The browser's push service is out of reach in the tests: PushManager answers with a
# subscription of our own, as a browser would after the resident allowed notifications.
FAKE_PUSH_MANAGER = """
(() => {
  let current = null;
  const subscription = {
    endpoint: "https://push.example.test/send/this-browser",
    toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: %s }; },
    unsubscribe() { current = null; return Promise.resolve(true); },
  };
  PushManager.prototype.subscribe = function () {
    current = subscription;
    return Promise.resolve(subscription);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
})();
"""


def test_a_resident_turns_notifications_on_and_off_on_this_device(
    axe_page: AxePage, bob: User, settings: Any
) -> None:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    settings.WEBPUSH_VAPID_PUBLIC_KEY = b64urlencode(point)
    settings.WEBPUSH_VAPID_PRIVATE_KEY = "private-key-for-the-tests-only"
    keys = {"p256dh": b64urlencode(point), "auth": b64urlencode(os.urandom(16))}
    axe_page.page.add_init_script(FAKE_PUSH_MANAGER % json.dumps(keys))
    _sign_in(axe_page, bob, "/en")
    page = axe_page.visit("/en/notifications/settings/")
    turn_on = page.get_by_role("button", name="Turn on notifications on this device")
    turn_on.click()
    expect(page.get_by_role("status")).to_have_text("Notifications are on for this device.")
    turn_off = page.get_by_role("button", name="Turn off notifications on this device")
    expect(turn_off).to_be_focused()
    axe_page.check()
    assert PushSubscription.objects.get().user == bob
    turn_off.click()
    expect(page.get_by_role("status")).to_have_text("Notifications are off for this device.")
    expect(turn_on).to_be_focused()
    axe_page.check()
    assert not PushSubscription.objects.exists()
