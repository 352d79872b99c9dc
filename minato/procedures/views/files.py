"""Serving an attachment: only after its SHA-256 checks out, always as a download, never
rendered by the browser in our origin."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _

from minato.core.uploads import CONTENT_TYPES
from minato.procedures.applications import attachments
from minato.procedures.models import Attachment


def attachment_response(item: Attachment, *, by_staff: bool) -> HttpResponse:
    try:
        content = attachments.attachment_read(item, by_staff=by_staff)
    except attachments.AttachmentCorrupted:
        return HttpResponse(
            _(
                "This file has changed since it was uploaded and cannot be shown. The "
                "incident has been recorded; please contact the system administrator."
            ),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        content, content_type=CONTENT_TYPES.get(item.kind, "application/octet-stream")
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.filename)}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
