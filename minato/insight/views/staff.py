"""Console pages: the voices (list, read, route, reply, publish, close, import), the topic
analysis (runs, the map, a topic's voices and history, the report), the indicators dashboard
and the safe statistics."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minato.accounts import permissions
from minato.accounts.models import Department
from minato.insight.analysis import selectors as analysis_selectors
from minato.insight.analysis import services as analysis_services
from minato.insight.forms import (
    AnalysisForm,
    ImportForm,
    IncidentForm,
    PublishForm,
    ReplyForm,
    RouteForm,
    SampleForm,
    SurveyForm,
)
from minato.insight.indicators import selectors as indicator_selectors
from minato.insight.indicators import services as indicator_services
from minato.insight.models import Voice
from minato.insight.surveys import selectors as survey_selectors
from minato.insight.surveys import services as survey_services
from minato.insight.views.portal import download, statistics_page
from minato.insight.voices import importer
from minato.insight.voices import selectors as voice_selectors
from minato.insight.voices import services as voice_services
from minato.procedures.forms import selectors as form_selectors

# Colours of the map's topics (the Digital Agency palette's distinguishable hues), repeated.
PALETTE = [
    "#0017c1",
    "#e25100",
    "#197a4b",
    "#c0005f",
    "#6e3ec4",
    "#0066be",
    "#8a6300",
    "#d0002a",
    "#00797a",
    "#5c5c5c",
]


def _analysts_only(request: HttpRequest) -> None:
    # Topics mix every department's voices: 広聴's and the system admins' to read.
    if not voice_selectors.is_analyst(request.user):
        raise PermissionDenied


def voices(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()[:100]
    listed = voice_selectors.staff_voices(
        request.user,
        status=status if status in Voice.Status.values else "",
        category=category if category in Voice.Category.values else "",
        query=query,
    )
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "insight/staff/voices.html",
        {
            "page": page,
            "status": status,
            "category": category,
            "query": query,
            "statuses": Voice.Status.choices,
            "categories": Voice.Category.choices,
            "counts": voice_selectors.status_counts(request.user),
            "is_analyst": voice_selectors.is_analyst(request.user),
        },
    )


def _voice_or_404(request: HttpRequest, public_id: Any) -> Voice:
    voice = voice_selectors.staff_voice(request.user, public_id)
    if voice is None:
        raise Http404
    return voice


@require_http_methods(["GET", "POST"])
def voice(request: HttpRequest, public_id: Any) -> HttpResponse:
    voice = _voice_or_404(request, public_id)
    # Departments and their sections (課), in the organisation's order: a voice may go to
    # either, and back to 区長室.
    departments = Department.objects.select_related("parent").order_by("code")
    route_form = RouteForm(
        departments=departments,
        initial={"department": voice.department.code if voice.department else ""},
    )
    reply_form = ReplyForm()
    publish_form = PublishForm(
        initial={
            "published_body": voice.published_body or voice.masked_body,
            "public_answer": voice.public_answer,
        }
    )
    if request.method == "POST":
        if not permissions.works_in(request.user, voice.department_id):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "route":
                route_form = RouteForm(request.POST, departments=departments)
                if route_form.is_valid():
                    target = departments.get(code=route_form.cleaned_data["department"])
                    voice_services.voice_route(voice=voice, department=target)
                    messages.success(
                        request, _("Sent to %(department)s.") % {"department": target.full_name_ja}
                    )
                    return redirect("staff:insight:voices")
            elif action == "reply":
                reply_form = ReplyForm(request.POST)
                if reply_form.is_valid():
                    voice_services.voice_reply(
                        voice=voice, body=reply_form.cleaned_data["body"], sent_by=request.user
                    )
                    messages.success(request, _("The answer was sent."))
                    return redirect("staff:insight:voice", voice.public_id)
            elif action == "publish":
                publish_form = PublishForm(request.POST)
                if publish_form.is_valid():
                    voice_services.voice_publish(voice=voice, **publish_form.cleaned_data)
                    messages.success(request, _("Published on the 区民の声 page."))
                    return redirect("staff:insight:voice", voice.public_id)
            elif action == "unpublish":
                voice_services.voice_unpublish(voice=voice)
                messages.success(request, _("Taken off the 区民の声 page."))
                return redirect("staff:insight:voice", voice.public_id)
            elif action == "close":
                voice_services.voice_close(voice=voice)
                messages.success(request, _("Closed."))
                return redirect("staff:insight:voices")
        except voice_services.VoiceError as exc:
            form = {"reply": reply_form, "publish": publish_form}.get(action or "", route_form)
            form.add_error(None, str(exc))
    else:
        voice_services.voice_viewed(voice=voice)
    return render(
        request,
        "insight/staff/voice.html",
        {
            "voice": voice,
            "route_form": route_form,
            "reply_form": reply_form,
            "publish_form": publish_form,
            "can_act": permissions.works_in(request.user, voice.department_id),
        },
    )


@require_http_methods(["GET", "POST"])
def voices_import(request: HttpRequest) -> HttpResponse:
    if not permissions.has_role(request.user, "clerk"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[importer.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importer.read(upload.read(importer.MAX_BYTES + 1), upload.name)
        except importer.ImportRefused as exc:
            problems = exc.problems
        else:
            batch = voice_services.voices_import(
                rows=rows, filename=upload.name, imported_by=request.user
            )
            messages.success(request, _("%(count)s voices imported.") % {"count": batch.rows})
            return redirect("staff:insight:voices")
    return render(
        request,
        "insight/staff/import.html",
        {"form": form, "problems": problems[:200], "more": max(0, len(problems) - 200)},
    )


@require_http_methods(["GET", "POST"])
def topics(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    form = AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = analysis_services.run_request(requested_by=request.user, **form.cleaned_data)
        except analysis_services.AnalysisError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The analysis has started. This page shows it when it is done.")
            )
            return redirect("staff:insight:run", run.public_id)
    return render(
        request, "insight/staff/topics.html", {"form": form, "runs": analysis_selectors.runs()}
    )


def run(request: HttpRequest, public_id: Any) -> HttpResponse:
    _analysts_only(request)
    found = analysis_selectors.run(public_id)
    if found is None:
        raise Http404
    rows = analysis_selectors.topic_rows(found)
    points = analysis_selectors.map_points(found)
    return render(
        request,
        "insight/staff/run.html",
        {
            "run": found,
            "rows": [(row, PALETTE[index % len(PALETTE)]) for index, row in enumerate(rows)],
            "points": [
                (300 + x * 270, 300 - y * 270, PALETTE[t % len(PALETTE)]) for x, y, t in points
            ],
            "bubbles": [
                (
                    300 + row.topic.x * 270,
                    300 - row.topic.y * 270,
                    12 + 40 * (row.share**0.5),
                    PALETTE[index % len(PALETTE)],
                    index + 1,
                    row,
                )
                for index, row in enumerate(rows)
            ],
            "refresh": found.status in ("queued", "running"),
        },
    )


def run_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    _analysts_only(request)
    found = analysis_selectors.run(public_id)
    if found is None or found.status != "done":
        raise Http404
    return download(
        analysis_selectors.report_rows(found),
        f"voices-topics-{found.period_start}-{found.period_end}.csv",
    )


def topic(request: HttpRequest, public_id: Any, topic_id: Any) -> HttpResponse:
    _analysts_only(request)
    found = analysis_selectors.run(public_id)
    chosen = analysis_selectors.topic(found, topic_id) if found else None
    if chosen is None:
        raise Http404
    history = analysis_selectors.topic_history(chosen.lineage)
    members = analysis_selectors.topic_voices(chosen)
    return render(
        request,
        "insight/staff/topic.html",
        {
            "run": found,
            "topic": chosen,
            "voices": members,
            # The voices this person may open; the others show their masked text only.
            "openable": set(
                voice_selectors.staff_voices(request.user)
                .filter(pk__in=[voice.pk for voice in members])
                .values_list("pk", flat=True)
            ),
            "history": history,
        },
    )


@require_http_methods(["GET", "POST"])
def indicators(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    can_record = permissions.has_role(request.user, "system_admin")
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            indicator_services.incident_record(recorded_by=request.user, **form.cleaned_data)
            messages.success(request, _("The incident was recorded."))
            return redirect("staff:insight:indicators")
    return render(
        request,
        "insight/staff/indicators.html",
        {
            "indicators": indicator_selectors.current(),
            "form": form,
            "can_record": can_record,
        },
    )


def statistics(request: HttpRequest) -> HttpResponse:
    return statistics_page(request, "insight/staff/statistics.html")


# --- Surveys ---------------------------------------------------------------------------------

PAPER_KEYS_SESSION_KEY = "insight:paper_keys"
SURVEY_TEMPLATE = Path(__file__).resolve().parent.parent / "demo" / "survey.json"


def _can_run_surveys(user: Any) -> bool:
    # Surveys reach residents at random: a department admin's decision, not a clerk's.
    return permissions.has_role(user, "department_admin")


@require_http_methods(["GET", "POST"])
def surveys(request: HttpRequest) -> HttpResponse:
    can_create = _can_run_surveys(request.user)
    template = json.loads(SURVEY_TEMPLATE.read_text(encoding="utf-8"))
    form = SurveyForm(
        request.POST or None,
        initial={
            "title_ja": template["title"]["ja"],
            "title_en": template["title"]["en"],
            "definition": json.dumps(template["definition"], ensure_ascii=False, indent=1),
            "indicators": json.dumps(template["indicators"], ensure_ascii=False),
        },
    )
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = survey_services.survey_create(
                    title={"ja": data["title_ja"], "en": data["title_en"]},
                    definition=data["definition"],
                    indicators=data["indicators"],
                    created_by=request.user,
                )
            except survey_services.SurveyError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("staff:insight:survey", created.public_id)
    return render(
        request,
        "insight/staff/surveys.html",
        {"surveys": survey_selectors.surveys(), "form": form, "can_create": can_create},
    )


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = survey_selectors.survey(public_id)
    if found is None:
        raise Http404
    form = SampleForm(request.POST or None)
    if request.method == "POST":
        if not _can_run_surveys(request.user):
            raise PermissionDenied
        try:
            if request.POST.get("action") == "close":
                survey_services.survey_close(survey=found)
                messages.success(request, _("The survey is closed."))
                return redirect("staff:insight:survey", found.public_id)
            if form.is_valid():
                sent = survey_services.survey_send(
                    survey=found, sample_size=form.cleaned_data["sample_size"]
                )
                messages.success(request, _("%(count)s residents were invited.") % {"count": sent})
                return redirect("staff:insight:survey", found.public_id)
        except survey_services.SurveyError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "insight/staff/survey.html",
        {
            "survey": found,
            "form": form,
            "estimates": survey_selectors.estimates(found),
            "can_run": _can_run_surveys(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_paper(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Type in a questionnaire returned on paper. Each form carries a one-time key, so a
    double press or a resent form records the questionnaire once."""
    found = survey_selectors.survey(public_id)
    if found is None:
        raise Http404
    if not _can_run_surveys(request.user):
        raise PermissionDenied
    definition = form_selectors.definition_of(found.definition)
    forms = form_selectors.page_forms(
        definition, data=request.POST if request.method == "POST" else None, language="ja"
    )
    problem = ""
    keys = request.session.get(PAPER_KEYS_SESSION_KEY, [])
    if request.method == "POST":
        key = request.POST.get("once", "")
        answers = form_selectors.answers_of(forms)
        if key not in keys:
            messages.info(request, _("These answers were recorded already."))
            return redirect("staff:insight:survey_paper", found.public_id)
        if answers is not None:
            try:
                survey_services.survey_paper_answer(survey=found, answers=answers)
            except survey_services.SurveyError as exc:
                problem = str(exc)
            else:
                keys.remove(key)
                request.session[PAPER_KEYS_SESSION_KEY] = keys
                messages.success(request, _("The paper answers were recorded."))
                return redirect("staff:insight:survey_paper", found.public_id)
    once = request.POST.get("once") if request.method == "POST" else uuid.uuid4().hex
    if once not in keys:
        request.session[PAPER_KEYS_SESSION_KEY] = [*keys[-19:], once]
    return render(
        request,
        "insight/staff/survey_paper.html",
        {
            "survey": found,
            "forms": forms,
            "once": once,
            "problem": problem,
            "has_errors": any(form.errors for form in forms) or bool(problem),
        },
    )
