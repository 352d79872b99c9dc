"""A guide's question as a Django form field, one question per page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.navigator.guide.schema import Question

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def _date_in_range(question: Question) -> Any:
    def check(value: date) -> None:
        today = timezone.localdate()
        earliest = today + timedelta(days=question.earliest_days)
        latest = today + timedelta(days=question.latest_days)
        if not earliest <= value <= latest:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
            )

    return check


def answer_field(question: Question, language: str) -> forms.Field:
    label = localized(question.label, language)
    help_text = localized(question.help, language)
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": question.required}
    options = [(option.value, localized(option.label, language)) for option in question.options]
    if question.type == "choice":
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if question.type == "multichoice":
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.type == "yesno":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if question.type == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}),
            validators=[_date_in_range(question)],
            **common,
        )
    if question.type == "number":
        return forms.IntegerField(min_value=0, max_value=99, **common)
    return forms.CharField(max_length=200, **common)


class QuestionForm(AccessibleForm):
    """One question; ``answer`` holds the value as the guide stores it."""

    def __init__(self, *args: Any, question: Question, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["answer"] = answer_field(question, language)

    def stored_answer(self) -> Any:
        value = self.cleaned_data.get("answer")
        if isinstance(value, date):
            return value.isoformat()
        if value in ("", None, []):
            return None
        return value
