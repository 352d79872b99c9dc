"""Reads for surveys: the list, one resident's open invitations, and each survey's results
per indicator with a 95 % confidence interval (Wilson's score interval, which stays inside
0–100 % and behaves at small samples and shares near 0 or 1)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from minato.insight.models import Survey, SurveyInvitation, SurveyResponse

Z_95 = 1.959964


@dataclass(frozen=True)
class Estimate:
    indicator: str
    agreeing: int
    answered: int  # answers to the question other than "unsure" or none
    question: dict[str, str] = field(default_factory=dict)  # the question's translated label

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(100 * self.share, 1)

    @property
    def interval_percent(self) -> tuple[float, float] | None:
        interval = self.interval
        return (
            None if interval is None else (round(100 * interval[0], 1), round(100 * interval[1], 1))
        )

    @property
    def share(self) -> float | None:
        return self.agreeing / self.answered if self.answered else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.agreeing, self.answered)


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def surveys() -> QuerySet[Survey]:
    return Survey.objects.annotate(
        invited=Count("invitations", distinct=True),
        answered_online=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
        answers=Count("responses", distinct=True),
    )


def survey(public_id: Any) -> Survey | None:
    return surveys().filter(public_id=public_id).first()


def open_invitations(person: Any) -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.filter(
        person=person, answered=False, survey__status=Survey.Status.OPEN
    ).select_related("survey")


def invitation_of(person: Any, public_id: Any) -> SurveyInvitation | None:
    return open_invitations(person).filter(survey__public_id=public_id).first()


def estimates(survey: Survey) -> list[Estimate]:
    """Each indicator's share of agreeing answers; "unsure" and no answer are left out of
    the base, as the ward's survey reports do."""
    agreeing = dict.fromkeys(survey.indicators, 0)
    answered = dict.fromkeys(survey.indicators, 0)
    for answers in SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True):
        for indicator, agreeing_values in survey.indicators.items():
            value = answers.get(indicator)
            if value in (None, "", "unsure"):
                continue
            answered[indicator] += 1
            agreeing[indicator] += value in agreeing_values
    labels = {
        question["id"]: question.get("label", {})
        for page in survey.definition.get("pages", [])
        for question in page.get("questions", [])
    }
    return [
        Estimate(
            indicator=key,
            agreeing=agreeing[key],
            answered=answered[key],
            question=labels.get(key, {}),
        )
        for key in survey.indicators
    ]


def latest_estimates() -> dict[str, tuple[Survey, Estimate]]:
    """For each indicator, the estimate of the newest survey (open or closed) with at least
    ``INSIGHT_SURVEY_MINIMUM_ANSWERS`` (30) answers to it: fewer say too much about the few
    who answered (one answer is 0 % or 100 %) and too little about the ward."""
    minimum = settings.INSIGHT_SURVEY_MINIMUM_ANSWERS
    found: dict[str, tuple[Survey, Estimate]] = {}
    published = Survey.objects.exclude(status=Survey.Status.DRAFT).order_by("-opened_at", "-id")
    for candidate in published:
        for estimate in estimates(candidate):
            if estimate.answered >= minimum and estimate.indicator not in found:
                found[estimate.indicator] = (candidate, estimate)
    return found
