"""The digital circular board in a real browser on a phone-sized screen, axe-core on every
page: an officer adds a household and posts a vote; a neighbour joins with the household's
code, reads the vote and answers; the officer sees the answer, the printable copy and
records a household on paper."""

from __future__ import annotations

from typing import Any

import pytest

from minato.accounts.models import Department, User
from minato.community import services
from minato.community.models import Receipt
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_posts_a_vote_and_a_neighbour_joins_and_answers(
    axe_page: AxePage,
    browser: Any,
    live_server: Any,
    charlie: User,
    alice: User,
    bob: User,
    departments: dict[str, Department],
) -> None:
    association = services.association_create(
        staff=charlie,
        name="芝二丁目町会",
        area="shiba",
        department=departments["kumin"],
        officer_email="alice@example.jp",
    )
    _sign_in(axe_page, alice, "/en")
    page = axe_page.visit("/en/circulars/")
    axe_page.follow(page.get_by_role("link", name="Run the board of 芝二丁目町会"))
    axe_page.follow(page.get_by_role("link", name="Groups and households"))
    page.get_by_label("Group (班) name").fill("1班")
    axe_page.follow(page.get_by_role("button", name="Add the group"))
    page.locator("#id_household-label").fill("ブラウン (芝2-6-2)")
    page.get_by_label("Group (班)", exact=True).select_option(label="1班")
    axe_page.follow(page.get_by_role("button", name="Add the household"))
    page.locator("#id_household-label").fill("増上 (芝2-5-7)")
    page.get_by_label("Gets the printed copy (no smartphone)").check()
    axe_page.follow(page.get_by_role("button", name="Add the household"))
    axe_page.check()
    code = association.households.get(label="ブラウン (芝2-6-2)").join_code
    assert code in page.locator("table").inner_text()

    axe_page.follow(page.get_by_role("link", name="芝二丁目町会"))
    axe_page.follow(page.get_by_role("link", name="Post a circular"))
    page.get_by_label("What it asks").select_option("vote")
    page.get_by_label("Title").fill("夏祭りの開催について")
    page.get_by_label("Text").fill("賛成か反対かお答えください。")
    axe_page.follow(page.get_by_role("button", name="Post", exact=True))
    assert "Read by 0 of 2 households" in page.content()
    axe_page.check()

    # The household on paper: the officer records its answer from the printed sheet.
    row = page.locator("tr", has_text="増上")
    axe_page.follow(row.get_by_role("button", name="No, against"))
    assert Receipt.objects.get(household__label="増上 (芝2-5-7)").answer == "no"
    axe_page.follow(page.get_by_role("link", name="Printable copy"))
    assert "ブラウン (芝2-6-2)" in page.locator("table").inner_text()
    axe_page.check()

    # A neighbour on their own phone joins with the code and answers.
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    neighbour = AxePage(context.new_page(), live_server.url)
    _sign_in(neighbour, bob, "/en")
    page = neighbour.visit("/en/circulars/")
    neighbour.follow(page.get_by_role("link", name="Join a household with its code"))
    page.get_by_label("Household code").fill(code.lower())
    neighbour.follow(page.get_by_role("button", name="Join", exact=True))
    assert "You have joined" in page.content()
    assert page.locator("body.large-text").count() == 1
    neighbour.check()
    neighbour.follow(page.get_by_role("link", name="夏祭りの開催について"))
    page.get_by_label("Yes, in favour").check()
    neighbour.follow(page.get_by_role("button", name="Send the answer"))
    assert "Your household answered: Yes, in favour." in page.content()
    neighbour.check()
    context.close()

    page = axe_page.visit(f"/en/circulars/boards/{association.slug}/")
    assert "Read by 2 of 2 households" in page.content()
    assert axe_page.violations == [] and axe_page.console_errors == []
    assert neighbour.violations == [] and neighbour.console_errors == []
