"""Reads of the circular boards: a resident's households and circulars, an officer's view of
who has read and answered, and the staff's list of associations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from minato.accounts import permissions
from minato.community.models import Association, Circular, Household, Member, Receipt


def households_of(user: Any) -> list[Household]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Household.objects.filter(members__user=user).select_related("association", "group"))


def is_officer(user: Any, association: Association) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and association.officers.filter(user=user).exists()
    )


def associations_run_by(user: Any) -> QuerySet[Association]:
    return Association.objects.filter(officers__user=user)


def association_for_officer(user: Any, slug: str) -> Association | None:
    return associations_run_by(user).filter(slug=slug).first()


def circulars_for(households: list[Household]) -> QuerySet[Circular]:
    """The circulars of these households' associations and the ward's, newest first."""
    association_ids = {h.association_id for h in households}
    if not association_ids:
        return Circular.objects.none()
    return Circular.objects.filter(
        Q(association_id__in=association_ids) | Q(association__isnull=True)
    ).select_related("association")


def households_receiving(
    user: Any, circular: Circular, households: list[Household] | None = None
) -> list[Household]:
    """The user's households (``households``, if already read) that the circular is for."""
    return [
        household
        for household in (households_of(user) if households is None else households)
        if circular.association_id in (None, household.association_id)
    ]


def receipts_of(households: list[Household], circulars: list[Circular]) -> dict[int, Receipt]:
    """For each circular, the receipt of one of these households (read, answered), if any."""
    receipts = Receipt.objects.filter(
        circular__in=circulars, household_id__in=[h.pk for h in households]
    ).order_by("read_at")
    found: dict[int, Receipt] = {}
    for receipt in receipts:
        found.setdefault(receipt.circular_id, receipt)
    return found


def recipients(circular: Circular) -> QuerySet[Household]:
    """The households a circular is for: its association's, or (the ward's) everyone's."""
    households = Household.objects.select_related("group", "association")
    if circular.association_id is None:
        return households
    return households.filter(association_id=circular.association_id)


def member_ids(circular: Circular, *, only_waiting: bool = False) -> list[int]:
    """The accounts of the people in the households a circular is for (``only_waiting``:
    whose household has not read it, or — if it asks — not answered)."""
    households = recipients(circular)
    if only_waiting:
        done = Receipt.objects.filter(circular=circular)
        if circular.asks:
            done = done.exclude(answer="")
        households = households.exclude(pk__in=done.values("household_id"))
    return list(
        Member.objects.filter(household__in=households.values("pk"))
        .values_list("user_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class HouseholdStatus:
    household: Household
    receipt: Receipt | None


@dataclass(frozen=True)
class CircularStatus:
    rows: list[HouseholdStatus]
    read: int
    answered: int
    tally: list[tuple[str, int]]  # (option, households), in the options' order

    @property
    def total(self) -> int:
        return len(self.rows)


def circular_status(circular: Circular) -> CircularStatus:
    """Each household of the list with its receipt, and the counts (officers' view)."""
    households = list(recipients(circular))
    receipts = {r.household_id: r for r in Receipt.objects.filter(circular=circular)}
    rows = [HouseholdStatus(h, receipts.get(h.pk)) for h in households]
    answers = Counter(r.answer for r in receipts.values() if r.answer)
    return CircularStatus(
        rows=rows,
        read=sum(1 for row in rows if row.receipt is not None),
        answered=sum(1 for row in rows if row.receipt is not None and row.receipt.answer),
        tally=[(option, answers.get(option, 0)) for option in circular.options],
    )


@dataclass(frozen=True)
class Counts:
    read: int
    answered: int
    total: int


def circular_counts(circulars: list[Circular]) -> dict[int, Counts]:
    """Households read, answered and in all, for a page of circulars: three queries, not
    one per circular (the board and the ward's list)."""
    done = {
        row["circular_id"]: row
        for row in Receipt.objects.filter(circular__in=circulars)
        .values("circular_id")
        .annotate(read=Count("id"), answered=Count("id", filter=~Q(answer="")))
    }
    per_association = dict(
        Household.objects.values_list("association_id").annotate(n=Count("id")).order_by()
    )
    everyone = sum(per_association.values())
    return {
        c.pk: Counts(
            read=done.get(c.pk, {}).get("read", 0),
            answered=done.get(c.pk, {}).get("answered", 0),
            total=everyone
            if c.association_id is None
            else per_association.get(c.association_id, 0),
        )
        for c in circulars
    }


def households_with_members(association: Association) -> QuerySet[Household]:
    return association.households.select_related("group").annotate(member_count=Count("members"))


def associations_for_staff(user: Any) -> QuerySet[Association]:
    associations = Association.objects.select_related("department").annotate(
        household_count=Count("households")
    )
    return permissions.in_visible_departments(associations, user)


def ward_circulars_for_staff(user: Any) -> QuerySet[Circular]:
    circulars = Circular.objects.filter(association__isnull=True).select_related("department")
    return permissions.in_visible_departments(circulars, user)


def circular_visible_to(user: Any, public_id: Any) -> Circular | None:
    """A circular the user may read: for one of their households, or run by them."""
    circular = Circular.objects.filter(public_id=public_id).select_related("association").first()
    if circular is None:
        return None
    if households_receiving(user, circular):
        return circular
    if circular.association is not None and is_officer(user, circular.association):
        return circular
    return None
