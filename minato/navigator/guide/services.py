"""Writes for guides and checklists: staff edit a guide; a resident's answers become a
checklist they can tick off, save to My page, start online procedures from (their answers
already in the form) and prepare a counter visit from."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.core import audit
from minato.navigator.guide.schema import (
    GuideDefinition,
    GuideError,
    Question,
    asked_questions,
    check_guide,
)
from minato.navigator.models import Checklist, Guide
from minato.procedures.applications import services as applications
from minato.procedures.forms import selectors as form_selectors

# An unsaved checklist's private link works this long; one saved to My page is kept while
# the account lives.
PRIVATE_LINK_LIFETIME = timedelta(days=180)
SAVED_LIFETIME = timedelta(days=3650)


class ChecklistError(Exception):
    """A checklist action that cannot be done, with a message for the resident."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def guide_upsert(
    *,
    slug: str,
    name: dict[str, str],
    summary: dict[str, str],
    definition: dict[str, Any],
    sort_order: int = 0,
    is_published: bool = True,
) -> Guide:
    """Create or change a guide; the definition is checked first, and a change raises its
    version (checklists made before keep their items)."""
    try:
        check_guide(definition)
    except GuideError as exc:
        raise ValidationError({"definition": exc.problems}) from None
    if not str(name.get("ja", "")).strip():
        raise ValidationError({"name": _("Enter the name in Japanese.")})
    guide = Guide.objects.select_for_update().filter(slug=slug).first()
    if guide is None:
        guide = Guide.objects.create(
            slug=slug,
            name=name,
            summary=summary,
            definition=definition,
            sort_order=sort_order,
            is_published=is_published,
        )
        audit.record(action="navigator.guide_created", obj=guide, changes={"slug": [None, slug]})
        return guide
    before = audit.snapshot(guide, ["name", "summary", "definition", "sort_order", "is_published"])
    guide.name, guide.summary, guide.definition = name, summary, definition
    guide.sort_order, guide.is_published = sort_order, is_published
    changes = audit.diff(
        before,
        audit.snapshot(guide, ["name", "summary", "definition", "sort_order", "is_published"]),
    )
    if not changes:
        return guide
    guide.version += 1
    guide.save()
    # The definition itself can be long: the event says it changed and to which version.
    if "definition" in changes:
        changes["definition"] = ["…", f"version {guide.version}"]
    audit.record(action="navigator.guide_changed", obj=guide, changes=changes)
    return guide


def clean_answers(guide: GuideDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers on the questions the answers lead through, checked for shape; answers to
    questions no longer asked are dropped. Raises ``ChecklistError`` when one is missing."""
    kept: dict[str, Any] = {}
    for question in asked_questions(guide, {**answers}):
        value = answers.get(question.id)
        if value in (None, "", []):
            if question.required:
                raise ChecklistError(_("Answer every question first."))
            continue
        if not _shape_is_right(question, value):
            raise ChecklistError(_("Answer every question first."))
        kept[question.id] = value
    return kept


def _shape_is_right(question: Question, value: Any) -> bool:
    values = {option.value for option in question.options}
    if question.type == "choice":
        return value in values
    if question.type == "multichoice":
        return isinstance(value, list) and set(value) <= values
    if question.type == "yesno":
        return value in ("yes", "no")
    if question.type == "date":
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return False
        return True
    if question.type == "number":
        return isinstance(value, int) and 0 <= value <= 99
    return isinstance(value, str) and len(value) <= 200


def checklist_items(guide: GuideDefinition, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The items the answers lead to, each with its deadline as a date, in a sensible order:
    the guide's order, then the earliest deadline."""
    items = []
    for item in guide.items:
        if not item.applies(answers):
            continue
        due = None
        if item.deadline is not None and answers.get(item.deadline.from_question):
            start = date.fromisoformat(answers[item.deadline.from_question])
            due = (start + timedelta(days=item.deadline.days)).isoformat()
        data = item.model_dump(by_alias=True)
        data["due"] = due
        items.append(data)
    items.sort(key=lambda entry: (entry["order"], entry["due"] or "9999"))
    return items


@transaction.atomic
def checklist_create(
    *, guide: Guide, answers: dict[str, Any], owner: Any = None
) -> tuple[Checklist, str]:
    """A checklist from a complete set of answers. Returns it with its private link's token,
    which is not stored (only its hash) and so is shown this once."""
    definition = check_guide(guide.definition)
    kept = clean_answers(definition, answers)
    token = secrets.token_urlsafe(24)
    checklist = Checklist.objects.create(
        token_hash=token_hash(token),
        guide=guide,
        guide_version=guide.version,
        answers=kept,
        items=checklist_items(definition, kept),
        owner=owner if getattr(owner, "is_authenticated", False) else None,
        expires_at=timezone.now()
        + (SAVED_LIFETIME if getattr(owner, "is_authenticated", False) else PRIVATE_LINK_LIFETIME),
    )
    audit.record(
        action="navigator.checklist_created",
        obj=checklist,
        subject_id=checklist.owner_id,
        # How many items, never which or the answers: they can say a death, a divorce or a
        # pregnancy, and the audit log outlives the checklist.
        changes={"items": [None, len(checklist.items)]},
    )
    return checklist, token


@transaction.atomic
def checklist_save(*, checklist: Checklist, owner: Any) -> Checklist:
    """Keep the checklist on this resident's My page (it no longer expires with its link)."""
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    if checklist.owner_id not in (None, owner.pk):
        raise ChecklistError(_("This checklist is kept by another account."))
    if checklist.owner_id == owner.pk:
        return checklist
    checklist.owner = owner
    checklist.expires_at = timezone.now() + SAVED_LIFETIME
    # The private link stops working: from now on the checklist opens from My page only, so
    # a link shared or left in a browser's history no longer shows it.
    checklist.token_hash = token_hash(secrets.token_urlsafe(24))
    checklist.save(update_fields=["owner", "expires_at", "token_hash", "updated_at"])
    audit.record(
        action="navigator.checklist_saved",
        obj=checklist,
        subject_id=owner.pk,
        changes={"owner": [None, owner.pk]},
    )
    return checklist


@transaction.atomic
def checklist_tick(*, checklist: Checklist, key: str, done: bool) -> Checklist:
    """Mark one item done or not done."""
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    if key not in {item["key"] for item in checklist.items}:
        raise ChecklistError(_("That item is not on this checklist."))
    was = key in checklist.done
    if was == done:
        return checklist
    checklist.done = [*checklist.done, key] if done else [k for k in checklist.done if k != key]
    checklist.save(update_fields=["done", "updated_at"])
    audit.record(
        action="navigator.checklist_ticked",
        obj=checklist,
        subject_id=checklist.owner_id,
        changes={"done": [len(checklist.done) - (1 if done else -1), len(checklist.done)]},
    )
    return checklist


def online_item(checklist: Checklist, key: str) -> dict[str, Any]:
    item = next((item for item in checklist.items if item["key"] == key), None)
    if item is None or item["where"] != "online":
        raise ChecklistError(_("That item is not done online."))
    return item


@transaction.atomic
def checklist_start_online(*, checklist: Checklist, key: str, applicant: Any) -> Any:
    """Start (or resume) the online application of one item, its form already holding the
    answers the item maps from the questionnaire and those the profile gives. The same
    procedures as the catalogue's "Apply online": published, online, with a form."""
    item = online_item(checklist, key)
    version = form_selectors.current_form_of(item["procedure"])
    if version is None or version.procedure.availability != "online":
        raise ChecklistError(_("This procedure cannot be done online at the moment."))
    answers = {
        form_question: checklist.answers[source]
        for form_question, source in item["prefill"].items()
        if source in checklist.answers
    }
    return applications.application_start(
        procedure=version.procedure,
        form_version=version,
        applicant=applicant,
        answers=answers,
    )


@transaction.atomic
def checklists_delete_expired() -> int:
    """Delete checklists whose link has expired, with their visits: the answers can say a
    death, a divorce or a pregnancy, and are kept no longer than needed."""
    expired = list(Checklist.objects.filter(expires_at__lte=timezone.now()))
    for checklist in expired:
        audit.record(
            action="navigator.checklist_deleted",
            obj=checklist,
            subject_id=checklist.owner_id,
            changes={"expires_at": [checklist.expires_at.isoformat(), None]},
        )
    Checklist.objects.filter(pk__in=[checklist.pk for checklist in expired]).delete()
    return len(expired)
