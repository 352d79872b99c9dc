"""A guide as data: its questionnaire and the checklist items its answers lead to.

The questionnaire is asked one question per page (it works without JavaScript and branches
naturally): the next question is the first later one whose ``show_if`` matches the answers so
far. Each item says when it applies (``when``: every condition must hold), where it is done,
its deadline counted from a date answer, what to bring and its fee, and for an online
procedure which answers fill which questions of its form (``prefill``).

``check_guide`` refuses what would break a resident's checklist: duplicate ids, conditions on
unknown questions or on values no option has, deadlines counted from a question that is not
a date, prefills from unknown questions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
QuestionType = Literal["choice", "multichoice", "yesno", "date", "number", "text"]
Where = Literal["online", "counter", "other"]
# The details a counter visit holds about the person, filled from the profile when the
# checklist belongs to a signed-in resident (書かない窓口: said once, on every form).
PERSON_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "phone",
    "address",
)


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(pattern=ID_PATTERN)
    label: dict[str, str]


class Condition(BaseModel):
    """The answer to ``question`` is one of ``in`` (for a multichoice: contains one of them)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    question: str
    any_of: list[str] = Field(alias="in", min_length=1)

    def holds(self, answers: dict[str, Any]) -> bool:
        answer = answers.get(self.question)
        if isinstance(answer, list):
            return bool(set(answer) & set(self.any_of))
        return answer in self.any_of


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    type: QuestionType
    label: dict[str, str]
    help: dict[str, str] = {}
    options: list[Option] = []
    required: bool = True
    show_if: list[Condition] = []
    # Days before and after today a date may be (a move planned next month, a birth last week).
    earliest_days: int = -366
    latest_days: int = 366

    def shown(self, answers: dict[str, Any]) -> bool:
        return all(condition.holds(answers) for condition in self.show_if)


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # Counted from the answer to this date question; negative days are "before".
    from_question: str = Field(alias="from")
    days: int
    note: dict[str, str] = {}


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=ID_PATTERN)
    title: dict[str, str]
    # A procedure of the catalogue (its page, its online form); optional for other offices.
    procedure: str = ""
    where: Where
    # Where exactly, when not the ward's counters or online (年金事務所, 警察署, …).
    place: dict[str, str] = {}
    when: list[Condition] = []
    deadline: Deadline | None = None
    bring: list[dict[str, str]] = []
    fee_yen: int | None = Field(None, ge=0)
    fee_note: dict[str, str] = {}
    note: dict[str, str] = {}
    order: int = 100
    # Counter items: the details the filled form shows (questions of this guide or
    # PERSON_FIELDS), in order.
    uses: list[str] = []
    # Online items: {question of the procedure's form: question of this guide}.
    prefill: dict[str, str] = {}

    def applies(self, answers: dict[str, Any]) -> bool:
        return all(condition.holds(answers) for condition in self.when)


class GuideDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questions: list[Question] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


class GuideError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_guide(data: Any) -> GuideDefinition:
    try:
        return GuideDefinition.model_validate(data)
    except ValidationError as exc:
        raise GuideError(
            [
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors()
            ]
        ) from None


def _translated_problems(where: str, value: dict[str, str]) -> list[str]:
    problems = []
    if not str(value.get("ja", "")).strip():
        problems.append(f"{where}: Japanese text is required")
    unknown = set(value) - {"ja", "en", "ja-easy"}
    if unknown:
        problems.append(f"{where}: unknown languages {sorted(unknown)}")
    return problems


def check_guide(data: Any) -> GuideDefinition:
    """Parse and check a guide definition; raise ``GuideError`` with every problem found."""
    guide = parse_guide(data)
    problems: list[str] = []
    asked: dict[str, Question] = {}
    for question in guide.questions:
        if question.id in asked:
            problems.append(f"question {question.id}: duplicate id")
        problems += _translated_problems(f"question {question.id}", question.label)
        if question.type in ("choice", "multichoice") and not question.options:
            problems.append(f"question {question.id}: a choice needs options")
        for condition in question.show_if:
            # Only earlier questions: a page cannot depend on one not yet asked.
            problems += _condition_problems(f"question {question.id}", condition, asked)
        asked[question.id] = question
    keys: set[str] = set()
    for item in guide.items:
        where = f"item {item.key}"
        if item.key in keys:
            problems.append(f"{where}: duplicate key")
        keys.add(item.key)
        problems += _translated_problems(where, item.title)
        for condition in item.when:
            problems += _condition_problems(where, condition, asked)
        if item.deadline is not None:
            source = asked.get(item.deadline.from_question)
            if source is None or source.type != "date":
                problems.append(f"{where}: the deadline must count from a date question")
        if item.where == "other" and not item.place:
            problems.append(f"{where}: say where it is done (place)")
        if item.where == "online" and not item.procedure:
            problems.append(f"{where}: an online item names its procedure")
        for field in item.uses:
            if field not in asked and field not in PERSON_FIELDS:
                problems.append(f"{where}: uses unknown detail {field}")
        for source_id in item.prefill.values():
            if source_id not in asked:
                problems.append(f"{where}: prefills from unknown question {source_id}")
    if problems:
        raise GuideError(problems)
    return guide


def _condition_problems(where: str, condition: Condition, asked: dict[str, Question]) -> list[str]:
    question = asked.get(condition.question)
    if question is None:
        return [f"{where}: condition on {condition.question}, not asked before"]
    if question.type == "yesno":
        allowed = {"yes", "no"}
    elif question.type in ("choice", "multichoice"):
        allowed = {option.value for option in question.options}
    else:
        return [f"{where}: conditions only test choices and yes/no questions"]
    unknown = set(condition.any_of) - allowed
    return [f"{where}: {condition.question} has no option {sorted(unknown)}"] if unknown else []


def next_question(
    guide: GuideDefinition, answers: dict[str, Any], after: str | None = None
) -> Question | None:
    """The next question to ask after ``after`` (from the start when None), skipping those
    whose conditions do not hold."""
    started = after is None
    for question in guide.questions:
        if not started:
            started = question.id == after
            continue
        if question.shown(answers):
            return question
    return None


def asked_questions(guide: GuideDefinition, answers: dict[str, Any]) -> list[Question]:
    """The questions the answers lead through, in order (answers to others are dropped)."""
    return [question for question in guide.questions if question.shown(answers)]
