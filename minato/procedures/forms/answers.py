"""Turn a form page's questions into a Django form, and check a whole set of answers.

The same per-question rules serve the resident's pages and the API, so an answer that the
page refuses is also refused through /api/v1.

Composite questions use several form fields named ``<question>__<part>``: a ``name`` has
its four parts (NAME_PARTS), a repeatable ``group`` has ``<group>__count`` and
``<group>__<n>__<child>`` for each item (a name in a group:
``<group>__<n>__<child>__<part>``). Questions hidden by ``show_if`` get no field at all, and
their answers are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from minato.accounts.adapters.postal import lookup as postal_lookup
from minato.accounts.adapters.postal import normalise_postal_code
from minato.accounts.validators import (
    normalise_kana,
    normalise_phone,
    validate_kana,
    validate_phone,
)
from minato.core import uploads
from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.procedures.forms.schema import (
    NAME_PARTS,
    FormDefinition,
    Page,
    Question,
    next_page_id,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
NAME_PART_LABELS = {
    "family_name": _("Family name"),
    "given_name": _("Given name"),
    "family_name_kana": _("Family name (furigana)"),
    "given_name_kana": _("Given name (furigana)"),
}
SEP = "__"


def text_of(value: Any, language: str) -> str:
    return localized(value.model_dump(by_alias=True), language) if value is not None else ""


class AutocompleteInput(forms.TextInput):
    """A text box with a <datalist> of the options: the browser suggests matches as the
    resident types, with or without JavaScript."""

    def __init__(self, options: list[tuple[str, str]], attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.options = options

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        list_id = f"{(attrs or {}).get('id') or name}_options"
        labels = dict(self.options)
        shown = labels.get(str(value), value)  # a stored value is shown as its label
        box = super().render(name, shown, {**(attrs or {}), "list": list_id}, renderer)
        items = format_html_join(
            "", '<option value="{}"></option>', ((lbl,) for _v, lbl in self.options)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, items)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class AutocompleteChoiceField(forms.CharField):
    """Accepts an option's value or its label in any language, and cleans to the value."""

    def __init__(self, *, question: Question, language: str, **kwargs: Any) -> None:
        options = [(o.value, text_of(o.label, language)) for o in question.options]
        super().__init__(widget=AutocompleteInput(options), max_length=200, **kwargs)
        self.lookup: dict[str, str] = {}
        for option in question.options:
            self.lookup[_fold(option.value)] = option.value
            for label in option.label.model_dump(by_alias=True).values():
                if label:
                    self.lookup.setdefault(_fold(label), option.value)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in (None, ""):
            return text
        match = self.lookup.get(_fold(text))
        if match is None:
            raise ValidationError(_("Choose one of the suggested options."), code="invalid_choice")
        return match


class KanaField(forms.CharField):
    def clean(self, value: Any) -> Any:
        return normalise_kana(super().clean(value))


def option_label(option: Any, language: str) -> str:
    """An option's label, with its fee when it has one: 「ベッド（2,000円）」."""
    label = text_of(option.label, language)
    if option.fee_yen is None:
        return label
    return _("%(label)s (%(amount)s yen)") % {"label": label, "amount": f"{option.fee_yen:,}"}


def _date_validators(question: Question) -> list[Any]:
    """Dates relative to the day the answer is checked (e.g. a collection day from 5 days
    ahead): checked when each page is saved and again at submission."""
    validators: list[Any] = []
    if question.earliest_days is not None:
        offset = question.earliest_days

        def not_before(value: date) -> None:
            earliest = timezone.localdate() + timedelta(days=offset)
            if value < earliest:
                raise ValidationError(
                    _("Enter a date on or after %(date)s.") % {"date": earliest.isoformat()}
                )

        validators.append(not_before)
    if question.latest_days is not None:
        limit = question.latest_days

        def not_after(value: date) -> None:
            latest = timezone.localdate() + timedelta(days=limit)
            if value > latest:
                raise ValidationError(
                    _("Enter a date on or before %(date)s.") % {"date": latest.isoformat()}
                )

        validators.append(not_after)
    return validators


# Text longer than a question allows is refused with this message, never cut: the inputs
# carry no ``maxlength`` attribute, which would silently drop the end of a pasted answer.
TOO_LONG = _("Enter at most %(limit_value)d characters. You entered %(show_value)d: shorten it.")


def without_maxlength(field: forms.Field) -> forms.Field:
    field.widget.attrs.pop("maxlength", None)
    return field


def _field(question: Question, language: str, *, required: bool | None = None) -> forms.Field:
    return without_maxlength(_unlimited_field(question, language, required=required))


def _unlimited_field(
    question: Question, language: str, *, required: bool | None = None
) -> forms.Field:
    common: dict[str, Any] = {
        "label": text_of(question.label, language),
        "help_text": text_of(question.help, language),
        "required": question.required if required is None else required,
        "error_messages": {"max_length": TOO_LONG},
    }
    text_validators: list[Any] = []
    if question.pattern:
        text_validators.append(
            RegexValidator(
                f"^(?:{question.pattern})$",
                message=text_of(question.pattern_message, language)
                or _("Enter the answer in the format shown."),
            )
        )
    options = [(o.value, option_label(o, language)) for o in question.options]
    match question.type:
        case "text":
            return forms.CharField(
                max_length=question.max_length, validators=text_validators, **common
            )
        case "textarea":
            return forms.CharField(
                max_length=question.max_length,
                validators=text_validators,
                widget=forms.Textarea,
                **common,
            )
        case "number":
            # The question's own limits, so the input's min and max attributes are the real
            # ones (and a phone's number pad can say so); ±10⁹ bounds questions without.
            return forms.IntegerField(
                min_value=question.min if question.min is not None else -(10**9),
                max_value=question.max if question.max is not None else 10**9,
                **common,
            )
        case "date":
            return forms.DateField(
                widget=forms.DateInput(attrs={"type": "date"}),
                validators=_date_validators(question),
                **common,
            )
        case "choice" if question.uses_autocomplete:
            return AutocompleteChoiceField(question=question, language=language, **common)
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
        case "declaration":
            return forms.BooleanField(**common)
        case "file":
            accept = ",".join(uploads.ACCEPT_ATTRIBUTE[kind] for kind in question.accept)
            return forms.FileField(
                widget=forms.FileInput(attrs={"accept": accept}),
                allow_empty_file=False,
                max_length=200,
                **common,
            )
    raise ValueError(f"Unknown question type {question.type}")  # pragma: no cover


@dataclass
class NameLayout:
    question: Question
    label: str
    help: str
    fields: list[forms.BoundField]
    kind: str = "name"


@dataclass
class GroupLayout:
    question: Question
    label: str
    # Per item, its questions: a bound field, or a NameLayout for a name's four parts.
    items: list[list[forms.BoundField | NameLayout]] = field(default_factory=list)
    can_add: bool = True
    kind: str = "group"


def group_count(question: Question, data: Any, initial: Any) -> int:
    """How many items of a group the page shows: what was posted, else what was saved."""
    if data is not None:
        try:
            count = int(data.get(f"{question.id}{SEP}count", "1"))
        except (TypeError, ValueError):
            count = 1
    else:
        count = len(initial) if isinstance(initial, list) else 1
    return max(1, min(count, question.max_items))


class PageForm(AccessibleForm):
    """The questions of one page; cleaned values are plain JSON values (uploaded files are
    checked here and kept as ``uploads.CheckedFile`` until the view stores them).

    ``answers`` are the applicant's answers so far (for ``show_if``); ``attachment_names``
    maps the attachment ids the applicant may reuse to their file names."""

    def __init__(
        self,
        *args: Any,
        page: Page,
        language: str,
        answers: dict[str, Any] | None = None,
        attachment_names: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.page = page
        self.language = language
        self.attachment_names = attachment_names or {}
        self.questions = [q for q in page.questions if q.shown(answers or {})]
        # Postal code questions with a "Find address" button.
        self.address_finders = {q.id for q in self.questions if q.address_question}
        super().__init__(*args, **kwargs)
        initial = kwargs.get("initial") or {}
        self.group_counts: dict[str, int] = {}
        for question in self.questions:
            if question.type == "name":
                self._add_name_fields(question, question.id, initial.get(question.id))
            elif question.type == "group":
                self._add_group_fields(question, initial.get(question.id))
            else:
                self.fields[question.id] = _field(question, language)
                if question.type == "file" and initial.get(question.id):
                    self._describe_current_file(question, initial[question.id])
        # The mixin wires hints when the fields exist; these were added after it ran.
        for name, form_field in self.fields.items():
            if form_field.help_text:
                self._describe(name, form_field, f"{self.auto_id_for(name)}_hint")

    def _add_name_fields(self, question: Question, prefix: str, saved: Any) -> None:
        """The four parts of a name, as fields ``<prefix>__<part>``; ``prefix`` is the
        question's id, or ``<group>__<n>__<child>`` for a name in a group item."""
        saved = saved if isinstance(saved, dict) else {}
        for part in NAME_PARTS:
            name = f"{prefix}{SEP}{part}"
            if part.endswith("_kana"):
                self.fields[name] = without_maxlength(
                    KanaField(
                        label=NAME_PART_LABELS[part],
                        max_length=50,
                        required=question.required,
                        validators=[validate_kana],
                        error_messages={"max_length": TOO_LONG},
                    )
                )
            else:
                self.fields[name] = without_maxlength(
                    forms.CharField(
                        label=NAME_PART_LABELS[part],
                        max_length=50,
                        required=question.required,
                        error_messages={"max_length": TOO_LONG},
                    )
                )
            self.initial.setdefault(name, saved.get(part))

    def _add_group_fields(self, question: Question, saved: Any) -> None:
        count = group_count(question, self.data if self.is_bound else None, saved)
        self.group_counts[question.id] = count
        # The number of items posted; more than the maximum is refused, not cut short.
        self.fields[f"{question.id}{SEP}count"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            min_value=1,
            max_value=question.max_items,
            label=text_of(question.label, self.language),
        )
        self.initial[f"{question.id}{SEP}count"] = count
        items = saved if isinstance(saved, list) else []
        for index in range(count):
            item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
            for child in question.questions:
                name = f"{question.id}{SEP}{index}{SEP}{child.id}"
                if child.type == "name":
                    self._add_name_fields(child, name, item.get(child.id))
                    continue
                self.fields[name] = _field(child, self.language)
                self.initial.setdefault(name, item.get(child.id))

    def _describe_current_file(self, question: Question, attachment_id: str) -> None:
        filename = self.attachment_names.get(str(attachment_id))
        if filename:
            form_field = self.fields[question.id]
            current = _("Uploaded: %(name)s. Choose a file only to replace it.") % {
                "name": filename
            }
            form_field.help_text = f"{form_field.help_text} {current}".strip()

    def layout(self) -> list[Any]:
        """What the page template renders, in order: plain bound fields, names and groups."""
        items: list[Any] = []
        for question in self.questions:
            if question.type == "name":
                items.append(self._name_layout(question, question.id))
            elif question.type == "group":
                count = self.group_counts[question.id]
                items.append(
                    GroupLayout(
                        question=question,
                        label=text_of(question.label, self.language),
                        items=[self._item_layout(question, i) for i in range(count)],
                        can_add=count < question.max_items,
                    )
                )
            else:
                items.append(self[question.id])
        return items

    def _item_layout(self, group: Question, index: int) -> list[forms.BoundField | NameLayout]:
        fields: list[forms.BoundField | NameLayout] = []
        for child in group.questions:
            name = f"{group.id}{SEP}{index}{SEP}{child.id}"
            fields.append(self._name_layout(child, name) if child.type == "name" else self[name])
        return fields

    def _name_layout(self, question: Question, prefix: str) -> NameLayout:
        return NameLayout(
            question=question,
            label=text_of(question.label, self.language),
            help=text_of(question.help, self.language),
            fields=[self[f"{prefix}{SEP}{part}"] for part in NAME_PARTS],
        )

    @property
    def is_multipart(self) -> bool:  # type: ignore[override]
        return any(q.type == "file" for q in self.questions)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            if question.type == "name":
                cleaned[question.id] = self._clean_name(question.id, cleaned)
            elif question.type == "group":
                self._clean_group(question, cleaned)
            else:
                cleaned[question.id] = self._clean_value(question, question.id, cleaned)
        return cleaned

    def _clean_value(self, question: Question, name: str, cleaned: dict[str, Any]) -> Any:
        value: Any = cleaned.get(name)
        if _is_blank(value):
            return [] if question.type == "multichoice" else None
        if question.type == "date":
            return value.isoformat()
        if question.type == "phone":
            return normalise_phone(value)
        if question.type == "declaration":
            return True
        if question.type == "postal_code":
            code = normalise_postal_code(value)
            if not code:
                self.add_error(name, _("Enter a seven-digit postal code, such as 105-8511."))
            return code
        if question.type == "file":
            return self._clean_file(question, name, value)
        return value

    def _clean_file(self, question: Question, name: str, value: Any) -> Any:
        if isinstance(value, UploadedFile):
            try:
                return uploads.inspect(
                    value, accept=question.accept, max_size_mb=question.max_size_mb
                )
            except uploads.UploadRefused as exc:
                self.add_error(name, exc.message)
                return None
        if str(value) not in self.attachment_names:
            self.add_error(name, _("Upload the file again."))
            return None
        return str(value)

    def _clean_name(self, prefix: str, cleaned: dict[str, Any]) -> dict[str, str] | None:
        parts = {part: cleaned.pop(f"{prefix}{SEP}{part}", "") or "" for part in NAME_PARTS}
        return parts if any(parts.values()) else None

    def _clean_group(self, question: Question, cleaned: dict[str, Any]) -> None:
        cleaned.pop(f"{question.id}{SEP}count", None)
        items = []
        for index in range(self.group_counts[question.id]):
            item = {}
            for child in question.questions:
                name = f"{question.id}{SEP}{index}{SEP}{child.id}"
                if child.type == "name":
                    item[child.id] = self._clean_name(name, cleaned)
                    continue
                item[child.id] = self._clean_value(child, name, cleaned)
                cleaned.pop(name, None)
            items.append(item)
        cleaned[question.id] = items

    def answers(self) -> dict[str, Any]:
        """This page's answers; questions the page hides are cleared (None)."""
        shown = {q.id: self.cleaned_data.get(q.id) for q in self.questions}
        hidden = {q.id: None for q in self.page.questions if q.id not in shown}
        return {**hidden, **shown}


def raw_initial(page: Page, data: Any) -> dict[str, Any]:
    """What was posted, shaped as saved answers, to redisplay a page without checking it
    (after "add another" or "remove")."""

    def typed(question: Question, name: str) -> Any:
        if question.type == "name":
            return {part: data.get(f"{name}{SEP}{part}") for part in NAME_PARTS}
        return data.get(name)

    initial: dict[str, Any] = {}
    for question in page.questions:
        if question.type == "group":
            count = group_count(question, data, None)
            initial[question.id] = [
                {c.id: typed(c, f"{question.id}{SEP}{i}{SEP}{c.id}") for c in question.questions}
                for i in range(count)
            ]
        elif question.type == "name":
            initial[question.id] = typed(question, question.id)
        elif question.type == "multichoice":
            initial[question.id] = data.getlist(question.id)
        elif question.type != "file":
            initial[question.id] = data.get(question.id)
    return initial


GROUP_ACTION = re.compile(rf"^(?P<group>[a-z][a-z0-9_]*?)(?:{SEP}(?P<index>\d+))?$")


def apply_group_action(page: Page, answers: dict[str, Any], add: str, remove: str) -> bool:
    """Add an item to a group ("add another") or remove one, in ``answers``. Returns whether
    anything changed."""
    if add:
        question = next((q for q in page.questions if q.id == add and q.type == "group"), None)
        if question is None:
            return False
        items = list(answers.get(question.id) or [])
        if len(items) >= question.max_items:
            return False
        answers[question.id] = [*items, {}]
        return True
    match = GROUP_ACTION.match(remove or "")
    if match is None or match["index"] is None:
        return False
    question = next(
        (q for q in page.questions if q.id == match["group"] and q.type == "group"), None
    )
    items = list(answers.get(match["group"]) or [])
    index = int(match["index"])
    if question is None or not 0 <= index < len(items) or len(items) <= 1:
        return False
    del items[index]
    answers[question.id] = items
    return True


def fill_address(page: Page, answers: dict[str, Any], postal_question_id: str) -> bool:
    """ "Find address": put the address for the typed postal code into the question the
    postal code question names. Returns whether an address was found."""
    question = next((q for q in page.questions if q.id == postal_question_id), None)
    if question is None or question.address_question is None:
        return False
    found = postal_lookup(str(answers.get(question.id) or ""))
    if found is None:
        return False
    answers[question.address_question] = (
        f"{found.city}{found.town}"
        if found.city == "港区"
        else (f"{found.prefecture}{found.city}{found.town}")
    )
    return True


def _is_blank(value: Any) -> bool:
    # Not ``value in (None, "", [], False)``: 0 == False, and 0 is an answer.
    return value is None or value is False or (isinstance(value, str | list) and not value)


def initial_for(page: Page, answers: dict[str, Any]) -> dict[str, Any]:
    return {q.id: answers.get(q.id) for q in page.questions if q.id in answers}


def is_unanswered(question: Question, value: Any) -> bool:
    if question.type == "name":
        return not isinstance(value, dict) or not all(value.get(p) for p in NAME_PARTS)
    if question.type == "group":
        return not isinstance(value, list) or not value
    return _is_blank(value)


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
    definition: FormDefinition,
    data: dict[str, Any],
    language: str,
    *,
    attachment_names: dict[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]], str | None]:
    """Check every page on the applicant's route. Returns (answers, errors, exit id).

    Only the answers on the route, to the questions shown, are kept. File answers must be
    ids of attachments in ``attachment_names`` (uploaded by this applicant)."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    page: Page | None = definition.pages[0]
    seen: list[str] = []
    while page is not None and page.id not in seen:
        seen.append(page.id)
        wrong = _wrong_shapes(page, data)
        if wrong:
            errors.update({key: [str(WRONG_SHAPE)] for key in wrong})
            return answers, errors, None
        form = PageForm(
            as_form_data(page, data),
            initial=_file_answers(page, data),
            page=page,
            language=language,
            answers=answers,
            attachment_names=attachment_names,
        )
        if form.is_valid():
            answers.update({k: v for k, v in form.answers().items() if v is not None})
        else:
            errors.update({k: [str(m) for m in v] for k, v in form.errors.items()})
            return answers, errors, None
        target = next_page_id(page, answers)
        if target is not None and definition.exit(target) is not None:
            return answers, errors, target
        page = definition.page(target) if target else None
    return answers, errors, None


WRONG_SHAPE = _(
    "This answer has the wrong form: see the form definition for what each question takes."
)


def _shape_is_wrong(question: Question, value: Any) -> bool:
    """An API answer of the wrong JSON type, which turning it into a form post would hide
    (an object given to a text question would be saved as its Python text)."""
    if value is None:
        return False
    if question.type == "name":
        return not isinstance(value, dict) or not set(value) <= set(NAME_PARTS)
    if question.type == "multichoice":
        return isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
        )
    return isinstance(value, dict | list)


def _wrong_shapes(page: Page, data: dict[str, Any]) -> list[str]:
    wrong = []
    for question in page.questions:
        value = data.get(question.id)
        if question.type != "group":
            if _shape_is_wrong(question, value):
                wrong.append(question.id)
            continue
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            wrong.append(question.id)
            continue
        for index, item in enumerate(value):
            for child in question.questions:
                if _shape_is_wrong(child, item.get(child.id)):
                    wrong.append(f"{question.id}{SEP}{index}{SEP}{child.id}")
    return wrong


def _file_answers(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    return {q.id: data[q.id] for q in page.questions if q.type == "file" and data.get(q.id)}


def _scalar(question: Question, value: Any) -> Any:
    if question.type == "multichoice":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if question.type == "declaration":
        return "on" if value is True else ""
    return str(value)


def _name_form_data(prefix: str, value: Any, form_data: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for part in NAME_PARTS:
            if value.get(part) is not None:
                form_data[f"{prefix}{SEP}{part}"] = str(value[part])


def as_form_data(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """Saved or API JSON values as the strings a form post would carry."""
    form_data: dict[str, Any] = {}
    for question in page.questions:
        value = data.get(question.id)
        if value is None or question.type == "file":
            continue
        if question.type == "name":
            _name_form_data(question.id, value, form_data)
        elif question.type == "group":
            items = value if isinstance(value, list) else []
            form_data[f"{question.id}{SEP}count"] = str(len(items) or 1)
            if len(items) > question.max_items:
                form_data[f"{question.id}{SEP}count"] = str(question.max_items + 1)
            for index, item in enumerate(items[: question.max_items]):
                if not isinstance(item, dict):
                    continue
                for child in question.questions:
                    child_value = item.get(child.id)
                    name = f"{question.id}{SEP}{index}{SEP}{child.id}"
                    if child.type == "name":
                        _name_form_data(name, child_value, form_data)
                    elif child_value is not None:
                        form_data[name] = _scalar(child, child_value)
        else:
            form_data[question.id] = _scalar(question, value)
    return form_data
