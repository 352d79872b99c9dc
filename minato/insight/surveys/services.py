"""Writes for surveys: creating one (a form checked by the form engine), sending it to a
random sample of residents, taking each answer once (online or entered from paper), and
closing it. Answers are stored apart from the invitations, so no one can tell who answered
what."""

from __future__ import annotations

import hashlib
import random
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.core import audit
from minato.core.i18n import url_in_language
from minato.insight.models import Survey, SurveyInvitation, SurveyResponse
from minato.notifications.services import notify_many
from minato.procedures.forms import selectors as form_selectors

MAX_SAMPLE = 10000


class SurveyError(Exception):
    """A survey change or answer refused; the message is for the person."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Question types a survey page can take: all shown at once, answered in one go.
SURVEY_QUESTION_TYPES = {"text", "textarea", "number", "date", "choice", "multichoice", "yesno"}


def check_shape(definition: Any) -> list[str]:
    """Problems that make a form unfit for a survey: every page is shown at once, so no
    conditions, routes or exits, and nothing but plain answers (no files, names, groups or
    fees)."""
    problems = []
    if definition.exits or any(page.routes for page in definition.pages):
        problems.append(
            _("A survey has no routes or exit pages: all its questions are shown at once.")
        )
    for question in definition.questions():
        if question.show_if is not None:
            problems.append(
                _("%(id)s: a survey question cannot depend on another answer.")
                % {"id": question.id}
            )
        if question.type not in SURVEY_QUESTION_TYPES:
            problems.append(
                _("%(id)s: a survey cannot ask this kind of question.") % {"id": question.id}
            )
        if any(option.fee_yen is not None for option in question.options):
            problems.append(_("%(id)s: a survey has no fees.") % {"id": question.id})
    return problems


def check_indicators(definition: Any, indicators: Any) -> list[str]:
    """Problems with the indicator map: each key a choice question, each value its options."""
    if not isinstance(indicators, dict):
        return [_("The indicators must be an object of question id to agreeing options.")]
    problems = []
    for question_id, agreeing in indicators.items():
        question = definition.question(question_id)
        if question is None or question.type != "choice":
            problems.append(_("%(id)s is not a choice question of the form.") % {"id": question_id})
            continue
        values = {option.value for option in question.options}
        if not isinstance(agreeing, list) or not agreeing or not set(agreeing) <= values:
            problems.append(
                _("%(id)s: the agreeing answers must be some of its options.") % {"id": question_id}
            )
    return problems


@transaction.atomic
def survey_create(
    *, title: dict[str, str], definition: Any, indicators: Any, created_by: Any
) -> Survey:
    try:
        checked = form_selectors.definition_checked(definition)
    except ValueError as exc:
        raise SurveyError("; ".join(getattr(exc, "problems", [str(exc)]))) from None
    if not (title or {}).get("ja"):
        raise SurveyError(_("Give the survey a Japanese title."))
    problems = check_shape(checked) + check_indicators(checked, indicators)
    if problems:
        raise SurveyError("; ".join(problems))
    survey = Survey.objects.create(
        title=title, definition=definition, indicators=indicators, created_by=created_by
    )
    audit.record(action="insight.survey_created", obj=survey)
    return survey


@transaction.atomic
def survey_send(*, survey: Survey, sample_size: int, seed: int | None = None) -> int:
    """Invite ``sample_size`` residents drawn at random (residents with a confirmed e-mail
    address, not invited to this survey yet), and open the survey. Returns how many."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == Survey.Status.CLOSED:
        raise SurveyError(_("This survey is closed."))
    if not 1 <= sample_size <= MAX_SAMPLE:
        raise SurveyError(_("Send to between 1 and %(max)s residents.") % {"max": MAX_SAMPLE})
    invited = SurveyInvitation.objects.filter(survey=survey).values("person_id")
    population = list(
        get_user_model()
        .objects.filter(kind="resident", is_active=True, email_verified_at__isnull=False)
        .exclude(pk__in=invited)
        .values_list("pk", flat=True)
    )
    chooser = random.Random(seed) if seed is not None else random.SystemRandom()  # noqa: S311
    chosen = chooser.sample(population, min(sample_size, len(population)))
    tokens = {person_id: secrets.token_urlsafe(24) for person_id in chosen}
    SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(survey=survey, person_id=person_id, token_hash=token_hash(token))
            for person_id, token in tokens.items()
        ]
    )
    people = get_user_model().objects.in_bulk(chosen)
    notify_many(
        [
            {
                "template_key": "insight/survey_invited",
                "recipient": people[person_id],
                "context": {
                    "title": survey.title.get("ja", ""),
                    "title_en": survey.title.get("en") or survey.title.get("ja", ""),
                    "urls": {
                        code.replace("-", "_"): url_in_language(
                            f"/insight/surveys/answer/{token}/", code
                        )
                        for code in ("ja", "en", "ja-easy")
                    },
                },
                "reference": str(survey.public_id),
                "dedupe_key": f"insight-survey-{survey.pk}-{person_id}",
            }
            for person_id, token in tokens.items()
        ]
    )
    if survey.status == Survey.Status.DRAFT:
        survey.status = Survey.Status.OPEN
        survey.opened_at = timezone.now()
        survey.save(update_fields=["status", "opened_at", "updated_at"])
    audit.record(action="insight.survey_sent", obj=survey, changes={"invited": [None, len(chosen)]})
    return len(chosen)


def invitation_by_token(token: str) -> SurveyInvitation | None:
    return (
        SurveyInvitation.objects.select_related("survey")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )


@transaction.atomic
def survey_answer(*, invitation: SurveyInvitation, answers: dict[str, Any]) -> SurveyResponse:
    """Record an invited resident's answers, once: a second answer is refused."""
    survey = Survey.objects.get(pk=invitation.survey_id)
    if survey.status != Survey.Status.OPEN:
        raise SurveyError(_("This survey is closed. Thank you for your interest."))
    # One statement marks the invitation used, so two answers at once cannot both pass; and
    # it leaves the invitation's updated_at alone (no time to match to the answer).
    if not SurveyInvitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True):
        raise SurveyError(_("You have answered this survey already. Thank you."))
    response = SurveyResponse.objects.create(survey=survey, answers=answers)
    # The event names the survey only: no actor, address or request that leads to the person.
    audit.record_many(
        [
            {
                "action": "insight.survey_answered",
                "obj": survey,
                "actor_id": None,
                "actor_label": "resident (anonymous survey)",
                "request_id": "",
                "ip": "",
            }
        ]
    )
    return response


@transaction.atomic
def survey_paper_answer(*, survey: Survey, answers: dict[str, Any]) -> SurveyResponse:
    """Record a paper questionnaire's answers, typed in by staff."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise SurveyError(_("Only an open survey takes answers."))
    response = SurveyResponse.objects.create(
        survey=survey, answers=answers, channel=SurveyResponse.Channel.PAPER
    )
    audit.record(action="insight.survey_paper_answered", obj=survey)
    return response


@transaction.atomic
def survey_close(*, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.status = Survey.Status.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record(action="insight.survey_closed", obj=survey)
    return survey
