"""/api/v1/staff: the staff queue, exports and workflow transitions (staff session with 2FA)."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from minato.accounts import permissions
from minato.accounts.api_auth import AUTH
from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import InputSchema, record_date_filter, responses
from minato.core.problems import problem_response
from minato.procedures.api.applications import ApplicationOut, application_body
from minato.procedures.applications import exports, workflow
from minato.procedures.applications import selectors as application_selectors
from minato.procedures.models import Application

router = Router(tags=["procedures"])


class QueueItemOut(Schema):
    reference: str
    procedure: str = Field(..., alias="procedure.slug")
    status: str
    submitted_at: datetime | None
    due_date: date | None
    assignee_email: str | None = Field(None, alias="assignee.email")
    version: int


class QueueQuery(Schema):
    status: str = Field(
        "",
        pattern=r"^(|submitted|received|in_review|awaiting_approval|returned|approved|rejected|"
        r"completed|withdrawn)$",
    )
    procedure: str = Field("", max_length=80, pattern=r"^[-a-z0-9_]*$")
    overdue: bool = False
    unassigned: bool = False
    assignee: int | None = Field(None, ge=1, le=2**31 - 1, description="A staff member's id")
    submitted_from: date | None = record_date_filter("Submitted on or after this day")
    submitted_to: date | None = record_date_filter("Submitted on or before this day")


def _queue_of(staff: Any, filters: QueueQuery) -> Any:
    return application_selectors.staff_queue(
        department_ids=permissions.visible_department_ids(staff),
        status=filters.status,
        procedure=filters.procedure,
        overdue=filters.overdue,
        unassigned=filters.unassigned,
        assignee_id=filters.assignee,
        date_from=filters.submitted_from,
        date_to=filters.submitted_to,
    )


def _staff_member(request: HttpRequest) -> Any:
    """A staff member signed in with the second factor (not a service token)."""
    user = request.user
    if (
        getattr(request, "api_token", None) is not None
        or not user.is_authenticated
        or not user.is_staff
    ):  # type: ignore[union-attr]
        raise HttpError(403, "Only signed-in staff work on applications")
    return user


@router.get(
    "/staff/applications",
    response=responses({200: list[QueueItemOut]}),
    auth=AUTH,
    summary="The staff member's queue (their departments), oldest due first",
)
@paginate(LimitOffset)
def staff_queue(request: HttpRequest, filters: Query[QueueQuery]) -> Any:
    return _queue_of(_staff_member(request), filters)


class ExportQuery(QueueQuery):
    format: str = Field(
        "csv",
        pattern=r"^(csv|sjis|json)$",
        description="`csv`: UTF-8 with a BOM (Excel); `sjis`: Shift_JIS (cp932); `json`.",
    )


class ExportRecordOut(Schema):
    reference: str
    procedure: str
    procedure_name: str
    status: str
    status_label: str = Field(..., description="The status as people read it, in Japanese")
    submitted_at: str = Field(..., description="ISO 8601 with an offset, or empty")
    due_date: str = Field(..., description="YYYY-MM-DD, or empty")
    assignee: str = Field(..., description="The assignee's email, or empty")
    answers: dict[str, Any] = Field(..., description="The answers as stored")
    answer_texts: dict[str, str] = Field(
        ..., description="The answers as text, one entry per CSV column"
    )


CSV_CONTENT = {
    "schema": {
        "type": "string",
        "description": "CSV with a header row: UTF-8 with a BOM, or Shift_JIS for "
        "`format=sjis` (the charset parameter says which)",
    }
}


@router.get(
    "/staff/applications/export",
    response=responses({200: list[ExportRecordOut]}),
    auth=AUTH,
    summary="Export the staff member's queue (CSV for Excel, Shift_JIS or JSON)",
    description="The same filters as the queue. At most "
    f"{exports.EXPORT_LIMIT:,} applications, oldest due first; when there were more, "
    "the response has `X-Export-Truncated: true`: narrow the filters. Answers are "
    "flattened to one column per question (a repeatable group: one per item). Every "
    "export is recorded in the audit log.",
    openapi_extra={"responses": {200: {"content": {"text/csv": CSV_CONTENT}}}},
)
def staff_export(request: HttpRequest, filters: Query[ExportQuery]) -> HttpResponse:
    staff = _staff_member(request)
    items = _queue_of(staff, filters)
    exported = exports.applications_export(
        items=items,
        fmt=filters.format,
        filters=filters.model_dump(exclude={"format"}),
        channel="api",
    )
    return exported.http_response()


class TransitionIn(InputSchema):
    action: str = Field(
        ..., pattern=r"^(receive|review|send_for_approval|return|approve|reject|complete)$"
    )
    version: int = Field(..., ge=0, le=2**31)
    message: str = Field("", max_length=4000)


@router.post(
    "/staff/applications/{reference}/transitions",
    response=responses({200: ApplicationOut}),
    auth=AUTH,
    summary="Move an application to its next state (role-checked, optimistic lock)",
    description="`version` is the application's version as last read: a stale one "
    "answers 409 (`code`: `stale`) and changes nothing. A move the procedure's payment "
    "timing holds until the fee is paid answers 409 with `code` `payment_required` and the "
    "reason in `detail` (e.g. starting the review of an application whose fee is paid when "
    "applying, or completing one whose fee is paid once approved or at the counter). Any "
    "other refusal answers 422 with a `code`: `message_required` (rejecting needs a "
    "message), `not_allowed` (not possible at this stage or for this role).",
)
def staff_transition(request: HttpRequest, reference: Path[str], payload: TransitionIn) -> Any:
    staff = _staff_member(request)
    application = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .filter(reference=reference.upper()[:8])
        .first()
    )
    if application is None or not workflow.can_handle(staff, application):
        raise HttpError(404, "No application of your departments has this reference")
    try:
        application = workflow.application_transition(
            application=application,
            action=payload.action,
            staff=staff,
            expected_version=payload.version,
            message=payload.message,
        )
    except workflow.WorkflowError as exc:
        # The reason in the request's language, and a stable code for programs.
        # A stale version or an unpaid fee conflicts with the application's current state
        # (reload it, or take the payment); any other refusal is a request the rules refuse.
        conflict = isinstance(exc, workflow.StaleApplication | workflow.PaymentRequired)
        return problem_response(
            request,
            status=409 if conflict else 422,
            title="Conflict" if conflict else "Invalid request",
            detail=str(exc),
            code=exc.code,
        )
    return application_body(application)
