"""The no-code form builder: department admins edit a procedure's form in the console.

The working copy is a ``FormDraft`` (one per procedure). Every edit is a service here: it
locks the draft, refuses a stale edit (the ``version`` the editor saw is not the current
one), changes the JSON, keeps it a structurally valid definition (``parse_definition``),
stores it in the compact exported form, and writes an audit event. The graph checks
(unknown targets, unreachable pages, loops, conditions on answers not yet given) run at
publish time through ``check_definition``: a draft may be incomplete while it is built.

Publishing copies the draft into a new immutable ``FormVersion``; the draft stays as the
editable copy. Import and export use the same compact JSON, so a template exported by one
municipality imports unchanged in another.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.accounts.models import User
from minato.core import audit
from minato.procedures.catalogue import services
from minato.procedures.forms.schema import (
    DefinitionError,
    FormDefinition,
    check_definition,
    parse_definition,
)
from minato.procedures.forms.selectors import can_build, can_build_forms, published_versions
from minato.procedures.models import FormDraft, FormVersion, Procedure

# An exported form is a few tens of kilobytes; anything much larger is not a form.
MAX_IMPORT_BYTES = 256 * 1024
# Question types whose answer is one value that a condition can compare with.
CONDITION_TYPES = ("choice", "yesno", "number", "text", "email", "postal_code", "date")
Direction = Literal["up", "down"]


class BuilderError(Exception):
    """An edit that cannot be made; ``problems`` say why, in the editor's language."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class StaleDraft(BuilderError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this form while you were editing it. Your change was "
                "not saved: check the latest version and make it again."
            )
        )


class PublishRefused(BuilderError):
    pass


def form_draft_problems(*, definition: dict[str, Any]) -> list[str]:
    """What stops this definition from being published (empty when it can be)."""
    try:
        check_definition(definition)
    except DefinitionError as exc:
        return exc.problems
    return []


def form_export(*, definition: dict[str, Any]) -> str:
    """The definition as compact JSON (defaults left out), for download and sharing."""
    return json.dumps(normalise(definition), ensure_ascii=False, indent=2) + "\n"


def normalise(definition: dict[str, Any] | FormDefinition) -> dict[str, Any]:
    """Parse (raising DefinitionError) and give the compact JSON form that drafts store."""
    model = definition if isinstance(definition, FormDefinition) else parse_definition(definition)
    return model.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def empty_definition() -> dict[str, Any]:
    """A one-page form to start from when a procedure has none yet."""
    return {
        "pages": [
            {
                "id": "page_1",
                "title": {"ja": "申請内容", "en": "Your application", "ja-easy": "もうしこみ"},
                "questions": [
                    {
                        "id": "question_1",
                        "type": "text",
                        "label": {"ja": "質問 1", "en": "Question 1", "ja-easy": "しつもん 1"},
                    }
                ],
            }
        ],
        "declaration": {
            "ja": "記入した内容に誤りはありません。",
            "en": "The information I have given is correct.",
            "ja-easy": "かいた ことは ただしいです。",
        },
    }


# --- Options written one per line ----------------------------------------------------------


def options_from_text(text: str) -> list[dict[str, Any]]:
    """Parse options written one per line: ``value|日本語|English|やさしい日本語|fee``.

    Only the value and the Japanese label are required; the fee is whole yen."""
    options: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or len(parts) > 5 or not parts[0] or not parts[1]:
            raise BuilderError(
                _(
                    "Line %(number)d: write the value and the Japanese label, separated by "
                    "“|”, then optionally English, やさしい日本語 and the fee."
                )
                % {"number": number}
            )
        parts += [""] * (5 - len(parts))
        value, ja, en, easy, fee = parts
        option: dict[str, Any] = {"value": value, "label": {"ja": ja, "en": en, "ja-easy": easy}}
        if fee:
            if not fee.isdigit():
                raise BuilderError(
                    _("Line %(number)d: the fee must be a whole number of yen.")
                    % {"number": number}
                )
            option["fee_yen"] = int(fee)
        options.append(option)
    return options


def options_to_text(options: list[dict[str, Any]]) -> str:
    lines = []
    for option in options:
        label = option.get("label", {})
        parts = [
            option["value"],
            label.get("ja", ""),
            label.get("en", ""),
            label.get("ja-easy", ""),
            "" if option.get("fee_yen") is None else str(option["fee_yen"]),
        ]
        while parts and not parts[-1]:
            parts.pop()
        lines.append("|".join(parts))
    return "\n".join(lines)


# --- Finding things in a definition --------------------------------------------------------


def _page(definition: dict[str, Any], page_id: str) -> dict[str, Any]:
    for page in definition["pages"]:
        if page["id"] == page_id:
            return page  # type: ignore[no-any-return]
    raise BuilderError(_("There is no page “%(id)s” in this form.") % {"id": page_id})


def _question_list(
    definition: dict[str, Any], page_id: str, group_id: str | None
) -> list[dict[str, Any]]:
    """The list a question lives in: the page's questions, or a group's on that page."""
    questions: list[dict[str, Any]] = _page(definition, page_id)["questions"]
    if group_id is None:
        return questions
    for question in questions:
        if question["id"] == group_id and question["type"] == "group":
            return question.setdefault("questions", [])  # type: ignore[no-any-return]
    raise BuilderError(_("There is no group “%(id)s” on this page.") % {"id": group_id})


def _question_path(page_id: str, group_id: str | None, question_id: str) -> str:
    """How the audit names a question: ``page.question``, or ``page.group.question``."""
    return ".".join(part for part in (page_id, group_id, question_id) if part)


def _position(items: list[dict[str, Any]], item_id: str) -> int:
    for index, item in enumerate(items):
        if item["id"] == item_id:
            return index
    raise BuilderError(_("“%(id)s” is not in this form.") % {"id": item_id})


def _move(items: list[dict[str, Any]], item_id: str, direction: Direction) -> list[list[str]]:
    """Swap an item with its neighbour; the ids' order before and after, for the audit."""
    before = [item["id"] for item in items]
    index = _position(items, item_id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    return [before, [item["id"] for item in items]]


def _diff(prefix: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The audit's ``{field: [old, new]}`` with each field named ``prefix.field``."""
    return {f"{prefix}.{k}": v for k, v in audit.diff(before, after).items()}


def _all_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for page in definition["pages"] for q in page["questions"]]


def _rename_question(definition: dict[str, Any], old: str, new: str) -> None:
    """Keep conditions and routes pointing at a question whose id changed."""
    for page in definition["pages"]:
        for route in page.get("routes", []):
            if route["when"]["question"] == old:
                route["when"]["question"] = new
        for question in page["questions"]:
            if (question.get("show_if") or {}).get("question") == old:
                question["show_if"]["question"] = new


def _rename_target(definition: dict[str, Any], old: str, new: str) -> None:
    """Keep routes and "next" pointing at a page or exit whose id changed."""
    for page in definition["pages"]:
        if page.get("next") == old:
            page["next"] = new
        for route in page.get("routes", []):
            if route["goto"] == old:
                route["goto"] = new


def condition_value(definition: dict[str, Any], question_id: str, raw: str) -> str | int:
    """The value a condition compares an answer with, typed as the answer will be stored."""
    question = next((q for q in _all_questions(definition) if q["id"] == question_id), None)
    if question is None:
        raise BuilderError(_("There is no question “%(id)s” in this form.") % {"id": question_id})
    kind = question["type"]
    raw = raw.strip()
    if kind not in CONDITION_TYPES:
        raise BuilderError(
            _(
                "A condition can only use a choice, yes/no, number, text, email, postal code "
                "or date question."
            )
        )
    if kind == "number":
        try:
            return int(raw)
        except ValueError:
            raise BuilderError(_("The answer to compare with must be a whole number.")) from None
    if kind == "yesno" and raw not in ("yes", "no"):
        raise BuilderError(_("For a yes/no question, compare with “yes” or “no”."))
    if kind == "choice":
        values = [option["value"] for option in question.get("options", [])]
        if raw not in values:
            raise BuilderError(
                _("Compare with one of the question's option values: %(values)s.")
                % {"values": ", ".join(values) or "–"}
            )
    if not raw:
        raise BuilderError(_("Write the answer to compare with."))
    return raw


# --- Writes --------------------------------------------------------------------------------


def _locked(draft: FormDraft, expected_version: int) -> FormDraft:
    """The draft, locked for this transaction; StaleDraft when it is no longer the version
    the editor saw."""
    locked = FormDraft.objects.select_for_update().select_related("procedure").get(pk=draft.pk)
    if locked.version != expected_version:
        raise StaleDraft()
    return locked


def _edit(
    draft: FormDraft,
    expected_version: int,
    user: User,
    *,
    action: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
) -> FormDraft:
    """Lock the draft, check the version, apply ``change`` to a copy of its definition,
    keep the result only if it is still a valid definition, and audit it. ``change``
    returns the audit's ``{field: [old, new]}``."""
    locked = _locked(draft, expected_version)
    definition = copy.deepcopy(locked.definition)
    changes = change(definition)
    try:
        definition = normalise(definition)
    except DefinitionError as exc:
        raise BuilderError(*exc.problems) from None
    old_version = locked.version
    locked.definition = definition
    locked.version = old_version + 1
    locked.updated_by = user
    locked.save(update_fields=["definition", "version", "updated_by", "updated_at"])
    audit.record(
        action=f"procedures.form_draft_{action}",
        obj=locked,
        department_id=locked.procedure.department_id,
        changes={"version": [old_version, locked.version], **changes},
    )
    return locked


@transaction.atomic
def form_draft_start(*, procedure: Procedure, user: User) -> FormDraft:
    """The procedure's draft; made on first use from the latest published version, or from
    an empty one-page form when there is none."""
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    existing = FormDraft.objects.filter(procedure=procedure).first()
    if existing is not None:
        return existing
    latest = published_versions(procedure).first()
    definition = normalise(latest.definition if latest else empty_definition())
    draft = FormDraft.objects.create(procedure=procedure, definition=definition, updated_by=user)
    audit.record(
        action="procedures.form_draft_started",
        obj=draft,
        department_id=procedure.department_id,
        changes={"from_version": [None, latest.version if latest else None]},
    )
    return draft


@transaction.atomic
def form_draft_page_add(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    title: dict[str, str],
    first_question: dict[str, Any],
) -> FormDraft:
    """Add a page at the end with its first question. If the last page went to "check your
    answers", it now goes to the new page, so the new page is on the way."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        pages = definition["pages"]
        last = pages[-1]
        if last.get("next") is None:
            last["next"] = page_id
        pages.append({"id": page_id, "title": title, "questions": [first_question]})
        return {"page": [None, page_id]}

    return _edit(draft, expected_version, user, action="page_added", change=change)


@transaction.atomic
def form_draft_page_update(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    new_id: str,
    title: dict[str, str],
) -> FormDraft:
    """Change a page's id and title; routes and "next" follow a new id."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        page = _page(definition, page_id)
        before = {"id": page["id"], "title": page["title"]}
        if new_id != page_id:
            _rename_target(definition, page_id, new_id)
        page["id"], page["title"] = new_id, title
        return _diff("page", before, {"id": new_id, "title": title})

    return _edit(draft, expected_version, user, action="page_updated", change=change)


@transaction.atomic
def form_draft_page_remove(
    *, draft: FormDraft, expected_version: int, user: User, page_id: str
) -> FormDraft:
    """Remove a page and its questions. Pages that went on to it now go where it went."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        pages = definition["pages"]
        if len(pages) == 1:
            raise BuilderError(_("A form needs at least one page."))
        removed = pages.pop(_position(pages, page_id))
        for page in pages:
            if page.get("next") == page_id:
                page["next"] = removed.get("next")
        return {"page": [page_id, None]}

    return _edit(draft, expected_version, user, action="page_removed", change=change)


@transaction.atomic
def form_draft_page_move(
    *, draft: FormDraft, expected_version: int, user: User, page_id: str, direction: Direction
) -> FormDraft:
    """Move a page up or down the list (the first page is where applicants start)."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        return {"page_order": _move(definition["pages"], page_id, direction)}

    return _edit(draft, expected_version, user, action="page_moved", change=change)


@transaction.atomic
def form_draft_question_add(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    question: dict[str, Any],
    group_id: str | None = None,
) -> FormDraft:
    """Add a question at the end of a page, or of a repeatable group on that page."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        _question_list(definition, page_id, group_id).append(question)
        return {"question": [None, _question_path(page_id, group_id, question["id"])]}

    return _edit(draft, expected_version, user, action="question_added", change=change)


# The fields the question form edits; the rest (a condition, a group's questions) are kept.
QUESTION_FORM_FIELDS = (
    "id",
    "type",
    "label",
    "help",
    "required",
    "options",
    "min",
    "max",
    "max_length",
    "pattern",
    "pattern_message",
    "quantity",
    "accept",
    "max_size_mb",
    "max_items",
    "prefill",
)


@transaction.atomic
def form_draft_question_update(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    question_id: str,
    question: dict[str, Any],
    group_id: str | None = None,
) -> FormDraft:
    """Replace what the question form edits (options included); conditions and routes
    follow a new id."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        questions = _question_list(definition, page_id, group_id)
        index = _position(questions, question_id)
        old = questions[index]
        kept = {k: v for k, v in old.items() if k not in QUESTION_FORM_FIELDS}
        questions[index] = {**kept, **question}
        if group_id is None and question["id"] != question_id:
            _rename_question(definition, question_id, question["id"])
        return _diff(question_id, old, questions[index])

    return _edit(draft, expected_version, user, action="question_updated", change=change)


@transaction.atomic
def form_draft_question_remove(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    question_id: str,
    group_id: str | None = None,
) -> FormDraft:
    """Remove a question (a page keeps at least one; remove the page instead)."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        questions = _question_list(definition, page_id, group_id)
        index = _position(questions, question_id)
        if group_id is None and len(questions) == 1:
            raise BuilderError(_("A page needs at least one question. Remove the page instead."))
        questions.pop(index)
        return {"question": [_question_path(page_id, group_id, question_id), None]}

    return _edit(draft, expected_version, user, action="question_removed", change=change)


@transaction.atomic
def form_draft_question_move(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    question_id: str,
    direction: Direction,
    group_id: str | None = None,
) -> FormDraft:
    """Move a question up or down on its page (or in its group)."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        questions = _question_list(definition, page_id, group_id)
        return {"question_order": _move(questions, question_id, direction)}

    return _edit(draft, expected_version, user, action="question_moved", change=change)


@transaction.atomic
def form_draft_condition_set(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    question_id: str,
    when_question: str | None,
    equals: str = "",
) -> FormDraft:
    """Ask a question only when an earlier answer matches (``when_question=None`` asks it
    always)."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        questions = _question_list(definition, page_id, None)
        question = questions[_position(questions, question_id)]
        old = question.get("show_if")
        if when_question is None:
            question.pop("show_if", None)
        else:
            value = condition_value(definition, when_question, equals)
            question["show_if"] = {"question": when_question, "equals": value}
        return {f"{question_id}.show_if": [old, question.get("show_if")]}

    return _edit(draft, expected_version, user, action="condition_set", change=change)


@transaction.atomic
def form_draft_routing_set(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    page_id: str,
    routes: list[tuple[str, str, str]],
    next_page: str | None,
) -> FormDraft:
    """Set where a page leads: routes as (question, answer, page or exit) tried in order,
    then ``next_page`` (None: "check your answers")."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        page = _page(definition, page_id)
        before = {"routes": page.get("routes", []), "next": page.get("next")}
        page["routes"] = [
            {
                "when": {
                    "question": question,
                    "equals": condition_value(definition, question, raw),
                },
                "goto": goto,
            }
            for question, raw, goto in routes
        ]
        page["next"] = next_page
        return _diff(page_id, before, {"routes": page["routes"], "next": next_page})

    return _edit(draft, expected_version, user, action="routing_set", change=change)


@transaction.atomic
def form_draft_exit_save(
    *,
    draft: FormDraft,
    expected_version: int,
    user: User,
    exit_id: str | None,
    new_id: str,
    title: dict[str, str],
    body: dict[str, str],
) -> FormDraft:
    """Add an exit page ("this procedure is not for you"), or change one (``exit_id``)."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        exits = definition.setdefault("exits", [])
        item = {"id": new_id, "title": title, "body": body}
        if exit_id is None:
            exits.append(item)
            return {"exit": [None, new_id]}
        index = _position(exits, exit_id)
        old = exits[index]
        exits[index] = item
        if new_id != exit_id:
            _rename_target(definition, exit_id, new_id)
        return _diff("exit", old, item)

    return _edit(draft, expected_version, user, action="exit_saved", change=change)


@transaction.atomic
def form_draft_exit_remove(
    *, draft: FormDraft, expected_version: int, user: User, exit_id: str
) -> FormDraft:
    """Remove an exit page (routes to it must then be changed before publishing)."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        exits = definition.get("exits", [])
        exits.pop(_position(exits, exit_id))
        return {"exit": [exit_id, None]}

    return _edit(draft, expected_version, user, action="exit_removed", change=change)


@transaction.atomic
def form_draft_declaration_set(
    *, draft: FormDraft, expected_version: int, user: User, declaration: dict[str, str]
) -> FormDraft:
    """Change the declaration the applicant confirms before submitting."""

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        old = definition.get("declaration")
        definition["declaration"] = declaration
        return {"declaration": [old, declaration]}

    return _edit(draft, expected_version, user, action="declaration_set", change=change)


@transaction.atomic
def form_draft_import(
    *, draft: FormDraft, expected_version: int, user: User, text: str | bytes
) -> FormDraft:
    """Replace the draft with a definition in JSON (an exported template). Refuses text
    that is too large, not JSON, or not a valid definition, and then changes nothing."""
    if len(text) > MAX_IMPORT_BYTES:
        raise BuilderError(
            _("The file is too large: a form is at most %(size)d KB.")
            % {"size": MAX_IMPORT_BYTES // 1024}
        )
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BuilderError(_("This is not valid JSON (%(reason)s).") % {"reason": exc}) from None
    try:
        imported = normalise(data)
    except DefinitionError as exc:
        raise BuilderError(_("This JSON is not a form definition:"), *exc.problems[:20]) from None

    def change(definition: dict[str, Any]) -> dict[str, Any]:
        old_pages = [page["id"] for page in definition["pages"]]
        definition.clear()
        definition.update(imported)
        return {"imported_pages": [old_pages, [page["id"] for page in imported["pages"]]]}

    return _edit(draft, expected_version, user, action="imported", change=change)


@transaction.atomic
def form_draft_publish(*, draft: FormDraft, expected_version: int, user: User) -> FormVersion:
    """Publish the draft as a new immutable version, if it passes every check. The draft
    stays as the editable copy."""
    locked = _locked(draft, expected_version)
    problems = form_draft_problems(definition=locked.definition)
    if problems:
        raise PublishRefused(*problems)
    return form_publish(procedure=locked.procedure, definition=locked.definition)


# The catalogue fields the console edits; the rest (documents, keywords, categories…) stay.
ENTRY_FIELDS = (
    "name",
    "summary",
    "department_id",
    "fee_type",
    "fee_amount_yen",
    "payment_timing",
    "revenue_account_code",
    "revenue_account_name",
    "processing_days",
    "legal_basis",
    "availability",
    "offline_reason",
    "allows_guest",
    "is_published",
)


@transaction.atomic
def procedure_entry_save(
    *, user: User, slug: str, data: dict[str, Any], procedure: Procedure | None
) -> Procedure:
    """Create (``procedure=None``) or edit a catalogue entry from the console, within the
    departments this admin may build for. Raises ValidationError or BuilderError."""
    if not can_build_forms(user):
        raise BuilderError(_("Only department and system administrators edit procedures."))
    if procedure is not None and not can_build(user, procedure):
        raise BuilderError(_("This procedure belongs to a department you do not manage."))
    if not permissions.can_see_department(user, data.get("department_id")):
        raise ValidationError({"department_id": _("Choose one of your departments.")})
    if procedure is None and Procedure.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another procedure already uses this code.")})
    unknown = set(data) - set(ENTRY_FIELDS)
    if unknown:
        raise BuilderError(f"Unknown fields: {sorted(unknown)}")
    has_form = procedure is not None and procedure.form_versions.exists()
    if data.get("availability") == Procedure.Availability.ONLINE and not has_form:
        raise ValidationError(
            {
                "availability": _(
                    "This procedure has no published form yet: choose “At the counter for "
                    "now” until its form is published."
                )
            }
        )
    if procedure is None:
        category_codes: list[str] = []
        life_event_codes: list[str] = []
    else:
        category_codes = list(procedure.categories.values_list("code", flat=True))
        life_event_codes = list(procedure.life_events.values_list("code", flat=True))
    saved = services.procedure_upsert(
        slug=slug, data=data, category_codes=category_codes, life_event_codes=life_event_codes
    )
    return saved


@transaction.atomic
def form_publish(*, procedure: Procedure, definition: dict[str, Any]) -> FormVersion:
    """Publish a new version of a procedure's form (checked first; raises DefinitionError)."""
    check_definition(definition)
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    latest = procedure.form_versions.aggregate(latest=Max("version"))["latest"] or 0
    version = FormVersion.objects.create(
        procedure=procedure, version=latest + 1, definition=definition, published_at=timezone.now()
    )
    audit.record(
        action="procedures.form_published",
        obj=version,
        department_id=procedure.department_id,
        changes={"version": [latest or None, version.version]},
    )
    return version
