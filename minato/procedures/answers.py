"""Turn a form page's questions into a Django form, and check a whole set of answers.

The same per-question rules serve the resident's pages and the API, so an answer that the
page refuses is also refused through /api/v1.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from minato.accounts.adapters.postal import normalise_postal_code
from minato.accounts.validators import normalise_phone, validate_phone
from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.procedures.form_schema import FormDefinition, Page, Question, next_page_id

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _text(value: Any, language: str) -> str:
    return localized(value.model_dump(by_alias=True), language) if value is not None else ""


def _field(question: Question, language: str) -> forms.Field:
    common: dict[str, Any] = {
        "label": _text(question.label, language),
        "help_text": _text(question.help, language),
        "required": question.required,
    }
    validators: list[Any] = []
    if question.min is not None:
        validators.append(MinValueValidator(question.min))
    if question.max is not None:
        validators.append(MaxValueValidator(question.max))
    options = [(o.value, _text(o.label, language)) for o in question.options]
    match question.type:
        case "text":
            return forms.CharField(max_length=question.max_length, **common)
        case "textarea":
            return forms.CharField(max_length=question.max_length, widget=forms.Textarea, **common)
        case "number":
            return forms.IntegerField(
                validators=validators, min_value=-(10**9), max_value=10**9, **common
            )
        case "date":
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        case "choice":
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        case "multichoice":
            return forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **common
            )
        case "yesno":
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        case "email":
            return forms.EmailField(max_length=254, **common)
        case "phone":
            return forms.CharField(
                max_length=20,
                validators=[validate_phone],
                widget=forms.TextInput(attrs={"type": "tel"}),
                **common,
            )
        case "postal_code":
            return forms.CharField(max_length=10, **common)
    raise ValueError(f"Unknown question type {question.type}")  # pragma: no cover


class PageForm(AccessibleForm):
    """The questions of one page; cleaned values are plain JSON values."""

    def __init__(self, *args: Any, page: Page, language: str, **kwargs: Any) -> None:
        self.page = page
        super().__init__(*args, **kwargs)
        for question in page.questions:
            self.fields[question.id] = _field(question, language)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.page.questions:
            value = cleaned.get(question.id)
            if value in (None, "", []):
                cleaned[question.id] = None if question.type != "multichoice" else []
                continue
            if question.type == "date":
                cleaned[question.id] = value.isoformat()
            elif question.type == "phone":
                cleaned[question.id] = normalise_phone(value)
            elif question.type == "postal_code":
                code = normalise_postal_code(value)
                if not code:
                    self.add_error(
                        question.id, _("Enter a seven-digit postal code, such as 105-8511.")
                    )
                cleaned[question.id] = code
        return cleaned

    def answers(self) -> dict[str, Any]:
        return {q.id: self.cleaned_data.get(q.id) for q in self.page.questions}


def initial_for(page: Page, answers: dict[str, Any]) -> dict[str, Any]:
    return {q.id: answers.get(q.id) for q in page.questions if q.id in answers}


def route(definition: FormDefinition, answers: dict[str, Any]) -> tuple[list[Page], str | None]:
    """The pages an applicant with these answers passes through, in order, and the exit
    page they end on (None when they reach "check your answers")."""
    pages: list[Page] = []
    page: Page | None = definition.pages[0]
    while page is not None:
        pages.append(page)
        target = next_page_id(page, answers)
        if target is None:
            return pages, None
        if definition.exit(target) is not None:
            return pages, target
        page = definition.page(target)
        if page is None or page in pages:  # checked at publish; never loop at run time
            return pages, None
    return pages, None


def validate_all(
    definition: FormDefinition, data: dict[str, Any], language: str
) -> tuple[dict[str, Any], dict[str, list[str]], str | None]:
    """Check every page on the applicant's route. Returns (answers, errors, exit id)."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    page: Page | None = definition.pages[0]
    seen: list[str] = []
    while page is not None and page.id not in seen:
        seen.append(page.id)
        form = PageForm(_as_form_data(page, data), page=page, language=language)
        if form.is_valid():
            answers.update(form.answers())
        else:
            errors.update({k: [str(m) for m in v] for k, v in form.errors.items()})
            return answers, errors, None
        target = next_page_id(page, answers)
        if target is not None and definition.exit(target) is not None:
            return answers, errors, target
        page = definition.page(target) if target else None
    return answers, errors, None


def _as_form_data(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """API JSON values as the strings a form post would carry."""
    form_data: dict[str, Any] = {}
    for question in page.questions:
        value = data.get(question.id)
        if value is None:
            continue
        if question.type == "multichoice":
            form_data[question.id] = (
                [str(v) for v in value] if isinstance(value, list) else [str(value)]
            )
        else:
            form_data[question.id] = str(value)
    return form_data
