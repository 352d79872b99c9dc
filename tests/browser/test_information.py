"""Public notices in a real browser on a phone-sized screen, axe-core on every page: a clerk
writes a notice in Japanese and English and publishes it; a reader finds it on /notices/ by
area, opens it in English, and reads a Japanese-only notice marked as such."""

from __future__ import annotations

import pytest

from minato.accounts.models import Department, User
from minato.information.models import Alert, Notice
from minato.information.tests.factories import published_notice
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_publishes_a_notice_and_a_reader_finds_it_by_area(
    axe_page: AxePage, charlie: User, departments: dict[str, Department]
) -> None:
    published_notice(
        charlie,
        departments["kumin"],
        content={"ja": {"title": "粗大ごみの受付", "body": "12月26日までです。"}},
    )
    _staff_sign_in(axe_page, charlie)
    page = axe_page.visit("/en/staff/information/notices/")
    axe_page.follow(page.get_by_role("link", name="Write a notice"))
    page.get_by_label("Kind").select_option("event")
    page.get_by_label("Category").select_option("events")
    page.get_by_label("Shiba", exact=True).check()
    page.get_by_label("Title (Japanese)").fill("芝地区 防災ウォークラリー")
    page.get_by_label("Text (Japanese)").fill("避難場所を歩いて確かめます。")
    page.get_by_label("Title (English)").fill("Shiba preparedness walk")
    axe_page.expected_errors.add(page.url)
    axe_page.follow(page.get_by_role("button", name="Save"))
    assert "both a title and a text" in page.content()  # English title without a text
    axe_page.check()
    page.get_by_label("Text (English)").fill("Walk to the evacuation sites.")
    axe_page.follow(page.get_by_role("button", name="Save"))
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Publish"))
    assert "Published." in page.locator(".notices").inner_text()
    axe_page.check()
    notice = Notice.objects.get(kind=Notice.Kind.EVENT)
    assert notice.status == Notice.Status.PUBLISHED
    axe_page.follow(page.get_by_role("button", name="Sign out"))

    page = axe_page.visit("/en/notices/")
    page.get_by_label("Area").select_option("shiba")
    axe_page.follow(page.get_by_role("button", name="Show"))
    results = page.locator(".notice-list").inner_text()
    assert "Shiba preparedness walk" in results and "粗大ごみの受付" in results  # whole ward
    assert page.locator("#results-title").is_visible()
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Shiba preparedness walk"))
    assert "Walk to the evacuation sites." in page.content()
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="All notices"))
    axe_page.follow(page.get_by_role("link", name="粗大ごみの受付"))
    assert "This notice is in Japanese only." in page.content()
    axe_page.check()
    assert axe_page.violations == [] and axe_page.console_errors == []


def test_a_supervisor_issues_an_evacuation_drill_and_every_portal_page_shows_it(
    axe_page: AxePage, supervisor: User, departments: dict[str, Department]
) -> None:
    _staff_sign_in(axe_page, supervisor)
    page = axe_page.visit("/en/staff/information/alerts/")
    axe_page.follow(page.get_by_role("link", name="Write an alert"))
    page.get_by_label("What it is about").select_option("evacuation_order")
    page.get_by_label("Real or drill").select_option("Exercise")
    page.get_by_label("Shiba", exact=True).check()
    page.get_by_label("Headline (Japanese)").fill("芝地区に避難指示")
    page.get_by_label("What is happening (Japanese)").fill("古川が氾濫するおそれがあります。")
    page.get_by_label("What to do (Japanese)").fill("近くの避難場所へ移動してください。")
    axe_page.follow(page.get_by_role("button", name="Save"))
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Issue now"))
    assert "Issued" in page.locator(".notices").inner_text()
    axe_page.check()
    alert = Alert.objects.get()
    assert alert.state == Alert.State.ISSUED and alert.notice is not None
    axe_page.follow(page.get_by_role("button", name="Sign out"))

    page = axe_page.visit("/")
    banner = page.locator(".emergency-banner")
    assert banner.is_visible() and "【訓練】芝地区に避難指示" in banner.inner_text()
    axe_page.check()
    axe_page.follow(banner.get_by_role("link", name="【訓練】芝地区に避難指示"))
    assert "近くの避難場所へ移動してください。" in page.content()
    axe_page.check()
    feed = page.request.get(axe_page.page.url.split("/notices/")[0] + "/cap/alerts.atom")
    assert feed.ok and f"/cap/alerts/{alert.public_id}.xml" in feed.text()
    assert axe_page.violations == [] and axe_page.console_errors == []


def test_a_signage_screen_switches_to_an_emergency_within_seconds(
    axe_page: AxePage, charlie: User, supervisor: User, departments: dict[str, Department]
) -> None:
    published_notice(charlie, departments["kumin"])
    axe_page.page.set_viewport_size({"width": 1280, "height": 720})  # a landscape screen
    page = axe_page.visit("/signage/ward/")
    item = page.locator("#signage-item")
    assert "年末年始の窓口" in item.inner_text()
    axe_page.check()
    published_notice(
        supervisor,
        departments["kumin"],
        kind=Notice.Kind.EMERGENCY,
        content={"ja": {"title": "港区全域に避難指示", "body": "避難してください。"}},
    )
    # The screen asks every 5 s; the answer may be cached for 5 s more.
    page.locator(".signage__item--emergency").wait_for(timeout=15_000)
    assert "港区全域に避難指示" in item.inner_text()
    axe_page.check()
    assert axe_page.violations == [] and axe_page.console_errors == []


def test_a_supervisor_registers_a_signage_screen_and_sees_it_come_online(
    axe_page: AxePage, supervisor: User, departments: dict[str, Department]
) -> None:
    _staff_sign_in(axe_page, supervisor)
    page = axe_page.visit("/en/staff/information/displays/")
    page.get_by_label("Where the screen is").fill("芝地区総合支所 1階")
    page.get_by_label("What it shows").select_option("shiba")
    axe_page.follow(page.get_by_role("button", name="Register"))
    assert "Offline" in page.locator("table").inner_text()
    axe_page.check()
    url = page.locator("table code").inner_text()
    screen = axe_page.page.context.new_page()
    screen.goto(url.replace("http://127.0.0.1:8000", axe_page.page.url.split("/en/")[0]))
    screen.wait_for_timeout(6_000)  # one poll
    screen.close()
    page = axe_page.visit("/en/staff/information/displays/")
    assert "Online" in page.locator("table").inner_text()
    axe_page.check()
    assert axe_page.violations == [] and axe_page.console_errors == []
