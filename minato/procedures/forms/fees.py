"""Fees worked out from the answers: each chosen option with a ``fee_yen`` is a line, times
the ``quantity`` answered beside it (in the same group item, or on the form)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from minato.core.translated import localized
from minato.procedures.forms.schema import FormDefinition, Page, Question


@dataclass(frozen=True)
class FeeLine:
    label: str
    unit_yen: int
    quantity: int
    amount_yen: int


def _lines(questions: list[Question], answers: dict[str, Any], language: str) -> list[FeeLine]:
    quantity = 1
    for question in questions:
        if question.quantity and isinstance(answers.get(question.id), int):
            quantity = max(0, answers[question.id])
    lines = []
    for question in questions:
        chosen = answers.get(question.id)
        if question.type == "choice":
            chosen = [chosen]
        elif question.type != "multichoice":
            continue
        for option in question.options:
            if option.fee_yen is not None and option.value in (chosen or []):
                label = localized(option.label.model_dump(by_alias=True), language)
                lines.append(FeeLine(label, option.fee_yen, quantity, option.fee_yen * quantity))
    return lines


def fee_lines(
    definition: FormDefinition, pages: list[Page], answers: dict[str, Any], language: str
) -> list[FeeLine]:
    """The fee lines for the pages taken (only questions shown count)."""
    shown = [q for page in pages for q in page.questions if q.shown(answers)]
    lines = _lines([q for q in shown if q.type != "group"], answers, language)
    for group in (q for q in shown if q.type == "group"):
        for item in answers.get(group.id) or []:
            if isinstance(item, dict):
                lines.extend(_lines(group.questions, item, language))
    return lines


def fee_total(lines: list[FeeLine]) -> int:
    return sum(line.amount_yen for line in lines)
