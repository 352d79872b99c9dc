from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
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
    assert wrong.context["form"].non_field_errors()
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


def _sign_in(email: str, password: str, code: str) -> HttpResponse:
    response: HttpResponse = Client().post(
        "/en/staff/login/", {"email": email, "password": password, "otp_token": code}
    )
    return response


def _refusal(response: HttpResponse) -> tuple[int, list[str], dict[str, list[str]]]:
    form = response.context["form"]  # type: ignore[attr-defined]
    return response.status_code, list(form.non_field_errors()), dict(form.errors)


def test_a_right_password_with_a_wrong_code_looks_like_a_wrong_password(charlie: User) -> None:
    wrong_code = _sign_in(charlie.email, PASSWORD, "000000")
    wrong_password = _sign_in(charlie.email, "not-the-password", "000000")
    unknown = _sign_in("nobody@city.minato.example", "not-the-password", "000000")
    assert _refusal(wrong_code) == _refusal(wrong_password) == _refusal(unknown)
    assert _refusal(wrong_code)[1] == ["The email address, password or code is not correct."]
    # The audit log, which only staff read, knows the difference.
    reasons = [
        event.changes["reason"][1]
        for event in AuditEvent.objects.filter(action="accounts.sign_in_failed").order_by("id")
    ]
    assert reasons == ["second_factor", "credentials", "credentials"]
    assert (
        AuditEvent.objects.filter(
            action="accounts.sign_in_failed", department_id=charlie.staff_profile.department_id
        ).count()
        == 2
    )


def test_a_wrong_code_and_a_wrong_password_take_the_same_checks(charlie: User) -> None:
    from unittest import mock

    from django.contrib.auth.hashers import MD5PasswordHasher
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def checks(password: str) -> tuple[int, int]:
        original = MD5PasswordHasher.verify
        with (
            mock.patch.object(
                MD5PasswordHasher, "verify", autospec=True, side_effect=original
            ) as verify,
            CaptureQueriesContext(connection) as queries,
        ):
            _sign_in(charlie.email, password, "000000")
        device_queries = [q for q in queries if "otp_totp_totpdevice" in q["sql"].lower()]
        return verify.call_count, len([q for q in device_queries if q["sql"].startswith("SELECT")])

    assert checks("not-the-password") == checks(PASSWORD) == (1, 1)


def test_both_kinds_of_failure_count_the_same_against_the_limit(
    charlie: User, settings: Any
) -> None:
    settings.LOGIN_RATE = "2/m"
    assert _sign_in(charlie.email, PASSWORD, "000000").status_code == 200
    assert _sign_in(charlie.email, "not-the-password", "000000").status_code == 200
    assert _sign_in(charlie.email, PASSWORD, current_totp(charlie)).status_code == 429


def test_a_staff_member_without_a_device_cannot_enrol_after_a_password(
    client: Client, charlie: User
) -> None:
    TOTPDevice.objects.filter(user=charlie).delete()
    response = client.post(
        "/en/staff/login/", {"email": charlie.email, "password": PASSWORD, "otp_token": "123456"}
    )
    assert response.status_code == 200
    assert _refusal(response) == _refusal(_sign_in("x@example.jp", "wrong-password", "123456"))
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302
    # There is no page where a password alone could enrol a device.
    assert client.get("/staff/2fa/setup/").status_code == 404
    assert not TOTPDevice.objects.filter(user=charlie).exists()


def test_a_session_with_only_the_password_is_sent_to_sign_in(client: Client, charlie: User) -> None:
    TOTPDevice.objects.filter(user=charlie).delete()
    client.force_login(charlie)  # e.g. signed in before two-factor was required
    response = client.get("/staff/")
    assert response["Location"].startswith("/staff/login/")


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
