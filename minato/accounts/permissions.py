"""Who may see what. Object-level checks live here so views, APIs and selectors agree.

Rules:
- a clerk or supervisor works on their own department's (section's) work;
- a department admin also sees the sections under their department;
- a system admin sees everything;
- resident records are visible only to staff of sections that handle them (区民課 etc.)
  and to system admins, and every such read is audited.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from minato.accounts.models import Department, Role, StaffProfile, User

AnyUser = User | AnonymousUser
M = TypeVar("M", bound=Model)


def has_confirmed_email(user: AnyUser) -> bool:
    """Whether this person may apply and pay: a resident once they have confirmed their
    email address (ASVS: act only on a verified channel), a guest always (opening the emailed
    link proved the address). Anyone else is not an applicant and is refused elsewhere."""
    if not user.is_authenticated or not isinstance(user, User):
        return False
    return user.kind != User.Kind.RESIDENT or user.email_verified_at is not None


def staff_profile_of(user: AnyUser) -> StaffProfile | None:
    if not user.is_authenticated or not isinstance(user, User) or not user.is_staff:
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def has_role(user: AnyUser, minimum: str) -> bool:
    profile = staff_profile_of(user)
    return profile is not None and profile.has_role(minimum)


def visible_department_ids(user: AnyUser) -> set[int] | None:
    """The departments whose work this staff member may see; ``None`` means all of them."""
    profile = staff_profile_of(user)
    if profile is None:
        return set()
    if profile.role == Role.SYSTEM_ADMIN:
        return None
    ids = {profile.department_id}
    if profile.role == Role.DEPARTMENT_ADMIN:
        frontier = [profile.department_id]
        while frontier:
            children = list(
                Department.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
            )
            ids.update(children)
            frontier = children
    return ids


def can_see_department(user: AnyUser, department_id: int | None) -> bool:
    visible = visible_department_ids(user)
    return visible is None or (department_id is not None and department_id in visible)


def in_visible_departments(queryset: QuerySet[M], user: AnyUser) -> QuerySet[M]:
    """``queryset`` (of a model with ``department``) narrowed to the departments ``user``
    may see: the consoles' lists of notices, alerts, shelters, associations …"""
    visible = visible_department_ids(user)
    return queryset if visible is None else queryset.filter(department_id__in=visible)


def works_in(user: AnyUser, department_id: int | None) -> bool:
    """Staff (clerk or above) of that department, or above it: who may write its work."""
    return has_role(user, Role.CLERK) and can_see_department(user, department_id)


def can_browse_audit(user: AnyUser) -> bool:
    return has_role(user, Role.DEPARTMENT_ADMIN)


def can_view_resident_records(user: AnyUser) -> bool:
    profile = staff_profile_of(user)
    if profile is None:
        return False
    return profile.role == Role.SYSTEM_ADMIN or profile.department.handles_resident_records


def assignable_roles(user: AnyUser) -> list[Role]:
    """Roles this person may give others: a system admin any; a department admin only the
    roles below their own (so they can never act on a peer); nobody else any."""
    profile = staff_profile_of(user)
    if profile is None:
        return []
    if profile.role == Role.SYSTEM_ADMIN:
        return list(Role)
    if profile.role == Role.DEPARTMENT_ADMIN:
        return [Role.CLERK, Role.SUPERVISOR]
    return []


def can_manage_staff(user: AnyUser) -> bool:
    return has_role(user, Role.DEPARTMENT_ADMIN)


def can_manage_staff_member(user: AnyUser, target: User) -> bool:
    """Object-level check: an admin manages staff of the departments they can see, never
    themselves, and never someone who outranks the roles they may assign."""
    target_profile = staff_profile_of(target)
    if target_profile is None or target.pk == getattr(user, "pk", None):
        return False
    return (
        can_manage_staff(user)
        and can_see_department(user, target_profile.department_id)
        and Role(target_profile.role) in assignable_roles(user)
    )


def can_refund_payment(user: AnyUser, department_id: int | None) -> bool:
    """Refunds (返金) move money out: supervisors and above, for their own departments."""
    return has_role(user, Role.SUPERVISOR) and can_see_department(user, department_id)
