"""Applying without an account (where a procedure allows it).

The guest gives an email address; we send a link that works once, within a day. Opening it
proves they own the address and signs them in to a guest account for it (User.Kind.GUEST,
no password), which holds their drafts and applications: asking for a new link later, from
any device, brings them back to the same applications. An address that already belongs to
a resident's account is not turned into a guest: they are asked to sign in instead.

What we say after an address is entered never depends on whether it has an account, so the
form cannot be used to find out who is registered.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minato.accounts.models import User
from minato.accounts.services import hash_token
from minato.core import audit
from minato.core.i18n import url_in_language
from minato.core.translated import localized
from minato.notifications.services import notify
from minato.procedures.models import GuestAccess, Procedure

LINK_LIFETIME = timedelta(hours=24)


class GuestLinkInvalid(Exception):
    """Unknown, used or expired: the guest asks for a new link."""


class AddressHasAccount(Exception):
    """The address belongs to a resident's account: they sign in instead."""


@transaction.atomic
def guest_link_send(*, email: str, procedure: Procedure | None, language: str) -> None:
    token = secrets.token_urlsafe(32)
    access = GuestAccess.objects.create(
        token_hash=hash_token(token),
        email=email.strip().lower(),
        procedure=procedure,
        expires_at=timezone.now() + LINK_LIFETIME,
    )
    path = url_in_language(reverse("procedures:guest_confirm", args=[token]), language)
    notify(
        address=access.email,
        language=language,
        template_key="procedures/guest_link",
        context={
            "procedure": localized(procedure.name, language) if procedure else "",
            "link": settings.SITE_URL + path,
        },
        reference=f"procedures.guest_access:{access.pk}",
    )
    audit.record(
        action="procedures.guest_link_sent",
        obj=access,
        changes={"procedure": [None, procedure.slug if procedure else None]},
    )


def guest_link_check(token: str) -> GuestAccess:
    access = (
        GuestAccess.objects.select_related("procedure")
        .filter(token_hash=hash_token(token[:100]), confirmed_at__isnull=True)
        .first()
    )
    if access is None or access.expires_at <= timezone.now():
        raise GuestLinkInvalid
    return access


@transaction.atomic
def guest_link_confirm(*, token: str) -> tuple[Any, Procedure | None]:
    """Use a link: returns the guest account to sign in and the procedure it was for."""
    access = guest_link_check(token)
    access = GuestAccess.objects.select_for_update().get(pk=access.pk)
    if access.confirmed_at is not None:  # used by a concurrent request
        raise GuestLinkInvalid
    user = User.objects.filter(email=access.email).first()
    if user is not None and user.kind != User.Kind.GUEST:
        raise AddressHasAccount
    if user is None:
        user = User.objects.create_user(
            access.email, password=None, kind=User.Kind.GUEST, email_verified_at=timezone.now()
        )
        audit.record(action="procedures.guest_account_created", obj=user, subject_id=user.pk)
    access.user = user
    access.confirmed_at = timezone.now()
    access.save(update_fields=["user", "confirmed_at", "updated_at"])
    audit.record(
        action="procedures.guest_link_used",
        obj=access,
        subject_id=user.pk,
        changes={"confirmed_at": [None, access.confirmed_at.isoformat()]},
    )
    return user, access.procedure
