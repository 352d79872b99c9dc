"""/api/v1/procedures/{slug}/applications and /api/v1/applications: applying, attaching files
and reading one's own application."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile

from minato.accounts.api_auth import AUTH, require_confirmed_resident, require_resident
from minato.core import uploads
from minato.core.api.idempotency import idempotency_key_header, idempotent
from minato.core.api.schemas import InputSchema, responses
from minato.procedures.applications import attachments
from minato.procedures.applications import selectors as application_selectors
from minato.procedures.applications import services as applications
from minato.procedures.forms import selectors as form_selectors
from minato.procedures.models import Application, Procedure

router = Router(tags=["procedures"])

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


def application_body(application: Application) -> dict[str, Any]:
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
                # As the applicant reads it: a return without a message has a default text.
                "message": e.message_text,
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
    idempotency_key: str | None = idempotency_key_header(),
) -> Status:
    applicant = require_confirmed_resident(request, "Applications are made by a signed-in resident")
    form_version = form_selectors.current_form_of(slug)  # with its procedure: one query
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
        return 201, application_body(application)

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
    applicant = require_confirmed_resident(request, "Applications are made by a signed-in resident")
    form_version = form_selectors.current_form_of(slug)
    if form_version is None:
        raise HttpError(404, "This procedure has no online form")
    target = applications.parse_definition(form_version.definition).question(question[:40])
    if target is None or target.type != "file":
        raise ValidationError(
            [{"loc": ["query", "question"], "msg": "Not a file question", "type": "value_error"}]
        )
    try:
        uploads.check_rate(request)
    except uploads.UploadRefused as exc:
        raise HttpError(429, str(exc.message)) from None
    try:
        checked = uploads.inspect(file, accept=target.accept, max_size_mb=target.max_size_mb)
        stored = attachments.attachment_store(
            uploader=applicant, question_id=target.id, checked=checked
        )
    except uploads.UploadRefused as exc:  # the file itself, or the uploader's quota
        raise ValidationError(
            [{"loc": ["body", "file"], "msg": str(exc.message), "type": "invalid_file"}]
        ) from None
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
    application = application_selectors.own_application(
        reference=reference.upper()[:8], applicant_id=applicant.pk
    )
    if application is None:
        raise HttpError(404, "No application of yours has this reference")
    return application_body(application)
