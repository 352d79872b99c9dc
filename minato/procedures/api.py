"""/api/v1/procedures: the catalogue for other systems (search like the portal's)."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Header, Path, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from minato.accounts import permissions
from minato.accounts.api_auth import AUTH, bearer, require_resident, require_scope
from minato.accounts.models import ApiToken
from minato.core.api.idempotency import idempotent
from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import InputSchema, responses
from minato.procedures import (
    applications,
    attachments,
    exports,
    handoff,
    selectors,
    uploads,
    workflow,
)
from minato.procedures.models import Application, ApplicationEvent, Procedure

router = Router(tags=["procedures"])

Translated = dict[str, str]


class ProcedureOut(Schema):
    slug: str
    name: Translated
    summary: Translated
    department: str = Field(..., alias="department.code")
    categories: list[str]
    life_events: list[str]
    eligibility: Translated
    documents: list[Translated]
    fee_type: str
    fee_amount_yen: int | None
    fee_note: Translated
    processing_days: int | None
    legal_basis: str
    availability: str
    offline_reason: Translated
    updated_at: Any

    @staticmethod
    def resolve_categories(obj: Procedure) -> list[str]:
        return [category.code for category in obj.categories.all()]

    @staticmethod
    def resolve_life_events(obj: Procedure) -> list[str]:
        return [event.code for event in obj.life_events.all()]


class CatalogueQuery(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="Words in any language; kana/kanji and width variants match.",
    )
    category: str = Field("", max_length=50, pattern=r"^[-a-z0-9_]*$")
    life_event: str = Field("", max_length=50, pattern=r"^[-a-z0-9_]*$")


@router.get(
    "/procedures",
    response=responses({200: list[ProcedureOut]}),
    auth=None,
    summary="List and search the procedure catalogue",
)
@paginate(LimitOffset)
def procedure_list(request: HttpRequest, filters: Query[CatalogueQuery]) -> Any:
    return selectors.procedures_search(
        query=filters.q, category=filters.category, life_event=filters.life_event
    )


@router.get(
    "/procedures/{slug}",
    response=responses({200: ProcedureOut}),
    auth=None,
    summary="One procedure",
)
def procedure_detail(request: HttpRequest, slug: Path[str]) -> Any:
    procedure = selectors.published_procedures().filter(slug=slug[:80]).first()
    if procedure is None:
        raise HttpError(404, "No published procedure has this slug")
    return procedure


class FormOut(Schema):
    procedure: str
    version: int
    published_at: datetime
    definition: dict[str, Any]


@router.get(
    "/procedures/{slug}/form",
    response=responses({200: FormOut}),
    auth=None,
    summary="The current published form definition of a procedure",
)
def procedure_form(request: HttpRequest, slug: Path[str]) -> Any:
    procedure = selectors.published_procedures().filter(slug=slug[:80]).first()
    form_version = selectors.current_form_version(procedure) if procedure else None
    if procedure is None or form_version is None:
        raise HttpError(404, "This procedure has no online form")
    return {
        "procedure": procedure.slug,
        "version": form_version.version,
        "published_at": form_version.published_at,
        "definition": form_version.definition,
    }


GroupItemAnswer = dict[str, str | int | bool | list[str] | dict[str, str | None] | None]


class ApplicationIn(InputSchema):
    answers: dict[
        str,
        str | int | bool | list[str] | dict[str, str | None] | list[GroupItemAnswer] | None,
    ] = Field(
        ...,
        max_length=200,
        description="Answers by question id, as in the form definition: text, numbers, "
        'dates as YYYY-MM-DD, choice values, "yes"/"no", lists for multiple choice, '
        "an object with family_name, given_name, family_name_kana and given_name_kana for "
        "a name, a list of objects (one per item; a name in an item is the same object) for "
        "a repeatable group, `true` for a declaration, and for a file the `id` returned by "
        "`POST /procedures/{slug}/attachments`.",
    )
    language: str = Field("ja", pattern=r"^(ja|en|ja-easy)$")


class EventOut(Schema):
    from_status: str
    to_status: str
    message: str
    created_at: datetime


class ApplicationOut(Schema):
    reference: str
    procedure: str
    form_version: int
    status: str
    submitted_at: datetime | None
    answers: dict[str, Any]
    events: list[EventOut]


def _application_body(application: Application) -> dict[str, Any]:
    return {
        "reference": application.reference,
        "procedure": application.procedure.slug,
        "form_version": application.form_version.version,
        "status": application.status,
        "submitted_at": application.submitted_at,
        "answers": application.answers,
        "events": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "message": e.message,
                "created_at": e.created_at,
            }
            for e in application.events.all()
        ],
    }


@router.post(
    "/procedures/{slug}/applications",
    response=responses({201: ApplicationOut}),
    auth=AUTH,
    summary="Submit an application (all answers at once)",
    description="Accepts an `Idempotency-Key` header: a retry with the same key and "
    "body returns the first application instead of making a second.",
)
def application_create(
    request: HttpRequest,
    slug: Path[str],
    payload: ApplicationIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
) -> Status:
    applicant = require_resident(request, "Applications are made by a signed-in resident")
    form_version = selectors.current_form_of(slug)  # with its procedure: one query
    procedure = form_version.procedure if form_version else None
    if (
        procedure is None
        or form_version is None
        or procedure.availability != Procedure.Availability.ONLINE
    ):
        raise HttpError(404, "This procedure cannot be applied for online")

    def run() -> tuple[int, Any]:
        try:
            application = applications.application_create_and_submit(
                procedure=procedure,
                form_version=form_version,
                applicant=applicant,
                answers=payload.answers,
                language=payload.language,
            )
        except applications.ApplicationIncomplete as exc:
            raise ValidationError(
                [
                    {"loc": ["body", "answers", question], "msg": message, "type": "invalid_answer"}
                    for question, messages in exc.errors.items()
                    for message in messages
                ]
            ) from None
        except applications.NotEligible as exc:
            raise HttpError(
                422,
                f"These answers lead to the exit page {exc.exit_id!r}: "
                "this procedure is not for the applicant",
            ) from None
        return 201, _application_body(application)

    status, body = idempotent(request, scope=f"procedures.application:{procedure.slug}", run=run)
    return Status(status, body)


class AttachmentOut(Schema):
    id: str
    question: str
    filename: str
    kind: str
    size: int
    sha256: str


@router.post(
    "/procedures/{slug}/attachments",
    response=responses({201: AttachmentOut}),
    auth=AUTH,
    summary="Upload a file for a file question (multipart/form-data, field `file`)",
    description="The file is checked as on the portal (allowed kinds by content, size, "
    "images re-encoded without EXIF). Put the returned `id` as the question's answer when "
    "submitting; files no application takes up are deleted after a day.",
)
def attachment_upload(
    request: HttpRequest,
    slug: Path[str],
    question: Query[str],
    file: File[UploadedFile],
) -> Status:
    applicant = require_resident(request, "Applications are made by a signed-in resident")
    form_version = selectors.current_form_of(slug)
    if form_version is None:
        raise HttpError(404, "This procedure has no online form")
    target = applications.parse_definition(form_version.definition).question(question[:40])
    if target is None or target.type != "file":
        raise ValidationError(
            [{"loc": ["query", "question"], "msg": "Not a file question", "type": "value_error"}]
        )
    try:
        checked = uploads.inspect(file, accept=target.accept, max_size_mb=target.max_size_mb)
    except uploads.UploadRefused as exc:
        raise ValidationError(
            [{"loc": ["body", "file"], "msg": str(exc.message), "type": "invalid_file"}]
        ) from None
    stored = attachments.attachment_store(
        uploader=applicant, question_id=target.id, checked=checked
    )
    return Status(
        201,
        {
            "id": str(stored.public_id),
            "question": stored.question_id,
            "filename": stored.filename,
            "kind": stored.kind,
            "size": stored.size,
            "sha256": stored.sha256,
        },
    )


@router.get(
    "/applications/{reference}",
    response=responses({200: ApplicationOut}),
    auth=AUTH,
    summary="An application's status, answers and timeline (its applicant only)",
)
def application_detail(request: HttpRequest, reference: Path[str]) -> Any:
    applicant = require_resident(request, "Applications are made by a signed-in resident")
    application = selectors.own_application(
        reference=reference.upper()[:8], applicant_id=applicant.pk
    )
    if application is None:
        raise HttpError(404, "No application of yours has this reference")
    return _application_body(application)


class HandoffItem(Schema):
    cursor: int
    application: dict[str, Any]


class HandoffPage(Schema):
    items: list[HandoffItem]
    next_cursor: int


@router.get(
    "/handoff/applications",
    response=responses({200: HandoffPage}),
    auth=[bearer],
    summary="Pull submitted applications after a cursor (scope applications:read)",
    description="Returns up to `limit` submissions (and resubmissions after a return) "
    "with an event id greater than `since`, oldest first. Store `next_cursor` and pass "
    "it as `since` next time; nothing is skipped or repeated.",
)
def handoff_pull(
    request: HttpRequest,
    since: int = Query(0, ge=0, le=2**62),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    token = require_scope(request, ApiToken.Scope.APPLICATIONS_READ)
    events = (
        ApplicationEvent.objects.filter(to_status=Application.Status.SUBMITTED, pk__gt=since)
        .select_related(
            "application__procedure",
            "application__department",
            "application__form_version",
            "application__applicant",
        )
        .order_by("pk")
    )
    if token is not None and token.department_id is not None:
        events = events.filter(application__department_id=token.department_id)
    page = list(events[:limit])
    return {
        "items": [
            {
                "cursor": event.pk,
                "application": handoff.application_document(
                    event.application,
                    event="application.submitted"
                    if event.from_status == Application.Status.DRAFT
                    else "application.resubmitted",
                ),
            }
            for event in page
        ],
        "next_cursor": page[-1].pk if page else since,
    }


@router.post(
    "/handoff/applications/{reference}/ack",
    response=responses({200: ApplicationOut}),
    auth=[bearer],
    summary="Acknowledge that a business system has taken an application",
)
def handoff_ack(request: HttpRequest, reference: Path[str]) -> Any:
    token = require_scope(request, ApiToken.Scope.APPLICATIONS_READ)
    application = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .filter(reference=reference.upper()[:8])
        .first()
    )
    if application is None or (
        token is not None and token.department_id not in (None, application.department_id)
    ):
        raise HttpError(404, "No application has this reference")
    return _application_body(handoff.application_acknowledge(application=application))


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
        pattern=r"^(|submitted|received|in_review|returned|approved|rejected|completed|withdrawn)$",
    )
    procedure: str = Field("", max_length=80, pattern=r"^[-a-z0-9_]*$")
    overdue: bool = False
    unassigned: bool = False
    assignee: int | None = Field(None, ge=1, le=2**31 - 1, description="A staff member's id")
    submitted_from: date | None = None
    submitted_to: date | None = None


def _queue_of(staff: Any, filters: QueueQuery) -> Any:
    return selectors.staff_queue(
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
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["Cache-Control"] = "private, no-store"
    if exported.truncated:
        response["X-Export-Truncated"] = "true"
    return response


class TransitionIn(InputSchema):
    action: str = Field(..., pattern=r"^(receive|review|return|approve|reject|complete)$")
    version: int = Field(..., ge=0, le=2**31)
    message: str = Field("", max_length=4000)


@router.post(
    "/staff/applications/{reference}/transitions",
    response=responses({200: ApplicationOut}),
    auth=AUTH,
    summary="Move an application to its next state (role-checked, optimistic lock)",
    description="`version` is the application's version as last read: a stale one "
    "answers 409 and changes nothing.",
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
    except workflow.StaleApplication as exc:
        raise HttpError(409, str(exc)) from None
    except workflow.WorkflowError as exc:
        raise HttpError(422, str(exc)) from None
    return _application_body(application)
