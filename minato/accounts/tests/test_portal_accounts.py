from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from minato.accounts import services
from minato.accounts.models import AssuranceLevel, User
from minato.core.models import AuditEvent
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _link(body: str) -> str:
    match = re.search(r"http://[^\s]+", body)
    assert match, body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def test_signing_up_creates_an_unverified_account_and_emails_a_link(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "New@Example.jp",
            "password": "a-long-unusual-passphrase",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.jp")
    assert user.assurance_level == AssuranceLevel.NONE
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Minato City")  # English, as chosen
    assert AuditEvent.objects.filter(
        action="accounts.resident_signed_up", object_id=user.pk
    ).exists()


def test_the_emailed_link_verifies_the_address(client: Client) -> None:
    client.post(
        "/accounts/signup/",
        {
            "email": "v@example.jp",
            "password": "a-long-unusual-passphrase",
            "preferred_language": "ja",
        },
    )
    response = client.get(_link(mail.outbox[0].body))
    assert response.status_code == 302
    user = User.objects.get(email="v@example.jp")
    assert user.email_verified_at is not None
    assert user.assurance_level == AssuranceLevel.EMAIL_VERIFIED


def test_a_tampered_verification_link_is_refused(client: Client, alice: User) -> None:
    token = services.email_verification_token(alice)
    response = client.get(f"/accounts/verify/{token[:-2]}xx/")
    assert response.status_code == 400


def test_sign_up_rejects_weak_passwords_with_messages_and_saves_nothing(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"email": "weak@example.jp", "password": "12345", "preferred_language": "ja"},
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert b'class="error-summary"' in response.content
    assert b'aria-invalid="true"' in response.content
    assert not User.objects.filter(email="weak@example.jp").exists()


def test_sign_up_does_not_reveal_registered_addresses(client: Client, alice: User) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": alice.email.upper(),
            "password": "a-long-unusual-passphrase",
            "preferred_language": "ja",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/done/"
    assert User.objects.filter(email=alice.email).count() == 1
    assert not alice.check_password("a-long-unusual-passphrase")
    # The owner is told instead, with links to sign in or reset the password.
    assert mail.outbox[-1].to == [alice.email]
    assert "/accounts/password-reset/" in mail.outbox[-1].body


def test_residents_sign_in_and_staff_are_sent_to_the_console(
    client: Client, alice: User, charlie: User
) -> None:
    from conftest import PASSWORD

    ok = client.post("/accounts/login/", {"email": alice.email, "password": PASSWORD})
    assert ok.status_code == 302
    staff = Client().post("/accounts/login/", {"email": charlie.email, "password": PASSWORD})
    assert staff.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_login_does_not_redirect_to_other_sites(client: Client, alice: User) -> None:
    from conftest import PASSWORD

    response = client.post(
        "/accounts/login/",
        {"email": alice.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/accounts/profile/"


def test_profile_update_is_audited_with_old_and_new_values(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    data = {
        "family_name": "港",
        "given_name": "花子",
        "family_name_kana": "ミナト",
        "given_name_kana": "ハナコ",
        "birth_date": "1990-01-02",
        "postal_code": "105-8511",
        "prefecture": "東京都",
        "city": "港区",
        "address_line": "芝公園1-5-25",
        "phone": "03-3578-2111",
        "preferred_language": "ja",
        "preferred_channels": ["email"],
    }
    response = client.post("/accounts/profile/edit/", data)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="accounts.profile_updated").latest("sequence")
    # which personal fields changed, never their values (the log outlives the account)
    assert event.changes["given_name"] == ["[redacted]", "[redacted]"]
    assert "アリス" not in str(event.changes) and "花子" not in str(event.changes)
    assert event.subject_id == alice.pk
    alice.profile.refresh_from_db()
    assert alice.profile.given_name == "花子"


def test_profile_form_rejects_bad_values_and_saves_nothing(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    response = client.post(
        "/accounts/profile/edit/",
        {
            "family_name_kana": "Minato",
            "postal_code": "12-34",
            "phone": "12345",
            "birth_date": "not a date",
            "preferred_language": "xx",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {
        "family_name_kana",
        "postal_code",
        "phone",
        "birth_date",
        "preferred_language",
    }
    alice.profile.refresh_from_db()
    assert alice.profile.family_name_kana == "みなと"


def test_find_address_without_javascript_fills_the_address(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    response = resident_client(alice).post(
        "/accounts/profile/edit/",
        {"postal_code": "１０６－００３２", "preferred_language": "ja", "find_address": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"]["city"].value() == "港区"
    assert response.context["form"]["address_line"].value() == "六本木"


def test_postal_fragment_fills_the_address_for_htmx(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    response = resident_client(alice).get("/accounts/profile/address/?postal_code=1058511")
    assert "芝公園" in response.content.decode()


def test_deleting_an_account_removes_profile_and_messages(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    from conftest import PASSWORD

    client = resident_client(alice)
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Notification.objects.filter(recipient_id=alice.pk).exists()
    assert AuditEvent.objects.filter(
        action="accounts.resident_deleted", subject_id=alice.pk
    ).exists()
    assert mail.outbox[-1].to == [alice.email]


def test_deleting_requires_the_right_password(
    resident_client: Callable[[User], Client], alice: User
) -> None:
    response = resident_client(alice).post(
        "/accounts/delete/", {"password": "wrong", "confirm": "on"}
    )
    assert response.status_code == 200
    assert User.objects.filter(pk=alice.pk).exists()


def test_password_reset_sends_a_working_link(client: Client, alice: User) -> None:
    client.post("/accounts/password-reset/", {"email": alice.email})
    link = _link(mail.outbox[-1].body)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-long-passphrase")
    assert AuditEvent.objects.filter(
        action="accounts.password_changed", subject_id=alice.pk
    ).exists()


def test_a_resident_sees_that_staff_found_them_in_a_search(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    alice: User,
    bob: User,
    charlie: User,
) -> None:
    staff_client(charlie).get("/staff/residents/", {"q": "alice"})
    alice_log = resident_client(alice).get("/en/accounts/access-log/").content.decode()
    assert "Found your account in a search of residents" in alice_log
    assert "Staff of Residents Division" in alice_log
    bob_log = resident_client(bob).get("/en/accounts/access-log/").content.decode()
    assert "Found your account in a search" not in bob_log


def test_resident_sees_staff_access_to_their_record(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    alice: User,
    bob: User,
    charlie: User,
) -> None:
    staff_client(charlie).get(f"/staff/residents/{alice.public_id}/")
    alice_log = resident_client(alice).get("/en/accounts/access-log/").content.decode()
    assert "Staff of Residents Division" in alice_log
    assert "Looked at your account details" in alice_log
    assert charlie.email not in alice_log  # the office, not the employee
    bob_log = resident_client(bob).get("/en/accounts/access-log/").content.decode()
    assert "Looked at your account details" not in bob_log


@pytest.mark.parametrize("registered_as", [None, User.Kind.RESIDENT, User.Kind.GUEST])
def test_signing_up_hashes_the_password_once_whether_or_not_the_address_is_registered(
    client: Client, registered_as: str | None
) -> None:
    # Timing would tell a registered address apart if only new sign-ups paid for a hash.
    from unittest import mock

    from django.contrib.auth.hashers import MD5PasswordHasher

    email = "hanako@example.jp"
    if registered_as is not None:
        User.objects.create_user(email=email, password=None, kind=registered_as)
    original = MD5PasswordHasher.encode
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=original
    ) as encode:
        response = client.post(
            "/accounts/signup/",
            {"email": email, "password": "a-long-unusual-passphrase", "preferred_language": "ja"},
        )
    assert response["Location"] == "/accounts/signup/done/"
    assert encode.call_count == 1


def test_the_accounts_assurance_level_follows_its_identities(client: Client) -> None:
    user = services.resident_sign_up(email="level@example.jp", password="correct-horse-battery-9")
    assert user.assurance_level == AssuranceLevel.NONE
    services.resident_email_verify(token=services.email_verification_token(user))
    user.refresh_from_db()
    assert user.assurance_level == AssuranceLevel.EMAIL_VERIFIED
    assert user.assurance_level == max(i.assurance_level for i in user.identities.all())
    client.force_login(user)
    page = client.get("/en/accounts/profile/").content.decode()
    assert "Email address verified" in page
