"""Demo data: 480 residents' voices written for the demo (``voices.generate``) over six months,
some answered and published, an analysis of each of the last three months (matched month to
month), and the open datasets of the indicators and the safe statistics. Idempotent."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from minato.accounts.models import Department
from minato.insight import masking
from minato.insight.analysis import services as analysis_services
from minato.insight.demo.voices import finished_months, generate
from minato.insight.models import AnalysisRun, Survey, SurveyResponse, Voice, VoiceReply
from minato.insight.surveys import services as survey_services
from minato.insight.voices.services import body_hash
from minato.opendata import selectors as opendata_selectors
from minato.opendata import services as opendata_services

# The ward's answers to each theme's published voices (written for the demo).
HERE = Path(__file__).resolve().parent

ANSWERS = {
    "nursery": "令和9年4月に向けて認可保育園を3園開設する予定です。入園選考の点数表は区のホームページに掲載しています。",
    "bicycles": "駅周辺の放置自転車の撤去を週2回から週3回に増やしました。駐輪場の増設も検討しています。",
    "garbage": "年末年始のごみ収集日程は12月の広報みなとと区のアプリでお知らせします。",
    "parks": "ご指摘の公園のトイレは清掃回数を増やし、遊具は点検のうえ修繕しました。",
    "heat": "区の施設をクーリングシェルターとして開放しています。場所は区のホームページの地図で確認できます。",
    "disaster": "避難所の場所は防災マップと区のアプリの地図で確認できます。防災訓練の日程は地区ごとにお知らせします。",
    "online": "オンライン申請の画面を見直し、入力の途中で保存できるようにしました。",
    "counters": "窓口の番号札をスマートフォンで確認できるようにしました。待ち時間は区のホームページでも公開しています。",
}


def load() -> str:
    if Voice.objects.filter(reference__startswith="V2026-D").exists():
        return "voices present"
    departments = {d.code: d for d in Department.objects.all()}
    created = []
    demo = generate()
    for number, item in enumerate(demo, start=1):
        received_at = timezone.make_aware(datetime.combine(item.received_on, time(item.hour, 10)))
        answered = number % 7 == 0
        created.append(
            Voice(
                reference=f"V2026-D{number:05d}",
                kind=item.kind,
                category=item.category,
                area=item.area,
                town=item.town,
                age_band=item.age_band,
                channel=item.channel,
                body=item.body,
                masked_body=masking.mask(item.body),
                body_hash=body_hash(item.body),
                department=departments.get(item.department),
                status=Voice.Status.ANSWERED if answered else Voice.Status.ROUTED,
                received_at=received_at,
                is_published=answered and item.theme in ANSWERS,
                published_at=received_at + timedelta(days=14)
                if answered and item.theme in ANSWERS
                else None,
                published_body=masking.mask(item.body) if answered else "",
                public_answer=ANSWERS.get(item.theme, "") if answered else "",
            )
        )
    Voice.objects.bulk_create(created, batch_size=500)
    # Replies for the answered ones, so the handling pages show history.
    replied = Voice.objects.filter(reference__startswith="V2026-D", status=Voice.Status.ANSWERED)
    VoiceReply.objects.bulk_create(
        [
            VoiceReply(
                voice=voice,
                body=voice.public_answer or "ご意見ありがとうございました。担当部署で検討します。",
            )
            for voice in replied
        ]
    )
    runs = _analyses()
    datasets = _datasets()
    surveyed = _survey()
    return f"{len(created)} voices, {runs} analyses, {datasets} datasets, {surveyed}"


# Shares of each answer in the demo's paper returns (agree, somewhat, somewhat not, not,
# unsure), near the figures the plan reports for FY2023.
PAPER_ANSWERS = {
    "satisfaction_digital": [
        "satisfied",
        "rather_satisfied",
        "rather_dissatisfied",
        "dissatisfied",
        "unsure",
    ],
    "information_reaches": ["agree", "rather_agree", "rather_disagree", "disagree", "unsure"],
    "efficient_administration": ["agree", "rather_agree", "rather_disagree", "disagree", "unsure"],
}
PAPER_WEIGHTS = {
    "satisfaction_digital": [12, 30, 32, 14, 12],
    "information_reaches": [28, 44, 17, 7, 4],
    "efficient_administration": [11, 33, 31, 13, 12],
}


def _survey() -> str:
    """The FY2026 resident survey: 420 questionnaires returned on paper (generated), and an
    invitation to every demo resident with a confirmed address, who can answer online."""
    if Survey.objects.exists():
        return "survey present"
    template = json.loads((HERE / "survey.json").read_text(encoding="utf-8"))
    survey = survey_services.survey_create(
        title=template["title"],
        definition=template["definition"],
        indicators=template["indicators"],
        created_by=None,
    )
    invited = survey_services.survey_send(
        survey=survey, sample_size=survey_services.MAX_SAMPLE, seed=2026
    )
    rng = random.Random(2026)  # noqa: S311 (demo answers)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                survey=survey,
                channel=SurveyResponse.Channel.PAPER,
                answers={
                    key: rng.choices(values, weights=PAPER_WEIGHTS[key])[0]
                    for key, values in PAPER_ANSWERS.items()
                },
            )
            for _ in range(420)
        ]
    )
    return f"a survey with 420 paper answers and {invited} residents invited"


def _analyses() -> int:
    done = 0
    for year, month in finished_months(3):
        start = date(year, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        if AnalysisRun.objects.filter(period_start=start, period_end=end).exists():
            continue
        run = AnalysisRun.objects.create(period_start=start, period_end=end)
        analysis_services.run_execute(run_id=run.pk)
        done += 1
    return done


def _datasets() -> int:
    organization = opendata_selectors.organization("joho-seisaku")
    if organization is None:
        return 0
    made = 0
    for name, title, notes, tags, url, label in (
        (
            "dx-indicators",
            {"ja": "港区DX推進計画の指標", "en": "Indicators of the Minato DX plan"},
            {
                "ja": "計画の成果指標とプラットフォームの運用指標（月別、12か月）。",
                "en": "The plan's outcome indicators and the platform's operational ones, by month.",
            },
            ["指標", "DX", "統計"],
            f"{settings.SITE_URL}/insight/indicators.csv",
            {"ja": "指標（CSV）", "en": "Indicators (CSV)"},
        ),
        (
            "kumin-no-koe-statistics",
            {
                "ja": "区民の声の件数（町丁目・年代別）",
                "en": "Residents' voices by town and age band",
            },
            {
                "ja": "区民の声の件数。少ない件数は秘匿しています（最小セル5、二次秘匿）。",
                "en": "Counts of residents' voices, small cells suppressed.",
            },
            ["区民の声", "統計", "広聴"],
            f"{settings.SITE_URL}/insight/statistics/?rows=town&columns=age_band&format=csv",
            {"ja": "町丁目×年代（CSV）", "en": "Town × age band (CSV)"},
        ),
    ):
        try:
            dataset = opendata_services.dataset_create(
                organization=organization,
                name=name,
                title=title,
                notes=notes,
                tags=tags,
                frequency="MONTHLY",
                contact_name=organization.title["ja"],
            )
        except ValidationError:
            continue
        opendata_services.resource_link_add(dataset=dataset, name=label, fmt="CSV", url=url)
        opendata_services.dataset_set_state(dataset=dataset, state="active")
        made += 1
    return made
