"""/api/v1/handoff: business systems pull submitted applications with a cursor and
acknowledge them (the push side is ``handoff.services``)."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from minato.accounts.api_auth import bearer, require_scope
from minato.accounts.models import ApiToken
from minato.core.api.schemas import responses
from minato.procedures.api.applications import ApplicationOut, application_body
from minato.procedures.applications import services as applications
from minato.procedures.handoff import services as handoff
from minato.procedures.models import Application, ApplicationEvent

router = Router(tags=["procedures"])


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
    applications.applications_viewed(
        applications=[event.application for event in page], purpose="handoff_pull"
    )
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
    return application_body(handoff.application_acknowledge(application=application))
