"""Writes for counter visits (書かない窓口): a resident prepares one visit for the counter
procedures of their checklist; the clerk opens it from its QR code or code, corrects the
details with them, prints the filled forms for signature and finishes it. Every staff step is
audited with the resident as subject, so they see it in 閲覧履歴."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minato.core import audit
from minato.core.references import new_reference
from minato.navigator.guide.schema import PERSON_FIELDS, parse_guide
from minato.navigator.guide.selectors import answer_text
from minato.navigator.models import Checklist, Visit
from minato.procedures.applications import services as applications
from minato.procedures.forms import selectors as form_selectors

VISIT_LIFETIME = timedelta(days=30)
QR_PREFIX = "MINATO-VISIT:"
SIGNING_SALT = "minato.navigator.visit"
MAX_DETAIL_LENGTH = 200


class VisitError(Exception):
    """A visit action that cannot be done, with a message for the person."""


def qr_payload(visit: Visit) -> str:
    """What the visit's QR code holds: its id, signed and timestamped. Only the console
    opens it, and only until the visit expires."""
    return QR_PREFIX + signing.TimestampSigner(salt=SIGNING_SALT).sign(str(visit.public_id))


def person_details(person: Any) -> dict[str, str]:
    profile = getattr(person, "profile", None) if person is not None else None
    if profile is None:
        return {}
    birth_date = getattr(profile, "birth_date", None)
    address = f"{profile.prefecture}{profile.city}{profile.address_line}"
    return {
        "family_name": profile.family_name or "",
        "given_name": profile.given_name or "",
        "family_name_kana": profile.family_name_kana or "",
        "given_name_kana": profile.given_name_kana or "",
        "birth_date": birth_date.isoformat() if birth_date else "",
        "phone": profile.phone or "",
        "address": address if profile.city else "",
    }


def _initial_details(checklist: Checklist) -> dict[str, str]:
    """Every detail a form of the visit may show: the person's (from the profile when the
    checklist is saved to an account, else blank for the clerk to fill) and the answers, as
    Japanese text (the forms are in Japanese)."""
    details = {field: "" for field in PERSON_FIELDS}
    details.update(person_details(checklist.owner))
    definition = parse_guide(checklist.guide.definition)
    # Questions a counter form shows or fills are kept even when not answered (an optional
    # new address), so that the clerk can fill them in with the resident.
    needed = {
        name
        for item in checklist.items
        if item["where"] == "counter"
        for name in [*item["uses"], *item["prefill"].values()]
    }
    with translation.override("ja"):
        for question in definition.questions:
            if question.id in checklist.answers:
                details[question.id] = answer_text(question, checklist.answers, "ja")
            elif question.id in needed:
                details[question.id] = ""
    return details


@transaction.atomic
def visit_prepare(*, checklist: Checklist) -> Visit:
    """The checklist's counter visit: the one prepared already while it lasts, or a new one."""
    if not any(item["where"] == "counter" for item in checklist.items):
        raise VisitError(_("Nothing on this checklist is done at a ward counter."))
    existing = Visit.objects.select_for_update().filter(checklist=checklist).first()
    if existing is not None and existing.expires_at > timezone.now():
        return existing
    if existing is not None:
        existing.delete()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                visit = Visit.objects.create(
                    code=new_reference(8),
                    checklist=checklist,
                    details=_initial_details(checklist),
                    expires_at=timezone.now() + VISIT_LIFETIME,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 31**8 codes
        raise VisitError(_("Try again."))
    audit.record(
        action="navigator.visit_prepared",
        obj=visit,
        subject_id=checklist.owner_id,
        changes={"status": [None, visit.status]},
    )
    return visit


def _staff_event(visit: Visit, action: str, changes: dict[str, Any], department_id: Any) -> None:
    audit.record(
        action=action,
        obj=visit,
        subject_id=visit.checklist.owner_id,
        department_id=department_id,
        changes=changes,
    )


@transaction.atomic
def visit_open(*, visit: Visit, department_id: int | None) -> Visit:
    """The clerk opens the visit (a read of personal data: audited every time)."""
    visit = Visit.objects.select_for_update().select_related("checklist").get(pk=visit.pk)
    old = visit.status
    if visit.status == Visit.Status.PREPARED:
        visit.status = Visit.Status.AT_COUNTER
        visit.opened_at = timezone.now()
        visit.save(update_fields=["status", "opened_at", "updated_at"])
    _staff_event(visit, "navigator.visit_opened", {"status": [old, visit.status]}, department_id)
    return visit


@transaction.atomic
def visit_correct(*, visit: Visit, details: dict[str, str], department_id: int | None) -> Visit:
    """Change details with the resident at the counter. Only known details; the audit event
    names the fields changed, never their values."""
    visit = Visit.objects.select_for_update().select_related("checklist").get(pk=visit.pk)
    if visit.status == Visit.Status.COMPLETED:
        raise VisitError(_("This visit is finished: its forms can no longer be changed."))
    unknown = set(details) - set(visit.details)
    if unknown:
        raise VisitError(_("Unknown details: %(names)s") % {"names": ", ".join(sorted(unknown))})
    changed = {}
    for key, value in details.items():
        value = value.strip()
        if len(value) > MAX_DETAIL_LENGTH:
            raise VisitError(_("Each detail can be at most 200 characters."))
        if visit.details.get(key, "") != value:
            changed[key] = ["…", "…"]
            visit.details[key] = value
    if changed:
        visit.save(update_fields=["details", "updated_at"])
        _staff_event(visit, "navigator.visit_corrected", changed, department_id)
    return visit


@transaction.atomic
def visit_printed(*, visit: Visit, department_id: int | None) -> None:
    _staff_event(visit, "navigator.visit_printed", {"printed": [None, True]}, department_id)


@transaction.atomic
def visit_complete(*, visit: Visit, department_id: int | None) -> Visit:
    visit = Visit.objects.select_for_update().select_related("checklist").get(pk=visit.pk)
    if visit.status == Visit.Status.COMPLETED:
        return visit
    old = visit.status
    visit.status = Visit.Status.COMPLETED
    visit.completed_at = timezone.now()
    visit.save(update_fields=["status", "completed_at", "updated_at"])
    _staff_event(visit, "navigator.visit_completed", {"status": [old, visit.status]}, department_id)
    return visit


def _form_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [question for page in definition.get("pages", []) for question in page["questions"]]


def counter_answers(
    *, definition: dict[str, Any], visit: Visit, item: dict[str, Any]
) -> dict[str, Any]:
    """A procedure form's answers from the visit: questions that take a person's detail
    (``prefill``) get the visit's corrected one, the item's ``prefill`` map gives the rest
    (a choice the raw answer, anything else the corrected text)."""
    details = visit.details
    raw = visit.checklist.answers
    answers: dict[str, Any] = {}
    for form_item in _form_questions(definition):
        source = form_item.get("prefill")
        if source == "name":
            answers[form_item["id"]] = {part: details.get(part, "") for part in PERSON_FIELDS[:4]}
        elif source in PERSON_FIELDS and details.get(source):
            answers[form_item["id"]] = details[source]
        elif source == "email" and visit.checklist.owner is not None:
            answers[form_item["id"]] = visit.checklist.owner.email
    guide = parse_guide(visit.checklist.guide.definition)
    for form_question, guide_question in item.get("prefill", {}).items():
        question = guide.question(guide_question)
        if question is not None and question.type in ("choice", "multichoice", "yesno"):
            # An option's value, which the clerk does not edit (the details show its label).
            answers[form_question] = raw.get(guide_question)
        else:
            answers[form_question] = details.get(guide_question, "")
    return answers


@transaction.atomic
def visit_item_record(*, visit: Visit, key: str, department_id: int | None) -> str:
    """Record one counter procedure of the visit as an application in the normal staff
    workflow (its queue, hand-off and notifications), submitted for the resident with the
    visit's details. Returns its 申請番号; recording it again returns the same one."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("checklist__owner")
        .get(pk=visit.pk)
    )
    item = next(
        (i for i in visit.checklist.items if i["key"] == key and i["where"] == "counter"), None
    )
    if item is None:
        raise VisitError(_("That procedure is not done at the counter in this visit."))
    if key in visit.applications:
        return str(visit.applications[key])
    if visit.status == Visit.Status.COMPLETED:
        raise VisitError(_("This visit is finished: its forms can no longer be changed."))
    owner = visit.checklist.owner
    if owner is None:
        raise VisitError(
            _("The resident has no account here: the signed paper form is the record.")
        )
    version = form_selectors.current_form_of(item.get("procedure") or "")
    if version is None:
        raise VisitError(_("This procedure has no form here: the signed paper form is the record."))
    answers = counter_answers(definition=version.definition, visit=visit, item=item)
    try:
        application = applications.application_create_and_submit(
            procedure=version.procedure, form_version=version, applicant=owner, answers=answers
        )
    except applications.ApplicationIncomplete as exc:
        raise VisitError(
            _("Correct these details first: %(fields)s") % {"fields": ", ".join(sorted(exc.errors))}
        ) from None
    except (applications.NotEligible, applications.NotAllowed):
        raise VisitError(_("This form cannot be recorded for the resident.")) from None
    visit.applications[key] = application.reference
    visit.save(update_fields=["applications", "updated_at"])
    _staff_event(
        visit,
        "navigator.visit_recorded",
        {key: [None, application.reference]},
        department_id,
    )
    return str(application.reference)


@transaction.atomic
def visits_delete_expired() -> int:
    """Delete visits past their time: their details copy the resident's name, birth date,
    address and phone, which are kept no longer than the visit is useful."""
    expired = list(Visit.objects.filter(expires_at__lte=timezone.now()).select_related("checklist"))
    for visit in expired:
        audit.record(
            action="navigator.visit_deleted",
            obj=visit,
            subject_id=visit.checklist.owner_id,
            changes={"status": [visit.status, None]},
        )
    Visit.objects.filter(pk__in=[visit.pk for visit in expired]).delete()
    return len(expired)
