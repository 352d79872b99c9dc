"""Resident pages: send a voice, read published voices with the ward's answers, one's own
voices and their answers, and the public indicators and safe statistics."""

from __future__ import annotations

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
from minato.core.views import rate_limited
from minato.insight.forms import StatisticsForm, VoiceForm
from minato.insight.indicators import selectors as indicator_selectors
from minato.insight.models import Voice
from minato.insight.statistics import selectors as statistics_selectors
from minato.insight.voices import selectors as voice_selectors
from minato.insight.voices import services as voice_services

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
        {"indicators": indicator_selectors.all_indicators()},
    )


def indicators_csv(request: HttpRequest) -> HttpResponse:
    return download(
        indicator_selectors.csv_rows(indicator_selectors.all_indicators()), "minato-indicators.csv"
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
    table = statistics_selectors.voice_table(rows=rows, columns=columns)
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
        },
    )


def download(table: list[list[Any]], filename: str) -> HttpResponse:
    """A table whose first row is its header, as a CSV file with formula-safe cells."""
    return csv_download(table[0], table[1:], filename)
