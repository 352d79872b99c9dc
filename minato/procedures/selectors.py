"""Reads for the procedure catalogue: Japanese-aware search and the plan's KPI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from minato.accounts.models import User
from minato.procedures import search
from minato.procedures.models import (
    Application,
    Attachment,
    Category,
    FormVersion,
    HandoffEndpoint,
    LifeEvent,
    Procedure,
)


def published_procedures() -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_published=True)
        .select_related("department")
        .prefetch_related("categories", "life_events")
    )


def current_form_of(slug: str) -> FormVersion | None:
    """The current form version of a published procedure, with its procedure in the same
    query — what applying through the API needs. ``version.procedure.has_active_handoff``
    says whether submitting must queue a hand-off, so it need not look one up."""
    version = (
        FormVersion.objects.filter(procedure__is_published=True, procedure__slug=slug[:80])
        .select_related("procedure__department")
        .annotate(
            has_active_handoff=Exists(
                HandoffEndpoint.objects.filter(procedure=OuterRef("procedure_id"), is_active=True)
            )
        )
        .order_by("-version")
        .first()
    )
    if version is not None:
        version.procedure.has_active_handoff = version.has_active_handoff  # type: ignore[attr-defined]
    return version


def procedures_search(
    *, query: str = "", category: str = "", life_event: str = ""
) -> QuerySet[Procedure]:
    """Published procedures matching every term of the query (by text or by reading)."""
    procedures = published_procedures()
    for text, reading in search.query_terms(query):
        match = Q(search_text__contains=text)
        if len(reading) >= 2:
            match |= Q(search_reading__contains=reading)
        procedures = procedures.filter(match)
    if category:
        procedures = procedures.filter(categories__code=category)
    if life_event:
        procedures = procedures.filter(life_events__code=life_event)
    return procedures.distinct().order_by("slug")


@dataclass(frozen=True)
class OnlineShare:
    """KPI of initiative 1: procedures online, of those the law allows online."""

    online: int
    eligible: int
    kept_offline_by_law: int

    @property
    def percent(self) -> float:
        return round(100 * self.online / self.eligible, 1) if self.eligible else 0.0


def online_share() -> OnlineShare:
    counts = Procedure.objects.filter(is_published=True).aggregate(
        online=Count("pk", filter=Q(availability=Procedure.Availability.ONLINE)),
        not_yet=Count("pk", filter=Q(availability=Procedure.Availability.NOT_YET_ONLINE)),
        by_law=Count("pk", filter=Q(availability=Procedure.Availability.COUNTER_BY_LAW)),
    )
    return OnlineShare(
        online=counts["online"],
        eligible=counts["online"] + counts["not_yet"],
        kept_offline_by_law=counts["by_law"],
    )


def categories_with_counts() -> QuerySet[Category]:
    return Category.objects.annotate(
        published=Count("procedures", filter=Q(procedures__is_published=True))
    ).filter(published__gt=0)


def life_events_with_counts() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(
        published=Count("procedures", filter=Q(procedures__is_published=True))
    ).filter(published__gt=0)


def current_form_version(procedure: Procedure) -> FormVersion | None:
    return procedure.form_versions.order_by("-version").first()


def applications_of(*, applicant_id: int) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant_id=applicant_id)
        .exclude(status=Application.Status.DRAFT, draft_expires_at__lt=timezone.now())
        .select_related("procedure")
        .order_by("-created_at")
    )


def own_draft(*, public_id: Any, applicant_id: int) -> Application | None:
    """An application of this person's that they may edit: a live draft, or one returned for
    correction. Another person's id, or an expired draft, is None (404)."""
    return (
        Application.objects.filter(public_id=public_id, applicant_id=applicant_id)
        .filter(
            Q(status=Application.Status.DRAFT, draft_expires_at__gt=timezone.now())
            | Q(status=Application.Status.RETURNED)
        )
        .select_related("procedure", "form_version")
        .first()
    )


def own_application(*, reference: str, applicant_id: int) -> Application | None:
    return (
        Application.objects.filter(reference=reference, applicant_id=applicant_id)
        .select_related("procedure", "form_version")
        .prefetch_related("events")
        .first()
    )


def own_submitted(*, public_id: Any, applicant_id: int) -> Application | None:
    return (
        Application.objects.filter(public_id=public_id, applicant_id=applicant_id)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.RETURNED])
        .first()
    )


def staff_queue(
    *,
    department_ids: set[int] | None,
    status: str = "",
    procedure: str = "",
    assignee_id: int | None = None,
    unassigned: bool = False,
    overdue: bool = False,
    date_from: Any = None,
    date_to: Any = None,
) -> QuerySet[Application]:
    """Submitted applications of the given departments (None: all), oldest due first.

    The query's shape does not depend on the data: one query for the page, one for the
    (capped) count; a test checks the number of queries does not grow."""
    items = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .select_related("procedure", "assignee")
        .order_by("due_date", "submitted_at")
    )
    if department_ids is not None:
        items = items.filter(department_id__in=department_ids)
    if status:
        items = items.filter(status=status)
    if procedure:
        items = items.filter(procedure__slug=procedure)
    if assignee_id:
        items = items.filter(assignee_id=assignee_id)
    if unassigned:
        items = items.filter(assignee__isnull=True)
    if overdue:
        items = items.filter(due_date__lt=timezone.localdate(), status__in=OPEN_FOR_QUEUE)
    if date_from:
        items = items.filter(submitted_at__date__gte=date_from)
    if date_to:
        items = items.filter(submitted_at__date__lte=date_to)
    return items


OPEN_FOR_QUEUE = (
    Application.Status.SUBMITTED,
    Application.Status.RECEIVED,
    Application.Status.IN_REVIEW,
    Application.Status.RETURNED,
    Application.Status.APPROVED,
)


def department_staff(*, department_id: int) -> QuerySet[User]:
    """The staff of one department: who an application can be assigned to."""
    return User.objects.filter(
        kind=User.Kind.STAFF, staff_profile__department_id=department_id
    ).order_by("display_name")


def staff_of_departments(*, department_ids: set[int] | None) -> QuerySet[User]:
    """Staff who can be assignees in these departments (None: every department)."""
    staff = User.objects.filter(kind=User.Kind.STAFF, staff_profile__isnull=False)
    if department_ids is not None:
        staff = staff.filter(staff_profile__department_id__in=department_ids)
    return staff.order_by("display_name", "email")


def own_attachment(*, public_id: Any, uploader_id: int) -> Attachment | None:
    return (
        Attachment.objects.filter(public_id=public_id, uploader_id=uploader_id)
        .select_related("application")
        .first()
    )
