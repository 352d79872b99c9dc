"""Applying without an account, confirmed by an emailed link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, GuestAccess, Procedure

pytestmark = pytest.mark.django_db

FORM = {
    "pages": [
        {
            "id": "what",
            "title": {"ja": "内容"},
            "questions": [{"id": "note", "type": "text", "label": {"ja": "内容"}}],
        }
    ],
    "declaration": {"ja": "誤りはありません"},
}


@pytest.fixture
def guest_procedure(catalogue: dict[str, Procedure]) -> Procedure:
    procedure = catalogue["sodai"]
    procedure.allows_guest = True
    procedure.save()
    form_publish(procedure=procedure, definition=FORM)
    return procedure


def _link_from_mail() -> str:
    match = re.search(r"https?://[^\s]+/procedures/guest/[^\s/]+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _ask_for_link(
    client: Client, email: str, path: str = "/procedures/sodai-gomi/apply/guest/"
) -> str:
    response = client.post(path, {"email": email})
    assert response.status_code == 200
    assert "Check your email" in response.content.decode() or "メール" in response.content.decode()
    return _link_from_mail()


def test_a_guest_applies_after_confirming_their_email(guest_procedure: Procedure) -> None:
    client = Client()
    start = client.get("/procedures/sodai-gomi/apply/")
    assert (
        start.status_code == 200 and "/procedures/sodai-gomi/apply/guest/" in start.content.decode()
    )
    link = _ask_for_link(client, "Guest@Example.jp")
    # Opening the link (a mail scanner, say) uses nothing; pressing the button does.
    assert client.get(link).status_code == 200
    assert not User.objects.filter(email="guest@example.jp").exists()
    confirmed = client.post(link)
    assert confirmed["Location"] == "/procedures/sodai-gomi/apply/"
    guest = User.objects.get(email="guest@example.jp")
    assert guest.kind == User.Kind.GUEST and not guest.has_usable_password()
    draft = client.post("/procedures/sodai-gomi/apply/")["Location"].rstrip("/").split("/")[-1]
    assert client.post(f"/procedures/drafts/{draft}/what/", {"note": "机"}).status_code == 302
    client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    application = Application.objects.get()
    assert application.applicant == guest and application.status == "submitted"
    assert application.reference in mail.outbox[-1].subject
    assert application.reference in client.get("/procedures/applications/").content.decode()
    # The link worked once.
    assert client.post(link).status_code == 400
    assert AuditEvent.objects.filter(action="procedures.guest_link_used").count() == 1
    # Account pages send a guest to their applications.
    assert client.get("/accounts/profile/")["Location"] == "/procedures/applications/"


def test_a_later_link_brings_the_guest_back_to_their_applications(
    guest_procedure: Procedure,
) -> None:
    first = Client()
    first.post(_ask_for_link(first, "guest@example.jp"))
    again = Client()
    link = _ask_for_link(again, "guest@example.jp", path="/procedures/guest/")
    assert again.post(link)["Location"] == "/procedures/applications/"
    assert User.objects.filter(email="guest@example.jp").count() == 1


def test_expired_and_unknown_links_are_refused(guest_procedure: Procedure) -> None:
    client = Client()
    link = _ask_for_link(client, "guest@example.jp")
    GuestAccess.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.post(link).status_code == 400
    assert client.get("/procedures/guest/not-a-token/").status_code == 400
    assert not User.objects.filter(email="guest@example.jp").exists()


def test_an_address_with_an_account_is_asked_to_sign_in(
    guest_procedure: Procedure, alice: User
) -> None:
    client = Client()
    link = _ask_for_link(client, alice.email)
    response = client.post(link)
    assert response["Location"] == "/accounts/login/"
    assert User.objects.get(email=alice.email).kind == User.Kind.RESIDENT
    assert not Application.objects.exists()


def test_procedures_without_guest_access_need_an_account(
    catalogue: dict[str, Procedure],
) -> None:
    procedure = catalogue["sodai"]
    form_publish(procedure=procedure, definition=FORM)
    client = Client()
    assert client.get("/procedures/sodai-gomi/apply/")["Location"].startswith("/accounts/login/")
    assert client.get("/procedures/sodai-gomi/apply/guest/").status_code == 404


def test_the_link_request_does_not_reveal_accounts(guest_procedure: Procedure, alice: User) -> None:
    client = Client()
    known = client.post("/procedures/sodai-gomi/apply/guest/", {"email": alice.email})
    unknown = client.post("/procedures/sodai-gomi/apply/guest/", {"email": "nobody@example.jp"})
    assert known.content.decode().replace(alice.email, "") == unknown.content.decode().replace(
        "nobody@example.jp", ""
    )
    bad = client.post("/procedures/sodai-gomi/apply/guest/", {"email": "not an address"})
    assert bad.status_code == 200 and GuestAccess.objects.count() == 2


def test_a_guest_who_signs_up_gets_an_account_through_their_email(
    guest_procedure: Procedure,
) -> None:
    client = Client()
    client.post(_ask_for_link(client, "guest@example.jp"))
    stranger = Client()
    stranger.post(
        "/accounts/signup/",
        {
            "email": "guest@example.jp",
            "password": "a-long-unusual-passphrase",
            "preferred_language": "ja",
        },
    )
    guest = User.objects.get(email="guest@example.jp")
    assert guest.kind == User.Kind.GUEST and not guest.has_usable_password()  # nothing changed
    match = re.search(r"/accounts/password-reset/[^\s]+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    form_page = client.get(match.group(0), follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else match.group(0)
    client.post(
        set_url, {"new_password1": "An0ther-long-pass", "new_password2": "An0ther-long-pass"}
    )
    guest.refresh_from_db()
    assert guest.kind == User.Kind.RESIDENT and guest.has_usable_password()
    assert guest.profile is not None


def test_a_link_never_replaces_the_person_signed_in(
    guest_procedure: Procedure, resident_client: Any, alice: User
) -> None:
    link = _ask_for_link(Client(), "attacker@example.jp")
    victim = resident_client(alice)
    page = victim.get(link)
    assert page.status_code == 409
    assert victim.post(link).status_code == 409
    assert not User.objects.filter(email="attacker@example.jp").exists()
    assert victim.get("/accounts/profile/").status_code == 200  # still alice
    # Signed out, the page says which address the link belongs to.
    assert "attacker@example.jp" in Client().get(link).content.decode()
