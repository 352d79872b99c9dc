from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from minato.accounts.models import ApiToken, User
from minato.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_system_admin_issues_a_token_that_works_once_shown(
    staff_client: Callable[[User], Client], sam: User
) -> None:
    client = staff_client(sam)
    response = client.post(
        "/staff/api-tokens/",
        {
            "name": "住民記録システム連携",
            "service_email": "jukiren@city.minato.example",
            "scopes": ["audit:read"],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = re.search(r"mnt_[A-Za-z0-9_\-]+", response.content.decode()).group(0)  # type: ignore[union-attr]
    api = Client().get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    listing = client.get("/staff/api-tokens/").content.decode()
    assert token not in listing and token[:12] in listing
    assert AuditEvent.objects.filter(action="accounts.api_token_created", actor_id=sam.pk).exists()


def test_revoking_a_token_stops_it(
    staff_client: Callable[[User], Client], sam: User, service_token: str
) -> None:
    api_token = ApiToken.objects.get()
    staff_client(sam).post(f"/staff/api-tokens/{api_token.public_id}/revoke/")
    api = Client().get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {service_token}")
    assert api.status_code == 401


def test_only_system_admins_manage_tokens(
    staff_client: Callable[[User], Client], dana: User, service_token: str
) -> None:
    client = staff_client(dana)
    assert client.get("/staff/api-tokens/").status_code == 403
    api_token = ApiToken.objects.get()
    assert client.post(f"/staff/api-tokens/{api_token.public_id}/revoke/").status_code == 403
    assert ApiToken.objects.get().revoked_at is None
    assert "/staff/api-tokens/" not in client.get("/staff/").content.decode()


def test_a_persons_email_cannot_become_a_service_account(
    staff_client: Callable[[User], Client], sam: User, alice: User
) -> None:
    response = staff_client(sam).post(
        "/staff/api-tokens/", {"name": "x", "service_email": alice.email, "scopes": ["audit:read"]}
    )
    assert "service_email" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_command_prints_a_working_token(client: Client) -> None:
    out = StringIO()
    call_command(
        "api_token_create",
        "--service-email",
        "batch@city.minato.example",
        "--name",
        "nightly",
        "--scope",
        "audit:read",
        stdout=out,
    )
    token = out.getvalue().strip()
    response = client.get("/api/v1/audit-events", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_a_resident_changes_their_password_and_stays_signed_in(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    from conftest import PASSWORD

    client = resident_client(alice)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-passphrase")
    assert client.get("/accounts/profile/").status_code == 200
    assert AuditEvent.objects.filter(
        action="accounts.password_changed", subject_id=alice.pk
    ).exists()


def test_a_wrong_current_password_changes_nothing(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    from conftest import PASSWORD

    response = resident_client(alice).post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
