from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from minato.accounts.models import Role, User
from minato.core.models import AuditEvent

pytestmark = pytest.mark.django_db


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


def test_a_department_admin_invites_staff_who_set_a_password_then_enrol_totp(
    staff_client: Callable[[User], Client], dana: User, departments: dict
) -> None:
    response = _invite(staff_client(dana), departments["kumin"].pk)
    assert response.status_code == 302
    invited = User.objects.get(email="new.clerk@city.minato.example")
    assert invited.staff_profile.role == Role.CLERK
    assert not invited.has_usable_password()
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)  # type: ignore[union-attr]
    client = Client()
    page = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a-long-staff-passphrase", "new_password2": "a-long-staff-passphrase"},
    )
    assert done["Location"] == "/staff/login/"
    first = client.post(
        "/staff/login/", {"email": invited.email, "password": "a-long-staff-passphrase"}
    )
    assert first["Location"] == "/staff/2fa/setup/"


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
