"""Writes for accounts: sign-up, verification, profiles, deletion, staff and API tokens.

Every function here changes state inside one transaction and records an audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts import selectors
from minato.accounts.models import (
    ApiToken,
    AssuranceLevel,
    Department,
    Identity,
    ResidentProfile,
    Role,
    StaffProfile,
    User,
)
from minato.accounts.validators import normalise_email
from minato.core import audit
from minato.notifications.services import notify

EMAIL_VERIFICATION_SALT = "minato.accounts.email-verification"
SIGN_IN_FAILED_SALT = "minato.accounts.sign-in-failed"
STAFF_INVITATION_SALT = "minato.accounts.staff-invitation"
PROFILE_FIELDS = [
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "phone",
    "preferred_language",
    "preferred_channels",
]
# Personal data: the audit log records that these changed, never their values (decision
# 0007). The log is append-only and outlives a deleted account; the profile keeps the data.
PERSONAL_PROFILE_FIELDS = frozenset(PROFILE_FIELDS) - {"preferred_language", "preferred_channels"}


class InvalidVerificationLink(Exception):
    pass


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- Residents -------------------------------------------------------------------------


@transaction.atomic
def resident_sign_up(*, email: str, password: str, preferred_language: str = "ja") -> User:
    """Create a resident account (not yet verified) and send the verification email."""
    user = User.objects.create_user(email=email, password=password, kind=User.Kind.RESIDENT)
    ResidentProfile.objects.create(
        user=user, preferred_language=preferred_language, preferred_channels=["email"]
    )
    Identity.objects.create(
        user=user,
        provider=Identity.Provider.EMAIL,
        subject=user.email,
        assurance_level=AssuranceLevel.NONE,
    )
    audit.record(
        action="accounts.resident_signed_up",
        obj=user,
        subject_id=user.pk,
        actor_id=user.pk,
        actor_label=f"resident:{user.pk}",
        changes={"kind": [None, user.kind], "preferred_language": [None, preferred_language]},
    )
    email_verification_send(user=user)
    return user


def resident_sign_up_or_warn_owner(
    *, email: str, password: str, preferred_language: str = "ja"
) -> User | None:
    """Sign up a new resident, or, if the address is taken, tell its owner by email. Callers
    answer both cases the same way. Returns the new user, or None."""
    existing = User.objects.filter(email=email.lower()).first()
    if existing is None:
        try:
            with transaction.atomic():
                return resident_sign_up(
                    email=email, password=password, preferred_language=preferred_language
                )
        except IntegrityError:  # the same address signed up twice at once
            existing = User.objects.get(email=email.lower())
    else:
        # Hash the password, then throw the hash away: a new account costs one hash
        # (about 0.6 s), so without this a quicker answer would say "already registered".
        make_password(password)
    if existing.kind == User.Kind.GUEST:
        # Someone who applied as a guest: the address's owner may turn it into an account by
        # choosing a password through the emailed link (guest_upgrade), keeping their
        # applications. The password typed here is not used: it may not be the owner's.
        notify(
            recipient=existing,
            template_key="accounts/guest_upgrade",
            context={"set_password_url": absolute_url(_set_password_path(existing))},
            reference=f"accounts.user:{existing.pk}",
        )
        return None
    notify(
        recipient=existing,
        template_key="accounts/signup_existing",
        context={
            "login_url": absolute_url(reverse("accounts:login")),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
        reference=f"accounts.user:{existing.pk}",
    )
    return None


def email_verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT).sign_object(
        {"user": user.pk, "email": user.email}
    )


def email_verification_send(*, user: User) -> None:
    url = absolute_url(reverse("accounts:verify_email", args=[email_verification_token(user)]))
    notify(
        recipient=user,
        template_key="accounts/verify_email",
        context={"verify_url": url},
        reference=f"accounts.user:{user.pk}",
    )


def _assurance_level_refresh(user: User) -> None:
    """Keep ``User.assurance_level`` the highest level of the person's identities: call it
    in the transaction of every change to their identities."""
    highest = user.identities.aggregate(level=Max("assurance_level"))["level"]
    level = AssuranceLevel.NONE if highest is None else highest
    if user.assurance_level != level:
        user.assurance_level = level
        user.save(update_fields=["assurance_level", "updated_at"])


@transaction.atomic
def resident_email_verify(*, token: str) -> User:
    """Confirm the address in a verification link; raises InvalidVerificationLink."""
    try:
        payload = signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT).unsign_object(
            token, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.BadSignature:
        raise InvalidVerificationLink from None
    user = User.objects.select_for_update().filter(pk=payload.get("user")).first()
    if user is None or user.email != payload.get("email"):
        raise InvalidVerificationLink
    if user.email_verified_at is None:
        now = timezone.now()
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at", "updated_at"])
        Identity.objects.update_or_create(
            provider=Identity.Provider.EMAIL,
            subject=user.email,
            defaults={
                "user": user,
                "assurance_level": AssuranceLevel.EMAIL_VERIFIED,
                "verified_at": now,
            },
        )
        _assurance_level_refresh(user)
        audit.record(
            action="accounts.email_verified",
            obj=user,
            subject_id=user.pk,
            actor_id=user.pk,
            actor_label=f"{user.kind}:{user.pk}",
            changes={"assurance_level": [AssuranceLevel.NONE, AssuranceLevel.EMAIL_VERIFIED]},
        )
    return user


@transaction.atomic
def resident_profile_update(*, user: User, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Update profile fields; returns (and audits) the fields that changed. The audit event
    keeps old → new only for preferences; personal fields are recorded as changed."""
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    fields = [name for name in PROFILE_FIELDS if name in data]
    before = audit.snapshot(profile, fields)
    for name in fields:
        setattr(profile, name, data[name])
    profile.full_clean(exclude=["user"])
    changes = audit.diff(
        before, audit.snapshot(profile, fields), fields=fields, redact=PERSONAL_PROFILE_FIELDS
    )
    if changes:
        profile.save(update_fields=[*changes.keys(), "updated_at"])
        audit.record(
            action="accounts.profile_updated", obj=profile, subject_id=user.pk, changes=changes
        )
    # Keep the caller's user object in step (its profile may be cached from sign-in).
    user.profile = profile
    return changes


@transaction.atomic
def user_password_changed(*, user: User, reason: str) -> None:
    """Audit a password change made through Django's forms (call it in the same
    transaction as the form's save). A reset is done by the account's owner, signed out."""
    ctx_actor = audit_actor_or_owner(user)
    audit.record(
        action="accounts.password_changed",
        obj=user,
        subject_id=user.pk,
        changes={"password": [audit.REDACTED, audit.REDACTED], "reason": [None, reason]},
        **ctx_actor,
    )


def audit_actor_or_owner(user: User) -> dict[str, Any]:
    """Audit actor for an action a signed-out person takes on their own account."""
    from minato.core.context import current

    if current().actor_id is not None:
        return {}
    return {"actor_id": user.pk, "actor_label": f"{user.kind}:{user.pk}"}


def user_signed_in(*, user: User) -> None:
    """Audit a sign-in (Django has just updated ``last_login``)."""
    audit.record(
        action="accounts.signed_in",
        obj=user,
        subject_id=user.pk,
        actor_id=user.pk,
        actor_label=f"{user.kind}:{user.pk}",
        changes={"last_login": [None, user.last_login.isoformat() if user.last_login else None]},
    )


class SignInFailure:
    """Why a sign-in failed, as the audit log records it. The visitor is never told which."""

    CREDENTIALS = "credentials"  # no such account, or a wrong password
    WRONG_CONSOLE = "wrong_console"  # the right password on the other sign-in page
    SECOND_FACTOR = "second_factor"  # the right password with a wrong or throttled code
    NO_SECOND_FACTOR = "no_second_factor"  # the right password, but no enrolled device


@transaction.atomic
def sign_in_failed(*, email: str, console: str, reason: str) -> None:
    """Audit a failed sign-in on ``console`` ("portal" or "staff") without personal data
    (decision 0007): the account's id when the address has one, otherwise a keyed hash of
    the normalised address, which links repeated tries at one address without naming it.
    Staff accounts' failures are filed under their department, for its admins to see."""
    address = normalise_email(email)
    user = (
        User.objects.filter(email=address)
        .select_related("staff_profile")
        .only("pk", "kind", "staff_profile__department_id")
        .first()
    )
    changes: dict[str, list[Any]] = {"console": [None, console], "reason": [None, reason]}
    department_id = None
    if user is None:
        changes["address_hmac"] = [None, salted_hmac(SIGN_IN_FAILED_SALT, address).hexdigest()]
    elif user.is_staff and hasattr(user, "staff_profile"):
        department_id = user.staff_profile.department_id
    audit.record(
        action="accounts.sign_in_failed",
        obj=user,
        object_type=User._meta.label_lower,
        changes=changes,
        department_id=department_id,
        actor_id=None,
        actor_label="anonymous",
    )


@transaction.atomic
def resident_delete(*, user: User) -> None:
    """Delete a resident's account, profile, identities and messages (right to erasure).

    The farewell email is rendered before deletion and sent to the address only, so no
    row linked to the deleted account remains.
    """
    if not user.is_resident:
        raise ValueError("Only resident accounts can be deleted by their owner")
    language = getattr(getattr(user, "profile", None), "preferred_language", "ja")
    email, user_id = user.email, user.pk
    audit.record(
        action="accounts.resident_deleted",
        obj=user,
        subject_id=user_id,
        changes={"is_active": [True, None]},
    )
    user.delete()
    notify(
        address=email,
        language=language,
        template_key="accounts/account_deleted",
        context={},
        reference=f"accounts.user:{user_id}",
    )


@transaction.atomic
def resident_record_viewed(*, viewer: User, resident: User, purpose: str) -> None:
    """Audit a staff member's read of a resident's record; the resident can see it."""
    audit.record(
        action="accounts.resident_record_viewed",
        obj=resident,
        subject_id=resident.pk,
        changes={"purpose": [None, purpose]},
    )


def residents_listed(*, residents: list[User], purpose: str) -> None:
    """Audit that staff saw these residents in a list (a search shows names and email
    addresses): each resident can see it in 「閲覧履歴」. One INSERT for the lot."""
    audit.record_many(
        [
            {
                "action": "accounts.resident_listed",
                "obj": resident,
                "subject_id": resident.pk,
                "changes": {"purpose": [None, purpose]},
            }
            for resident in residents
        ]
    )


# --- Staff two-factor devices ----------------------------------------------------------------


@transaction.atomic
def otp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled (one per person; two open tabs share it)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="authenticator")
        audit.record(
            action="accounts.otp_device_created",
            obj=user,
            subject_id=user.pk,
            changes={"otp_device": [None, "totp (unconfirmed)"]},
            **audit_actor_or_owner(user),
        )
    return device


# --- Organisation and staff --------------------------------------------------------------


@transaction.atomic
def department_upsert(
    *,
    code: str,
    name_ja: str,
    name_en: str,
    kind: str,
    parent: Department | None,
    handles_resident_records: bool,
) -> Department:
    fields = {
        "name_ja": name_ja,
        "name_en": name_en,
        "kind": kind,
        "parent": parent,
        "handles_resident_records": handles_resident_records,
    }
    department = Department.objects.filter(code=code).first()
    if department is None:
        department = Department.objects.create(code=code, **fields)
        audit.record(
            action="accounts.department_created",
            obj=department,
            changes={"code": [None, code], "name_ja": [None, name_ja]},
        )
        return department
    watched = ["name_ja", "name_en", "kind", "parent_id", "handles_resident_records"]
    before = audit.snapshot(department, watched)
    for name, value in fields.items():
        setattr(department, name, value)
    changes = audit.diff(before, audit.snapshot(department, watched), fields=watched)
    if changes:
        department.save()
        audit.record(action="accounts.department_updated", obj=department, changes=changes)
    return department


def _staff_account_create(
    *,
    action: str,
    email: str,
    password: str | None,
    display_name: str,
    department: Department,
    role: str,
) -> User:
    user = User.objects.create_user(
        email=email,
        password=password,
        kind=User.Kind.STAFF,
        display_name=display_name,
        email_verified_at=timezone.now(),
    )
    StaffProfile.objects.create(user=user, department=department, role=role)
    audit.record(
        action=action,
        obj=user,
        department_id=department.pk,
        changes={"department": [None, department.code], "role": [None, role]},
    )
    return user


@transaction.atomic
def staff_create(
    *, email: str, password: str, display_name: str, department: Department, role: str
) -> User:
    """A staff account with a known password (the demo, tests, scripted set-up)."""
    return _staff_account_create(
        action="accounts.staff_created",
        email=email,
        password=password,
        display_name=display_name,
        department=department,
        role=role,
    )


@transaction.atomic
def staff_invite(*, email: str, display_name: str, department: Department, role: str) -> User:
    """Create a staff account without a password and email the invitation link, with which
    they choose one and enrol an authenticator app."""
    user = _staff_account_create(
        action="accounts.staff_invited",
        email=email,
        password=None,
        display_name=display_name,
        department=department,
        role=role,
    )
    staff_invitation_send(user=user)
    return user


def _set_password_path(user: User) -> str:
    return reverse(
        "accounts:password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )


@transaction.atomic
def guest_upgrade(*, user: User) -> None:
    """A guest applicant who chose a password becomes a resident with a profile (call in
    the transaction that sets the password); their applications stay theirs."""
    if user.kind != User.Kind.GUEST:
        return
    user.kind = User.Kind.RESIDENT
    user.save(update_fields=["kind", "updated_at"])
    ResidentProfile.objects.get_or_create(
        user=user, defaults={"preferred_language": "ja", "preferred_channels": ["email"]}
    )
    Identity.objects.get_or_create(
        user=user,
        provider=Identity.Provider.EMAIL,
        subject=user.email,
        defaults={"assurance_level": AssuranceLevel.NONE},
    )
    audit.record(
        action="accounts.guest_upgraded",
        obj=user,
        subject_id=user.pk,
        changes={"kind": [User.Kind.GUEST, User.Kind.RESIDENT]},
        **audit_actor_or_owner(user),
    )


class InvalidInvitationLink(Exception):
    pass


def _invitation_state(user: User) -> str:
    """A fingerprint of what accepting an invitation changes (the password, the confirmed
    devices): a link carries the fingerprint of the day it was sent, so it works until used."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    device_ids = ",".join(str(pk) for pk in devices.values_list("pk", flat=True))
    state = f"{user.pk}|{user.password}|{device_ids}|{user.is_active}"
    return salted_hmac(STAFF_INVITATION_SALT, state).hexdigest()


def staff_invitation_token(user: User) -> str:
    return signing.TimestampSigner(salt=STAFF_INVITATION_SALT).sign_object(
        {"user": user.pk, "state": _invitation_state(user)}
    )


def staff_invitation_user(*, token: str, lock: bool = False) -> User:
    """The staff member an invitation link is for; raises InvalidInvitationLink when the
    link is forged, older than STAFF_INVITATION_MAX_AGE, or already used."""
    try:
        payload = signing.TimestampSigner(salt=STAFF_INVITATION_SALT).unsign_object(
            token, max_age=settings.STAFF_INVITATION_MAX_AGE
        )
    except signing.BadSignature:
        raise InvalidInvitationLink from None
    users = User.objects.filter(pk=payload.get("user"), kind=User.Kind.STAFF, is_active=True)
    user = (users.select_for_update() if lock else users).first()
    if user is None or not constant_time_compare(
        str(payload.get("state")), _invitation_state(user)
    ):
        raise InvalidInvitationLink
    return user


def staff_invitation_days() -> int:
    return int(settings.STAFF_INVITATION_MAX_AGE // (60 * 60 * 24))


def staff_invitation_send(*, user: User) -> None:
    """Email the single-use link with which an invited staff member chooses a password and
    enrols an authenticator app (valid STAFF_INVITATION_MAX_AGE). It is the only way to
    enrol, so it can be sent again to anyone without an enrolled device."""
    if selectors.staff_has_second_factor(user):
        raise ValueError("This staff member has already enrolled an authenticator app")
    # The email is written in the ward's language, so is its link: not in whichever language
    # the inviting supervisor happens to be browsing in.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("staff:invitation", args=[staff_invitation_token(user)])
    notify(
        recipient=user,
        template_key="accounts/staff_invitation",
        context={
            "invitation_url": absolute_url(path),
            "department": user.staff_profile.department.name_ja,
            "valid_days": staff_invitation_days(),
        },
        reference=f"accounts.user:{user.pk}",
    )


@transaction.atomic
def staff_invitation_accept(*, token: str, password: str, device: TOTPDevice) -> User:
    """Finish an invitation: the chosen password and the confirmed authenticator (its code
    already checked by the caller) are saved together, and the link stops working. Raises
    InvalidInvitationLink if the link was used meanwhile (two tabs)."""
    user = staff_invitation_user(token=token, lock=True)
    if device.user_id != user.pk or device.confirmed:
        raise InvalidInvitationLink
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    profile = getattr(user, "staff_profile", None)
    audit.record(
        action="accounts.staff_invitation_accepted",
        obj=user,
        department_id=profile.department_id if profile else None,
        changes={
            "password": [audit.REDACTED, audit.REDACTED],
            "otp_device": ["totp (unconfirmed)", "totp"],
        },
        actor_id=user.pk,
        actor_label=f"{user.kind}:{user.pk}",
    )
    return user


@transaction.atomic
def staff_role_change(*, staff: User, role: str, department: Department | None = None) -> None:
    profile = StaffProfile.objects.select_for_update().get(user=staff)
    before = {"role": profile.role, "department": profile.department.code}
    profile.role = Role(role)
    if department is not None:
        profile.department = department
    after = {"role": profile.role, "department": profile.department.code}
    changes = audit.diff(before, after)
    if changes:
        profile.save(update_fields=["role", "department", "updated_at"])
        audit.record(
            action="accounts.staff_role_changed",
            obj=staff,
            department_id=profile.department_id,
            changes=changes,
        )


# --- Service accounts and API tokens --------------------------------------------------------

TOKEN_PREFIX = "mnt_"  # noqa: S105 - a public prefix, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    department: Department | None = None,
    token: str | None = None,
) -> tuple[ApiToken, str]:
    """Issue a bearer token; returns the row and the token itself (shown only once)."""
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if unknown:
        raise ValueError(f"Unknown scopes: {sorted(unknown)}")
    plaintext = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=user,
        name=name,
        scopes=sorted(scopes),
        department=department,
        prefix=plaintext[:12],
        token_hash=hash_token(plaintext),
    )
    audit.record(
        action="accounts.api_token_created",
        obj=api_token,
        changes={"name": [None, name], "scopes": [None, sorted(scopes)]},
    )
    return api_token, plaintext


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken) -> None:
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            action="accounts.api_token_revoked",
            obj=api_token,
            changes={"revoked_at": [None, api_token.revoked_at.isoformat()]},
        )


@transaction.atomic
def service_account_get_or_create(*, email: str, display_name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"kind": User.Kind.SERVICE, "display_name": display_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit.record(
            action="accounts.service_account_created",
            obj=user,
            changes={"kind": [None, User.Kind.SERVICE]},
        )
    return user
