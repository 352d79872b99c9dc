"""Resident pages: send a voice, read published voices with the ward's answers, one's own
voices and their answers, and the public indicators and safe statistics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from minato.core.middleware import limited_per_person
from minato.core.spreadsheets import csv_download
from minato.core.translated import localized
from minato.core.views import rate_limited
from minato.insight.forms import DIMENSION_LABELS, StatisticsForm, VoiceForm
from minato.insight.indicators import selectors as indicator_selectors
from minato.insight.models import Voice
from minato.insight.statistics import selectors as statistics_selectors
from minato.insight.surveys import selectors as survey_selectors
from minato.insight.surveys import services as survey_services
from minato.insight.voices import selectors as voice_selectors
from minato.insight.voices import services as voice_services
from minato.procedures.forms import selectors as form_selectors

THANKS_SESSION_KEY = "insight:voice_reference"


@require_http_methods(["GET", "POST"])
def voice_new(request: HttpRequest) -> HttpResponse:
    form = VoiceForm(request.POST or None)
    if request.method == "POST":
        if limited_per_person(request, "insight:voice", settings.INSIGHT_VOICE_RATE):
            return rate_limited(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                voice = voice_services.voice_submit(
                    body=data["body"],
                    kind=data["kind"],
                    category=data["category"],
                    area=data["area"],
                    age_band=data["age_band"],
                    author=request.user if request.user.is_authenticated else None,
                    contact_email="" if request.user.is_authenticated else data["contact_email"],
                    wants_reply=data["wants_reply"],
                    language=get_language() or "ja",
                )
            except voice_services.VoiceError as exc:
                form.add_error(exc.field, str(exc))
            else:
                request.session[THANKS_SESSION_KEY] = voice.reference
                return redirect("insight:voice_thanks")
    return render(request, "insight/portal/voice_new.html", {"form": form})


def voice_thanks(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(THANKS_SESSION_KEY)
    if not reference:
        return redirect("insight:voice_new")
    return render(request, "insight/portal/voice_thanks.html", {"reference": reference})


def voices_public(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    if category not in Voice.Category.values:
        category = ""
    page = Paginator(voice_selectors.published_voices(category=category), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "insight/portal/voices.html",
        {"page": page, "category": category, "categories": Voice.Category.choices},
    )


def voice_public(request: HttpRequest, public_id: Any) -> HttpResponse:
    voice = voice_selectors.published_voice(public_id)
    if voice is None:
        raise Http404
    return render(request, "insight/portal/voice.html", {"voice": voice})


@login_required
def voices_mine(request: HttpRequest) -> HttpResponse:
    return render(
        request, "insight/portal/mine.html", {"voices": voice_selectors.voices_of(request.user)}
    )


def indicators_public(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "insight/portal/indicators.html",
        {"indicators": indicator_selectors.current()},
    )


def indicators_csv(request: HttpRequest) -> HttpResponse:
    return download(
        indicator_selectors.csv_rows(indicator_selectors.current()), "minato-indicators.csv"
    )


def statistics_public(request: HttpRequest) -> HttpResponse:
    return statistics_page(request, "insight/portal/statistics.html")


def statistics_page(request: HttpRequest, template: str) -> HttpResponse:
    """The safe table the form asks for (町丁目 × age band by default), as a page or, with
    ``format=csv``, a file. The console and the public page show the same table."""
    form = StatisticsForm(request.GET or None)
    rows, columns = "town", "age_band"
    if form.is_valid():
        rows, columns = form.cleaned_data["rows"], form.cleaned_data["columns"]
    table = statistics_selectors.published_table(rows=rows, columns=columns)
    if request.GET.get("format") == "csv":
        return download(
            statistics_selectors.table_rows(table, row_heading=rows),
            f"minato-voices-{rows}-{columns}.csv",
        )
    return render(
        request,
        template,
        {
            "form": form,
            "table": table,
            "published": list(zip(table.rows, table.published(), table.row_totals, strict=True)),
            "rows": rows,
            "columns": columns,
            "row_label": DIMENSION_LABELS[rows],
            "since": statistics_selectors.window()[0],
            "through": statistics_selectors.window()[1] - timedelta(days=1),
        },
    )


def download(table: list[list[Any]], filename: str) -> HttpResponse:
    """A table whose first row is its header, as a CSV file with formula-safe cells."""
    return csv_download(table[0], table[1:], filename)


# --- Surveys ---------------------------------------------------------------------------------

SURVEY_DONE_SESSION_KEY = "insight:survey_done"


@require_http_methods(["GET", "POST"])
def survey_answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: no sign-in needed, the token is the key."""
    invitation = survey_services.invitation_by_token(token)
    if invitation is None:
        raise Http404
    return _survey_answer(request, invitation)


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer_mine(request: HttpRequest, public_id: Any) -> HttpResponse:
    invitation = survey_selectors.invitation_of(request.user, public_id)
    if invitation is None:
        raise Http404
    return _survey_answer(request, invitation)


def _survey_answer(request: HttpRequest, invitation: Any) -> HttpResponse:
    survey = invitation.survey
    definition = form_selectors.definition_of(survey.definition)
    language = get_language() or "ja"
    answered = invitation.answered or survey.status != "open"
    forms = form_selectors.page_forms(
        definition, data=request.POST if request.method == "POST" else None, language=language
    )
    problem = ""
    if request.method == "POST" and not answered:
        answers = form_selectors.answers_of(forms)
        if answers is not None:
            try:
                survey_services.survey_answer(invitation=invitation, answers=answers)
            except survey_services.SurveyError as exc:
                problem = str(exc)
            else:
                request.session[SURVEY_DONE_SESSION_KEY] = str(survey.public_id)
                return redirect("insight:survey_thanks")
    return render(
        request,
        "insight/portal/survey_answer.html",
        {
            "survey": survey,
            "forms": forms,
            "declaration": localized(definition.declaration.model_dump(by_alias=True)),
            "answered": answered,
            "problem": problem,
            "has_errors": any(form.errors for form in forms) or bool(problem),
        },
    )


def survey_thanks(request: HttpRequest) -> HttpResponse:
    if not request.session.get(SURVEY_DONE_SESSION_KEY):
        return redirect("insight:indicators")
    return render(request, "insight/portal/survey_thanks.html")


@login_required
def surveys_mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "insight/portal/surveys_mine.html",
        {"invitations": survey_selectors.open_invitations(request.user)},
    )
