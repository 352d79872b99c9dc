"""Answers as people read them: on the check page, the application page, the staff console,
the PDF and exports. One place turns stored JSON into text so they all say the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from minato.accounts.adapters.postal import format_postal_code
from minato.core.translated import localized
from minato.core.wareki import to_wareki
from minato.procedures.forms.schema import FormDefinition, Page, Question


@dataclass(frozen=True)
class AnswerRow:
    page_id: str
    question: str
    label: str
    answer: str
    # For file answers: the attachment's id (the view turns it into a download link).
    attachment_id: str = ""


def _label(value: Any, language: str) -> str:
    return localized(value.model_dump(by_alias=True), language) if value is not None else ""


def format_answer(
    question: Question, value: Any, language: str, attachment_names: dict[str, str]
) -> str:
    labels = {o.value: _label(o.label, language) for o in question.options}
    if value in (None, "", []):
        return ""
    match question.type:
        case "yesno":
            return _("Yes") if value == "yes" else _("No") if value == "no" else ""
        case "multichoice":
            return "、".join(labels.get(v, v) for v in value or [])
        case "choice":
            return labels.get(str(value), str(value))
        case "date":
            try:
                return f"{value}（{to_wareki(date.fromisoformat(value))}）"
            except (TypeError, ValueError):
                return str(value)
        case "name":
            if not isinstance(value, dict):
                return ""
            name = f"{value.get('family_name', '')} {value.get('given_name', '')}".strip()
            kana = f"{value.get('family_name_kana', '')} {value.get('given_name_kana', '')}"
            return f"{name}（{kana.strip()}）" if kana.strip() else name
        case "postal_code":
            return format_postal_code(str(value))
        case "declaration":
            return _("Agreed")
        case "file":
            return attachment_names.get(str(value), _("A file"))
        case "group":
            return ""  # each item gets rows of its own
    return str(value)


def answer_rows(
    definition: FormDefinition,
    pages: list[Page],
    answers: dict[str, Any],
    language: str,
    attachment_names: dict[str, str] | None = None,
) -> list[AnswerRow]:
    """One row per answered question on the pages taken; a group gives a row per item."""
    names = attachment_names or {}
    rows: list[AnswerRow] = []
    for page in pages:
        for question in page.questions:
            if not question.shown(answers):
                continue
            value = answers.get(question.id)
            label = _label(question.label, language)
            if question.type == "group":
                for number, item in enumerate(value or [], start=1):
                    parts = [
                        f"{_label(child.label, language)}: "
                        f"{format_answer(child, item.get(child.id), language, names) or '–'}"
                        for child in question.questions
                    ]
                    rows.append(
                        AnswerRow(page.id, question.id, f"{label} {number}", " / ".join(parts))
                    )
                continue
            rows.append(
                AnswerRow(
                    page.id,
                    question.id,
                    label,
                    format_answer(question, value, language, names),
                    attachment_id=str(value) if question.type == "file" and value else "",
                )
            )
    return rows
