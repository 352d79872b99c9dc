"""Broadcasts and message texts in a real browser on a phone-sized screen, axe-core on every
page: a clerk writes a message to families with young children and asks for approval, a
supervisor approves it and it arrives through the fake LINE server and by email; a department
administrator's text with an unknown placeholder is refused, then saved and previewed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from minato.accounts.models import Department, ResidentProfile, User
from minato.notifications.fake_line import FakeLine
from minato.notifications.models import (
    Broadcast,
    ChildBirthMonth,
    LineAccount,
    MessageTemplate,
    Preference,
)
from minato.notifications.tests.conftest import fake_line  # noqa: F401
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _family(number: int, *, line: bool) -> User:
    user = User.objects.create(email=f"family{number}@example.jp", kind=User.Kind.RESIDENT)
    ResidentProfile.objects.create(user=user, preferred_channels=["line"] if line else [])
    if line:
        LineAccount.objects.create(user=user, line_user_id=f"U{number:032x}")
    preference = Preference.objects.create(user=user, topics=["childcare"], areas=["shiba"])
    ChildBirthMonth.objects.create(preference=preference, born_on=date.today().replace(day=1))
    return user


def _sign_out(axe_page: AxePage) -> None:
    axe_page.follow(axe_page.page.get_by_role("button", name="Sign out"))


def test_a_clerk_writes_a_supervisor_approves_and_families_get_it(
    axe_page: AxePage,
    fake_line: FakeLine,  # noqa: F811
    charlie: User,
    supervisor: User,
    departments: dict[str, Department],
) -> None:
    _family(1, line=True)
    by_email = _family(2, line=False)
    _staff_sign_in(axe_page, charlie)
    page = axe_page.visit("/en/staff/messages/")
    axe_page.follow(page.get_by_role("link", name="Write a message"))
    page.get_by_label("Name (for staff)").fill("乳幼児健診 12月")
    page.get_by_label("Topic").select_option("childcare")
    page.get_by_label("Shiba", exact=True).check()
    page.get_by_label("0 to 2 years").check()
    page.get_by_label("Subject (Japanese)").fill("乳幼児健診のお知らせ")
    page.get_by_label("Message (Japanese)").fill("12月10日に芝保健所で行います。")
    axe_page.follow(page.get_by_role("button", name="Save the draft"))
    assert "Recipients now" in page.content()
    assert "2" in page.locator("dl").first.inner_text()
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Ask for approval"))
    assert "Waiting for a supervisor" in page.content()
    axe_page.check()
    _sign_out(axe_page)

    _staff_sign_in(axe_page, supervisor)
    page = axe_page.visit("/en/staff/messages/")
    axe_page.follow(page.get_by_role("link", name="乳幼児健診 12月"))
    axe_page.follow(page.get_by_role("button", name="Approve and send"))
    assert "Approved" in page.locator(".notices").inner_text()
    axe_page.check()
    broadcast = Broadcast.objects.get()
    assert broadcast.status == Broadcast.Status.SENT and broadcast.recipient_count == 2
    [multicast] = fake_line.sent
    assert multicast.to == [f"U{1:032x}"] and "乳幼児健診のお知らせ" in multicast.texts[0]
    assert [message.subject for message in mail.outbox if message.to == [by_email.email]] == [
        "乳幼児健診のお知らせ"
    ]
    assert axe_page.violations == [] and axe_page.console_errors == []


def test_an_administrator_writes_a_message_text_checked_before_it_is_saved(
    axe_page: AxePage, sam: User
) -> None:
    _staff_sign_in(axe_page, sam)
    page = axe_page.visit("/en/staff/messages/texts/")
    axe_page.follow(page.get_by_role("link", name="general/message"))
    page.locator("#id_subject").fill("{{ title }}")
    page.locator("#id_body").fill("{{ message }} {{ password }}")
    axe_page.expected_errors.add(page.url)
    axe_page.follow(page.get_by_role("button", name="Save as a new version"))
    assert "Unknown placeholders: password" in page.content()
    axe_page.check()
    page.locator("#id_body").fill("{{ message }}\n{% if title %}（{{ title }}）{% endif %}")
    axe_page.follow(page.get_by_role("button", name="Preview"))
    assert "«message»" in page.locator("section.card").inner_text()
    axe_page.follow(page.get_by_role("button", name="Save as a new version"))
    assert "Saved as version 1." in page.locator(".notices").inner_text()
    axe_page.check()
    assert MessageTemplate.objects.get().version == 1
    assert axe_page.violations == [] and axe_page.console_errors == []
