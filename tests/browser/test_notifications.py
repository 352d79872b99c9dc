"""How we contact you, on a phone-sized screen with axe-core: a resident orders channels and
picks topics, areas and quiet hours."""

from __future__ import annotations

import pytest

from minato.accounts.models import User
from minato.notifications.models import Preference
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
