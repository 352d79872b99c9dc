"""Reads for guides and checklists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from minato.core.translated import localized
from minato.navigator.guide.schema import GuideDefinition, asked_questions, parse_guide
from minato.navigator.guide.services import token_hash
from minato.navigator.models import Checklist, Guide
from minato.procedures.catalogue import selectors as catalogue
from minato.procedures.forms import selectors as form_selectors


def published_guides() -> QuerySet[Guide]:
    return Guide.objects.filter(is_published=True)


def published_guide(slug: str) -> Guide | None:
    return published_guides().filter(slug=slug[:40]).first()


def definition_of(guide: Guide) -> GuideDefinition:
    return parse_guide(guide.definition)


def checklist_by_token(token: str) -> Checklist | None:
    """The checklist a private link opens; an expired or unknown link opens nothing."""
    if not token or len(token) > 64:
        return None
    return (
        Checklist.objects.filter(token_hash=token_hash(token), expires_at__gt=timezone.now())
        .select_related("guide")
        .first()
    )


def own_checklists(owner: Any) -> QuerySet[Checklist]:
    return Checklist.objects.filter(owner=owner).select_related("guide")


def own_checklist(*, public_id: Any, owner: Any) -> Checklist | None:
    return own_checklists(owner).filter(public_id=public_id).first()


@dataclass
class ItemView:
    key: str
    title: str
    where: str
    place: str
    due: date | None
    days_left: int | None
    deadline_note: str
    bring: list[str]
    fee_yen: int | None
    fee_note: str
    note: str
    done: bool
    procedure_slug: str
    procedure_name: str
    can_start_online: bool
    uses: list[str] = field(default_factory=list)


def checklist_view(checklist: Checklist, language: str) -> list[ItemView]:
    """The checklist's items as shown: translated, with days left and whether the online
    form can be started now."""
    slugs = {item["procedure"] for item in checklist.items if item["procedure"]}
    procedures = {p.slug: p for p in catalogue.published_procedures().filter(slug__in=slugs)}
    today = timezone.localdate()
    views = []
    for item in checklist.items:
        procedure = procedures.get(item["procedure"])
        due = date.fromisoformat(item["due"]) if item["due"] else None
        online = (
            item["where"] == "online"
            and procedure is not None
            and procedure.availability == procedure.Availability.ONLINE
            and form_selectors.current_form_version(procedure) is not None
        )
        views.append(
            ItemView(
                key=item["key"],
                title=localized(item["title"], language),
                where=item["where"],
                place=localized(item["place"], language),
                due=due,
                days_left=(due - today).days if due else None,
                deadline_note=localized((item.get("deadline") or {}).get("note"), language),
                bring=[localized(entry, language) for entry in item["bring"]],
                fee_yen=item["fee_yen"],
                fee_note=localized(item["fee_note"], language),
                note=localized(item["note"], language),
                done=item["key"] in checklist.done,
                procedure_slug=procedure.slug if procedure else "",
                procedure_name=localized(procedure.name, language) if procedure else "",
                can_start_online=online,
                uses=item["uses"],
            )
        )
    return views


def answer_rows(checklist: Checklist, language: str) -> list[tuple[str, str]]:
    """(question, answer) pairs as the resident gave them, translated."""
    definition = definition_of(checklist.guide)
    return [
        (localized(question.label, language), answer_text(question, checklist.answers, language))
        for question in asked_questions(definition, checklist.answers)
        if question.id in checklist.answers
    ]


def answer_text(question: Any, answers: dict[str, Any], language: str) -> str:
    value = answers.get(question.id)
    labels = {option.value: localized(option.label, language) for option in question.options}
    if question.type == "yesno":
        labels = {"yes": gettext("Yes"), "no": gettext("No")}
    if isinstance(value, list):
        return "、".join(str(labels.get(entry, entry)) for entry in value)
    if value is None:
        return ""
    return labels.get(str(value), str(value))


def all_guides() -> QuerySet[Guide]:
    """Every guide, published or not (the console)."""
    return Guide.objects.all()
