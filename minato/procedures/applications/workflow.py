"""Staff workflow: who may move an application from which state to which, and the moves.

States: submitted → received → in review → (awaiting approval, when a clerk sends it to a
supervisor) → returned (the resident corrects and resubmits) or approved / rejected →
completed. Each move is checked against the staff member's role and
department, made under a row lock with an optimistic version check, shown on the applicant's
timeline, audited, and notified to the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minato.accounts import permissions
from minato.accounts.models import Role, User
from minato.core import audit
from minato.notifications.services import notify
from minato.procedures import payables
from minato.procedures.models import (
    DEFAULT_MESSAGES,
    Application,
    ApplicationEvent,
    ApplicationNote,
    Procedure,
)

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
        # A clerk cannot approve: they send their review to a supervisor, whose queue shows it.
        Transition(
            "send_for_approval",
            _("Send for approval"),
            frozenset({S.IN_REVIEW}),
            S.AWAITING_APPROVAL,
            Role.CLERK,
        ),
        # Without a message the applicant reads DEFAULT_MESSAGES[returned], in their language.
        Transition(
            "return",
            _("Return for correction"),
            frozenset({S.IN_REVIEW, S.AWAITING_APPROVAL}),
            S.RETURNED,
            Role.CLERK,
        ),
        # A supervisor may also decide on an application they reviewed themselves.
        Transition(
            "approve",
            _("Approve"),
            frozenset({S.IN_REVIEW, S.AWAITING_APPROVAL}),
            S.APPROVED,
            Role.SUPERVISOR,
        ),
        # A refusal must give the applicant its reasons (行政手続法 第8条).
        Transition(
            "reject",
            _("Reject"),
            frozenset({S.IN_REVIEW, S.AWAITING_APPROVAL}),
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
    """A move the rules refuse; the message (in the active language) is safe to show."""

    code = "not_allowed"


class MessageRequired(WorkflowError):
    code = "message_required"


class PaymentRequired(WorkflowError):
    """The procedure's payment timing holds this move until the fee is paid."""

    code = "payment_required"


class StaleApplication(WorkflowError):
    """Someone else changed the application since this person loaded it."""

    code = "stale"


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


# The moves each payment timing holds until the fee is paid (Procedure.payment_timing):
# paid when applying, nothing is processed before it; paid once approved, or at the counter,
# the application is not completed before it.
PT = Procedure.PaymentTiming
HELD_UNTIL_PAID = {
    PT.BEFORE_PROCESSING: {"review", "send_for_approval", "approve", "complete"},
    PT.AFTER_APPROVAL: {"complete"},
    PT.AT_COUNTER: {"complete"},
}


def payment_holds(application: Application, transitions: list[Transition]) -> dict[str, str]:
    """The moves among ``transitions`` that wait for the fee, each with the reason (in the
    active language). Asks payments at most once, and only when a move is held."""
    procedure = application.procedure
    held = [t for t in transitions if t.action in HELD_UNTIL_PAID[PT(procedure.payment_timing)]]
    if not held or procedure.fee_type == Procedure.FeeType.NONE:
        return {}
    amount = payables.amount_due(application)
    if amount is None and procedure.fee_type == Procedure.FeeType.ASSESSED:
        reason = gettext(
            "the fee has not been set yet: set it on the payments page and take the payment."
        )
    elif not amount or payables.is_paid(application):
        return {}
    elif procedure.payment_timing == PT.AT_COUNTER:
        reason = gettext(
            "the fee has not been paid yet. Record the counter payment on the payments page."
        )
    elif procedure.payment_timing == PT.AFTER_APPROVAL:
        reason = gettext(
            "the fee has not been paid yet. The applicant pays it online now that it is "
            "approved, or you record a counter payment."
        )
    else:
        reason = gettext(
            "the fee has not been paid yet. This procedure's fee is paid when applying: the "
            "applicant pays online, or you record a counter payment."
        )
    return {t.action: reason for t in held}


def _locked(application: Application, expected_version: int) -> Application:
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("procedure", "applicant")
        .get(pk=application.pk)
    )
    if current.version != expected_version:
        raise StaleApplication(
            gettext("Someone else changed the application since you loaded it; reload it.")
        )
    return current


@transaction.atomic
def application_transition(
    *, application: Application, action: str, staff: User, expected_version: int, message: str = ""
) -> Application:
    """Move an application along the workflow (TRANSITIONS), as ``staff`` saw it at
    ``expected_version``; tell the applicant. Raises WorkflowError (StaleApplication,
    MessageRequired) with a reason in the active language."""
    transition = TRANSITIONS.get(action)
    if transition is None or not can_handle(staff, application):
        raise WorkflowError(gettext("You may not change this application."))
    current = _locked(application, expected_version)
    if transition not in available_transitions(staff, current):
        raise WorkflowError(
            gettext(
                "This action is not possible at this stage of the application, or for your role."
            )
        )
    held = payment_holds(current, [transition])
    if held:
        raise PaymentRequired(
            gettext("%(action)s: %(reason)s")
            % {"action": transition.label, "reason": held[transition.action]}
        )
    message = message.strip()
    if transition.needs_message and not message:
        raise MessageRequired(gettext("Write a message to the applicant."))
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
    # The status's name (and a default message) in the applicant's language, not the staff
    # member's.
    language = getattr(getattr(current.applicant, "profile", None), "preferred_language", "ja")
    with translation.override(language or "ja"):
        status_label = str(current.get_status_display())
        text = message or str(DEFAULT_MESSAGES.get(current.status, ""))  # type: ignore[call-overload]
    notify(
        recipient=current.applicant,
        template_key="procedures/application_status",
        context={"reference": current.reference, "status": status_label, "message": text},
        reference=f"procedures.application:{current.reference}",
    )
    return current


@transaction.atomic
def application_assign(
    *, application: Application, assignee: User | None, staff: User, expected_version: int
) -> Application:
    """Give the application to a member of its department (None: to no one). The
    applicant sees that it was assigned in 「閲覧履歴」, not to whom."""
    if not can_handle(staff, application) or (
        assignee is not None and not can_handle(assignee, application)
    ):
        raise WorkflowError(gettext("You may not change this application."))
    current = _locked(application, expected_version)
    old = current.assignee_id
    current.assignee = assignee
    current.version += 1
    current.save(update_fields=["assignee", "version", "updated_at"])
    audit.record(
        action="procedures.application_assigned",
        obj=current,
        subject_id=current.applicant_id,
        department_id=current.department_id,
        changes={"assignee_id": [old, assignee.pk if assignee else None]},
    )
    return current


@transaction.atomic
def application_note_add(*, application: Application, staff: User, body: str) -> ApplicationNote:
    """Add an internal note. Notes are the department's working papers: never shown to the
    applicant, and so not in their 「閲覧履歴」 either (the event names no subject)."""
    if not can_handle(staff, application) or not body.strip():
        raise WorkflowError(gettext("You may not change this application."))
    note = ApplicationNote.objects.create(application=application, author=staff, body=body.strip())
    audit.record(
        action="procedures.application_note_added",
        obj=application,
        department_id=application.department_id,
        changes={"note": [None, note.pk]},
    )
    return note
