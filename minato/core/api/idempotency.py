"""The one Idempotency-Key helper every creating POST uses.

A retried request with the same key and the same body gets the first response again,
without doing the work twice. The record and the work share one transaction, so a crash
leaves neither behind and the retry simply does the work. A concurrent duplicate blocks on
the unique index until the first commits, then replays its response.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Header
from ninja.errors import HttpError

from minato.core.api.rendering import OffsetJSONEncoder
from minato.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY_RE = re.compile(KEY_PATTERN)


def idempotency_key_header(
    description: str = "Any unique string (a UUID is ideal): a retry with the same key and "
    "body returns the first response and creates nothing twice.",
) -> Any:
    """The ``Idempotency-Key`` header parameter, as every creating POST declares it (its
    rule is in the OpenAPI document, so clients know what is accepted)."""
    return Header(
        None, alias="Idempotency-Key", max_length=255, pattern=KEY_PATTERN, description=description
    )


class IdempotencyConflict(HttpError):
    pass


def request_owner(request: HttpRequest) -> str:
    token = getattr(request, "api_token", None)
    if token is not None:
        return f"token:{token.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"anonymous:{request.META.get('REMOTE_ADDR', '')}"


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\n" + request.path.encode() + b"\n")
    if request.content_type == "multipart/form-data":
        # A file upload: its raw body is not kept (files over FILE_UPLOAD_MAX_MEMORY_SIZE go
        # to disk, and reading ``body`` past DATA_UPLOAD_MAX_MEMORY_SIZE is refused), so the
        # parsed fields and each file's name and content stand for it. The multipart
        # boundary, which a client picks anew on a retry, is left out.
        for name, value in sorted(request.POST.lists()):
            digest.update(repr((name, value)).encode() + b"\n")
        for name, uploads in sorted(request.FILES.lists()):
            for upload in uploads:
                digest.update(repr((name, upload.name, upload.size)).encode() + b"\n")
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def idempotent(
    request: HttpRequest, *, scope: str, run: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """Run ``run`` (which returns ``(status, json_body)``) at most once per Idempotency-Key."""
    key = request.META.get(HEADER)
    if key is None:
        with transaction.atomic():
            return run()
    if not _KEY_RE.match(key):
        raise HttpError(400, "Idempotency-Key must be 1–255 visible ASCII characters")
    owner, fingerprint = request_owner(request), _fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner, key=key, scope=scope, fingerprint=fingerprint
                )
        except IntegrityError:
            previous = IdempotencyRecord.objects.get(owner=owner, key=key)
            if previous.fingerprint != fingerprint or previous.scope != scope:
                raise IdempotencyConflict(
                    422, "This Idempotency-Key was already used for a different request"
                ) from None
            if previous.response_status is None:
                raise IdempotencyConflict(
                    409, "A request with this Idempotency-Key is still being processed"
                ) from None
            request.idempotent_replay = True  # type: ignore[attr-defined]
            return previous.response_status, previous.response_body
        status, body = run()
        # Store (and return) exactly what a replay will return: plain JSON values.
        body = json.loads(json.dumps(body, cls=OffsetJSONEncoder))
        record.response_status = status
        record.response_body = body
        record.save(update_fields=["response_status", "response_body", "updated_at"])
        return status, body
