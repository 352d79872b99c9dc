"""Staff console pages for applications: the department queue, one application, actions,
and export for Excel."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import User
from minato.core.forms import AccessibleForm
from minato.core.translated import localized
from minato.procedures import payables
from minato.procedures.applications import exports, pdf, workflow
from minato.procedures.applications import selectors as application_selectors
from minato.procedures.applications import services as applications
from minato.procedures.forms.answers import route
from minato.procedures.forms.display import answer_rows
from minato.procedures.forms.fees import fee_lines
from minato.procedures.handoff import services as handoff
from minato.procedures.models import Application
from minato.procedures.views.files import attachment_response

STALE = gettext_lazy(
    "Someone else changed this application while you were looking at it. "
    "Check the latest version and try again."
)


class QueueFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any"))]
        + [c for c in Application.Status.choices if c[0] != "draft"],
    )
    procedure = forms.SlugField(
        label=gettext_lazy("Procedure (code)"), required=False, max_length=80
    )
    submitted_from = forms.DateField(
        label=gettext_lazy("Submitted from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = forms.DateField(
        label=gettext_lazy("Submitted until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assignee"),
        required=False,
        queryset=User.objects.none(),
        empty_label=gettext_lazy("Anyone"),
    )
    mine = forms.BooleanField(label=gettext_lazy("Assigned to me"), required=False)
    unassigned = forms.BooleanField(label=gettext_lazy("Unassigned"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue"), required=False)

    def __init__(self, *args: Any, department_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.department_ids = department_ids
        assignee = self.fields["assignee"]
        assignee.queryset = application_selectors.staff_of_departments(  # type: ignore[attr-defined]
            department_ids=department_ids
        )
        assignee.label_from_instance = lambda user: user.display_name or user.email  # type: ignore[attr-defined]


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _queue(request: HttpRequest) -> tuple[QueueFilterForm, Any]:
    staff = _staff(request)
    department_ids = permissions.visible_department_ids(staff)
    form = QueueFilterForm(request.GET or None, department_ids=department_ids)
    filters = form.cleaned_data if form.is_valid() else {}
    assignee = filters.get("assignee")
    items = application_selectors.staff_queue(
        department_ids=department_ids,
        status=filters.get("status", ""),
        procedure=filters.get("procedure", ""),
        assignee_id=staff.pk if filters.get("mine") else (assignee.pk if assignee else None),
        unassigned=bool(filters.get("unassigned")),
        overdue=bool(filters.get("overdue")),
        date_from=filters.get("submitted_from"),
        date_to=filters.get("submitted_to"),
    )
    return form, items


class CappedPaginator(Paginator):
    """Counting 100,000 rows costs more than the rest of the page; past QUEUE_COUNT_CAP
    the page says "1,000+" and offers the pages up to there (filters narrow it down)."""

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: QUEUE_COUNT_CAP + 1].count())  # type: ignore[attr-defined]


QUEUE_COUNT_CAP = 1000


QUEUE_VALUES = (
    "reference",
    "procedure_id",
    "procedure__name",
    "status",
    "submitted_at",
    "due_date",
    "assignee__display_name",
    "assignee__email",
)
ROW_HTML = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>'
)


def _queue_rows(applications_page: Any, language: str) -> Any:
    """The table's rows as HTML (escaped by format_html): 50 rows through the template
    engine's per-variable machinery cost more than the database work of the whole page."""
    statuses = dict(Application.Status.choices)
    detail_url = reverse("staff:procedures:detail", args=["REFERENCE"])
    today = timezone.localdate()
    overdue_badge = format_html(' <span class="badge badge--bad">{}</span>', _("Overdue"))
    names: dict[int, str] = {}
    cells = []
    for row in applications_page:
        procedure_id = row["procedure_id"]
        if procedure_id not in names:
            names[procedure_id] = localized(row["procedure__name"], language)
        submitted = timezone.localtime(row["submitted_at"]) if row["submitted_at"] else None
        due = row["due_date"]
        overdue = bool(
            due and due < today and row["status"] in application_selectors.OPEN_FOR_QUEUE
        )
        cells.append(
            (
                detail_url.replace("REFERENCE", row["reference"]),
                row["reference"],
                names[procedure_id],
                statuses.get(row["status"], row["status"]),
                submitted.strftime("%Y-%m-%d %H:%M") if submitted else "",
                due.isoformat() if due else "–",
                overdue_badge if overdue else "",
                row["assignee__display_name"] or row["assignee__email"] or "–",
            )
        )
    return format_html_join("", ROW_HTML, cells)


# How long the rendered filter form is reused (its assignee list may lag by this much).
FILTERS_CACHE_SECONDS = 60


def _filters_html(request: HttpRequest, form: QueueFilterForm, query: str) -> str:
    """The filter form's HTML. Django renders each field and option through templates,
    which costs more than the rest of the page; the same filters, language and departments
    always render the same, so it is cached for a minute."""
    department_ids = form.department_ids
    scope = "all" if department_ids is None else ",".join(map(str, sorted(department_ids)))
    digest = hashlib.sha256(f"{scope}|{query}".encode()).hexdigest()[:32]
    key = f"procedures:queue-filters:{request.LANGUAGE_CODE}:{digest}"
    html = cache.get(key)
    if html is None:
        html = str(form)
        cache.set(key, html, FILTERS_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by Django's form templates above


def queue(request: HttpRequest) -> HttpResponse:
    form, items = _queue(request)
    paginator = CappedPaginator(items.values(*QUEUE_VALUES), 50)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/staff/queue.html",
        {
            "form": form,
            "filters": _filters_html(request, form, query.urlencode()),
            "page": page,
            "query": query.urlencode(),
            "rows": _queue_rows(page.object_list, request.LANGUAGE_CODE),
            "capped": paginator.count > QUEUE_COUNT_CAP,
            "cap": QUEUE_COUNT_CAP,
        },
    )


def _scoped(request: HttpRequest, reference: str) -> Application:
    application = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .select_related("procedure", "form_version", "applicant__profile", "assignee")
        .filter(reference=reference.upper()[:8])
        .first()
    )
    if application is None:
        raise Http404
    if not workflow.can_handle(_staff(request), application):
        raise PermissionDenied
    return application


def detail(request: HttpRequest, reference: str) -> HttpResponse:
    staff = _staff(request)
    application = _scoped(request, reference)
    definition = application_selectors.definition_of(application)
    pages, _exit = route(definition, application.answers)
    files = {str(a.public_id): a.filename for a in application.attachments.all()}
    rows = answer_rows(definition, pages, application.answers, request.LANGUAGE_CODE, files)
    lines = fee_lines(definition, pages, application.answers, request.LANGUAGE_CODE)
    colleagues = application_selectors.department_staff(department_id=application.department_id)
    printing = request.GET.get("print") == "1"
    applications.applications_viewed(
        applications=[application], purpose="print" if printing else "console"
    )
    possible = workflow.available_transitions(staff, application)
    holds = workflow.payment_holds(application, possible)
    return render(
        request,
        "procedures/staff/detail.html",
        {
            "application": application,
            "rows": rows,
            "fee_lines": lines,
            "transitions": [t for t in possible if t.action not in holds],
            # Moves the procedure's payment timing holds until the fee is paid, and why.
            "held": [(t.label, holds[t.action]) for t in possible if t.action in holds],
            "notes": application.notes.select_related("author"),
            "events": application.events.all(),
            "colleagues": colleagues,
            "handoffs": application.handoffs.select_related("endpoint"),
            "print": printing,
            "payment_purpose": payables.PURPOSE,
        },
    )


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def attachment(request: HttpRequest, reference: str, public_id: Any) -> HttpResponse:
    application = _scoped(request, reference)
    item = application.attachments.filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return attachment_response(item, by_staff=True)


@require_POST
def act(request: HttpRequest, reference: str) -> HttpResponse:
    application = _scoped(request, reference)
    try:
        workflow.application_transition(
            application=application,
            action=request.POST.get("action", ""),
            staff=_staff(request),
            expected_version=_version(request),
            message=request.POST.get("message", "")[:4000],
        )
    except workflow.StaleApplication:
        messages.error(request, str(STALE))
    except workflow.WorkflowError as exc:
        messages.error(request, _("That action was not possible: %(reason)s") % {"reason": exc})
    else:
        messages.success(request, _("The application has been updated and the applicant told."))
    return redirect("staff:procedures:detail", reference=application.reference)


@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    application = _scoped(request, reference)
    assignee_id = request.POST.get("assignee", "")
    assignee = (
        application_selectors.department_staff(department_id=application.department_id)
        .filter(pk=assignee_id)
        .first()
        if assignee_id.isdigit()
        else None
    )
    try:
        workflow.application_assign(
            application=application,
            assignee=assignee,
            staff=_staff(request),
            expected_version=_version(request),
        )
    except workflow.StaleApplication:
        messages.error(request, str(STALE))
    except workflow.WorkflowError:
        raise PermissionDenied from None
    else:
        messages.success(request, _("The assignment has been saved."))
    return redirect("staff:procedures:detail", reference=application.reference)


@require_POST
def note(request: HttpRequest, reference: str) -> HttpResponse:
    application = _scoped(request, reference)
    body = request.POST.get("body", "")[:4000]
    if body.strip():
        workflow.application_note_add(application=application, staff=_staff(request), body=body)
        messages.success(request, _("The note has been added."))
    else:
        messages.error(request, _("Write the note first."))
    return redirect("staff:procedures:detail", reference=application.reference)


def export(request: HttpRequest) -> HttpResponse:
    """The filtered queue as CSV for Excel (UTF-8 with BOM, or Shift_JIS) or JSON."""
    form, items = _queue(request)
    fmt = request.GET.get("format", "csv")
    exported = exports.applications_export(
        items=items,
        fmt=fmt if fmt in exports.FORMATS else "csv",
        filters=form.cleaned_data if form.is_valid() else {},
        channel="console",
    )
    return exported.http_response()


def application_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The staff copy of an application as a PDF; every download is audited."""
    application = _scoped(request, reference)
    content = pdf.application_printed(
        application=application, staff=_staff(request), language=request.LANGUAGE_CODE
    )
    return pdf.http_response(content, application.reference)


@require_POST
def handoff_resend(request: HttpRequest, reference: str, delivery_id: int) -> HttpResponse:
    application = _scoped(request, reference)
    delivery = application.handoffs.filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404
    handoff.handoff_resend(delivery=delivery)
    messages.success(request, _("The application is being sent to the business system again."))
    return redirect("staff:procedures:detail", reference=application.reference)
