"""Reads about people and the organisation that span relations or need permission scoping."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts.models import (
    ApiToken,
    Department,
    ResidentProfile,
    User,
)
from minato.core.models import AuditEvent


def resident_profile_of(user: User) -> ResidentProfile:
    """The resident's profile (created empty if an account somehow lacks one)."""
    try:
        return user.profile
    except ResidentProfile.DoesNotExist:
        # An account made by hand has none yet: show an empty, unsaved one (reads never
        # write; the profile service creates it on the first save).
        return ResidentProfile(user=user)


def record_accesses_for_resident(*, resident_id: int) -> QuerySet[AuditEvent]:
    """Events about this resident's data done by someone other than the resident."""
    return (
        AuditEvent.objects.filter(subject_id=resident_id)
        .exclude(actor_id=resident_id)
        .order_by("-sequence")
    )


def resident_access_labels() -> dict[str, Any]:
    """What 「閲覧履歴」 says for each audit action, gathered from every app's
    ``AppConfig.resident_access_labels`` (apps register their own; accounts imports none)."""
    labels: dict[str, Any] = {}
    for config in apps.get_app_configs():
        labels.update(getattr(config, "resident_access_labels", {}))
    return labels


def actor_departments(actor_ids: set[int]) -> dict[int, Department]:
    """The department of each staff actor: residents see which office looked at their
    records, not the employee's name or email."""
    rows = User.objects.filter(pk__in=actor_ids, kind=User.Kind.STAFF).select_related(
        "staff_profile__department"
    )
    return {
        user.pk: user.staff_profile.department for user in rows if hasattr(user, "staff_profile")
    }


def residents_search(*, query: str) -> QuerySet[User]:
    query = query.strip()
    return (
        User.objects.filter(kind=User.Kind.RESIDENT)
        .filter(
            Q(email__icontains=query)
            | Q(profile__family_name__icontains=query)
            | Q(profile__given_name__icontains=query)
            | Q(profile__family_name_kana__icontains=query)
        )
        .select_related("profile")
        .order_by("email")[:50]
    )


def staff_in_departments(*, department_ids: set[int] | None) -> QuerySet[User]:
    staff = User.objects.filter(kind=User.Kind.STAFF).select_related("staff_profile__department")
    if department_ids is not None:
        staff = staff.filter(staff_profile__department_id__in=department_ids)
    return staff.order_by("staff_profile__department__code", "email")


def api_tokens() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "department").order_by("-created_at")


def department_tree() -> QuerySet[Department]:
    return Department.objects.select_related("parent").order_by("code")


def staff_has_second_factor(user: User) -> bool:
    """Whether the staff member has an enrolled (confirmed) authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def departments_visible_to(user: Any) -> QuerySet[Department]:
    """The departments a member of staff works for (all of them for a system administrator),
    by code: the choices of the console's "department" fields."""
    from minato.accounts import permissions

    visible = permissions.visible_department_ids(user)
    departments = Department.objects.order_by("code")
    return departments if visible is None else departments.filter(pk__in=visible)
