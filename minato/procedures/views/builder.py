"""Console pages of the no-code form builder (namespace ``staff:forms``).

Department admins edit their departments' procedures (system admins every one): the
catalogue entry, and the form's pages, questions, conditions, routes, exit pages and
declaration; they preview it as a resident, import or export it as JSON, and publish it.
Every write is a service in ``minato.procedures.forms.services``; these views check permissions,
validate the forms and render. Every page works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minato.accounts.models import Department, User
from minato.core.forms import (
    AccessibleForm,
    translated_fields,
    translated_initial,
    translated_value,
)
from minato.core.translated import localized
from minato.core.uploads import CheckedFile
from minato.procedures.forms import selectors as form_selectors
from minato.procedures.forms import services as builder
from minato.procedures.forms.schema import (
    ID_PATTERN,
    QuestionType,
    parse_definition,
)
from minato.procedures.models import FormDraft, Procedure
from minato.procedures.views import runner

ID_VALIDATOR = RegexValidator(
    ID_PATTERN,
    gettext_lazy(
        "Use lower-case letters, digits and “_”, starting with a letter (at most 40 characters)."
    ),
)
QUESTION_TYPES: list[tuple[QuestionType, Any]] = [
    ("text", gettext_lazy("Short text")),
    ("textarea", gettext_lazy("Long text")),
    ("number", gettext_lazy("Number")),
    ("date", gettext_lazy("Date")),
    ("choice", gettext_lazy("One choice")),
    ("multichoice", gettext_lazy("Several choices")),
    ("yesno", gettext_lazy("Yes or no")),
    ("email", gettext_lazy("Email address")),
    ("phone", gettext_lazy("Phone number")),
    ("postal_code", gettext_lazy("Postal code")),
    ("name", gettext_lazy("Name with furigana")),
    ("file", gettext_lazy("File upload")),
    ("group", gettext_lazy("Repeatable group of questions")),
    ("declaration", gettext_lazy("Declaration to tick")),
]
PREFILL_CHOICES = [
    ("", gettext_lazy("Nothing")),
    ("name", gettext_lazy("Name with furigana")),
    ("family_name", gettext_lazy("Family name")),
    ("given_name", gettext_lazy("Given name")),
    ("family_name_kana", gettext_lazy("Family name (furigana)")),
    ("given_name_kana", gettext_lazy("Given name (furigana)")),
    ("birth_date", gettext_lazy("Date of birth")),
    ("postal_code", gettext_lazy("Postal code")),
    ("address", gettext_lazy("Address")),
    ("phone", gettext_lazy("Phone number")),
    ("email", gettext_lazy("Email address")),
]


# --- Forms ---------------------------------------------------------------------------------


class ProcedureEntryForm(AccessibleForm):
    slug = forms.SlugField(
        label=gettext_lazy("Code (in the web address)"),
        max_length=80,
        help_text=gettext_lazy("Lower-case letters, digits and hyphens, e.g. sodai-gomi."),
    )
    name_ja, name_en, name_easy = translated_fields(
        gettext_lazy("Name"), required=True, max_length=200
    )
    summary_ja, summary_en, summary_easy = translated_fields(
        gettext_lazy("Summary"), required=True, textarea=True, max_length=2000
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none()
    )
    fee_type = forms.ChoiceField(label=gettext_lazy("Fee"), choices=Procedure.FeeType.choices)
    fee_amount_yen = forms.IntegerField(
        label=gettext_lazy("Fee in yen"),
        required=False,
        min_value=0,
        max_value=10_000_000,
        help_text=gettext_lazy("Only for a fixed fee or a fee per item."),
    )
    revenue_account_code = forms.CharField(
        label=gettext_lazy("Revenue account code (歳入科目)"),
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "The budget code the fee is booked to, e.g. 13-02-05-02. Needed when there is a fee."
        ),
    )
    revenue_account_name = forms.CharField(
        label=gettext_lazy("Revenue account name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("e.g. 使用料及手数料 手数料 清掃手数料 粗大ごみ処理手数料"),
    )
    payment_timing = forms.ChoiceField(
        label=gettext_lazy("When the fee is paid"),
        required=False,
        choices=[
            (
                "",
                gettext_lazy(
                    "As usual for the fee (set after review: once approved; "
                    "not online: at the counter; otherwise when applying)"
                ),
            ),
            *Procedure.PaymentTiming.choices,
        ],
        help_text=gettext_lazy(
            "When applying: staff start the review once it is paid. Once approved: the "
            "application is completed once it is paid. At the counter: staff record the "
            "payment before completing."
        ),
    )
    processing_days = forms.IntegerField(
        label=gettext_lazy("Standard processing time in business days"),
        required=False,
        min_value=0,
        max_value=365,
    )
    legal_basis = forms.CharField(label=gettext_lazy("Legal basis"), required=False, max_length=300)
    availability = forms.ChoiceField(
        label=gettext_lazy("Availability"), choices=Procedure.Availability.choices
    )
    offline_ja, offline_en, offline_easy = translated_fields(
        gettext_lazy("Why it must be done at the counter"), textarea=True, max_length=1000
    )
    allows_guest = forms.BooleanField(
        label=gettext_lazy("People without an account may apply (after confirming their email)"),
        required=False,
    )
    is_published = forms.BooleanField(label=gettext_lazy("Shown in the catalogue"), required=False)

    def __init__(self, *args: Any, user: User, editing: Procedure | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = form_selectors.buildable_departments(user)  # type: ignore[attr-defined]
        if editing is not None:
            del self.fields["slug"]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if slug == "new":  # /staff/forms/new/ is the page that adds a procedure
            raise ValidationError(_("Choose another code."))
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fee_type = cleaned.get("fee_type")
        if fee_type in ("fixed", "per_item") and cleaned.get("fee_amount_yen") is None:
            self.add_error("fee_amount_yen", _("Give the fee in yen."))
        if fee_type in ("none", "assessed"):
            cleaned["fee_amount_yen"] = None
        if fee_type != "none":
            for name in ("revenue_account_code", "revenue_account_name"):
                if not cleaned.get(name):
                    self.add_error(name, _("Give the revenue account the fee is booked to."))
        if cleaned.get("availability") == "counter_by_law" and not cleaned.get("offline_ja"):
            self.add_error("offline_ja", _("Say (in Japanese) why the law keeps it offline."))
        return cleaned

    def entry_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            "name": translated_value(cleaned, "name"),
            "summary": translated_value(cleaned, "summary"),
            "department_id": cleaned["department"].pk,
            "fee_type": cleaned["fee_type"],
            "fee_amount_yen": cleaned.get("fee_amount_yen"),
            "payment_timing": cleaned.get("payment_timing", ""),
            "revenue_account_code": cleaned.get("revenue_account_code", ""),
            "revenue_account_name": cleaned.get("revenue_account_name", ""),
            "processing_days": cleaned.get("processing_days"),
            "legal_basis": cleaned.get("legal_basis", ""),
            "availability": cleaned["availability"],
            "offline_reason": translated_value(cleaned, "offline") or {},
            "allows_guest": bool(cleaned.get("allows_guest")),
            "is_published": bool(cleaned.get("is_published")),
        }


def entry_initial(procedure: Procedure) -> dict[str, Any]:
    return {
        **translated_initial("name", procedure.name),
        **translated_initial("summary", procedure.summary),
        **translated_initial("offline", procedure.offline_reason),
        "department": procedure.department_id,
        "fee_type": procedure.fee_type,
        "fee_amount_yen": procedure.fee_amount_yen,
        "payment_timing": procedure.payment_timing,
        "revenue_account_code": procedure.revenue_account_code,
        "revenue_account_name": procedure.revenue_account_name,
        "processing_days": procedure.processing_days,
        "legal_basis": procedure.legal_basis,
        "availability": procedure.availability,
        "allows_guest": procedure.allows_guest,
        "is_published": procedure.is_published,
    }


class PageDetailsForm(AccessibleForm):
    page_id = forms.CharField(
        label=gettext_lazy("Page id"),
        max_length=40,
        validators=[ID_VALIDATOR],
        help_text=gettext_lazy("Used in routes and in the web address, e.g. address."),
    )
    title_ja, title_en, title_easy = translated_fields(
        gettext_lazy("Page title"), required=True, max_length=200
    )


class NewPageForm(PageDetailsForm):
    question_id = forms.CharField(
        label=gettext_lazy("First question's id"), max_length=40, validators=[ID_VALIDATOR]
    )
    question_type = forms.ChoiceField(
        label=gettext_lazy("First question's type"), choices=QUESTION_TYPES
    )
    question_ja, question_en, question_easy = translated_fields(
        gettext_lazy("First question"), required=True, max_length=500
    )


def _optional_int(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, **kwargs)


class QuestionForm(AccessibleForm):
    """Every property of a question; those that do not apply to its type are ignored."""

    id = forms.CharField(
        label=gettext_lazy("Question id"),
        max_length=40,
        validators=[ID_VALIDATOR],
        help_text=gettext_lazy("The answer's name in exports and conditions, e.g. phone."),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=QUESTION_TYPES,
        # minato.js shows the chosen type's settings box as the choice changes.
        widget=forms.Select(attrs={"data-shows-settings": ""}),
    )
    label_ja, label_en, label_easy = translated_fields(
        gettext_lazy("Question"), required=True, max_length=500
    )
    help_ja, help_en, help_easy = translated_fields(
        gettext_lazy("Hint"), textarea=True, max_length=1000
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    prefill = forms.ChoiceField(
        label=gettext_lazy("Fill in from the resident's profile"),
        choices=PREFILL_CHOICES,
        required=False,
    )
    options = forms.CharField(
        label=gettext_lazy("Options (for choices)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One option per line: value|日本語|English|やさしい日本語|fee in yen. "
            "Only the value and the Japanese label are required, e.g. bed|ベッド|Bed||400"
        ),
    )
    min = _optional_int(gettext_lazy("Smallest number allowed"))
    max = _optional_int(gettext_lazy("Largest number allowed"))
    quantity = forms.BooleanField(
        label=gettext_lazy("This number multiplies the fees of the choice before it"),
        required=False,
    )
    max_length = _optional_int(
        gettext_lazy("Longest text allowed (characters)"), min_value=1, max_value=5000
    )
    pattern = forms.CharField(
        label=gettext_lazy("Format the text must match (regular expression)"),
        required=False,
        max_length=200,
    )
    pattern_ja, pattern_en, pattern_easy = translated_fields(
        gettext_lazy("Message when the format does not match"), max_length=300
    )
    accept = forms.MultipleChoiceField(
        label=gettext_lazy("File types allowed"),
        choices=[("pdf", "PDF"), ("jpeg", "JPEG"), ("png", "PNG")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_size_mb = _optional_int(gettext_lazy("Largest file size (MB)"), min_value=1, max_value=8)
    max_items = _optional_int(
        gettext_lazy("Most items a resident can add to the group"), min_value=1, max_value=50
    )

    def __init__(self, *args: Any, in_group: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if in_group:
            # A group holds no groups, files or declarations (check_definition refuses them).
            self.fields["type"].choices = [  # type: ignore[attr-defined]
                choice
                for choice in QUESTION_TYPES
                if choice[0] not in ("group", "file", "declaration")
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "type" not in cleaned or "id" not in cleaned:
            return cleaned
        kind = cleaned["type"]
        question: dict[str, Any] = {
            "id": cleaned["id"],
            "type": kind,
            "label": translated_value(cleaned, "label"),
            "required": bool(cleaned.get("required")),
        }
        if help_text := translated_value(cleaned, "help"):
            question["help"] = help_text
        if cleaned.get("prefill"):
            question["prefill"] = cleaned["prefill"]
        if kind in ("choice", "multichoice"):
            try:
                question["options"] = builder.options_from_text(cleaned.get("options") or "")
            except builder.BuilderError as exc:
                self.add_error("options", exc.problems)
            else:
                if not question["options"]:
                    self.add_error("options", _("Give at least one option, one per line."))
        if kind == "number":
            for key in ("min", "max"):
                if cleaned.get(key) is not None:
                    question[key] = cleaned[key]
            question["quantity"] = bool(cleaned.get("quantity"))
        if kind in ("text", "textarea"):
            if cleaned.get("max_length"):
                question["max_length"] = cleaned["max_length"]
            if cleaned.get("pattern"):
                question["pattern"] = cleaned["pattern"]
                if message := translated_value(cleaned, "pattern"):
                    question["pattern_message"] = message
        if kind == "file":
            if cleaned.get("accept"):
                question["accept"] = cleaned["accept"]
            if cleaned.get("max_size_mb"):
                question["max_size_mb"] = cleaned["max_size_mb"]
        if kind == "group" and cleaned.get("max_items"):
            question["max_items"] = cleaned["max_items"]
        self.question = question
        return cleaned


def question_initial(question: dict[str, Any]) -> dict[str, Any]:
    pattern_message = question.get("pattern_message")
    return {
        "id": question["id"],
        "type": question["type"],
        **translated_initial("label", question.get("label")),
        **translated_initial("help", question.get("help")),
        **translated_initial("pattern", pattern_message),
        "required": question.get("required", True),
        "prefill": question.get("prefill", ""),
        "options": builder.options_to_text(question.get("options", [])),
        "min": question.get("min"),
        "max": question.get("max"),
        "quantity": question.get("quantity", False),
        "max_length": question.get("max_length"),
        "pattern": question.get("pattern", ""),
        "accept": question.get("accept", ["pdf", "jpeg", "png"]),
        "max_size_mb": question.get("max_size_mb"),
        "max_items": question.get("max_items"),
    }


class ConditionForm(AccessibleForm):
    when_question = forms.ChoiceField(
        label=gettext_lazy("Ask this question"), required=False, choices=[]
    )
    equals = forms.CharField(
        label=gettext_lazy("Answer that shows it"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "An option's value (e.g. bed), yes or no, a number, or the exact text."
        ),
    )

    def __init__(self, *args: Any, earlier: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["when_question"].choices = [  # type: ignore[attr-defined]
            ("", _("Always")),
            *[
                (qid, _("Only when “%(label)s” is answered:") % {"label": lbl})
                for qid, lbl in earlier
            ],
        ]


class RoutingForm(AccessibleForm):
    next_page = forms.ChoiceField(label=gettext_lazy("Otherwise go to"), required=False)

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_page"].choices = [  # type: ignore[attr-defined]
            ("", _("Check your answers (the end of the form)")),
            *targets,
        ]


class RouteForm(AccessibleForm):
    question = forms.ChoiceField(label=gettext_lazy("When the answer to"), required=False)
    equals = forms.CharField(label=gettext_lazy("is"), required=False, max_length=200)
    goto = forms.ChoiceField(label=gettext_lazy("go to"), required=False)

    def __init__(
        self,
        *args: Any,
        questions: list[tuple[str, str]],
        targets: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [("", "–"), *questions]  # type: ignore[attr-defined]
        self.fields["goto"].choices = [("", "–"), *targets]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        filled = [bool(cleaned.get(k)) for k in ("question", "equals", "goto")]
        if any(filled) and not all(filled):
            raise ValidationError(_("Fill in the question, the answer and where to go, or none."))
        return cleaned


RouteFormSet = forms.formset_factory(RouteForm, extra=2, max_num=20, absolute_max=20)


class ExitForm(AccessibleForm):
    exit_id = forms.CharField(
        label=gettext_lazy("Exit page id"), max_length=40, validators=[ID_VALIDATOR]
    )
    title_ja, title_en, title_easy = translated_fields(
        gettext_lazy("Title"), required=True, max_length=200
    )
    body_ja, body_en, body_easy = translated_fields(
        gettext_lazy("What to tell the resident"), required=True, textarea=True, max_length=4000
    )


class DeclarationForm(AccessibleForm):
    declaration_ja, declaration_en, declaration_easy = translated_fields(
        gettext_lazy("Declaration"), required=True, textarea=True, max_length=2000
    )


class ImportForm(AccessibleForm):
    file = forms.FileField(
        label=gettext_lazy("JSON file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/json,.json"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Or paste the JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "en"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not (cleaned.get("text") or "").strip():
            raise ValidationError(_("Choose a file or paste the JSON."))
        return cleaned

    def content(self) -> str | bytes:
        upload = self.cleaned_data.get("file")
        if upload:
            if upload.size > builder.MAX_IMPORT_BYTES:
                return b" " * (builder.MAX_IMPORT_BYTES + 1)  # the service says why
            return bytes(upload.read())
        return str(self.cleaned_data["text"])


# --- Helpers -------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not form_selectors.can_build_forms(user):
        raise PermissionDenied
    return user  # type: ignore[return-value]


def _procedure(request: HttpRequest, slug: str) -> Procedure:
    user = _staff(request)
    procedure = Procedure.objects.select_related("department").filter(slug=slug).first()
    if procedure is None or not form_selectors.can_build(user, procedure):
        raise Http404
    return procedure


def _draft(procedure: Procedure) -> FormDraft:
    draft = FormDraft.objects.filter(procedure=procedure).first()
    if draft is None:
        raise Http404
    return draft


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _overview_url(procedure: Procedure, anchor: str = "") -> str:
    url = reverse("staff:forms:overview", args=[procedure.slug])
    return f"{url}#{anchor}" if anchor else url


def _overview(procedure: Procedure, anchor: str = "") -> HttpResponse:
    return redirect(_overview_url(procedure, anchor))


def _label(value: Any, language: str) -> str:
    return localized(value, language) if isinstance(value, dict) else ""


def _find(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    item = next((i for i in items if i["id"] == item_id), None)
    if item is None:
        raise Http404
    return item


def _page_of(definition: dict[str, Any], page_id: str) -> dict[str, Any]:
    return _find(definition["pages"], page_id)


def _question_of(
    definition: dict[str, Any], page_id: str, question_id: str, group_id: str | None
) -> dict[str, Any]:
    questions = _page_of(definition, page_id)["questions"]
    if group_id is not None:
        group = _find(questions, group_id)
        if group["type"] != "group":
            raise Http404
        questions = group.get("questions", [])
    return _find(questions, question_id)


def _targets(definition: dict[str, Any], language: str, *, besides: str) -> list[tuple[str, str]]:
    pages = [
        (
            p["id"],
            _("Page: %(title)s (%(id)s)") % {"title": _label(p["title"], language), "id": p["id"]},
        )
        for p in definition["pages"]
        if p["id"] != besides
    ]
    exits = [
        (
            e["id"],
            _("Exit: %(title)s (%(id)s)") % {"title": _label(e["title"], language), "id": e["id"]},
        )
        for e in definition.get("exits", [])
    ]
    return pages + exits


def _questions_up_to(
    definition: dict[str, Any], page_id: str, language: str, *, including: bool
) -> list[tuple[str, str]]:
    """Questions asked before ``page_id`` (and on it, when ``including``)."""
    choices: list[tuple[str, str]] = []
    for page in definition["pages"]:
        if page["id"] == page_id and not including:
            break
        choices += [
            (q["id"], f"{_label(q['label'], language)} ({q['id']})")
            for q in page["questions"]
            if q["type"] in builder.CONDITION_TYPES
        ]
        if page["id"] == page_id:
            break
    return choices


def _editing(request: HttpRequest, slug: str) -> tuple[Procedure, FormDraft]:
    """The procedure this admin may build, and its draft (404 without either)."""
    procedure = _procedure(request, slug)
    return procedure, _draft(procedure)


def _direction(request: HttpRequest) -> builder.Direction:
    return "up" if request.POST.get("direction") == "up" else "down"


def _run(
    request: HttpRequest,
    form: forms.Form | None,
    draft: FormDraft,
    service: Callable[..., object],
    fields: dict[str, Any],
    success: str,
) -> bool:
    """Run a builder service on ``draft`` as of the version the editor saw, with ``fields``.
    Success: a message, True. A stale edit: a message, True (the caller goes back to the
    overview). Any other refusal: the problems on ``form`` (or as messages when there is no
    form), False."""
    try:
        service(draft=draft, expected_version=_version(request), user=_staff(request), **fields)
    except builder.StaleDraft as exc:
        messages.error(request, exc.problems[0])
        return True
    except builder.BuilderError as exc:
        if form is None:
            for problem in exc.problems:
                messages.error(request, problem)
            return True
        for problem in exc.problems:
            form.add_error(None, problem)
        return False
    messages.success(request, success)
    return True


def _button(
    request: HttpRequest,
    slug: str,
    service: Callable[..., object],
    *,
    success: str,
    anchor: str,
    confirm: str = "",
    **fields: Any,
) -> HttpResponse:
    """A move or remove button on the overview: run ``service``, then back to the overview,
    where a refusal shows as a message. With ``confirm`` (removals), the first press shows a
    page asking to confirm it, and only the button there removes anything: this works
    without JavaScript, and a slip of the finger on a phone removes nothing."""
    procedure, draft = _editing(request, slug)
    if confirm and request.POST.get("confirmed") != "yes":
        return render(
            request,
            "procedures/staff/builder/confirm_remove.html",
            {
                "procedure": procedure,
                "draft": draft,
                "version": request.POST.get("version", draft.version),
                "question": confirm,
                "action": request.path,
                "cancel_url": _overview_url(procedure, anchor),
            },
        )
    _run(request, None, draft, service, fields, success)
    return _overview(procedure, anchor)


def _form_page(
    request: HttpRequest,
    procedure: Procedure,
    draft: FormDraft,
    form: forms.Form,
    *,
    service: Callable[..., object],
    fields: Callable[[dict[str, Any]], dict[str, Any]],
    success: str,
    anchor: str | Callable[[dict[str, Any]], str],
    template: str,
    context: dict[str, Any] | None = None,
    formset: forms.BaseFormSet[Any] | None = None,
) -> HttpResponse:
    """A page that edits the draft: on a valid POST, run ``service`` with
    ``fields(cleaned_data)`` and go back to the overview at ``anchor``; otherwise, or when
    the service refuses, show ``template`` with the form (and ``formset``) and its problems."""
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        data = form.cleaned_data
        if _run(request, form, draft, service, fields(data), success):
            return _overview(procedure, anchor(data) if callable(anchor) else anchor)
    return render(
        request,
        f"procedures/staff/builder/{template}",
        {
            "procedure": procedure,
            "draft": draft,
            "version": request.POST.get("version", draft.version),
            "form": form,
            "formset": formset,
            **(context or {}),
        },
    )


# --- Procedures and their catalogue entries ------------------------------------------------


def procedure_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(
        request,
        "procedures/staff/builder/list.html",
        {"procedures": form_selectors.buildable_procedures(user)},
    )


@require_http_methods(["GET", "POST"])
def procedure_create(request: HttpRequest) -> HttpResponse:
    return _entry(request, None)


@require_http_methods(["GET", "POST"])
def procedure_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _entry(request, _procedure(request, slug))


def _entry(request: HttpRequest, procedure: Procedure | None) -> HttpResponse:
    user = _staff(request)
    form = ProcedureEntryForm(
        request.POST or None,
        # A new entry is hidden and "not yet online" until its form is built and published:
        # the catalogue must never promise an online procedure with no way to apply.
        initial=entry_initial(procedure)
        if procedure
        else {"is_published": False, "availability": Procedure.Availability.NOT_YET_ONLINE},
        user=user,
        editing=procedure,
    )
    if request.method == "POST" and form.is_valid():
        slug = procedure.slug if procedure else form.cleaned_data["slug"]
        try:
            saved = builder.procedure_entry_save(
                user=user, slug=slug, data=form.entry_data(), procedure=procedure
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                name = {"department_id": "department", "offline_reason": "offline_ja"}.get(
                    field, field
                )
                form.add_error(name if name in form.fields else None, errors)
        except builder.BuilderError as exc:
            raise PermissionDenied(exc.problems[0]) from None
        else:
            messages.success(request, _("The catalogue entry has been saved."))
            return _overview(saved)
    return render(
        request,
        "procedures/staff/builder/entry.html",
        {"form": form, "procedure": procedure},
    )


# --- The form's overview, publishing, import and export ------------------------------------


@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    if request.method == "POST":  # "Start editing"
        builder.form_draft_start(procedure=procedure, user=_staff(request))
        return _overview(procedure)
    draft = FormDraft.objects.filter(procedure=procedure).select_related("updated_by").first()
    return _render_overview(request, procedure, draft, problems=None)


def _render_overview(
    request: HttpRequest,
    procedure: Procedure,
    draft: FormDraft | None,
    *,
    problems: list[str] | None,
) -> HttpResponse:
    language = request.LANGUAGE_CODE
    outline: list[dict[str, Any]] = []
    if draft is not None:
        definition = draft.definition
        titles = {
            item["id"]: _label(item["title"], language)
            for item in [*definition["pages"], *definition.get("exits", [])]
        }
        labels = {
            q["id"]: _label(q["label"], language)
            for page in definition["pages"]
            for q in page["questions"]
        }
        for number, page in enumerate(definition["pages"], start=1):
            outline.append(
                {
                    "number": number,
                    "page": page,
                    "title": titles[page["id"]],
                    "first": number == 1,
                    "last": number == len(definition["pages"]),
                    "questions": [
                        _question_row(q, language, labels, index, len(page["questions"]))
                        for index, q in enumerate(page["questions"])
                    ],
                    "routes": [
                        {
                            "question": labels.get(r["when"]["question"], r["when"]["question"]),
                            "equals": r["when"]["equals"],
                            "goto": titles.get(r["goto"], r["goto"]),
                        }
                        for r in page.get("routes", [])
                    ],
                    "next": titles.get(page["next"], page["next"]) if page.get("next") else None,
                }
            )
        if problems is None:
            problems = builder.form_draft_problems(definition=definition)
    return render(
        request,
        "procedures/staff/builder/overview.html",
        {
            "procedure": procedure,
            "draft": draft,
            "outline": outline,
            "exits": [
                {"exit": e, "title": _label(e["title"], language)}
                for e in (draft.definition.get("exits", []) if draft else [])
            ],
            "declaration": _label(draft.definition["declaration"], language) if draft else "",
            "problems": problems or [],
            "versions": form_selectors.published_versions(procedure).only(
                "version", "published_at"
            ),
        },
    )


def _question_row(
    question: dict[str, Any], language: str, labels: dict[str, str], index: int, count: int
) -> dict[str, Any]:
    types = dict(QUESTION_TYPES)
    show_if = question.get("show_if")
    children = question.get("questions", [])
    return {
        "question": question,
        "label": _label(question["label"], language),
        "type": types.get(question["type"], question["type"]),
        "required": question.get("required", True),
        "condition": {
            "question": labels.get(show_if["question"], show_if["question"]),
            "equals": show_if["equals"],
        }
        if show_if
        else None,
        "first": index == 0,
        "last": index == count - 1,
        "children": [
            {
                "question": child,
                "label": _label(child["label"], language),
                "type": types.get(child["type"], child["type"]),
                "required": child.get("required", True),
                "first": n == 0,
                "last": n == len(children) - 1,
            }
            for n, child in enumerate(children)
        ],
    }


@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = _procedure(request, slug)
    draft = _draft(procedure)
    try:
        version = builder.form_draft_publish(
            draft=draft, expected_version=_version(request), user=_staff(request)
        )
    except builder.StaleDraft as exc:
        messages.error(request, exc.problems[0])
    except builder.PublishRefused as exc:
        messages.error(request, _("The form was not published: fix the problems listed first."))
        return _render_overview(request, procedure, draft, problems=exc.problems)
    else:
        messages.success(
            request,
            _("Version %(version)d is published. Residents who start now get this form.")
            % {"version": version.version},
        )
        if procedure.availability != Procedure.Availability.ONLINE or not procedure.is_published:
            messages.info(
                request,
                _(
                    "Residents cannot apply yet: in the catalogue entry, set the availability "
                    "to “Online” and show it in the catalogue."
                ),
            )
    return _overview(procedure)


def export(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft, or a published version (``?version=N``), as a JSON file."""
    procedure = _procedure(request, slug)
    number = request.GET.get("version", "")
    if number:
        version = (
            form_selectors.published_versions(procedure).filter(version=number).first()
            if number.isdigit()
            else None
        )
        if version is None:
            raise Http404
        definition, name = version.definition, f"{procedure.slug}-v{version.version}.json"
    else:
        definition, name = _draft(procedure).definition, f"{procedure.slug}-draft.json"
    response = HttpResponse(
        builder.form_export(definition=definition), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def import_json(request: HttpRequest, slug: str) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    return _form_page(
        request,
        procedure,
        draft,
        form,
        service=builder.form_draft_import,
        fields=lambda data: {"text": form.content()},
        success=_("The form has been imported. Check it, preview it, then publish it."),
        anchor="",
        template="import.html",
        context={"max_kb": builder.MAX_IMPORT_BYTES // 1024},
    )


# --- Pages ---------------------------------------------------------------------------------


def _new_page_anchor(data: dict[str, Any]) -> str:
    return f"page-{data['page_id']}"


@require_http_methods(["GET", "POST"])
def page_add(request: HttpRequest, slug: str) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    return _form_page(
        request,
        procedure,
        draft,
        NewPageForm(request.POST or None),
        service=builder.form_draft_page_add,
        fields=lambda data: {
            "page_id": data["page_id"],
            "title": translated_value(data, "title") or {},
            "first_question": {
                "id": data["question_id"],
                "type": data["question_type"],
                "label": translated_value(data, "question"),
            },
        },
        success=_("The page has been added."),
        anchor=_new_page_anchor,
        template="page_form.html",
        context={"adding": True},
    )


@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    page = _page_of(draft.definition, page_id)
    return _form_page(
        request,
        procedure,
        draft,
        PageDetailsForm(
            request.POST or None,
            initial={"page_id": page["id"], **translated_initial("title", page["title"])},
        ),
        service=builder.form_draft_page_update,
        fields=lambda data: {
            "page_id": page_id,
            "new_id": data["page_id"],
            "title": translated_value(data, "title") or {},
        },
        success=_("The page has been saved."),
        anchor=_new_page_anchor,
        template="page_form.html",
        context={"page": page, "adding": False},
    )


@require_POST
def page_remove(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    _owner, draft = _editing(request, slug)
    title = _label(_page_of(draft.definition, page_id)["title"], request.LANGUAGE_CODE)
    return _button(
        request,
        slug,
        builder.form_draft_page_remove,
        confirm=_("Remove the page “%(title)s” and every question on it?") % {"title": title},
        success=_("The page has been removed."),
        anchor="pages",
        page_id=page_id,
    )


@require_POST
def page_move(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    return _button(
        request,
        slug,
        builder.form_draft_page_move,
        success=_("The page has been moved."),
        anchor=f"page-{page_id}",
        page_id=page_id,
        direction=_direction(request),
    )


@require_http_methods(["GET", "POST"])
def routing(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    definition = draft.definition
    page = _page_of(definition, page_id)
    language = request.LANGUAGE_CODE
    targets = _targets(definition, language, besides=page_id)
    choices = {
        "questions": _questions_up_to(definition, page_id, language, including=True),
        "targets": targets,
    }
    formset = RouteFormSet(
        request.POST or None,
        initial=[
            {
                "question": r["when"]["question"],
                "equals": str(r["when"]["equals"]),
                "goto": r["goto"],
            }
            for r in page.get("routes", [])
        ],
        prefix="route",
        form_kwargs=choices,
    )
    return _form_page(
        request,
        procedure,
        draft,
        RoutingForm(
            request.POST or None, initial={"next_page": page.get("next") or ""}, targets=targets
        ),
        formset=formset,
        service=builder.form_draft_routing_set,
        fields=lambda data: {
            "page_id": page_id,
            "routes": [
                (row["question"], row["equals"], row["goto"])
                for row in formset.cleaned_data
                if row.get("question")
            ],
            "next_page": data.get("next_page") or None,
        },
        success=_("Where the page leads has been saved."),
        anchor=f"page-{page_id}",
        template="routing.html",
        context={"page": page, "title": _label(page["title"], language)},
    )


# --- Questions -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def question_add(
    request: HttpRequest, slug: str, page_id: str, group_id: str | None = None
) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    page = _page_of(draft.definition, page_id)
    if group_id is not None:
        _question_of(draft.definition, page_id, group_id, None)
    form = _question_form(request, initial={"required": True}, in_group=bool(group_id))
    return _form_page(
        request,
        procedure,
        draft,
        form,
        service=builder.form_draft_question_add,
        fields=lambda data: {"page_id": page_id, "group_id": group_id, "question": form.question},
        success=_("The question has been added."),
        anchor=f"page-{page_id}",
        template="question_form.html",
        context=_question_context(request, form, page, group_id, None),
    )


@require_http_methods(["GET", "POST"])
def question_edit(
    request: HttpRequest, slug: str, page_id: str, question_id: str, group_id: str | None = None
) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    page = _page_of(draft.definition, page_id)
    question = _question_of(draft.definition, page_id, question_id, group_id)
    form = _question_form(request, initial=question_initial(question), in_group=bool(group_id))
    return _form_page(
        request,
        procedure,
        draft,
        form,
        service=builder.form_draft_question_update,
        fields=lambda data: {
            "page_id": page_id,
            "group_id": group_id,
            "question_id": question_id,
            "question": form.question,
        },
        success=_("The question has been saved."),
        anchor=f"page-{page_id}",
        template="question_form.html",
        context=_question_context(request, form, page, group_id, question),
    )


def _question_form(
    request: HttpRequest, *, initial: dict[str, Any], in_group: bool
) -> QuestionForm:
    """The question form, bound to what was posted, except after "Show the settings for this
    type" (the no-JavaScript way to change type): then what was typed is shown again, for
    the new type, without checking or saving it."""
    if request.method == "POST" and request.POST.get("show_settings"):
        typed = {
            name: request.POST.getlist(name)
            if isinstance(field, forms.MultipleChoiceField)
            else request.POST.get(name)
            for name, field in QuestionForm.base_fields.items()
            if name in request.POST
        }
        return QuestionForm(initial=typed, in_group=in_group)
    return QuestionForm(request.POST or None, initial=initial, in_group=in_group)


@dataclass(frozen=True)
class TypeSettings:
    """A box of settings that only some question types have."""

    types: tuple[str, ...]
    legend: str
    fields: list[Any]
    note: str = ""
    shown: bool = False


def _type_settings(form: QuestionForm, *, in_group: bool) -> list[TypeSettings]:
    """The settings boxes of the question form: only the chosen type's box is shown (the
    others are there, hidden, for the page's script to show when the type changes)."""
    chosen = (form.data.get("type") if form.is_bound else form.initial.get("type")) or "text"
    boxes = [
        TypeSettings(("choice", "multichoice"), _("Options"), [form["options"]]),
        TypeSettings(("number",), _("For numbers"), [form["min"], form["max"], form["quantity"]]),
        TypeSettings(
            ("text", "textarea"),
            _("For short and long text"),
            [
                form["max_length"],
                form["pattern"],
                form["pattern_ja"],
                form["pattern_en"],
                form["pattern_easy"],
            ],
        ),
    ]
    if not in_group:
        boxes += [
            TypeSettings(("file",), _("For file uploads"), [form["accept"], form["max_size_mb"]]),
            TypeSettings(
                ("group",),
                _("For a repeatable group"),
                [form["max_items"]],
                note=_("After saving, add the questions asked for each item from the form's page."),
            ),
        ]
    return [
        TypeSettings(box.types, box.legend, box.fields, box.note, shown=chosen in box.types)
        for box in boxes
    ]


def _question_context(
    request: HttpRequest,
    form: QuestionForm,
    page: dict[str, Any],
    group_id: str | None,
    question: dict[str, Any] | None,
) -> dict[str, Any]:
    """What the question form shows besides the form; ``question`` is None when adding."""
    return {
        "page": page,
        "page_title": _label(page["title"], request.LANGUAGE_CODE),
        "question": question,
        "group_id": group_id,
        "adding": question is None,
        "type_settings": _type_settings(form, in_group=bool(group_id)),
    }


@require_POST
def question_remove(
    request: HttpRequest, slug: str, page_id: str, question_id: str, group_id: str | None = None
) -> HttpResponse:
    _owner, draft = _editing(request, slug)
    question = _question_of(draft.definition, page_id, question_id, group_id)
    label = _label(question["label"], request.LANGUAGE_CODE)
    return _button(
        request,
        slug,
        builder.form_draft_question_remove,
        confirm=_("Remove the question “%(label)s”?") % {"label": label},
        success=_("The question has been removed."),
        anchor=f"page-{page_id}",
        page_id=page_id,
        group_id=group_id,
        question_id=question_id,
    )


@require_POST
def question_move(
    request: HttpRequest, slug: str, page_id: str, question_id: str, group_id: str | None = None
) -> HttpResponse:
    return _button(
        request,
        slug,
        builder.form_draft_question_move,
        success=_("The question has been moved."),
        anchor=f"page-{page_id}",
        page_id=page_id,
        group_id=group_id,
        question_id=question_id,
        direction=_direction(request),
    )


@require_http_methods(["GET", "POST"])
def condition(request: HttpRequest, slug: str, page_id: str, question_id: str) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    question = _question_of(draft.definition, page_id, question_id, None)
    language = request.LANGUAGE_CODE
    show_if = question.get("show_if") or {}
    return _form_page(
        request,
        procedure,
        draft,
        ConditionForm(
            request.POST or None,
            initial={
                "when_question": show_if.get("question", ""),
                "equals": show_if.get("equals", ""),
            },
            earlier=_questions_up_to(draft.definition, page_id, language, including=False),
        ),
        service=builder.form_draft_condition_set,
        fields=lambda data: {
            "page_id": page_id,
            "question_id": question_id,
            "when_question": data.get("when_question") or None,
            "equals": data.get("equals", ""),
        },
        success=_("The condition has been saved."),
        anchor=f"page-{page_id}",
        template="condition.html",
        context={"question": question, "label": _label(question["label"], language)},
    )


# --- Exits and the declaration -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def exit_edit(request: HttpRequest, slug: str, exit_id: str | None = None) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    existing = _find(draft.definition.get("exits", []), exit_id) if exit_id else None
    initial = (
        {
            "exit_id": existing["id"],
            **translated_initial("title", existing["title"]),
            **translated_initial("body", existing["body"]),
        }
        if existing
        else {}
    )
    return _form_page(
        request,
        procedure,
        draft,
        ExitForm(request.POST or None, initial=initial),
        service=builder.form_draft_exit_save,
        fields=lambda data: {
            "exit_id": exit_id,
            "new_id": data["exit_id"],
            "title": translated_value(data, "title") or {},
            "body": translated_value(data, "body") or {},
        },
        success=_("The exit page has been saved."),
        anchor="exits",
        template="exit_form.html",
        context={"exit": existing},
    )


@require_POST
def exit_remove(request: HttpRequest, slug: str, exit_id: str) -> HttpResponse:
    _owner, draft = _editing(request, slug)
    exit_ = _find(draft.definition.get("exits", []), exit_id)
    title = _label(exit_["title"], request.LANGUAGE_CODE)
    return _button(
        request,
        slug,
        builder.form_draft_exit_remove,
        confirm=_("Remove the exit page “%(title)s”?") % {"title": title},
        success=_("The exit page has been removed."),
        anchor="exits",
        exit_id=exit_id,
    )


@require_http_methods(["GET", "POST"])
def declaration(request: HttpRequest, slug: str) -> HttpResponse:
    procedure, draft = _editing(request, slug)
    return _form_page(
        request,
        procedure,
        draft,
        DeclarationForm(
            request.POST or None,
            initial=translated_initial("declaration", draft.definition.get("declaration")),
        ),
        service=builder.form_draft_declaration_set,
        fields=lambda data: {"declaration": translated_value(data, "declaration") or {}},
        success=_("The declaration has been saved."),
        anchor="declaration",
        template="declaration.html",
    )


# --- Preview as a resident -----------------------------------------------------------------
# The resident's page template and PageForm, fed with the draft. Answers live only in this
# staff member's session; nothing is stored and no application is made.


class PreviewRun:
    """Staff trying the working copy as a resident would, through the residents' own pages
    (``views.runner``). Answers live in the session and files are checked then dropped:
    nothing is saved and no application is made."""

    keeps_to_route = False
    is_preview = True

    def __init__(self, request: HttpRequest, procedure: Procedure) -> None:
        self.request = request
        self.procedure = procedure
        self.definition = parse_definition(_draft(procedure).definition)
        self._key = f"form_preview:{procedure.pk}"
        state = request.session.get(self._key) or {"answers": {}, "files": {}}
        self.answers: dict[str, Any] = state["answers"]
        self._files: dict[str, str] = state["files"]

    def _store(self) -> None:
        self.request.session[self._key] = {"answers": self.answers, "files": self._files}

    def restart(self) -> None:
        self.answers, self._files = {}, {}
        self._store()

    def file_names(self) -> dict[str, str]:
        return self._files

    def store_file(self, question_id: str, checked: CheckedFile) -> str:
        # Only the name is kept: the file itself was checked, and is thrown away.
        marker = f"preview-{question_id}"
        self._files[marker] = checked.filename
        return marker

    def save(self, answers: dict[str, Any]) -> None:
        self.answers.update(answers)
        self._store()

    def page_url(self, page_id: str) -> str:
        return reverse("staff:forms:preview_page", args=[self.procedure.slug, page_id])

    def exit_url(self, exit_id: str) -> str:
        return reverse("staff:forms:preview_exit", args=[self.procedure.slug, exit_id])

    def check_url(self) -> str:
        return reverse("staff:forms:preview_check", args=[self.procedure.slug])

    def start_url(self) -> str:
        return reverse("staff:forms:overview", args=[self.procedure.slug])

    def saved_for_later(self, request: HttpRequest, page_id: str) -> HttpResponse:
        messages.info(
            request,
            _(
                "A resident's answers would now be saved for 30 days. In the preview "
                "nothing is saved."
            ),
        )
        return redirect(self.page_url(page_id))


def preview_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the preview again from the first page, with no answers."""
    run = PreviewRun(request, _procedure(request, slug))
    run.restart()
    return redirect(run.page_url(run.definition.pages[0].id))


@require_http_methods(["GET", "POST"])
def preview_page(request: HttpRequest, slug: str, page_id: str) -> HttpResponse:
    return runner.page(request, PreviewRun(request, _procedure(request, slug)), page_id)


def preview_exit(request: HttpRequest, slug: str, exit_id: str) -> HttpResponse:
    response = runner.exit_page(request, PreviewRun(request, _procedure(request, slug)), exit_id)
    if response is None:
        raise Http404
    return response


def preview_check(request: HttpRequest, slug: str) -> HttpResponse:
    run = PreviewRun(request, _procedure(request, slug))
    return render(request, "procedures/portal/check.html", runner.check_context(request, run))
