"""Forms as versioned data: the JSON definition of a procedure's questions, and its checks.

A definition is a list of pages, each with questions and optional routes; routes send the
applicant to another page or to an exit page ("this procedure is not for you") depending on
an earlier answer. ``check_definition`` refuses what would trap or lose an applicant:
unknown targets, unreachable pages, loops, duplicate ids.
"""

from __future__ import annotations

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
]
ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class Translated(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    ja: str = Field(min_length=1)
    en: str = ""
    ja_easy: str = Field("", alias="ja-easy")


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    label: Translated


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    type: QuestionType
    label: Translated
    help: Translated | None = None
    required: bool = True
    options: list[Option] = Field(default_factory=list, max_length=200)
    min: int | None = None
    max: int | None = None
    max_length: int = Field(500, ge=1, le=5000)
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
        ]
        | None
    ) = None

    @field_validator("options")
    @classmethod
    def _unique_values(cls, options: list[Option]) -> list[Option]:
        if len({option.value for option in options}) != len(options):
            raise ValueError("option values must be unique")
        return options


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(pattern=ID_PATTERN)
    equals: str | int | bool


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
    for page in definition.pages:
        for question in page.questions:
            if question.type in ("choice", "multichoice") and not question.options:
                problems.append(f"question {question.id}: a choice needs options")
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
        asked_before |= {q.id for q in page.questions}
    if problems:
        raise DefinitionError(problems)
    # Every page must be reachable from the first, and no path may come back to a page.
    reachable: set[str] = set()

    def walk(page_id: str, path: tuple[str, ...]) -> None:
        if page_id in path:
            problems.append(f"loop: {' → '.join((*path, page_id))}")
            return
        if page_id in exit_ids:
            reachable.add(page_id)
            return
        page = definition.page(page_id)
        if page is None:
            return
        reachable.add(page_id)
        for target in {route.goto for route in page.routes} | ({page.next} if page.next else set()):
            walk(target, (*path, page_id))

    walk(definition.pages[0].id, ())
    for unreachable in [pid for pid in all_ids if pid not in reachable]:
        problems.append(f"page {unreachable!r} can never be reached")
    if problems:
        raise DefinitionError(sorted(set(problems)))
    return definition
