"""The richer question types in a real browser, with axe on every page: a name with
furigana, "add another" items with fees, a long list answered by typing, a file upload, a
declaration, names inside group items; and the start page offering to apply without an
account."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from conftest import PASSWORD
from minato.accounts.models import User
from minato.procedures.forms.services import form_publish
from minato.procedures.tests.test_form_features import FEATURES, HOUSEHOLD
from tests.browser.conftest import AxePage

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _start_applying(axe_page: AxePage, alice: User, procedure: Any, definition: dict) -> Any:
    """Publish ``definition`` for an online procedure, sign in as the resident and press
    "Start now"; return the page on the form's first question."""

    procedure.availability = "online"
    procedure.save()
    form_publish(procedure=procedure, definition=definition)
    page = axe_page.visit("/en/accounts/login/")
    page.set_default_timeout(5000)
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    axe_page.follow(page.locator("form button[type=submit]").last)
    axe_page.visit(f"/en/procedures/{procedure.slug}/apply/")
    axe_page.follow(page.get_by_role("button", name="Start now"))
    return page


def test_a_resident_adds_items_uploads_a_file_and_sees_the_fees(
    axe_page: AxePage, alice: User, catalogue: dict
) -> None:
    page = _start_applying(axe_page, alice, catalogue["juminhyo"], FEATURES)
    # Name with furigana: an invalid reading is refused, with the error linked.
    page.locator("input[name=applicant__family_name]").fill("港")
    page.locator("input[name=applicant__given_name]").fill("花子")
    page.locator("input[name=applicant__family_name_kana]").fill("Minato")
    page.locator("input[name=applicant__given_name_kana]").fill("はなこ")
    page.get_by_label("No").check()
    axe_page.follow(page.get_by_role("button", name="Continue"))
    assert page.locator(".error-summary").is_visible()
    axe_page.check()
    page.locator("input[name=applicant__family_name_kana]").fill("みなと")
    page.get_by_label("No").check()
    axe_page.follow(page.get_by_role("button", name="Continue"))
    axe_page.check()
    page.get_by_label("町名").fill("Shiba")
    page.locator("input[name=items__0__item][value=bed]").check()
    page.locator("input[name=items__0__count]").fill("1")
    axe_page.follow(page.get_by_role("button", name="Add another"))
    axe_page.check()
    page.locator("input[name=items__1__item][value=chair]").check()
    page.locator("input[name=items__1__count]").fill("3")
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True).last)
    axe_page.check()
    page.get_by_label("写真").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_label("規約に同意します").check()
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True).last)
    assert "/check/" in page.url
    axe_page.check()
    body = page.content()
    assert "3,200" in body and "me.png" in body
    page.get_by_label("誤りはありません").check()
    axe_page.follow(page.get_by_role("button", name="Submit application"))
    assert len(page.locator("#reference").inner_text()) == 8
    axe_page.check()


def test_a_resident_gives_a_name_with_furigana_in_each_group_item(
    axe_page: AxePage, alice: User, catalogue: dict
) -> None:
    page = _start_applying(axe_page, alice, catalogue["juminhyo"], HOUSEHOLD)

    def fill(index: int, family: str, given: str, family_kana: str, given_kana: str) -> None:
        prefix = f"input[name=household__{index}__member__"
        page.locator(prefix + "family_name]").fill(family)
        page.locator(prefix + "given_name]").fill(given)
        page.locator(prefix + "family_name_kana]").fill(family_kana)
        page.locator(prefix + "given_name_kana]").fill(given_kana)

    fill(0, "港", "太郎", "みなと", "たろう")
    page.locator("input[name=household__0__relation][value=spouse]").check()
    axe_page.follow(page.get_by_role("button", name="Add another"))
    axe_page.check()
    assert page.locator("input[name=household__0__member__given_name]").input_value() == "太郎"
    fill(1, "港", "さくら", "Minato", "さくら")
    page.locator("input[name=household__1__relation][value=child]").check()
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True).last)
    assert page.locator(".error-summary").is_visible()
    axe_page.check()
    page.locator("input[name=household__1__member__family_name_kana]").fill("みなと")
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True).last)
    assert "/check/" in page.url
    axe_page.check()
    assert "港 さくら（みなと さくら）" in page.content()


def test_the_start_page_offers_applying_without_an_account(
    axe_page: AxePage, catalogue: dict
) -> None:

    procedure = catalogue["sodai"]
    procedure.allows_guest = True
    procedure.save()
    form_publish(procedure=procedure, definition=FEATURES)
    page = axe_page.visit("/en/procedures/sodai-gomi/apply/")
    axe_page.follow(page.get_by_role("link", name="Continue without an account"))
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Send me a link"))
    assert page.locator(".error-summary").is_visible()
    axe_page.check()
    page.get_by_label("Email address").fill("guest@example.jp")
    axe_page.follow(page.get_by_role("button", name="Send me a link"))
    axe_page.check()
    axe_page.visit("/ja-easy/procedures/guest/")
    axe_page.visit("/en/procedures/guest/not-a-token/", status=400)
