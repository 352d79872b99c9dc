"""Writes for applications and form versions: start, save a page, submit, withdraw.

Everything here runs in a transaction and is audited. Answers are personal data: audit
events name the questions that changed, never the answers themselves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from minato.accounts import permissions
from minato.core import audit, context, references
from minato.core.business_days import add_business_days
from minato.notifications.services import notify
from minato.procedures.applications.attachments import (
    attachment_names,
    claim_attachments,
    delete_files_of,
    drop_replaced_attachments,
)
from minato.procedures.applications.selectors import definition_of
from minato.procedures.forms.answers import route, validate_all
from minato.procedures.forms.fees import fee_lines, fee_total
from minato.procedures.forms.schema import FormDefinition, parse_definition
from minato.procedures.handoff.services import queue_handoff
from minato.procedures.models import Application, ApplicationEvent, FormVersion, Procedure

REFERENCE_LENGTH = 8
DRAFT_LIFETIME = timedelta(days=30)
WITHDRAWABLE = {Application.Status.SUBMITTED, Application.Status.RECEIVED}
# A draft, or an application staff returned for correction (差戻し), can be edited.
EDITABLE = {Application.Status.DRAFT, Application.Status.RETURNED}


class ApplicationIncomplete(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The application has missing or invalid answers")
        self.errors = errors


class NotEligible(Exception):
    def __init__(self, exit_id: str) -> None:
        super().__init__(f"The answers lead to the exit page {exit_id!r}")
        self.exit_id = exit_id


class NotAllowed(Exception):
    pass


class EmailNotConfirmed(NotAllowed):
    """A resident must confirm their email address before applying (guests did, by link)."""


def _check_applicant(applicant: Any) -> None:
    if not permissions.has_confirmed_email(applicant):
        raise EmailNotConfirmed("Confirm your email address before applying")


def _event(application: Application, old: str, new: str, message: str = "") -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        from_status=old,
        to_status=new,
        message=message,
        actor_id=context.current().actor_id,
    )


def prefilled_answers(definition: FormDefinition, applicant: Any) -> dict[str, Any]:
    """Answers taken from the profile for questions that ask for them (書かない窓口: the
    resident checks them instead of typing them again)."""
    profile = getattr(applicant, "profile", None)
    known: dict[str, Any] = {"email": applicant.email}
    if profile is not None:
        known.update(
            {
                "family_name": profile.family_name,
                "given_name": profile.given_name,
                "family_name_kana": profile.family_name_kana,
                "given_name_kana": profile.given_name_kana,
                "birth_date": profile.birth_date.isoformat() if profile.birth_date else None,
                "postal_code": profile.postal_code,
                "phone": profile.phone,
                "address": f"{profile.city}{profile.address_line}"
                if profile.city == "港区"
                else f"{profile.prefecture}{profile.city}{profile.address_line}",
            }
        )
    known["name"] = (
        {
            part: known.get(part) or ""
            for part in ("family_name", "given_name", "family_name_kana", "given_name_kana")
        }
        if profile is not None
        else None
    )
    answers: dict[str, Any] = {}
    for page in definition.pages:
        for question in page.questions:
            value = known.get(question.prefill) if question.prefill else None
            if value:
                answers[question.id] = value
    return answers


@transaction.atomic
def application_start(
    *,
    procedure: Procedure,
    form_version: FormVersion,
    applicant: Any,
    discard_existing: bool = False,
    answers: dict[str, Any] | None = None,
) -> Application:
    """A draft for this person and procedure: the existing one on the current form, or new.

    With ``discard_existing`` (the resident chose 「最初から」 over 「続きから」), their live
    drafts of this procedure are deleted with their files first, and a new one is started.
    ``answers`` (from the life-event navigator's questionnaire) fill a new draft over those
    the profile gives; each page still checks them when the resident goes through it."""
    _check_applicant(applicant)
    if discard_existing:
        for old in Application.objects.select_for_update().filter(
            procedure=procedure, applicant=applicant, status=Application.Status.DRAFT
        ):
            _draft_delete(old, action="procedures.draft_discarded")
    draft = (
        Application.objects.select_for_update()
        .filter(
            procedure=procedure,
            applicant=applicant,
            status=Application.Status.DRAFT,
            form_version=form_version,
            draft_expires_at__gt=timezone.now(),
        )
        .first()
    )
    if draft is not None:
        return draft
    draft = Application.objects.create(
        procedure=procedure,
        form_version=form_version,
        applicant=applicant,
        department_id=procedure.department_id,
        draft_expires_at=timezone.now() + DRAFT_LIFETIME,
        answers={
            **prefilled_answers(parse_definition(form_version.definition), applicant),
            **(answers or {}),
        },
    )
    audit.record(
        action="procedures.application_started",
        obj=draft,
        subject_id=applicant.pk,
        department_id=procedure.department_id,
        changes={"status": [None, draft.status], "form_version": [None, form_version.version]},
    )
    return draft


def _draft_delete(draft: Application, *, action: str) -> None:
    """Delete a draft and its files (answers are personal data: nothing is kept)."""
    audit.record(
        action=action,
        obj=draft,
        subject_id=draft.applicant_id,
        department_id=draft.department_id,
        changes={"status": [draft.status, None]},
    )
    delete_files_of(draft)
    draft.delete()


@transaction.atomic
def application_save_page(*, application: Application, answers: dict[str, Any]) -> None:
    """Store one page's answers in the draft (save and return later)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE:
        raise NotAllowed("Only drafts and returned applications can be edited")
    changed = sorted(k for k, v in answers.items() if application.answers.get(k) != v)
    application.answers = {**application.answers, **answers}
    if application.status == Application.Status.DRAFT:
        application.draft_expires_at = timezone.now() + DRAFT_LIFETIME
    application.version += 1
    application.save(update_fields=["answers", "draft_expires_at", "version", "updated_at"])
    definition = definition_of(application)
    if definition.has_files():
        # A file answer replaced on this page: the old file goes now, not at submission.
        drop_replaced_attachments(application=application, definition=definition)
    if changed:
        audit.record(
            action="procedures.application_draft_saved",
            obj=application,
            subject_id=application.applicant_id,
            department_id=application.department_id,
            changes={"answered": [None, changed]},
        )


@transaction.atomic
def application_submit(*, application: Application, language: str = "ja") -> Application:
    """Submit a draft: all-or-nothing, and a second submit (a double click, a retry) returns
    the application already submitted instead of creating anything."""
    application = (
        # Lock only the application's row: every submission of a procedure joins the same
        # procedure and form-version rows, and locking those would queue them all.
        Application.objects.select_for_update(of=("self",))
        .select_related("form_version", "procedure", "applicant")
        .get(pk=application.pk)
    )
    if application.status not in EDITABLE:
        return application  # already submitted: a double click or a retry
    return _complete_submission(application, language=language)


def _complete_submission(application: Application, *, language: str) -> Application:
    """Check every answer and submit: ``application`` is a locked draft or returned
    application, or (from the API) a new one not saved yet."""
    _check_applicant(application.applicant)
    definition = definition_of(application)
    is_new = application.pk is None
    answers, errors, exit_id = validate_all(
        definition,
        application.answers,
        language,
        attachment_names=attachment_names(
            uploader_id=application.applicant_id, application=application
        )
        if definition.has_files()
        else None,
    )
    if exit_id is not None:
        raise NotEligible(exit_id)
    if errors:
        raise ApplicationIncomplete(errors)
    application.answers = answers  # only the answers on the route taken are kept
    if definition.has_fees():
        pages, _exit = route(definition, answers)
        application.fee_yen = fee_total(fee_lines(definition, pages, answers, "ja"))
    old = application.status
    if old == Application.Status.RETURNED:
        # A correction keeps its reference and its due date.
        application.status = Application.Status.SUBMITTED
        application.version += 1
        application.save(update_fields=["status", "answers", "fee_yen", "version", "updated_at"])
    else:
        _assign_reference(application)
    if definition.has_files():
        claim_attachments(application=application, definition=definition)
        drop_replaced_attachments(application=application, definition=definition)
    event = _event(application, old, Application.Status.SUBMITTED)
    if is_new:
        # Its whole timeline is this one event: answering with it needs no query.
        application._prefetched_objects_cache = {"events": [event]}  # type: ignore[attr-defined]
    # selectors.current_form_of says whether there is an endpoint; otherwise look it up.
    if getattr(application.procedure, "has_active_handoff", True):
        queue_handoff(
            application=application,
            event="application.submitted"
            if old == Application.Status.DRAFT
            else "application.resubmitted",
        )
    notify(
        recipient=application.applicant,
        template_key="procedures/application_submitted",
        context={
            "reference": application.reference,
            "procedure": application.procedure.name.get(language)
            or application.procedure.name["ja"],
            "status_url": settings.SITE_URL
            + reverse("procedures:application_detail", args=[application.reference]),
        },
        reference=f"procedures.application:{application.reference}",
    )
    audit.record(
        action="procedures.application_submitted"
        if old == Application.Status.DRAFT
        else "procedures.application_resubmitted",
        obj=application,
        subject_id=application.applicant_id,
        department_id=application.department_id,
        changes={
            "status": [old, Application.Status.SUBMITTED],
            "reference": [None, application.reference],
        },
    )
    return application


def _assign_reference(application: Application) -> None:
    submitted_at = timezone.now()
    days = application.procedure.processing_days
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application.reference = references.new_reference(REFERENCE_LENGTH)
                application.status = Application.Status.SUBMITTED
                application.submitted_at = submitted_at
                application.draft_expires_at = None
                application.due_date = (
                    add_business_days(timezone.localdate(submitted_at), days) if days else None
                )
                application.version += 1
                if application.pk is None:  # the API's new application: one INSERT
                    application.save(force_insert=True)
                else:
                    application.save(
                        update_fields=[
                            "reference",
                            "status",
                            "submitted_at",
                            "answers",
                            "fee_yen",
                            "draft_expires_at",
                            "due_date",
                            "version",
                            "updated_at",
                        ]
                    )
            return
        except IntegrityError:  # a reference already taken: draw again
            continue
    raise RuntimeError("Could not allocate a reference")  # pragma: no cover - 31^8 references


@transaction.atomic
def application_withdraw(*, application: Application) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in WITHDRAWABLE:
        raise NotAllowed("Only applications not yet in review can be withdrawn")
    old = application.status
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    _event(application, old, application.status)
    audit.record(
        action="procedures.application_withdrawn",
        obj=application,
        subject_id=application.applicant_id,
        department_id=application.department_id,
        changes={"status": [old, application.status]},
    )


@transaction.atomic(savepoint=False)  # nothing on this path carries on after an error
def application_create_and_submit(
    *,
    procedure: Procedure,
    form_version: FormVersion,
    applicant: Any,
    answers: dict[str, Any],
    language: str = "ja",
) -> Application:
    """The API's path: a complete set of answers in one request, submitted at once. The
    application is inserted once, already submitted (it never exists as a draft), so one
    audit event, ``procedures.application_submitted``, records it."""
    application = Application(
        procedure=procedure,
        form_version=form_version,
        applicant=applicant,
        department_id=procedure.department_id,
        answers=answers,
    )
    return _complete_submission(application, language=language)


def applications_viewed(*, applications: list[Application], purpose: str) -> None:
    """Audit a read of applications by staff or a business system, one event each (the
    applicant sees it in 「閲覧履歴」): answers are personal data. ``purpose`` says how they
    were read (``console``, ``print``, ``handoff_pull``). One INSERT for the lot."""
    audit.record_many(
        [
            {
                "action": "procedures.application_viewed",
                "obj": application,
                "subject_id": application.applicant_id,
                "department_id": application.department_id,
                "changes": {"purpose": [None, purpose]},
            }
            for application in applications
        ]
    )
