from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, current_totp
from minato.accounts.models import User
from minato.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_console_requires_sign_in(client: Client) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_staff_sign_in_needs_the_totp_code(client: Client, charlie: User) -> None:
    wrong = client.post(
        "/staff/login/", {"email": charlie.email, "password": PASSWORD, "otp_token": "000000"}
    )
    assert wrong.status_code == 200
    assert "otp_token" in wrong.context["form"].errors
    assert client.get("/staff/").status_code == 302
    # django-otp throttles after a failure; a real user would wait a second.
    TOTPDevice.objects.filter(user=charlie).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    right = client.post(
        "/staff/login/",
        {"email": charlie.email, "password": PASSWORD, "otp_token": current_totp(charlie)},
    )
    assert right.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_password_alone_never_opens_the_console(client: Client, charlie: User) -> None:
    client.force_login(charlie)  # a session without the second factor
    response = client.get("/staff/audit/")
    assert response.status_code == 302


def test_staff_without_a_device_must_enrol_first(client: Client, charlie: User) -> None:
    TOTPDevice.objects.filter(user=charlie).delete()
    response = client.post("/staff/login/", {"email": charlie.email, "password": PASSWORD})
    assert response["Location"] == "/staff/2fa/setup/"
    assert client.get("/staff/").status_code == 302
    setup = client.get("/staff/2fa/setup/")
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=charlie, confirmed=False)
    from django_otp.oath import totp

    code = f"{totp(device.bin_key):06d}"
    done = client.post("/staff/2fa/setup/", {"otp_token": code})
    assert done.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_residents_cannot_sign_in_to_the_console(client: Client, alice: User) -> None:
    response = client.post(
        "/staff/login/", {"email": alice.email, "password": PASSWORD, "otp_token": "123456"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_a_clerk_cannot_browse_the_audit_log(
    staff_client: Callable[[User], Client], charlie: User
) -> None:
    assert staff_client(charlie).get("/staff/audit/").status_code == 403


def test_a_department_admin_sees_only_their_departments_events(
    staff_client: Callable[[User], Client], charlie: User, dana: User, erin: User, alice: User
) -> None:
    staff_client(charlie).get(f"/staff/residents/{alice.public_id}/")
    staff_client(erin).get("/staff/")
    page = staff_client(dana).get("/staff/audit/?action=accounts.")
    assert page.status_code == 200
    actions = {event.actor_id for event in page.context["page"].object_list}
    assert charlie.pk in actions
    assert erin.pk not in actions


def test_a_system_admin_sees_every_event(
    staff_client: Callable[[User], Client], sam: User, alice: User
) -> None:
    page = staff_client(sam).get("/staff/audit/")
    assert page.context["page"].paginator.count == AuditEvent.objects.count()


def test_resident_records_are_only_for_sections_that_handle_them(
    staff_client: Callable[[User], Client], charlie: User, erin: User, alice: User
) -> None:
    assert staff_client(erin).get(f"/staff/residents/{alice.public_id}/").status_code == 403
    found = staff_client(charlie).get("/staff/residents/?q=alice")
    assert alice.email in found.content.decode()


def test_viewing_a_resident_record_is_audited(
    staff_client: Callable[[User], Client], charlie: User, alice: User
) -> None:
    staff_client(charlie).get(f"/staff/residents/{alice.public_id}/")
    event = AuditEvent.objects.get(action="accounts.resident_record_viewed")
    assert event.actor_id == charlie.pk
    assert event.subject_id == alice.pk
    assert event.department_id == charlie.staff_profile.department_id


def test_every_console_namespace_needs_the_second_factor(charlie: User) -> None:
    from django.urls import ResolverMatch

    from minato.accounts.middleware import StaffConsoleMiddleware

    class Request:
        user = charlie
        resolver_match = ResolverMatch(
            lambda r: None,
            (),
            {},
            url_name="queue",
            app_names=["staff", "procedures"],
            namespaces=["staff", "procedures"],
        )

        def get_full_path(self) -> str:
            return "/staff/procedures/queue/"

    charlie.is_verified = lambda: False  # type: ignore[attr-defined]
    response = StaffConsoleMiddleware(lambda r: None).process_view(Request(), None, (), {})  # type: ignore[arg-type]
    assert response is not None and response.status_code == 302
