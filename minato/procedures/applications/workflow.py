"""Staff workflow: who may move an application from which state to which, and the moves.

States: submitted → received → in review → returned (the resident corrects and resubmits)
or approved / rejected → completed. Each move is checked against the staff member's role and
department, made under a row lock with an optimistic version check, shown on the applicant's
timeline, audited, and notified to the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from minato.accounts import permissions
from minato.accounts.models import Role, User
from minato.core import audit
from minato.notifications.services import notify
from minato.procedures.models import Application, ApplicationEvent, ApplicationNote

S = Application.Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str
    minimum_role: str
    needs_message: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            "receive", _("Mark as received"), frozenset({S.SUBMITTED}), S.RECEIVED, Role.CLERK
        ),
        Transition("review", _("Start review"), frozenset({S.RECEIVED}), S.IN_REVIEW, Role.CLERK),
        Transition(
            "return",
            _("Return for correction"),
            frozenset({S.IN_REVIEW}),
            S.RETURNED,
            Role.CLERK,
            needs_message=True,
        ),
        Transition("approve", _("Approve"), frozenset({S.IN_REVIEW}), S.APPROVED, Role.SUPERVISOR),
        Transition(
            "reject",
            _("Reject"),
            frozenset({S.IN_REVIEW}),
            S.REJECTED,
            Role.SUPERVISOR,
            needs_message=True,
        ),
        Transition(
            "complete", _("Mark as completed"), frozenset({S.APPROVED}), S.COMPLETED, Role.CLERK
        ),
    ]
}


class WorkflowError(Exception):
    pass


class StaleApplication(WorkflowError):
    """Someone else changed the application since this person loaded it."""


def can_handle(staff: User, application: Application) -> bool:
    return permissions.can_see_department(staff, application.department_id)


def available_transitions(staff: User, application: Application) -> list[Transition]:
    if not can_handle(staff, application):
        return []
    return [
        t
        for t in TRANSITIONS.values()
        if application.status in t.sources and permissions.has_role(staff, t.minimum_role)
    ]


def _locked(application: Application, expected_version: int) -> Application:
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("procedure", "applicant")
        .get(pk=application.pk)
    )
    if current.version != expected_version:
        raise StaleApplication("The application was changed by someone else; reload it.")
    return current


@transaction.atomic
def application_transition(
    *, application: Application, action: str, staff: User, expected_version: int, message: str = ""
) -> Application:
    transition = TRANSITIONS.get(action)
    if transition is None or not can_handle(staff, application):
        raise WorkflowError("Not allowed")
    current = _locked(application, expected_version)
    if transition not in available_transitions(staff, current):
        raise WorkflowError("This action is not possible for this application or role")
    message = message.strip()
    if transition.needs_message and not message:
        raise WorkflowError("Write a message to the applicant")
    old = current.status
    current.status = transition.target
    current.version += 1
    current.save(update_fields=["status", "version", "updated_at"])
    ApplicationEvent.objects.create(
        application=current,
        from_status=old,
        to_status=current.status,
        message=message,
        actor_id=staff.pk,
    )
    audit.record(
        action=f"procedures.application_{transition.target}",
        obj=current,
        subject_id=current.applicant_id,
        department_id=current.department_id,
        changes={"status": [old, current.status]},
    )
    # The status's name in the applicant's language, not the staff member's.
    language = getattr(getattr(current.applicant, "profile", None), "preferred_language", "ja")
    with translation.override(language or "ja"):
        status_label = str(current.get_status_display())
    notify(
        recipient=current.applicant,
        template_key="procedures/application_status",
        context={"reference": current.reference, "status": status_label, "message": message},
        reference=f"procedures.application:{current.reference}",
    )
    return current


@transaction.atomic
def application_assign(
    *, application: Application, assignee: User | None, staff: User, expected_version: int
) -> Application:
    if not can_handle(staff, application) or (
        assignee is not None and not can_handle(assignee, application)
    ):
        raise WorkflowError("Not allowed")
    current = _locked(application, expected_version)
    old = current.assignee_id
    current.assignee = assignee
    current.version += 1
    current.save(update_fields=["assignee", "version", "updated_at"])
    audit.record(
        action="procedures.application_assigned",
        obj=current,
        department_id=current.department_id,
        changes={"assignee_id": [old, assignee.pk if assignee else None]},
    )
    return current


@transaction.atomic
def application_note_add(*, application: Application, staff: User, body: str) -> ApplicationNote:
    if not can_handle(staff, application) or not body.strip():
        raise WorkflowError("Not allowed")
    note = ApplicationNote.objects.create(application=application, author=staff, body=body.strip())
    audit.record(
        action="procedures.application_note_added",
        obj=application,
        department_id=application.department_id,
        changes={"note": [None, note.pk]},
    )
    return note
