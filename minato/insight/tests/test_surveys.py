"""Surveys: a form of the form engine's format sent to a random sample, each invitation
answered once (by its link or signed in), paper returns typed in, and the plan's survey
indicators measured with a 95 % interval."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from minato.insight.indicators import selectors as indicator_selectors
from minato.insight.models import Survey, SurveyInvitation, SurveyResponse
from minato.insight.surveys import selectors as survey_selectors
from minato.insight.surveys import services as survey_services
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db

TEMPLATE = json.loads(
    (Path(__file__).resolve().parent.parent / "demo" / "survey.json").read_text(encoding="utf-8")
)
ANSWERS = {
    "satisfaction_digital": "satisfied",
    "information_reaches": "rather_agree",
    "efficient_administration": "disagree",
}


def _survey() -> Survey:
    return survey_services.survey_create(
        title=TEMPLATE["title"],
        definition=TEMPLATE["definition"],
        indicators=TEMPLATE["indicators"],
        created_by=None,
    )


def _link_token(notification: Notification) -> str:
    match = re.search(r"/insight/surveys/answer/([\w-]+)/", notification.body)
    assert match, notification.body
    return match.group(1)


def test_a_survey_needs_a_valid_form_and_indicator_map() -> None:
    with pytest.raises(survey_services.SurveyError):
        survey_services.survey_create(
            title={"ja": "x"}, definition={"pages": []}, indicators={}, created_by=None
        )
    with pytest.raises(survey_services.SurveyError):
        survey_services.survey_create(
            title={"ja": "x"},
            definition=TEMPLATE["definition"],
            indicators={"information_reaches": ["no_such_option"]},
            created_by=None,
        )
    assert not Survey.objects.exists()


def test_an_invited_resident_answers_once_by_the_link(alice: Any, bob: Any, client: Client) -> None:
    survey = _survey()
    assert survey_services.survey_send(survey=survey, sample_size=1, seed=1) == 1
    assert survey_services.survey_send(survey=survey, sample_size=5, seed=1) == 1  # the other one
    assert SurveyInvitation.objects.filter(survey=survey).count() == 2
    notification = Notification.objects.filter(
        recipient=alice, template_key="insight/survey_invited"
    ).get()
    token = _link_token(notification)
    url = f"/insight/surveys/answer/{token}/"
    assert client.get(url).status_code == 200
    # An incomplete answer changes nothing and says what is missing.
    incomplete = client.post(url, {"satisfaction_digital": "satisfied"})
    assert incomplete.status_code == 200
    assert "error-summary" in incomplete.content.decode()
    assert not SurveyResponse.objects.exists()
    done = client.post(url, ANSWERS)
    assert done.status_code == 302
    response = SurveyResponse.objects.get()
    assert response.answers["information_reaches"] == "rather_agree"
    # The answers carry nothing that leads back to the person.
    assert "alice" not in json.dumps(response.answers)
    again = client.post(url, ANSWERS)
    assert again.status_code == 200
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(survey_services.SurveyError):
        survey_services.survey_answer(
            invitation=SurveyInvitation.objects.get(person=alice), answers=ANSWERS
        )


def test_a_wrong_link_is_not_found(client: Client) -> None:
    assert client.get("/insight/surveys/answer/not-a-token/").status_code == 404


def test_a_signed_in_resident_finds_their_survey(alice: Any, resident_client: Any) -> None:
    survey = _survey()
    survey_services.survey_send(survey=survey, sample_size=1, seed=1)
    client = resident_client(alice)
    assert survey.title["ja"] in client.get("/insight/surveys/").content.decode()
    assert client.post(f"/insight/surveys/{survey.public_id}/", ANSWERS).status_code == 302
    assert survey_selectors.open_invitations(alice).count() == 0


def test_a_closed_survey_takes_no_answers(alice: Any) -> None:
    survey = _survey()
    survey_services.survey_send(survey=survey, sample_size=1, seed=1)
    survey_services.survey_close(survey=survey)
    with pytest.raises(survey_services.SurveyError):
        survey_services.survey_answer(invitation=SurveyInvitation.objects.get(), answers=ANSWERS)
    with pytest.raises(survey_services.SurveyError):
        survey_services.survey_send(survey=survey, sample_size=1)


def test_the_interval_is_wilsons() -> None:
    low, high = survey_selectors.wilson(81, 263)
    assert (round(low, 3), round(high, 3)) == (0.255, 0.366)
    assert survey_selectors.wilson(0, 0) is None
    low, high = survey_selectors.wilson(0, 10)
    assert low == 0.0 and 0.27 < high < 0.28


def test_the_indicator_comes_from_the_survey_with_its_interval(alice: Any) -> None:
    survey = _survey()
    survey_services.survey_send(survey=survey, sample_size=1, seed=1)
    for value in ["agree"] * 30 + ["disagree"] * 10 + ["unsure"] * 5:
        survey_services.survey_paper_answer(
            survey=survey, answers={**ANSWERS, "information_reaches": value}
        )
    estimate = {e.indicator: e for e in survey_selectors.estimates(survey)}["information_reaches"]
    assert (estimate.agreeing, estimate.answered) == (30, 40)  # "unsure" is left out
    indicator = {i.key: i for i in indicator_selectors.survey_indicators()}["information_reaches"]
    assert indicator.value == 75.0
    assert "40" in str(indicator.value_note) and "%" in str(indicator.value_note)


def test_only_department_admins_run_surveys(staff_client: Any, charlie: Any, sam: Any) -> None:
    survey = _survey()
    clerk = staff_client(charlie)
    assert clerk.get("/staff/insight/surveys/").status_code == 200
    assert (
        clerk.post(f"/staff/insight/surveys/{survey.public_id}/", {"sample_size": 1}).status_code
        == 403
    )
    admin = staff_client(sam)
    response = admin.post(
        "/staff/insight/surveys/",
        {
            "title_ja": "テスト調査",
            "title_en": "",
            "definition": json.dumps(TEMPLATE["definition"]),
            "indicators": "{not json",
        },
    )
    assert response.status_code == 200
    assert Survey.objects.count() == 1
    assert admin.get(f"/staff/insight/surveys/{survey.public_id}/").status_code == 200
    paper_url = f"/staff/insight/surveys/{survey.public_id}/paper/"
    once = re.search(r'name="once" value="(\w+)"', admin.get(paper_url).content.decode()).group(1)
    paper = admin.post(paper_url, {**ANSWERS, "once": once})
    assert paper.status_code == 200  # a draft survey takes no answers yet
    assert not SurveyResponse.objects.exists()


def test_a_form_that_needs_pages_in_turn_is_refused_as_a_survey() -> None:
    definition = json.loads(json.dumps(TEMPLATE["definition"]))
    definition["pages"][0]["questions"][3]["show_if"] = {
        "question": "information_reaches",
        "equals": "disagree",
    }
    with pytest.raises(survey_services.SurveyError, match="depend"):
        survey_services.survey_create(
            title={"ja": "x"},
            definition=definition,
            indicators=TEMPLATE["indicators"],
            created_by=None,
        )


def test_a_few_answers_publish_nothing(alice: Any) -> None:
    survey = _survey()
    survey_services.survey_send(survey=survey, sample_size=1, seed=1)
    for _index in range(5):
        survey_services.survey_paper_answer(survey=survey, answers=ANSWERS)
    indicator = {i.key: i for i in indicator_selectors.survey_indicators()}["information_reaches"]
    assert indicator.value == 70.0  # the plan's figure, not 5 answers' 100 %


def test_an_answer_keeps_nothing_that_leads_to_the_person(alice: Any, resident_client: Any) -> None:
    from minato.core.models import AuditEvent

    survey = _survey()
    survey_services.survey_send(survey=survey, sample_size=1, seed=1)
    invitation = SurveyInvitation.objects.get()
    sent_at = invitation.updated_at
    resident_client(alice).post(f"/insight/surveys/{survey.public_id}/", ANSWERS)
    invitation.refresh_from_db()
    assert invitation.answered
    assert invitation.updated_at == sent_at  # no time of answering on the invitation
    assert not hasattr(SurveyResponse.objects.get(), "created_at")
    event = AuditEvent.objects.get(action="insight.survey_answered")
    assert event.actor_id is None
    assert not event.ip
    assert not event.request_id


def test_paper_answers_are_a_department_admins_and_recorded_once(
    staff_client: Any, charlie: Any, sam: Any
) -> None:
    survey = _survey()
    survey_services.survey_send(survey=survey, sample_size=1, seed=1)
    url = f"/staff/insight/surveys/{survey.public_id}/paper/"
    assert staff_client(charlie).get(url).status_code == 403
    admin = staff_client(sam)
    page = admin.get(url).content.decode()
    once = re.search(r'name="once" value="(\w+)"', page).group(1)
    first = admin.post(url, {**ANSWERS, "once": once})
    again = admin.post(url, {**ANSWERS, "once": once})
    assert first.status_code == again.status_code == 302
    assert SurveyResponse.objects.count() == 1
