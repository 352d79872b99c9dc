"""Console pages: the counters (call, recall, absent, transfer, done, issue; the day's
statistics), counter visits (書かない窓口: scan or type, check and correct the details, print
the filled forms, finish) and the guides' definitions."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minato.accounts import permissions
from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.navigator.guide import selectors as guide_selectors
from minato.navigator.guide import services as guide_services
from minato.navigator.guide.schema import PERSON_FIELDS
from minato.navigator.models import Ticket
from minato.navigator.queues import selectors as queue_selectors
from minato.navigator.queues import services as queue_services
from minato.navigator.visits import selectors as visit_selectors
from minato.navigator.visits import services as visit_services
from minato.navigator.visits.pdf import visit_forms_pdf
from minato.procedures.forms import selectors as form_selectors

DESK_SESSION_KEY = "navigator:desk:{office}"
PERSON_LABELS = {
    "family_name": gettext_lazy("Family name"),
    "given_name": gettext_lazy("Given name"),
    "family_name_kana": gettext_lazy("Family name (furigana)"),
    "given_name_kana": gettext_lazy("Given name (furigana)"),
    "birth_date": gettext_lazy("Date of birth"),
    "phone": gettext_lazy("Phone number"),
    "address": gettext_lazy("Address"),
}


def _department_of(user: Any) -> int | None:
    profile = permissions.staff_profile_of(user)
    return profile.department_id if profile else None


# Counters ------------------------------------------------------------------------------


def counters(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "navigator/staff/counters.html",
        {"offices": queue_selectors.staff_offices(request.user)},
    )


def _office_or_404(request: HttpRequest, slug: str) -> Any:
    office = queue_selectors.staff_office(request.user, slug)
    if office is None:
        raise Http404
    return office


def _desk(request: HttpRequest, office: Any) -> Any:
    number = request.session.get(DESK_SESSION_KEY.format(office=office.slug))
    return queue_selectors.desks_of(office).filter(number=number).first() if number else None


@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office_or_404(request, slug)
    if request.method == "POST":
        return _counter_action(request, office)
    day = timezone.localdate()
    tickets = list(queue_selectors.office_tickets(office, day))
    queues = []
    for queue in queue_selectors.queues_of(office):
        mine = [t for t in tickets if t.queue_id == queue.pk]
        queues.append(
            {
                "queue": queue,
                "waiting": [t for t in mine if t.status == Ticket.Status.WAITING],
                "absent": [t for t in mine if t.status == Ticket.Status.ABSENT],
            }
        )
    return render(
        request,
        "navigator/staff/counter.html",
        {
            "office": office,
            "desk": _desk(request, office),
            "desks": queue_selectors.desks_of(office),
            "queues": queues,
            "called": [t for t in tickets if t.status == Ticket.Status.CALLED],
            "all_queues": queue_selectors.queues_of(office),
        },
    )


def _counter_action(request: HttpRequest, office: Any) -> HttpResponse:
    action = request.POST.get("action", "")
    desk = _desk(request, office)
    queue = (
        queue_selectors.queues_of(office).filter(slug=request.POST.get("queue", "")[:40]).first()
    )
    try:
        if action == "desk":
            number = request.POST.get("desk", "")[:4]
            # ASCII digits only ("²".isdigit() is true, and int() refuses it).
            desk = int(number) if number.isascii() and number.isdecimal() else 0
            if queue_selectors.desks_of(office).filter(number=desk).exists():
                request.session[DESK_SESSION_KEY.format(office=office.slug)] = desk
        elif action == "issue" and queue is not None:
            ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.STAFF)
            messages.success(request, _("Ticket %(number)s issued.") % {"number": ticket.label})
        elif action == "next" and queue is not None:
            if desk is None:
                raise queue_services.TicketError(_("Choose your desk first."))
            called = queue_services.ticket_call_next(queue=queue, desk=desk, staff=request.user)
            if called is None:
                messages.info(request, _("Nobody is waiting in this line."))
            else:
                messages.success(
                    request,
                    _("%(number)s called to desk %(desk)s.")
                    % {"number": called.label, "desk": desk.number},
                )
    except queue_services.TicketError as exc:
        messages.error(request, str(exc))
    return redirect("staff:navigator:counter", slug=office.slug)


@require_POST
def ticket_action(request: HttpRequest, public_id: Any) -> HttpResponse:
    ticket = queue_selectors.staff_ticket(request.user, public_id)
    if ticket is None:
        raise Http404
    office = ticket.queue.office
    action = request.POST.get("action", "")
    try:
        if action == "call":
            desk = _desk(request, office)
            if desk is None:
                raise queue_services.TicketError(_("Choose your desk first."))
            queue_services.ticket_call(ticket=ticket, desk=desk, staff=request.user)
        elif action == "recall":
            queue_services.ticket_recall(ticket=ticket, staff=request.user)
        elif action == "absent":
            queue_services.ticket_absent(ticket=ticket, staff=request.user)
        elif action == "done":
            queue_services.ticket_done(ticket=ticket, staff=request.user)
        elif action == "transfer":
            target = (
                queue_selectors.queues_of(office)
                .filter(slug=request.POST.get("to", "")[:40])
                .first()
            )
            if target is None:
                raise queue_services.TicketError(_("Choose another counter of this office."))
            queue_services.ticket_transfer(ticket=ticket, to_queue=target, staff=request.user)
        else:
            raise queue_services.TicketError(_("Unknown action."))
    except queue_services.TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(number)s: done.") % {"number": ticket.label}
            if action == "done"
            else _("%(number)s: updated.") % {"number": ticket.label},
        )
    return redirect("staff:navigator:counter", slug=office.slug)


class DayForm(AccessibleForm):
    day = forms.DateField(
        label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office_or_404(request, slug)
    form = DayForm(request.GET or None)
    day: date = timezone.localdate()
    if form.is_valid() and form.cleaned_data["day"]:
        day = form.cleaned_data["day"]
    return render(
        request,
        "navigator/staff/statistics.html",
        {"office": office, "form": form, "stats": queue_selectors.statistics_of(office, day)},
    )


# Visits --------------------------------------------------------------------------------


class ScanForm(AccessibleForm):
    code = forms.CharField(
        label=gettext_lazy("Visit code or QR code"),
        max_length=200,
        help_text=gettext_lazy(
            "Scan the QR code on the resident's phone, or type the 8-character code."
        ),
    )


def _can_open_visits(request: HttpRequest) -> None:
    if not visit_selectors.can_open_visits(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def visit_scan(request: HttpRequest) -> HttpResponse:
    _can_open_visits(request)
    form = ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        visit = visit_selectors.visit_from_scan(request.user, form.cleaned_data["code"])
        if visit is None:
            form.add_error("code", _("No visit with this code, or it has expired."))
        else:
            return redirect("staff:navigator:visit", public_id=visit.public_id)
    return render(
        request,
        "navigator/staff/visit_scan.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


def _labels(visit: Any) -> dict[str, str]:
    definition = guide_selectors.definition_of(visit.checklist.guide)
    labels = {field: str(PERSON_LABELS[field]) for field in PERSON_FIELDS}
    for question in definition.questions:
        labels[question.id] = localized(question.label)
    return labels


def _visit_or_404(request: HttpRequest, public_id: Any) -> Any:
    _can_open_visits(request)
    visit = visit_selectors.staff_visit(request.user, public_id)
    if visit is None:
        raise Http404
    return visit


class DetailsForm(AccessibleForm):
    def __init__(
        self, *args: Any, details: dict[str, str], labels: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for key, value in details.items():
            self.fields[key] = forms.CharField(
                label=labels.get(key, key), required=False, max_length=200, initial=value
            )


def _counter_items(visit: Any) -> list[dict[str, Any]]:
    return [item for item in visit.checklist.items if item["where"] == "counter"]


@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = _visit_or_404(request, public_id)
    department_id = _department_of(request.user)
    labels = _labels(found)
    form = DetailsForm(request.POST or None, details=found.details, labels=labels)
    if request.method == "POST" and request.POST.get("action") == "record":
        try:
            reference = visit_services.visit_item_record(
                visit=found, key=request.POST.get("item", "")[:40], department_id=department_id
            )
        except visit_services.VisitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Recorded as application %(reference)s.") % {"reference": reference}
            )
        return redirect("staff:navigator:visit", public_id=found.public_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "complete":
                visit_services.visit_complete(visit=found, department_id=department_id)
                messages.success(request, _("The visit is finished."))
                return redirect("staff:navigator:visit_scan")
            if form.is_valid():
                visit_services.visit_correct(
                    visit=found, details=form.cleaned_data, department_id=department_id
                )
                messages.success(request, _("Details saved."))
                return redirect("staff:navigator:visit", public_id=found.public_id)
        except visit_services.VisitError as exc:
            form.add_error(None, str(exc))
    else:
        found = visit_services.visit_open(visit=found, department_id=department_id)
    return render(
        request,
        "navigator/staff/visit.html",
        {
            "visit": found,
            "form": form,
            "items": [
                {
                    "key": item["key"],
                    "title": localized(item["title"]),
                    # An intake form to record it with (else the signed paper is the record).
                    "can_record": bool(item.get("procedure"))
                    and form_selectors.current_form_of(item["procedure"]) is not None,
                    "reference": found.applications.get(item["key"], ""),
                    "fields": [
                        (labels.get(f, f), found.details.get(f, ""))
                        for f in (item["uses"] or found.details)
                    ],
                }
                for item in _counter_items(found)
            ],
            "guide": found.checklist.guide,
        },
        status=422 if request.method == "POST" else 200,
    )


def visit_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    found = _visit_or_404(request, public_id)
    items = _counter_items(found)
    if not items:
        raise Http404
    visit_services.visit_printed(visit=found, department_id=_department_of(request.user))
    content = visit_forms_pdf(visit=found, items=items, labels=_labels(found))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-{found.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# Guides --------------------------------------------------------------------------------


def _can_edit_guides(request: HttpRequest) -> None:
    """System administrators only: a guide spans departments (its items name procedures of
    any of them and what their forms are filled with), so no one department owns it."""
    if not permissions.has_role(request.user, "system_admin"):
        raise PermissionDenied


def guides(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "navigator/staff/guides.html",
        {
            "guides": guide_selectors.all_guides(),
            "can_edit": permissions.has_role(request.user, "system_admin"),
        },
    )


class GuideForm(AccessibleForm):
    name_ja = forms.CharField(label=gettext_lazy("Name (Japanese)"), max_length=100)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=100, required=False)
    name_easy = forms.CharField(
        label=gettext_lazy("Name (やさしい日本語)"), max_length=100, required=False
    )
    is_published = forms.BooleanField(label=gettext_lazy("Published"), required=False)
    definition = forms.CharField(
        label=gettext_lazy("Questions and checklist items (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "code", "spellcheck": "false"}),
        max_length=200_000,
        help_text=gettext_lazy("The format is described in docs/modules/navigator.md."),
    )

    def clean_definition(self) -> Any:
        try:
            return json.loads(self.cleaned_data["definition"])
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": exc.msg}
            ) from None
        except RecursionError:  # nested thousands deep
            raise ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": "too deeply nested"}
            ) from None


@require_http_methods(["GET", "POST"])
def guide_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _can_edit_guides(request)
    guide = guide_selectors.all_guides().filter(slug=slug[:40]).first()
    if guide is None:
        raise Http404
    form = GuideForm(
        request.POST or None,
        initial={
            "name_ja": guide.name.get("ja", ""),
            "name_en": guide.name.get("en", ""),
            "name_easy": guide.name.get("ja-easy", ""),
            "is_published": guide.is_published,
            "definition": json.dumps(guide.definition, ensure_ascii=False, indent=1),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guide_services.guide_upsert(
                slug=guide.slug,
                name={"ja": data["name_ja"], "en": data["name_en"], "ja-easy": data["name_easy"]},
                summary=guide.summary,
                definition=data["definition"],
                sort_order=guide.sort_order,
                is_published=data["is_published"],
            )
        except ValidationError as exc:
            for problem in exc.message_dict.get("definition", []):
                form.add_error("definition", problem)
            for problem in exc.message_dict.get("name", []):
                form.add_error("name_ja", problem)
        else:
            messages.success(
                request, _("Guide saved. New checklists use it; earlier ones keep their items.")
            )
            return redirect("staff:navigator:guides")
    return render(
        request,
        "navigator/staff/guide_edit.html",
        {"guide": guide, "form": form},
        status=422 if request.method == "POST" else 200,
    )
