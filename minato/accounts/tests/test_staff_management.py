from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts.models import Role, User
from minato.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_CLERK = "new.clerk@city.minato.example"
NEW_PASSWORD = "a-long-staff-passphrase"


def _invite(client: Client, department_id: int, role: str = "clerk") -> object:
    return client.post(
        "/staff/staff-members/",
        {
            "email": "new.clerk@city.minato.example",
            "display_name": "新人 職員",
            "department": department_id,
            "role": role,
        },
    )


def _invitation_link() -> str:
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    return link.replace("http://127.0.0.1:8000", "")


def _enrol(client: Client, link: str, *, code: str | None = None) -> HttpResponse:
    """Open the invitation link, then choose a password and confirm the app's code."""
    page = client.get(link)
    assert page.status_code == 200, page.content[:300]
    device = TOTPDevice.objects.get(user__email=NEW_CLERK, confirmed=False)
    response: HttpResponse = client.post(
        link,
        {
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "otp_token": code or f"{totp(device.bin_key):06d}",
        },
    )
    return response


def test_an_invited_member_of_staff_sets_a_password_and_enrols_through_the_link(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    response = _invite(staff_client(dana), departments["kumin"].pk)
    assert response.status_code == 302
    invited = User.objects.get(email=NEW_CLERK)
    assert invited.staff_profile.role == Role.CLERK
    assert not invited.has_usable_password()
    link = _invitation_link()
    assert link.startswith("/staff/invitation/")
    client = Client()
    page = client.get(link)
    assert b"<svg" in page.content
    assert "no-store" in page["Cache-Control"]
    done = _enrol(client, link)
    assert done["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200  # signed in, second factor passed
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.get(user=invited).confirmed
    event = AuditEvent.objects.get(action="accounts.staff_invitation_accepted")
    assert event.changes == {
        "password": ["[redacted]", "[redacted]"],
        "otp_device": ["totp (unconfirmed)", "totp"],
    }
    assert event.actor_id == invited.pk


def test_an_invitation_link_works_once(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    _invite(staff_client(dana), departments["kumin"].pk)
    link = _invitation_link()
    assert _enrol(Client(), link).status_code == 302
    assert Client().get(link).status_code == 400
    assert Client().get(link.replace("/staff/", "/en/staff/", 1)).status_code == 400


def test_a_wrong_code_on_the_invitation_page_enrols_nothing(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    _invite(staff_client(dana), departments["kumin"].pk)
    client = Client()
    response = _enrol(client, _invitation_link(), code="000000")
    assert response.status_code == 200
    assert "otp_token" in response.context["form"].errors
    invited = User.objects.get(email=NEW_CLERK)
    assert not invited.has_usable_password()
    assert not TOTPDevice.objects.filter(user=invited, confirmed=True).exists()
    assert "_auth_user_id" not in client.session


def test_an_invitation_link_expires(
    staff_client: Callable[[User], Client], dana: User, departments: dict, settings: Any
) -> None:
    _invite(staff_client(dana), departments["kumin"].pk)
    settings.STAFF_INVITATION_MAX_AGE = -1
    assert Client().get(_invitation_link()).status_code == 400


@pytest.mark.parametrize("token", ["not-a-token", "eyJ1c2VyIjoxfQ:1tXyZ:forged"])
def test_a_forged_invitation_link_is_refused(client: Client, charlie: User, token: str) -> None:
    response = client.get(f"/en/staff/invitation/{token}/")
    assert response.status_code == 400
    assert "Staff console" in response.content.decode()


def test_every_older_link_stops_working_once_one_is_used(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    admin = staff_client(dana)
    _invite(admin, departments["kumin"].pk)
    first = _invitation_link()
    invited = User.objects.get(email=NEW_CLERK)
    admin.post(f"/staff/staff-members/{invited.public_id}/", {"resend_invitation": "1"})
    second = _invitation_link()
    assert _enrol(Client(), second).status_code == 302
    assert Client().get(first).status_code == 400


def test_no_invitation_is_sent_to_staff_who_have_enrolled(
    staff_client: Callable[[User], Client], dana: User, charlie: User
) -> None:
    admin = staff_client(dana)
    page = admin.get(f"/staff/staff-members/{charlie.public_id}/")
    assert "resend_invitation" not in page.content.decode()
    sent = len(mail.outbox)
    admin.post(f"/staff/staff-members/{charlie.public_id}/", {"resend_invitation": "1"})
    assert len(mail.outbox) == sent


def test_admins_cannot_invite_into_departments_they_do_not_manage(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    response = _invite(staff_client(dana), departments["kankyo"].pk)
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not User.objects.filter(email="new.clerk@city.minato.example").exists()


def test_a_department_admin_cannot_grant_system_admin(
    staff_client: Callable[[User], Client], dana: User, charlie: User
) -> None:
    client = staff_client(dana)
    response = client.post(
        f"/staff/staff-members/{charlie.public_id}/",
        {"role": "system_admin", "department": charlie.staff_profile.department_id},
    )
    assert "role" in response.context["form"].errors
    ok = client.post(
        f"/staff/staff-members/{charlie.public_id}/",
        {"role": "supervisor", "department": charlie.staff_profile.department_id},
    )
    assert ok.status_code == 302
    charlie.staff_profile.refresh_from_db()
    assert charlie.staff_profile.role == Role.SUPERVISOR
    event = AuditEvent.objects.get(action="accounts.staff_role_changed")
    assert event.changes == {"role": ["clerk", "supervisor"]}


def test_staff_of_other_departments_are_out_of_reach(
    staff_client: Callable[[User], Client], dana: User, erin: User, sam: User
) -> None:
    client = staff_client(dana)
    assert client.get(f"/staff/staff-members/{erin.public_id}/").status_code == 403
    assert client.get(f"/staff/staff-members/{sam.public_id}/").status_code == 403
    assert client.get(f"/staff/staff-members/{dana.public_id}/").status_code == 403  # self
    listing = client.get("/staff/staff-members/").content.decode()
    assert erin.email not in listing


def test_clerks_cannot_manage_staff(staff_client: Callable[[User], Client], charlie: User) -> None:
    assert staff_client(charlie).get("/staff/staff-members/").status_code == 403


def test_a_department_admin_cannot_act_on_another_department_admin(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    from minato.accounts import services

    peer = services.staff_create(
        email="peer@city.minato.example",
        password="x" * 12,
        display_name="peer",
        department=departments["shiba"],
        role=Role.DEPARTMENT_ADMIN,
    )
    assert staff_client(dana).get(f"/staff/staff-members/{peer.public_id}/").status_code == 403


def test_staff_without_a_department_see_an_explanation_not_an_error(
    staff_client: Callable[[User], Client], charlie: User
) -> None:
    client = staff_client(charlie)
    charlie.staff_profile.delete()
    response = client.get("/staff/")
    assert response.status_code == 200
    assert response.context["staff_profile"] is None


def test_invitations_can_be_sent_again(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    client = staff_client(dana)
    _invite(client, departments["kumin"].pk)
    invited = User.objects.get(email="new.clerk@city.minato.example")
    sent = len(mail.outbox)
    client.post(f"/staff/staff-members/{invited.public_id}/", {"resend_invitation": "1"})
    assert len(mail.outbox) == sent + 1


def test_the_invitation_link_is_in_the_language_of_the_email_not_of_the_inviter(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    client = staff_client(dana)
    client.post(
        "/en/staff/staff-members/",
        {
            "email": NEW_CLERK,
            "display_name": "新人 職員",
            "department": departments["kumin"].pk,
            "role": "clerk",
        },
    )
    assert _invitation_link().startswith("/staff/invitation/")
