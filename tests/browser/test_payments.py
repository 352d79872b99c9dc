"""Paying a fee through the sandbox provider's hosted page, in a real browser, with axe-core
on every page. The sandbox's webhooks go to the live server through the worker path."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD
from minato.accounts.models import User
from minato.payments.models import Payment, SandboxWebhook
from minato.payments.tests.conftest import make_application
from minato.procedures.models import Procedure
from tests.browser.conftest import AxePage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_to_live_server(settings: Any, live_server: Any) -> None:
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_SANDBOX_WEBHOOK_URL = live_server.url + "/api/v1/payments/webhooks/sandbox"


def _sign_in(axe_page: AxePage, user: User, prefix: str) -> None:
    page = axe_page.visit(f"{prefix}/accounts/login/")
    page.locator("#id_email, input[type=email]").first.fill(user.email)
    page.locator("input[type=password]").first.fill(PASSWORD)
    axe_page.follow(page.locator("main form button[type=submit]").last)


def _choose(axe_page: AxePage, outcome: str) -> None:
    page = axe_page.page
    assert "/payments/sandbox/" in page.url
    axe_page.check()
    page.locator(f"input[name=outcome][value={outcome}]").check()
    axe_page.follow(page.locator("main form button[type=submit]").first)


def test_a_resident_pays_the_sodai_gomi_fee_and_downloads_the_receipt(
    axe_page: AxePage, catalogue: dict[str, Procedure], alice: User, sandbox_to_live_server: None
) -> None:
    make_application(
        catalogue["sodai"], alice, reference="SODAI234", fee_yen=1200, status="submitted"
    )
    _sign_in(axe_page, alice, "")
    page = axe_page.visit("/payments/pay/procedures.application/SODAI234/")
    assert "1,200" in page.locator("#amount").inner_text()
    axe_page.follow(page.locator("main form button[type=submit]").first)
    _choose(axe_page, "success")
    # back on the platform: the return page asked the sandbox and shows the receipt number
    page.locator("#receipt-number").wait_for()
    axe_page.check()
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.SUCCEEDED
    # the sandbox's signed webhooks reached the live server's endpoint
    assert set(SandboxWebhook.objects.values_list("status", flat=True)) == {"delivered"}
    assert page.locator("#receipt-number").inner_text() == payment.reference
    with page.expect_download() as download:
        page.locator(f"a[href$='/payments/{payment.public_id}/receipt/']").first.click()
    assert download.value.suggested_filename == f"receipt-{payment.reference}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    for prefix in ("", "/en", "/ja-easy"):
        axe_page.visit(f"{prefix}/payments/")


def test_a_declined_card_then_a_retry_succeeds(
    axe_page: AxePage, catalogue: dict[str, Procedure], alice: User, sandbox_to_live_server: None
) -> None:
    make_application(
        catalogue["sodai"], alice, reference="SODAI567", fee_yen=800, status="submitted"
    )
    _sign_in(axe_page, alice, "/en")
    page = axe_page.visit("/en/payments/pay/procedures.application/SODAI567/")
    axe_page.follow(page.locator("main form button[type=submit]").first)
    _choose(axe_page, "decline")
    page.get_by_text("Your card was declined.").wait_for()
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Try again"))
    _choose(axe_page, "challenge")
    assert "/challenge/" in page.url
    axe_page.check()
    page.locator("input[name=result][value=pass]").check()
    axe_page.follow(page.locator("main form button[type=submit]").first)
    page.locator("#receipt-number").wait_for()
    axe_page.check()
    statuses = sorted(Payment.objects.values_list("status", flat=True))
    assert statuses == ["failed", "succeeded"]
    axe_page.visit("/ja-easy/payments/pay/procedures.application/SODAI567/")
