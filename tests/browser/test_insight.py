"""Insight in a real browser on a phone-sized screen, axe on every page: a resident sends a
voice without signing in and reads the published voices, the indicators and the safe
statistics; a system admin reads a voice, publishes it with an answer, and opens the topic
map of an analysis and one topic."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from minato.accounts.models import User
from minato.insight import masking
from minato.insight.analysis import services as analysis_services
from minato.insight.demo.voices import generate
from minato.insight.models import AnalysisRun, Voice
from minato.insight.voices.services import body_hash
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_sends_a_voice_and_reads_the_public_pages(axe_page: AxePage) -> None:
    page = axe_page.visit("/insight/voices/new/")
    page.locator("input[name=kind][value=request]").check()
    page.locator("#id_category").select_option("town")
    page.locator("#id_body").fill("歩道の段差を直してください。私は山田太郎です。")
    axe_page.follow(page.locator("main form button[type=submit]"))
    assert "受付番号" in page.content()
    voice = Voice.objects.get()
    assert voice.reference in page.content()
    assert "山田太郎" not in voice.masked_body
    axe_page.visit("/insight/voices/")
    axe_page.visit("/insight/indicators/")
    assert (
        page.get_by_text("月間ダウンロード").first.is_visible()
        or "オープンデータ" in page.content()
    )
    axe_page.visit("/insight/statistics/?rows=month&columns=category")
    axe_page.visit("/ja-easy/insight/voices/new/")


def test_staff_publish_a_voice_and_read_the_topic_map(axe_page: AxePage, sam: User) -> None:
    voices = generate(120, seed=4)
    Voice.objects.bulk_create(
        [
            Voice(
                reference=f"B-{i:04d}",
                kind=v.kind,
                category=v.category,
                body=v.body,
                masked_body=masking.mask(v.body),
                body_hash=body_hash(v.body),
                received_at=timezone.make_aware(datetime.combine(date(2026, 10, 10), time(12))),
            )
            for i, v in enumerate(voices)
        ]
    )
    run = AnalysisRun.objects.create(period_start=date(2026, 10, 1), period_end=date(2026, 10, 31))
    analysis_services.run_execute(run_id=run.pk)
    _staff_sign_in(axe_page, sam)
    page = axe_page.visit("/en/staff/insight/voices/?q=B-0000")
    axe_page.follow(page.get_by_role("link", name="B-0000"))
    page.locator("#id_public_answer").fill("We have cleaned it.")
    axe_page.follow(page.get_by_role("button", name="Publish", exact=True))
    assert Voice.objects.get(reference="B-0000").is_published
    page = axe_page.visit(f"/en/staff/insight/topics/{run.public_id}/")
    assert page.locator("svg circle").count() > 100
    axe_page.follow(page.locator("ol.card-grid a").first)
    assert "Distinctive words" in page.content()
    axe_page.visit("/en/staff/insight/indicators/")
    axe_page.visit("/en/staff/insight/statistics/")


def test_an_invited_resident_answers_the_survey_once(axe_page: AxePage, alice: User) -> None:
    import json
    import re
    from pathlib import Path

    from minato.insight.models import SurveyResponse
    from minato.insight.surveys import services as survey_services
    from minato.notifications.models import Notification

    template = json.loads(
        (Path(__file__).resolve().parents[2] / "minato/insight/demo/survey.json").read_text(
            encoding="utf-8"
        )
    )
    survey = survey_services.survey_create(
        title=template["title"],
        definition=template["definition"],
        indicators=template["indicators"],
        created_by=None,
    )
    survey_services.survey_send(survey=survey, sample_size=1, seed=1)
    body = Notification.objects.get(recipient=alice, template_key="insight/survey_invited").body
    link = re.search(r"/insight/surveys/answer/[\w-]+/", body).group(0)
    page = axe_page.visit(link)
    axe_page.follow(page.locator("main form button[type=submit]"))
    assert page.locator(".error-summary").is_visible()
    axe_page.check()
    for question, value in (
        ("satisfaction_digital", "rather_satisfied"),
        ("information_reaches", "agree"),
        ("efficient_administration", "unsure"),
    ):
        page.locator(
            f"input[name={question}][value={value}], select[name={question}]"
        ).first.evaluate(
            "(e, v) => { if (e.tagName === 'SELECT') { e.value = v; } else { e.checked = true; } }",
            value,
        )
    axe_page.follow(page.locator("main form button[type=submit]"))
    assert "/insight/surveys/thanks/" in page.url
    assert SurveyResponse.objects.count() == 1
    axe_page.visit(link)
    assert page.locator(".notice").is_visible()
