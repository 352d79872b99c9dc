"""The life-event navigator and the counters in a real browser on a phone-sized screen, axe
on every page: a resident answers the 転入 questionnaire, gets the checklist, prepares a
counter visit, takes a ticket from the phone, is told their turn is near and is called (the
ticket page updates by itself); the clerk calls from the console, opens the visit with the
forms filled and prints them. Also the guide in English and やさしい日本語, the kiosk and the
hall display."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from minato.accounts.models import User
from minato.navigator.models import Ticket, Visit
from minato.navigator.queues import services as queue_services
from minato.navigator.tests.factories import make_guide, make_office
from minato.notifications.models import Notification
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _sign_in, _staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _answer(axe_page: AxePage, choice_label: str | None = None, date: str | None = None) -> None:
    page = axe_page.page
    if date is not None:
        page.locator("input[type=date]").fill(date)
    else:
        page.get_by_label(choice_label or "", exact=True).check()
    axe_page.follow(page.locator("main form button[type=submit]"))
    axe_page.check()


def test_a_resident_goes_from_the_questionnaire_to_being_called_at_the_counter(
    axe_page: AxePage,
    browser: Any,
    live_server: Any,
    alice: User,
    charlie: User,
    departments: dict[str, Any],
    settings: Any,
) -> None:
    settings.SITE_URL = live_server.url
    settings.NAVIGATOR_POLL_SECONDS = 0.5
    make_guide()
    office = make_office(departments["kumin"])
    queue = office.queues.get(slug="ido")
    queue.notify_ahead = 1
    queue.save(update_fields=["notify_ahead"])
    # One person is in line before her.
    ahead = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    _sign_in(axe_page, alice, "")
    page = axe_page.visit("/navigator/")
    axe_page.follow(page.get_by_role("link", name="転入"))
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="はじめる"))
    axe_page.check()
    # A date in the past week, then the branches.
    _answer(axe_page, date=(timezone.localdate() - timedelta(days=3)).isoformat())
    _answer(axe_page, "国内")
    _answer(axe_page, "いいえ")
    _answer(axe_page, "はい")
    assert "確認" in page.locator("h1").inner_text() or page.url.endswith("/check/")
    axe_page.follow(page.get_by_role("button", name="チェックリストを作る"))
    axe_page.check()
    checklist = page.locator("main")
    assert "転入届" in checklist.inner_text() and "みなと保健所" in checklist.inner_text()
    # Ticking an item off works without JavaScript, and the page says so.
    axe_page.follow(page.locator("#item-dog").get_by_role("button", name="済みにする"))
    axe_page.check()
    assert "1件の手続が済みました" in page.locator("main").inner_text()
    # The counter visit's QR code.
    axe_page.follow(page.get_by_role("button", name="窓口での手続を準備する（書かない窓口）"))
    axe_page.check()
    visit = Visit.objects.get()
    assert visit.code in page.locator("main").inner_text()
    page.get_by_role("img", name="来庁用QRコード").wait_for()
    # Take a ticket from the phone.
    axe_page.follow(page.get_by_role("link", name="芝地区総合支所").first)
    axe_page.check()
    page.get_by_label("住民異動", exact=True).check()
    axe_page.follow(page.get_by_role("button", name="番号札を取る"))
    axe_page.check()
    assert page.locator(".ticket__number").inner_text() == "A002"
    assert page.locator("[data-field=ahead]").inner_text() == "1"
    mine = Ticket.objects.get(person=alice)
    # The clerk calls the first person: she is told her turn is near, and her page updates.
    console = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    clerk = AxePage(console.new_page(), live_server.url)
    _staff_sign_in(clerk, charlie)
    clerk_page = clerk.visit(f"/staff/navigator/counters/{office.slug}/")
    clerk_page.get_by_label("担当窓口").select_option("2")
    clerk.follow(clerk_page.get_by_role("button", name="この窓口で対応する"))
    clerk.follow(clerk_page.get_by_role("button", name="次の方を呼ぶ 住民異動"))
    clerk.check()
    ahead.refresh_from_db()
    assert ahead.status == Ticket.Status.CALLED
    assert Notification.objects.filter(template_key="navigator/turn_near", recipient=alice).exists()
    page.locator("[data-field=ahead]").filter(has_text="0").wait_for(timeout=5000)
    clerk.follow(clerk_page.get_by_role("button", name="済み A001"))
    clerk.follow(clerk_page.get_by_role("button", name="次の方を呼ぶ 住民異動"))
    mine.refresh_from_db()
    assert mine.status == Ticket.Status.CALLED
    page.locator("[data-status=called]").wait_for(state="visible", timeout=5000)
    assert page.locator("[data-field=desk]").inner_text() == "2"
    axe_page.check()
    assert Notification.objects.filter(template_key="navigator/called", recipient=alice).exists()
    # The clerk opens her visit from its code, with the forms filled, and prints them.
    clerk_page = clerk.visit("/staff/navigator/visits/")
    clerk_page.get_by_label("受付番号またはQRコード").fill(visit.code)
    clerk.follow(clerk_page.get_by_role("button", name="来庁手続を開く"))
    clerk.check()
    forms = clerk_page.locator("main").inner_text()
    assert "転入届" in forms and alice.profile.family_name in forms
    with clerk_page.expect_download() as download:
        clerk_page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.append(a); a.click(); }",
            f"/staff/navigator/visits/{visit.public_id}/forms.pdf",
        )
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    clerk.follow(clerk_page.get_by_role("button", name="来庁手続を完了する"))
    clerk.check()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    assert not clerk.violations and not clerk.console_errors, clerk.violations
    console.close()


@pytest.mark.parametrize(
    ("prefix", "start", "first_answer"),
    [("/en", "Start", "Japan"), ("/ja-easy", "はじめる", "国内")],
)
def test_the_questionnaire_in_english_and_easy_japanese(
    axe_page: AxePage, prefix: str, start: str, first_answer: str
) -> None:
    make_guide()
    page = axe_page.visit(f"{prefix}/navigator/tennyu/")
    axe_page.follow(page.get_by_role("link", name=start))
    axe_page.check()
    _answer(axe_page, date=timezone.localdate().isoformat())
    _answer(axe_page, first_answer)
    assert page.locator("h1").inner_text()


def test_the_kiosk_ticket_and_the_hall_display(
    axe_page: AxePage, departments: dict[str, Any]
) -> None:
    office = make_office(departments["kumin"])
    page = axe_page.visit(f"/navigator/counters/{office.slug}/kiosk/")
    axe_page.follow(page.get_by_role("button", name="証明書"))
    axe_page.check()
    assert page.locator(".ticket__number").inner_text() == "B001"
    ticket = Ticket.objects.get()
    queue_services.ticket_call(ticket=ticket, desk=office.desks.get(number=3), staff=None)
    page = axe_page.visit(f"/navigator/counters/{office.slug}/display/")
    assert "B001" in page.locator("#hall-calls").inner_text()
    page = axe_page.visit("/navigator/counters/")
    assert "芝地区総合支所" in page.locator("main").inner_text()
