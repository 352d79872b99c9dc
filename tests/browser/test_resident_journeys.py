from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD, current_totp
from minato.accounts.models import User
from minato.procedures.forms.services import form_publish
from tests.browser.conftest import AxePage

# A collection day the form accepts whenever the tests run (3 to 60 days ahead).
COLLECTION_DAY = (timezone.localdate() + timedelta(days=10)).isoformat()

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_pages_in_every_language_are_accessible(axe_page: AxePage) -> None:
    for prefix in ("", "/en", "/ja-easy"):
        for path in (
            "/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password-reset/",
            "/accessibility/",
            "/staff/login/",
        ):
            axe_page.visit(f"{prefix}{path}")
        axe_page.visit(f"{prefix}/no-such-page/", status=404)
        axe_page.visit(f"{prefix}/staff/no-such-page/", status=404)  # the console's header
    assert axe_page.page.locator("html").get_attribute("lang") == "ja-x-easy"


def test_a_resident_signs_up_verifies_and_edits_their_profile(axe_page: AxePage) -> None:
    page = axe_page.visit("/en/accounts/signup/")
    page.get_by_label("Email address").fill("newcomer@example.jp")
    page.get_by_label("Password").fill("short")
    axe_page.follow(page.get_by_role("button", name="Create account"))
    # The error summary appears, is focused and links to the field.
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    axe_page.check()
    page.get_by_label("Password").fill("a-long-unusual-passphrase")
    axe_page.follow(page.get_by_role("button", name="Create account"))
    assert "Check your email" in page.content()
    axe_page.check()

    link = re.search(r"http://[^\s]+", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    page.goto(link.replace("http://127.0.0.1:8000", axe_page.base_url))
    assert "/accounts/login/" in page.url  # confirmed; now sign in
    axe_page.check()
    page.get_by_label("Email address").fill("newcomer@example.jp")
    page.get_by_label("Password").fill("a-long-unusual-passphrase")
    axe_page.follow(page.locator("form button[type=submit]").last)
    assert page.url.endswith("/accounts/profile/")
    axe_page.check()
    axe_page.visit("/en/accounts/verify/not-a-valid-token/", status=400)

    page = axe_page.visit("/en/accounts/profile/edit/")
    page.get_by_label("Family name", exact=True).fill("港")
    page.get_by_label("Postal code").fill("106-0032")
    page.get_by_role("button", name="Find address").click()
    expect(page.get_by_label("City, ward, town or village")).to_have_value("港区")
    assert page.get_by_label("Rest of the address").input_value() == "六本木"
    axe_page.follow(page.get_by_role("button", name="Save"))
    assert page.url.endswith("/en/accounts/profile/")
    assert "106-0032" in page.content()
    axe_page.check()
    axe_page.visit("/en/accounts/access-log/")
    axe_page.visit("/en/accounts/messages/")
    axe_page.visit("/en/accounts/delete/")
    axe_page.visit("/en/accounts/password/")


def test_staff_sign_in_with_totp_and_browse_the_audit_log(
    axe_page: AxePage, dana: User, charlie: User, alice: User
) -> None:
    page = axe_page.visit("/staff/")
    assert "/staff/login/" in page.url
    page.get_by_label("メールアドレス").fill(dana.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.locator("#id_otp_token").fill(current_totp(dana))
    axe_page.follow(page.locator("form button[type=submit]"))
    assert page.url.endswith("/staff/")
    axe_page.check()
    axe_page.visit("/staff/audit/")
    axe_page.visit("/staff/audit/?action=accounts.")
    axe_page.visit("/staff/departments/")
    axe_page.visit("/staff/staff-members/")
    page = axe_page.visit(
        f"/staff/staff-members/{User.objects.get(email='charlie@city.minato.example').public_id}/"
    )
    axe_page.visit("/en/staff/")
    axe_page.visit("/ja-easy/staff/audit/")


def test_a_system_admin_issues_an_api_token_and_looks_up_a_resident(
    axe_page: AxePage, sam: User, alice: User
) -> None:
    page = axe_page.visit("/en/staff/login/")
    page.get_by_label("Email address").fill(sam.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#id_otp_token").fill(current_totp(sam))
    axe_page.follow(page.get_by_role("button", name="Sign in"))
    page = axe_page.visit("/en/staff/api-tokens/")
    page.get_by_label("What the token is for").fill("Resident records link")
    page.get_by_label("Service account email").fill("link@city.minato.example")
    page.get_by_label("Read the audit log").check()
    axe_page.follow(page.get_by_role("button", name="Issue token"))
    assert page.locator("#token").inner_text().startswith("mnt_")
    axe_page.check()
    page = axe_page.visit(f"/en/staff/residents/?q={alice.email}")
    axe_page.follow(page.get_by_role("link", name=alice.email))
    assert alice.email in page.content()
    axe_page.check()


def test_a_resident_finds_a_procedure_in_every_language(axe_page: AxePage, catalogue: dict) -> None:
    page = axe_page.visit("/")
    page.get_by_label("手続きを検索").fill("ｿﾀﾞｲｺﾞﾐ")
    axe_page.follow(page.get_by_role("button", name="検索").first)
    axe_page.follow(page.get_by_role("link", name="粗大ごみ収集の申込"))
    assert page.url.endswith("/procedures/sodai-gomi/")
    axe_page.check()
    for prefix in ("/en", "/ja-easy"):
        axe_page.visit(f"{prefix}/procedures/?category=gomi")
        axe_page.visit(f"{prefix}/procedures/inkan-toroku/")
    axe_page.visit("/procedures/?q=存在しない手続き")


def test_an_invited_member_of_staff_enrols_an_authenticator_through_the_link(
    axe_page: AxePage, departments: dict
) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from minato.accounts import services
    from minato.accounts.models import Role

    services.staff_invite(
        email="new.clerk@city.minato.example",
        display_name="新人 職員",
        department=departments["kumin"],
        role=Role.CLERK,
    )
    link = re.search(r"http://[^\s]+", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    path = link.replace("http://127.0.0.1:8000", "").replace("/staff/", "/en/staff/", 1)
    page = axe_page.visit(path)
    page.locator("#id_new_password1").fill("a-long-staff-passphrase")
    page.locator("#id_new_password2").fill("a-long-staff-passphrase")
    page.get_by_label("Six-digit code from your authenticator app").fill("000000")
    axe_page.follow(page.get_by_role("button", name="Finish setting up"))
    assert page.locator(".error-summary").is_visible()
    axe_page.check()
    device = TOTPDevice.objects.get(user__email="new.clerk@city.minato.example", confirmed=False)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    page.locator("#id_new_password1").fill("a-long-staff-passphrase")
    page.locator("#id_new_password2").fill("a-long-staff-passphrase")
    page.get_by_label("Six-digit code from your authenticator app").fill(
        f"{totp(device.bin_key):06d}"
    )
    axe_page.follow(page.get_by_role("button", name="Finish setting up"))
    assert page.url.endswith("/en/staff/")
    # The link worked once.
    axe_page.visit(path, status=400)


def test_a_resident_applies_for_oversized_waste_collection(
    axe_page: AxePage, alice: User, catalogue: dict
) -> None:
    from minato.procedures.tests.form_factories import waste_collection_form

    form_publish(procedure=catalogue["sodai"], definition=waste_collection_form())
    page = axe_page.visit("/en/accounts/login/")
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    axe_page.follow(page.locator("form button[type=submit]").last)
    page = axe_page.visit("/en/procedures/sodai-gomi/")
    axe_page.follow(page.get_by_role("link", name="Apply online"))
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Start now"))
    # Errors first: nothing chosen.
    axe_page.follow(page.get_by_role("button", name="Continue"))
    assert page.locator(".error-summary").is_visible()
    axe_page.check()
    page.get_by_label("No", exact=True).check()  # no air conditioner, TV, fridge or washer
    axe_page.follow(page.get_by_role("button", name="Continue"))
    # Items: each has its own fee, times how many; "Add another" adds a second item.
    items = page.locator(".repeat-group__item")
    items.nth(0).get_by_label("Bed (frame) (2,000 yen)", exact=True).check()
    items.nth(0).get_by_label("How many").fill("2")
    axe_page.follow(page.get_by_role("button", name="Add another"))
    axe_page.check()
    items.nth(1).get_by_label("Chair (400 yen)", exact=True).check()
    items.nth(1).get_by_label("How many").fill("1")
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True))
    page.get_by_label("Preferred collection day").fill(COLLECTION_DAY)
    page.get_by_label("Outside my front door (house)").check()
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True))
    axe_page.check()
    # The name comes from the profile; the address and phone are checked and typed.
    page.get_by_label("Postal code").fill("105-8511")
    page.get_by_label("Address (in Minato City)").fill("芝公園1-5-25")
    page.get_by_label("Daytime phone number").fill("03-3578-2111")
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True))
    assert "/check/" in page.url
    assert "4,400 yen" in page.locator("#fees-title + .table-wrap").inner_text()  # 2×2,000+400
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Submit application"))
    assert page.locator(".error-summary").is_visible()  # the declaration is required
    axe_page.check()
    page.get_by_label("The information is correct").check()
    axe_page.follow(page.get_by_role("button", name="Submit application"))
    reference = page.locator("#reference").inner_text()
    assert len(reference) == 8
    axe_page.check()
    axe_page.visit("/en/procedures/applications/")
    axe_page.visit("/ja-easy/procedures/applications/")


def test_staff_return_an_application_the_resident_fixes_and_a_supervisor_approves(
    axe_page: AxePage,
    browser: Any,
    live_server: Any,
    alice: User,
    charlie: User,
    dana: User,
    catalogue: dict,
    departments: dict,
) -> None:
    from minato.procedures.applications import services as applications
    from minato.procedures.models import Application, Procedure
    from minato.procedures.tests.form_factories import waste_collection_form

    Procedure.objects.filter(slug="sodai-gomi").update(department=departments["kumin"])
    procedure = Procedure.objects.get(slug="sodai-gomi")
    version = form_publish(procedure=procedure, definition=waste_collection_form())
    application = applications.application_create_and_submit(
        procedure=procedure,
        form_version=version,
        applicant=alice,
        answers={
            "home_appliance": "no",
            "items": [{"item": "sofa", "count": 1}],
            "preferred_date": COLLECTION_DAY,
            "place": "collection_point",
            "applicant_name": {
                "family_name": "港",
                "given_name": "アリス",
                "family_name_kana": "みなと",
                "given_name_kana": "ありす",
            },
            "postal_code": "1058511",
            "address": "芝公園1-5-25",
            "phone": "0335782111",
        },
    )

    def staff_page(user: User) -> AxePage:
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        staff = AxePage(context.new_page(), live_server.url)
        page = staff.visit("/en/staff/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#id_otp_token").fill(current_totp(user))
        staff.follow(page.get_by_role("button", name="Sign in"))
        return staff

    clerk = staff_page(charlie)
    page = clerk.visit("/en/staff/applications/")
    clerk.follow(page.get_by_role("link", name=application.reference))
    clerk.check()
    clerk.follow(page.get_by_role("button", name="Mark as received"))
    # 粗大ごみ is paid when applying: the review waits for the fee, and the page says why.
    assert page.get_by_role("button", name="Start review").count() == 0
    assert (
        "Start review: the fee has not been paid yet"
        in page.locator(".notice--warning").inner_text()
    )
    clerk.check()
    # The applicant pays at the counter instead; the clerk records it and starts the review.
    clerk.follow(page.get_by_role("link", name="Record a counter payment"))
    page.get_by_label("How it was paid").select_option("card")
    page.get_by_label("Terminal transaction id").fill("T-20261205-0001")
    clerk.follow(page.get_by_role("button", name="Record the payment"))
    clerk.check()
    clerk.follow(page.get_by_role("link", name="Back to the application"))
    clerk.follow(page.get_by_role("button", name="Start review"))
    page.get_by_label("Message to the applicant").fill("Please give a mobile number we can reach.")
    clerk.follow(page.get_by_role("button", name="Return for correction"))
    clerk.check()

    page = axe_page.visit("/en/accounts/login/")
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    axe_page.follow(page.locator("form button[type=submit]").last)
    page = axe_page.visit(f"/en/procedures/applications/{application.reference}/")
    assert "Please give a mobile number" in page.content()
    axe_page.follow(page.get_by_role("link", name="Correct and resubmit"))
    page = axe_page.visit(f"/en/procedures/drafts/{application.public_id}/where/")
    page.get_by_label("Daytime phone number").fill("090-1234-5678")
    axe_page.follow(page.get_by_role("button", name="Continue"))
    axe_page.check()
    page.get_by_label("The information is correct").check()
    axe_page.follow(page.get_by_role("button", name="Submit application"))
    assert page.locator("#reference").inner_text() == application.reference

    page = clerk.visit(f"/en/staff/applications/{application.reference}/")
    clerk.follow(page.get_by_role("button", name="Mark as received"))
    clerk.follow(page.get_by_role("button", name="Start review"))
    assert page.get_by_role("button", name="Approve").count() == 0  # clerks cannot approve
    clerk.follow(page.get_by_role("button", name="Send for approval"))
    clerk.check()
    page = clerk.visit("/en/staff/applications/?status=awaiting_approval")
    assert application.reference in page.locator("table").inner_text()
    supervisor = staff_page(dana)
    page = supervisor.visit(f"/en/staff/applications/{application.reference}/")
    supervisor.follow(page.get_by_role("button", name="Approve"))
    supervisor.check()
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.answers["phone"] == "09012345678"
    for staff in (clerk, supervisor):
        staff.page.context.close()
        assert not staff.violations and not staff.console_errors, (
            staff.violations + staff.console_errors
        )
