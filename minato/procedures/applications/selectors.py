"""Reads for applications: a resident's own, and the staff queue."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from minato.accounts.models import User
from minato.procedures.forms.schema import FormDefinition, parse_definition
from minato.procedures.models import Application, Attachment


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


def live_draft(*, procedure: Any, applicant_id: int) -> Application | None:
    """The person's most recent draft of this procedure that has not expired, if any."""
    return (
        Application.objects.filter(
            procedure=procedure,
            applicant_id=applicant_id,
            status=Application.Status.DRAFT,
            draft_expires_at__gt=timezone.now(),
        )
        .order_by("-updated_at")
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
    Application.Status.AWAITING_APPROVAL,
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


# Parsed definitions of published versions, which never change. Keyed by id and
# publication time: a test database can reuse an id after a rollback.
_PARSED: dict[tuple[int, Any], FormDefinition] = {}


def definition_of(application: Application) -> FormDefinition:
    version = application.form_version
    key = (version.pk, version.published_at)
    parsed = _PARSED.get(key)
    if parsed is None:
        if len(_PARSED) > 1000:
            _PARSED.clear()
        parsed = _PARSED[key] = parse_definition(version.definition)
    return parsed
