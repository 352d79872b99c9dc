"""The resident's pages: the life-event guides (one question per page, then a personal
checklist behind a private link), the counter visit's QR code, and the counters (waits, a
ticket from a phone, the kiosk, the hall display, a ticket's live page)."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from minato.accounts import permissions
from minato.accounts.models import User
from minato.core.forms import AccessibleForm
from minato.core.middleware import client_ip
from minato.core.translated import localized
from minato.navigator.guide import selectors as guide_selectors
from minato.navigator.guide import services as guide_services
from minato.navigator.guide.forms import QuestionForm
from minato.navigator.guide.schema import asked_questions, next_question
from minato.navigator.models import Checklist, Guide, Ticket
from minato.navigator.queues import selectors as queue_selectors
from minato.navigator.queues import services as queue_services
from minato.navigator.visits import selectors as visit_selectors
from minato.navigator.visits import services as visit_services
from minato.procedures.applications import services as application_services

SESSION_KEY = "navigator:answers:{slug}"
# A kiosk shows a new ticket by a token that lasts a minute (its page returns to the
# buttons after 20 s).
KIOSK_SHOWN_KEY = "navigator:kiosk-shown:{token}"


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _is_resident(user: Any) -> bool:
    """A resident's account: guests (who applied by email link) and staff use private links."""
    return bool(user.is_authenticated and getattr(user, "kind", "") == User.Kind.RESIDENT)


# Guides --------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "navigator/portal/index.html",
        {
            "guides": guide_selectors.published_guides(),
            "offices": queue_selectors.waits(),
        },
    )


def _guide_or_404(slug: str) -> Guide:
    guide = guide_selectors.published_guide(slug)
    if guide is None:
        raise Http404
    return guide


def _answers(request: HttpRequest, guide: Guide) -> dict[str, Any]:
    stored = request.session.get(SESSION_KEY.format(slug=guide.slug), {})
    return stored if isinstance(stored, dict) else {}


def guide_start(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide_or_404(slug)
    definition = guide_selectors.definition_of(guide)
    first = next_question(definition, {})
    return render(
        request,
        "navigator/portal/guide.html",
        {"guide": guide, "first": first, "started": bool(_answers(request, guide))},
    )


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, slug: str, question_id: str) -> HttpResponse:
    guide = _guide_or_404(slug)
    definition = guide_selectors.definition_of(guide)
    answers = _answers(request, guide)
    route = asked_questions(definition, answers)
    current = next((q for q in route if q.id == question_id), None)
    # Only questions on the route, up to the first one not answered, can be opened.
    first_open = next((q for q in route if q.id not in answers), None)
    if current is None or (
        first_open is not None and route.index(current) > route.index(first_open)
    ):
        target = first_open or route[-1]
        return redirect("navigator:question", slug=slug, question_id=target.id)
    form = QuestionForm(
        request.POST or None,
        question=current,
        language=_language(),
        initial={"answer": answers.get(current.id)},
    )
    if request.method == "POST" and form.is_valid():
        answers[current.id] = form.stored_answer()
        # Answers to questions the new answer no longer leads to are dropped.
        kept = {q.id for q in asked_questions(definition, answers)}
        answers = {key: value for key, value in answers.items() if key in kept}
        request.session[SESSION_KEY.format(slug=slug)] = answers
        following = next_question(definition, answers, after=current.id)
        if following is None:
            return redirect("navigator:check", slug=slug)
        return redirect("navigator:question", slug=slug, question_id=following.id)
    position = route.index(current)
    back = (
        reverse("navigator:question", args=[slug, route[position - 1].id])
        if position
        else reverse("navigator:guide", args=[slug])
    )
    return render(
        request,
        "navigator/portal/question.html",
        {
            "guide": guide,
            "form": form,
            "question": current,
            "number": position + 1,
            "back": back,
        },
    )


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, slug: str) -> HttpResponse:
    guide = _guide_or_404(slug)
    definition = guide_selectors.definition_of(guide)
    answers = _answers(request, guide)
    route = asked_questions(definition, answers)
    missing = next((q for q in route if q.id not in answers and q.required), None)
    if missing is not None:
        return redirect("navigator:question", slug=slug, question_id=missing.id)
    if request.method == "POST":
        try:
            checklist, token = guide_services.checklist_create(
                guide=guide,
                answers=answers,
                owner=request.user if _is_resident(request.user) else None,
            )
        except guide_services.ChecklistError as exc:
            messages.error(request, str(exc))
            return redirect("navigator:guide", slug=slug)
        request.session.pop(SESSION_KEY.format(slug=slug), None)
        if checklist.owner_id:
            return redirect("navigator:my_checklist", public_id=checklist.public_id)
        return redirect("navigator:checklist", token=token)
    rows = [
        (q, localized(q.label, _language()), guide_selectors.answer_text(q, answers, _language()))
        for q in route
        if q.id in answers
    ]
    return render(request, "navigator/portal/check.html", {"guide": guide, "rows": rows})


# Checklists ----------------------------------------------------------------------------


def _checklist_page(
    request: HttpRequest, checklist: Checklist, base: str, token: str = ""
) -> HttpResponse:
    language = _language()
    if request.method == "POST":
        return _checklist_action(request, checklist, base)
    items = guide_selectors.checklist_view(checklist, language)
    visit = getattr(checklist, "visit", None)
    return render(
        request,
        "navigator/portal/checklist.html",
        {
            "checklist": checklist,
            "guide": checklist.guide,
            "items": items,
            "answers": guide_selectors.answer_rows(checklist, language),
            "done_count": sum(1 for item in items if item.done),
            "has_counter": any(item.where == "counter" for item in items),
            "base": base,
            "private_link": settings.SITE_URL + base if token else "",
            "can_save": _is_resident(request.user) and checklist.owner_id is None,
            "visit": visit,
        },
    )


def _checklist_action(request: HttpRequest, checklist: Checklist, base: str) -> HttpResponse:
    action = request.POST.get("action", "")
    key = request.POST.get("item", "")[:40]
    try:
        if action in ("done", "undone"):
            guide_services.checklist_tick(checklist=checklist, key=key, done=action == "done")
            return redirect(f"{base}#item-{key}")
        if action == "save":
            if not _is_resident(request.user):
                return redirect_to_login(base)
            guide_services.checklist_save(checklist=checklist, owner=request.user)
            messages.success(request, _("Saved to My page."))
            return redirect("navigator:my_checklist", public_id=checklist.public_id)
        if action == "start":
            if not _is_resident(request.user):
                return redirect_to_login(base)
            draft = guide_services.checklist_start_online(
                checklist=checklist, key=key, applicant=request.user
            )
            return redirect("procedures:resume", public_id=draft.public_id)
        if action == "visit":
            visit_services.visit_prepare(checklist=checklist)
            return redirect(f"{base}visit/")
    except (
        guide_services.ChecklistError,
        visit_services.VisitError,
        application_services.EmailNotConfirmed,
    ) as exc:
        messages.error(request, str(exc))
        return redirect(base)
    return redirect(base)


@require_http_methods(["GET", "POST"])
@never_cache
def checklist(request: HttpRequest, token: str) -> HttpResponse:
    found = guide_selectors.checklist_by_token(token)
    if found is None:
        raise Http404
    return _checklist_page(request, found, reverse("navigator:checklist", args=[token]), token)


@require_http_methods(["GET", "POST"])
@never_cache
def my_checklist(request: HttpRequest, public_id: Any) -> HttpResponse:
    if not _is_resident(request.user):
        return redirect_to_login(request.get_full_path())
    found = guide_selectors.own_checklist(public_id=public_id, owner=request.user)
    if found is None:
        raise Http404
    return _checklist_page(request, found, reverse("navigator:my_checklist", args=[public_id]))


def mine(request: HttpRequest) -> HttpResponse:
    if not _is_resident(request.user):
        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "navigator/portal/mine.html",
        {
            "checklists": guide_selectors.own_checklists(request.user),
            "tickets": queue_selectors.tickets_of(request.user),
        },
    )


def _visit_page(request: HttpRequest, checklist: Checklist, base: str) -> HttpResponse:
    visit = getattr(checklist, "visit", None)
    if visit is None or visit.expires_at <= timezone.now():
        return redirect(base)
    payload = visit_services.qr_payload(visit)
    items = [
        item
        for item in guide_selectors.checklist_view(checklist, _language())
        if item.where == "counter"
    ]
    return render(
        request,
        "navigator/portal/visit.html",
        {
            "visit": visit,
            "checklist": checklist,
            "items": items,
            "base": base,
            "qr_svg": mark_safe(  # noqa: S308 - SVG made by segno from our own signed payload
                segno.make(payload, micro=False).svg_inline(scale=5, title=_("Visit QR code"))
            ),
            "offices": queue_selectors.waits(),
            # The office's ticket then carries the visit (see ``office``).
            "office_query": "?" + urlencode({"visit": payload}),
        },
    )


@never_cache
def checklist_visit(request: HttpRequest, token: str) -> HttpResponse:
    found = guide_selectors.checklist_by_token(token)
    if found is None:
        raise Http404
    return _visit_page(request, found, reverse("navigator:checklist", args=[token]))


@never_cache
def my_checklist_visit(request: HttpRequest, public_id: Any) -> HttpResponse:
    if not _is_resident(request.user):
        return redirect_to_login(request.get_full_path())
    found = guide_selectors.own_checklist(public_id=public_id, owner=request.user)
    if found is None:
        raise Http404
    return _visit_page(request, found, reverse("navigator:my_checklist", args=[public_id]))


# Counters ------------------------------------------------------------------------------


def _office_or_404(slug: str) -> Any:
    office = queue_selectors.office_by_slug(slug)
    if office is None:
        raise Http404
    return office


class TicketForm(AccessibleForm):
    queue = forms.ChoiceField(label=gettext_lazy("Which counter"), widget=forms.RadioSelect)
    when = forms.ChoiceField(label=gettext_lazy("When"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, office: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queues = {queue.slug: queue for queue in queue_selectors.queues_of(office)}
        cast(forms.ChoiceField, self.fields["queue"]).choices = [
            (slug, queue.title(language)) for slug, queue in self.queues.items()
        ]
        slots = sorted(
            {slot for queue in self.queues.values() for slot in queue_selectors.open_slots(queue)}
        )
        cast(forms.ChoiceField, self.fields["when"]).choices = [
            ("now", _("Now: join the line"))
        ] + [(slot.isoformat(), timezone.localtime(slot).strftime("%H:%M")) for slot in slots]
        self.fields["when"].initial = "now"

    def slot(self) -> datetime | None:
        value = self.cleaned_data["when"]
        return None if value == "now" else datetime.fromisoformat(value)


def offices(request: HttpRequest) -> HttpResponse:
    # Opened from the LINE account (「番号札」): the ticket is then counted as taken by LINE.
    via_line = request.GET.get("via") == "line"
    return render(
        request,
        "navigator/portal/offices.html",
        {"offices": queue_selectors.waits(), "office_query": "?via=line" if via_line else ""},
    )


@require_http_methods(["GET", "POST"])
def office(request: HttpRequest, slug: str) -> HttpResponse:
    found = _office_or_404(slug)
    form = TicketForm(request.POST or None, office=found, language=_language())
    via_line = request.POST.get("via", request.GET.get("via", "")) == "line"
    if request.method == "POST":
        if not _is_resident(request.user):
            return redirect_to_login(request.get_full_path())
        if not permissions.has_confirmed_email(request.user):
            form.add_error(None, _("Confirm your email address first, so that we can call you."))
        elif form.is_valid():
            try:
                ticket = queue_services.ticket_issue(
                    queue=form.queues[form.cleaned_data["queue"]],
                    channel=Ticket.Channel.LINE if via_line else Ticket.Channel.REMOTE,
                    person=request.user,
                    # Taken from a visit's page: the clerk who calls it sees the visit.
                    visit=visit_selectors.visit_for_ticket(request.POST.get("visit", "")[:300]),
                    slot_start=form.slot(),
                )
            except queue_services.TicketError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("navigator:ticket", public_id=ticket.public_id)
    state = next((o for o in queue_selectors.waits() if o["office"] == found.slug), None)
    return render(
        request,
        "navigator/portal/office.html",
        {
            "office": found,
            "state": state,
            "form": form,
            "is_open": queue_selectors.is_open(found),
            "signed_in": _is_resident(request.user),
            "visit_payload": request.POST.get("visit", request.GET.get("visit", ""))[:300],
            "via_line": via_line,
        },
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, slug: str) -> HttpResponse:
    """The touch screen at the office's entrance: one button per counter.

    A press issues the ticket and redirects (a reload never prints a second one) to the
    kiosk's page showing it by an opaque token that lasts a minute: no cancel
    button, no address of the ticket in the kiosk's history, and the screen returns to the
    buttons by itself, so the next person at the kiosk cannot open or cancel it. Only
    addresses in ``NAVIGATOR_KIOSK_NETWORKS`` (the offices' networks) may print tickets."""
    error = ""
    ticket = _shown_ticket(request.GET.get("shown", ""), slug)
    if request.method == "POST":
        # The line and its office in one query: the kiosk is pressed all day long.
        queue = queue_selectors.office_queue(slug, request.POST.get("queue", ""))
        if not _kiosk_allowed(request):
            error = _("Tickets are printed by the machine at the office.")
        elif is_ratelimited(
            request,
            group="navigator.kiosk",
            key="ip",
            rate=settings.NAVIGATOR_KIOSK_RATE,
            increment=True,
        ):
            error = _("Too many tickets at once. Wait a moment and try again.")
        elif queue is None:
            error = _("Choose a counter.")
        else:
            try:
                issued = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
            except queue_services.TicketError as exc:
                error = str(exc)
            else:
                # An opaque token, not the ticket's id (which opens its page, where it can
                # be cancelled): the kiosk's history must not lead to it.
                shown = secrets.token_urlsafe(16)
                cache.set(KIOSK_SHOWN_KEY.format(token=shown), str(issued.public_id), 60)
                return redirect(
                    reverse("navigator:kiosk", args=[slug]) + "?" + urlencode({"shown": shown})
                )
    found = _office_or_404(slug)
    context: dict[str, Any] = {
        "office": found,
        "queues": queue_selectors.queues_of(found),
        "error": error,
        "ticket": ticket,
    }
    if ticket is not None:
        link = settings.SITE_URL + reverse("navigator:ticket", args=[ticket.public_id])
        # One count, not the office's state: the kiosk is pressed all day, and each press
        # changes the state (the phone, from the QR code, shows the estimate).
        context["ahead"] = queue_selectors.people_ahead(ticket)
        context["qr_svg"] = mark_safe(  # noqa: S308 - SVG made by segno from our own URL
            segno.make(link, micro=False).svg_inline(scale=4, title=_("Your ticket on your phone"))
        )
    response = render(request, "navigator/portal/kiosk.html", context, status=422 if error else 200)
    response["Cache-Control"] = "no-store"
    return response


def _shown_ticket(token: str, office_slug: str) -> Ticket | None:
    """The ticket a kiosk just printed, while its token lasts."""
    public_id = cache.get(KIOSK_SHOWN_KEY.format(token=token[:40])) if token else None
    if public_id is None:
        return None
    ticket = queue_selectors.ticket_by_public_id(public_id)
    if ticket is None or ticket.queue.office.slug != office_slug:
        return None
    return ticket


def _kiosk_allowed(request: HttpRequest) -> bool:
    networks = settings.NAVIGATOR_KIOSK_NETWORKS
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def display(request: HttpRequest, slug: str) -> HttpResponse:
    """The hall display: who is called to which desk, in three languages, with speech."""
    found = _office_or_404(slug)
    return render(
        request,
        "navigator/portal/display.html",
        {
            "office": found,
            "state": queue_selectors.public_state(queue_selectors.office_state(found)),
            "poll_seconds": settings.NAVIGATOR_POLL_SECONDS,
        },
    )


@cache_control(no_cache=True)
def office_state(request: HttpRequest, slug: str) -> JsonResponse:
    found = _office_or_404(slug)
    state = queue_selectors.public_state(queue_selectors.office_state(found))
    return JsonResponse(
        {**state, "poll_seconds": settings.NAVIGATOR_POLL_SECONDS},
        json_dumps_params={"ensure_ascii": False},
    )


def _ticket_or_404(public_id: Any) -> Ticket:
    ticket = queue_selectors.ticket_by_public_id(public_id)
    if ticket is None:
        raise Http404
    return ticket


@require_http_methods(["GET", "POST"])
def ticket(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A ticket's page: anyone with its link (a random id) sees its number and place; the
    page holds nothing personal."""
    found = _ticket_or_404(public_id)
    if request.method == "POST":
        if found.person_id is not None and request.user.pk != found.person_id:
            # A phone's ticket is cancelled by its holder only; a kiosk's by its link.
            return redirect_to_login(request.get_full_path())
        try:
            queue_services.ticket_cancel(ticket=found)
        except queue_services.TicketError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your ticket is cancelled."))
        return redirect("navigator:ticket", public_id=found.public_id)
    return render(
        request,
        "navigator/portal/ticket.html",
        {
            "ticket": found,
            "state": queue_selectors.ticket_state(found),
            "office": found.queue.office,
            "poll_seconds": settings.NAVIGATOR_POLL_SECONDS,
        },
    )


@cache_control(no_cache=True)
def ticket_state(request: HttpRequest, slug: str, public_id: Any) -> JsonResponse:
    """A ticket's poll: answered from its office's cached state (no query) while it waits
    or is being called, else from the database."""
    state = queue_selectors.ticket_state_fast(slug, str(public_id))
    if state is None:
        found = _ticket_or_404(public_id)
        if found.queue.office.slug != slug:
            raise Http404
        state = queue_selectors.ticket_state(found)
    return JsonResponse({**state, "poll_seconds": settings.NAVIGATOR_POLL_SECONDS})
