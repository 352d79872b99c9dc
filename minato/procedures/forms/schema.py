"""Forms as versioned data: the JSON definition of a procedure's questions, and its checks.

A definition is a list of pages, each with questions and optional routes; routes send the
applicant to another page or to an exit page ("this procedure is not for you") depending on
an earlier answer. Questions can be shown only when an earlier page's answer matches
(``show_if``). ``check_definition`` refuses what would trap or lose an applicant: unknown
targets, unreachable pages, loops, duplicate ids, conditions on answers not yet given.

Answers are plain JSON: text for most types, a list for ``multichoice``, an object with four
keys for ``name`` (see NAME_PARTS), a list of objects for a repeatable ``group`` (a name
inside it is the same four-key object), an attachment's id for ``file``, and ``true`` for a
``declaration``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

LANGS = ("ja", "en", "ja-easy")
QuestionType = Literal[
    "text",
    "textarea",
    "number",
    "date",
    "choice",
    "multichoice",
    "yesno",
    "email",
    "phone",
    "postal_code",
    "name",
    "file",
    "group",
    "declaration",
]
ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
# The parts of a ``name`` answer, in the order they are asked.
NAME_PARTS = ("family_name", "given_name", "family_name_kana", "given_name_kana")
# File types an applicant may upload; anything else (SVG, HTML, Office files with macros,
# archives) is refused, whatever its name says. See minato.core.uploads.
FileKind = Literal["pdf", "jpeg", "png"]
ALL_FILE_KINDS: tuple[FileKind, ...] = ("pdf", "jpeg", "png")
# Choice questions with more options than this are answered by typing and picking from a
# list (an <input list> with a <datalist>), which works without JavaScript.
AUTOCOMPLETE_THRESHOLD = 20
# Fees are per item × quantity: bounded, so a total always fits the fee columns.
MAX_QUANTITY = 1000
# A parenthesised group containing a quantifier, followed by another quantifier: the shape
# of patterns with catastrophic backtracking.
NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{?]")


class Translated(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    ja: str = Field(min_length=1)
    en: str = ""
    ja_easy: str = Field("", alias="ja-easy")


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    label: Translated
    # A fee for choosing this option (粗大ごみ: each item has its own fee); multiplied by
    # the answer to a ``quantity`` question beside it, when there is one.
    fee_yen: int | None = Field(None, ge=0, le=10_000_000)


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(pattern=ID_PATTERN)
    equals: str | int | bool


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    type: QuestionType
    label: Translated
    help: Translated | None = None
    required: bool = True
    options: list[Option] = Field(default_factory=list, max_length=500)
    min: int | None = None
    max: int | None = None
    max_length: int = Field(500, ge=1, le=5000)
    # A regular expression a text answer must match in full, and what to say when it does not.
    pattern: str | None = Field(None, max_length=200)
    pattern_message: Translated | None = None
    # Asked only when an answer on an earlier page matches.
    show_if: Condition | None = None
    # ``date``: the earliest and latest dates allowed, in days from the day of answering
    # (0 = today; -7 = a week ago).
    earliest_days: int | None = Field(None, ge=-36500, le=3650)
    latest_days: int | None = Field(None, ge=-36500, le=3650)
    # ``postal_code``: the text question on the same page that "Find address" fills in.
    address_question: str | None = Field(None, pattern=ID_PATTERN)
    # A number question whose answer multiplies the fees of the choices beside it.
    quantity: bool = False
    # ``file``: the allowed kinds and the largest size.
    accept: list[FileKind] = Field(default_factory=lambda: list(ALL_FILE_KINDS), min_length=1)
    max_size_mb: int = Field(5, ge=1, le=8)  # requests are capped at 10 MB
    # ``group``: the questions asked for each item, and how many items at most.
    questions: list[Question] = Field(default_factory=list, max_length=20)
    max_items: int = Field(10, ge=1, le=50)
    # Fill the first answer from the applicant's profile (they can change it).
    prefill: (
        Literal[
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "birth_date",
            "postal_code",
            "address",
            "phone",
            "email",
            "name",
        ]
        | None
    ) = None

    @field_validator("pattern")
    @classmethod
    def _usable_pattern(cls, pattern: str | None) -> str | None:
        # Checked when a draft is saved, not only at publish: a preview or a resident's page
        # must never meet a pattern that does not compile, or one that can take exponential
        # time on a long answer (a group with a quantifier, itself repeated: "(a+)+").
        if pattern is None:
            return pattern
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"the pattern is not a valid regular expression ({exc})") from None
        if NESTED_QUANTIFIER.search(pattern):
            raise ValueError("the pattern repeats a repeated group, which can be very slow")
        return pattern

    @field_validator("options")
    @classmethod
    def _unique_values(cls, options: list[Option]) -> list[Option]:
        if len({option.value for option in options}) != len(options):
            raise ValueError("option values must be unique")
        return options

    def shown(self, answers: dict[str, Any]) -> bool:
        return self.show_if is None or answers.get(self.show_if.question) == self.show_if.equals

    @property
    def uses_autocomplete(self) -> bool:
        return self.type == "choice" and len(self.options) > AUTOCOMPLETE_THRESHOLD


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid")

    when: Condition
    goto: str = Field(pattern=ID_PATTERN)


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    title: Translated
    questions: list[Question] = Field(min_length=1, max_length=50)
    routes: list[Route] = Field(default_factory=list, max_length=20)
    # The page after this one when no route matches; None means "check your answers".
    next: str | None = Field(None, pattern=ID_PATTERN)


class ExitPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    title: Translated
    body: Translated


class FormDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pages: list[Page] = Field(min_length=1, max_length=50)
    exits: list[ExitPage] = Field(default_factory=list, max_length=20)
    declaration: Translated

    def page(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)

    def exit(self, exit_id: str) -> ExitPage | None:
        return next((exit_ for exit_ in self.exits if exit_.id == exit_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for page in self.pages for q in page.questions if q.id == question_id), None)

    def questions(self) -> list[Question]:
        return [q for page in self.pages for q in page.questions]

    def has_files(self) -> bool:
        return any(q.type == "file" for q in self.questions())

    def has_fees(self) -> bool:
        return any(
            o.fee_yen is not None
            for q in self.questions()
            for o in [*q.options, *(o for c in q.questions for o in c.options)]
        )


class DefinitionError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_definition(data: Any) -> FormDefinition:
    try:
        return FormDefinition.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(
            [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        ) from None


def next_page_id(page: Page, answers: dict[str, Any]) -> str | None:
    """Where an applicant goes after ``page``: the first matching route, else ``next``."""
    for route in page.routes:
        if answers.get(route.when.question) == route.when.equals:
            return route.goto
    return page.next


def _question_problems(question: Question, *, in_group: bool) -> list[str]:
    problems: list[str] = []
    where = f"question {question.id}"
    if question.type in ("choice", "multichoice") and not question.options:
        problems.append(f"{where}: a choice needs options")
    if question.type != "group" and question.questions:
        problems.append(f"{where}: only a group has questions of its own")
    if question.type == "group":
        if in_group:
            problems.append(f"{where}: a group cannot contain another group")
        if not question.questions:
            problems.append(f"{where}: a group needs at least one question")
        child_ids = [child.id for child in question.questions]
        if len(set(child_ids)) != len(child_ids):
            problems.append(f"{where}: the group's question ids must be unique")
        for child in question.questions:
            # Uploads are kept per top-level question, and a declaration is made once.
            if child.type in ("file", "declaration"):
                problems.append(f"{where}: a {child.type} question cannot be inside a group")
            if child.show_if is not None:
                problems.append(f"{where}: questions inside a group cannot have conditions")
            problems.extend(_question_problems(child, in_group=True))
    if question.quantity and question.type != "number":
        problems.append(f"{where}: only a number can be a quantity")
    elif question.quantity and (question.max is None or question.max > MAX_QUANTITY):
        problems.append(f"{where}: a quantity needs a maximum of {MAX_QUANTITY} or less")
    if question.min is not None and question.max is not None and question.min > question.max:
        problems.append(f"{where}: the minimum is larger than the maximum")
    if (
        question.earliest_days is not None
        and question.latest_days is not None
        and question.earliest_days > question.latest_days
    ):
        problems.append(f"{where}: the earliest date is after the latest date")
    return problems


def _can_be_empty(page: Page, earlier: dict[str, Question]) -> bool:
    """Whether some answers hide every question on the page. It cannot be empty when one
    question is always shown, or when conditions on one required yes/no or choice question
    together cover every answer it allows."""
    covered: dict[str, set[Any]] = {}
    for question in page.questions:
        if question.show_if is None:
            return False
        covered.setdefault(question.show_if.question, set()).add(question.show_if.equals)
    for question_id, values in covered.items():
        asked = earlier.get(question_id)
        if asked is None or not asked.required:
            continue
        allowed: set[Any] = (
            {"yes", "no"} if asked.type == "yesno" else {o.value for o in asked.options}
        )
        if asked.type in ("yesno", "choice") and allowed <= values:
            return False
    return True


def check_definition(data: Any) -> FormDefinition:
    """Parse and check a definition for publishing; raises DefinitionError listing problems."""
    definition = parse_definition(data)
    problems: list[str] = []
    page_ids = [page.id for page in definition.pages]
    exit_ids = [exit_.id for exit_ in definition.exits]
    all_ids = page_ids + exit_ids
    if len(set(all_ids)) != len(all_ids):
        problems.append("page and exit ids must be unique")
    question_ids = [q.id for page in definition.pages for q in page.questions]
    if len(set(question_ids)) != len(question_ids):
        problems.append("question ids must be unique across the form")
    asked_before: set[str] = set()
    questions_by_id: dict[str, Question] = {}
    for page in definition.pages:
        for question in page.questions:
            problems.extend(_question_problems(question, in_group=False))
            if question.address_question is not None:
                address = next(
                    (q for q in page.questions if q.id == question.address_question), None
                )
                if question.type != "postal_code":
                    problems.append(f"question {question.id}: only a postal code fills an address")
                elif address is None or address.type not in ("text", "textarea"):
                    problems.append(
                        f"question {question.id}: the address to fill must be a text question "
                        "on the same page"
                    )
            if question.show_if is not None and question.show_if.question not in asked_before:
                problems.append(
                    f"question {question.id}: shown depending on {question.show_if.question!r}, "
                    "which is not asked on an earlier page"
                )
        targets = [route.goto for route in page.routes] + ([page.next] if page.next else [])
        for target in targets:
            if target not in all_ids:
                problems.append(f"page {page.id}: goes to unknown page {target!r}")
        for route in page.routes:
            known = asked_before | {q.id for q in page.questions}
            if route.when.question not in known:
                problems.append(
                    f"page {page.id}: a route depends on {route.when.question!r}, which is not "
                    "asked on or before this page"
                )
        if _can_be_empty(page, questions_by_id):
            problems.append(
                f"page {page.id}: every question on it is shown only under a condition, so some "
                "residents would see an empty page; add a question that is always shown, or "
                "route around the page"
            )
        asked_before |= {q.id for q in page.questions}
        questions_by_id |= {q.id: q for q in page.questions}
    if problems:
        raise DefinitionError(problems)
    # Every page must be reachable from the first, and no path may come back to a page: a
    # depth-first search that visits each page once (finished pages are not walked again,
    # so a form with many branches is checked in linear time) and reports a back edge.
    reachable: set[str] = set()
    finished: set[str] = set()

    def walk(page_id: str, path: tuple[str, ...]) -> None:
        if page_id in path:
            problems.append(f"loop: {' → '.join((*path, page_id))}")
            return
        if page_id in finished:
            return
        reachable.add(page_id)
        page = definition.page(page_id)
        if page is not None:
            targets = [route.goto for route in page.routes] + ([page.next] if page.next else [])
            for target in dict.fromkeys(targets):  # in order, once each
                walk(target, (*path, page_id))
        finished.add(page_id)

    walk(definition.pages[0].id, ())
    for unreachable in [pid for pid in all_ids if pid not in reachable]:
        problems.append(f"page {unreachable!r} can never be reached")
    if problems:
        raise DefinitionError(sorted(set(problems)))
    return definition
