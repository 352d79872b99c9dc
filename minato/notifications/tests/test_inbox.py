"""The inbox on the portal: unread messages stand out and are counted, opening one marks it
read, "mark all as read", and nobody opens another resident's message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.notifications import services
from minato.notifications.inbox import (
    inbox_mark_all_read,
    inbox_mark_read,
    inbox_unread_count,
)
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db
INBOX = "/en/accounts/messages/"


def _message(user: User, title: str = "道路工事", *, channel: str = "inbox") -> Notification:
    notification = services.notify(
        recipient=user,
        template_key="general/message",
        context={"title": title, "message": "芝公園の道路を工事します。"},
        channel=channel,
    )
    notification.refresh_from_db()
    return notification


def _page(notification: Notification) -> str:
    return f"/en/notifications/inbox/{notification.public_id}/"


def test_a_delivered_inbox_message_is_unread_until_opened(alice: User) -> None:
    notification = _message(alice)
    assert notification.status == Notification.Status.DELIVERED
    assert inbox_unread_count(recipient_id=alice.pk) == 1
    inbox_mark_read(user=alice, public_id=notification.public_id)
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert inbox_unread_count(recipient_id=alice.pk) == 0


def test_reading_is_audited_once(alice: User) -> None:
    notification = _message(alice)
    inbox_mark_read(user=alice, public_id=notification.public_id)
    inbox_mark_read(user=alice, public_id=notification.public_id)
    event = AuditEvent.objects.get(action="notifications.inbox_read")
    assert event.subject_id == alice.pk and event.object_id == str(notification.pk)
    assert event.changes["read_at"][0] is None


def test_messages_on_other_channels_are_never_unread(alice: User) -> None:
    notification = _message(alice, channel="email")
    assert inbox_unread_count(recipient_id=alice.pk) == 0
    inbox_mark_read(user=alice, public_id=notification.public_id)
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not AuditEvent.objects.filter(action="notifications.inbox_read").exists()


def test_a_resident_cannot_mark_another_residents_message(alice: User, bob: User) -> None:
    notification = _message(alice)
    with pytest.raises(Notification.DoesNotExist):
        inbox_mark_read(user=bob, public_id=notification.public_id)
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_read_marks_only_that_residents_unread_inbox_messages(
    alice: User, bob: User
) -> None:
    _message(alice, "一")
    _message(alice, "二")
    _message(bob, "三")
    assert inbox_mark_all_read(user=alice) == 2
    assert inbox_unread_count(recipient_id=alice.pk) == 0
    assert inbox_unread_count(recipient_id=bob.pk) == 1
    assert AuditEvent.objects.filter(action="notifications.inbox_read").count() == 2
    assert inbox_mark_all_read(user=alice) == 0


# The pages -------------------------------------------------------------------------------


def test_the_inbox_shows_unread_messages_with_a_badge_and_the_count_in_its_heading(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    _message(alice, "一")
    _message(alice, "二")
    _message(alice, "三", channel="email")
    page = resident_client(alice).get(INBOX).content.decode()
    assert "2 unread</span></h1>" in page
    assert page.count(">Unread</span>") == 2
    assert "By email" in page  # delivered elsewhere: not an unread message here
    assert "Mark all as read" in page


def test_the_inbox_is_in_japanese_at_the_unprefixed_address(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    notification = _message(alice)
    page = resident_client(alice).get("/accounts/messages/").content.decode()
    assert f"/notifications/inbox/{notification.public_id}/" in page


def test_opening_a_message_shows_it_with_a_way_back_and_marks_it_read(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    notification = _message(alice)
    response = client.get(_page(notification))
    assert response.status_code == 200
    page = response.content.decode()
    assert notification.subject in page and "芝公園の道路を工事します。" in page
    assert 'href="/en/accounts/messages/">Back to my messages</a>' in page
    assert ">Read</span>" in page
    notification.refresh_from_db()
    assert notification.read_at is not None
    inbox = client.get(INBOX).content.decode()
    assert "unread</span></h1>" not in inbox and "Mark all as read" not in inbox


def test_bob_cannot_open_alices_message(
    resident_client: Callable[[User], Client], alice: User, bob: User
) -> None:
    notification = _message(alice)
    assert resident_client(bob).get(_page(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_message_page_needs_a_signed_in_resident(
    client: Client, staff_client: Callable[[User], Client], alice: User, charlie: User
) -> None:
    notification = _message(alice)
    assert client.get(_page(notification)).status_code == 302  # to sign in
    staff = staff_client(charlie)
    assert staff.get(_page(notification)).status_code == 404
    assert staff.post("/en/notifications/inbox/read-all/").status_code == 404


def test_an_unknown_message_is_not_found(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    path = "/en/notifications/inbox/00000000-0000-4000-8000-000000000000/"
    assert resident_client(alice).get(path).status_code == 404


def test_mark_all_as_read_is_a_post_that_returns_to_the_inbox(
    resident_client: Callable[[User], Client], alice: User, bob: User
) -> None:
    client = resident_client(alice)
    _message(alice)
    theirs = _message(bob)
    assert client.get("/en/notifications/inbox/read-all/").status_code == 405
    response = client.post("/en/notifications/inbox/read-all/", follow=True)
    assert response.redirect_chain[-1][0] == INBOX
    assert "All your messages are marked as read." in response.content.decode()
    assert inbox_unread_count(recipient_id=alice.pk) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_runs_a_fixed_number_of_queries(
    resident_client: Callable[[User], Client],
    alice: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = resident_client(alice)
    for title in ("二", "三", "四"):
        _message(alice, title)
        _message(alice, title, channel="email")
    # The session, the user, the page's count and rows, the unread count: not one per message.
    with django_assert_max_num_queries(5):
        assert client.get(INBOX).status_code == 200
