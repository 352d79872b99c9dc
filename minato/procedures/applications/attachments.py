"""Storing and reading applicants' files. Writes are audited; so is every read by staff.

Files live in Django's default storage (``var/media`` on one server; an S3-compatible
bucket in a bigger deployment) under a random name; the original file name is only shown,
never used as a path. Each read recomputes the SHA-256 and refuses a file that changed.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minato.core import audit
from minato.core.uploads import CheckedFile, UploadRefused
from minato.procedures.forms.schema import FormDefinition
from minato.procedures.models import Application, Attachment

# Files uploaded through the API that no application took up are deleted after this.
UNCLAIMED_LIFETIME = timedelta(days=1)


class AttachmentCorrupted(Exception):
    """The stored file no longer matches the SHA-256 taken when it was uploaded."""


def _check_quota(uploader: Any, size: int) -> None:
    """Refuse a file that would take this person past their quota of stored files not yet
    part of a submitted application (UPLOAD_QUOTA_MB, UPLOAD_QUOTA_FILES)."""
    held = Attachment.objects.filter(uploader_id=uploader.pk).filter(
        Q(application__isnull=True)
        | Q(application__status__in=[Application.Status.DRAFT, Application.Status.RETURNED])
    )
    used = held.aggregate(files=Count("pk"), size=Sum("size"))
    if (
        used["files"] >= settings.UPLOAD_QUOTA_FILES
        or (used["size"] or 0) + size > settings.UPLOAD_QUOTA_MB * 1024 * 1024
    ):
        raise UploadRefused(
            _(
                "You have too many files stored in applications you have not sent yet. "
                "Send or delete an unfinished application, then try again."
            )
        )


@transaction.atomic
def attachment_store(
    *,
    uploader: Any,
    question_id: str,
    checked: CheckedFile,
    application: Application | None = None,
) -> Attachment:
    """Store a checked file; raises UploadRefused past the uploader's quota."""
    # One upload at a time per person, so two at once cannot both slip under the quota.
    get_user_model().objects.select_for_update().filter(pk=uploader.pk).first()
    _check_quota(uploader, checked.size)
    now = timezone.now()
    name = default_storage.save(
        f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}", ContentFile(checked.content)
    )
    attachment = Attachment.objects.create(
        uploader=uploader,
        application=application,
        question_id=question_id,
        filename=checked.filename,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        storage_name=name,
    )
    audit.record(
        action="procedures.attachment_uploaded",
        obj=attachment,
        subject_id=uploader.pk,
        department_id=application.department_id if application else None,
        changes={
            "kind": [None, checked.kind],
            "size": [None, checked.size],
            "sha256": [None, checked.sha256],
            "application": [None, str(application.public_id) if application else None],
        },
    )
    return attachment


def attachment_read(attachment: Attachment, *, by_staff: bool) -> bytes:
    """The file's bytes, after checking them against the stored SHA-256."""
    with default_storage.open(attachment.storage_name, "rb") as handle:
        content: bytes = handle.read()
    intact = hashlib.sha256(content).hexdigest() == attachment.sha256
    if not intact or by_staff:
        department_id = attachment.application.department_id if attachment.application else None
        with transaction.atomic():
            audit.record(
                action="procedures.attachment_viewed"
                if intact
                else "procedures.attachment_integrity_failed",
                obj=attachment,
                subject_id=attachment.uploader_id,
                department_id=department_id,
            )
    if not intact:
        raise AttachmentCorrupted(str(attachment.public_id))
    return content


def attachment_names(*, uploader_id: int, application: Application | None) -> dict[str, str]:
    """The attachments an applicant may put in answers: those already on this application,
    and those they uploaded through the API that no application has taken yet."""
    scope = Q(application__isnull=True)
    if application is not None and application.pk:
        scope |= Q(application=application)
    rows = Attachment.objects.filter(scope, uploader_id=uploader_id).values_list(
        "public_id", "filename"
    )
    return {str(public_id): filename for public_id, filename in rows}


def file_answer_ids(definition: FormDefinition, answers: dict[str, Any]) -> list[str]:
    return [
        str(answers[q.id]) for q in definition.questions() if q.type == "file" and answers.get(q.id)
    ]


def claim_attachments(*, application: Application, definition: FormDefinition) -> None:
    """Join the files named in a submitted application's answers to it."""
    ids = file_answer_ids(definition, application.answers)
    if ids:
        Attachment.objects.filter(
            public_id__in=ids, uploader_id=application.applicant_id, application__isnull=True
        ).update(application=application)


def drop_replaced_attachments(*, application: Application, definition: FormDefinition) -> int:
    """Delete the application's files its answers no longer name: a file replaced by
    another (as soon as the page is saved), or, at submission, one on a page the route no
    longer takes. Staff see only what the applicant finally sent, and nothing is kept that
    the applicant replaced."""
    keep = set(file_answer_ids(definition, application.answers))
    replaced = [a for a in application.attachments.all() if str(a.public_id) not in keep]
    for attachment in replaced:
        default_storage.delete(attachment.storage_name)
        attachment.delete()
    if replaced:
        audit.record(
            action="procedures.attachments_dropped",
            obj=application,
            subject_id=application.applicant_id,
            department_id=application.department_id,
            changes={"files": [len(replaced), 0]},
        )
    return len(replaced)


def purge_expired_drafts() -> int:
    """Delete drafts nobody came back to within their lifetime, with their files: answers
    are personal data and are kept no longer than the resident was told (30 days)."""
    expired = Application.objects.filter(
        status=Application.Status.DRAFT, draft_expires_at__lt=timezone.now()
    )
    for attachment in Attachment.objects.filter(application__in=expired):
        default_storage.delete(attachment.storage_name)
    count, _ = expired.delete()
    return count


def delete_files_of(application: Application) -> None:
    """Delete the stored files of an application about to be deleted (its rows cascade)."""
    for attachment in Attachment.objects.filter(application=application):
        default_storage.delete(attachment.storage_name)


def purge_unclaimed_attachments() -> int:
    """Delete files uploaded through the API that no application took up within a day."""
    cutoff = timezone.now() - UNCLAIMED_LIFETIME
    stale = list(Attachment.objects.filter(application__isnull=True, created_at__lt=cutoff))
    for attachment in stale:
        default_storage.delete(attachment.storage_name)
        attachment.delete()
    return len(stale)
