"""/api/v1/notifications: service accounts send a message to a resident (GOV.UK Notify-like)."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from minato.accounts.api_auth import bearer, require_scope
from minato.accounts.models import ApiToken, User
from minato.core.api.idempotency import idempotency_key_header, idempotent
from minato.core.api.schemas import InputSchema, responses
from minato.notifications import services
from minato.notifications.models import Notification

router = Router(tags=["notifications"])

# Templates that outside systems may send; the others belong to the platform's own flows.
API_TEMPLATE_PREFIXES = ("general/",)
# Listed in the OpenAPI document, so a client knows every key it may send.
API_TEMPLATE_KEYS: list[Any] = sorted(
    f"general/{folder.name}"
    for folder in (Path(__file__).parent / "templates/notifications/messages/general").iterdir()
    if folder.is_dir()
)


class NotificationIn(InputSchema):
    recipient_id: UUID = Field(
        ..., description="The resident's account id (from /me or a business system)."
    )
    template_key: str = Field(
        ...,
        pattern=r"^[a-z0-9_]+/[a-z0-9_]+$",
        max_length=100,
        examples=["general/message"],
        json_schema_extra={"enum": API_TEMPLATE_KEYS},
    )
    context: dict[str, Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=dict,
        max_length=20,
        description="Values for the template's placeholders (each at most 2000 characters).",
    )
    reference: str = Field("", max_length=100, description="Your own reference, echoed back.")


class NotificationOut(Schema):
    id: UUID
    status: str
    channel: str
    template_key: str
    language: str
    reference: str
    attempts: int
    created_at: datetime
    delivered_at: datetime | None


def _out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.public_id,
        "status": notification.status,
        "channel": notification.channel,
        "template_key": notification.template_key,
        "language": notification.language,
        "reference": notification.reference,
        "attempts": notification.attempts,
        "created_at": notification.created_at,
        "delivered_at": notification.delivered_at,
    }


@router.post(
    "/notifications",
    response=responses({201: NotificationOut}),
    auth=[bearer],
    summary="Send a notification to a resident (scope notifications:send)",
    description="Accepts an `Idempotency-Key` header: a retry with the same key and "
    "body returns the first response and sends nothing twice.",
)
def notification_create(
    request: HttpRequest,
    payload: NotificationIn,
    idempotency_key: str | None = idempotency_key_header(
        "Any unique string (a UUID is ideal). Retries with the same key and body return the "
        "first response and send nothing twice."
    ),
) -> Status:
    require_scope(request, ApiToken.Scope.NOTIFICATIONS_SEND)
    if any(len(value) > 2000 for value in payload.context.values()):
        raise HttpError(422, "Each context value must be at most 2000 characters")

    if not payload.template_key.startswith(API_TEMPLATE_PREFIXES):
        # Account emails (verification, password reset, invitations) carry links the platform
        # makes itself; letting a caller fill them in would let it phish in the ward's name.
        raise HttpError(422, "This template cannot be sent through the API")

    def run() -> tuple[int, Any]:
        recipient = (
            User.objects.filter(
                public_id=payload.recipient_id, is_active=True, kind=User.Kind.RESIDENT
            )
            .select_related("profile")
            .first()
        )
        if recipient is None:
            raise HttpError(404, "No resident has this id")
        try:
            notification = services.notify(
                recipient=recipient,
                template_key=payload.template_key,
                context=payload.context,
                reference=payload.reference,
            )
        except services.UnknownTemplate:
            raise HttpError(422, "Unknown template_key") from None
        notification.refresh_from_db()  # delivery may already have happened
        return 201, _out(notification)

    status, body = idempotent(request, scope="notifications.create", run=run)
    return Status(status, body)


@router.get(
    "/notifications/{notification_id}",
    response=responses({200: NotificationOut}),
    auth=[bearer],
    summary="A notification's delivery status",
)
def notification_detail(request: HttpRequest, notification_id: UUID) -> Any:
    token = require_scope(request, ApiToken.Scope.NOTIFICATIONS_SEND)
    assert token is not None
    # A token sees only the notifications it sent: nobody reads another caller's messages.
    notification = Notification.objects.filter(
        public_id=notification_id, created_by_id=token.user_id
    ).first()
    if notification is None:
        raise HttpError(404, "No notification with this id")
    return _out(notification)
