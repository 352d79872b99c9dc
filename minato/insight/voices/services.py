"""Writes on residents' voices: receiving (portal, LINE, staff import), routing, replying,
publishing and closing. Every change is audited with the writer as subject."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.accounts.models import Department
from minato.core import audit
from minato.core.i18n import url_in_language
from minato.insight import masking
from minato.insight.models import Voice, VoiceImport, VoiceReply
from minato.notifications.services import notify

MAX_BODY = 2000
# Where a voice goes first, by category (the department that usually answers it). Staff of
# 区長室 (広聴) move it when the first guess is wrong.
CATEGORY_DEPARTMENTS = {
    Voice.Category.CHILDREN: "kodomo-katei-shien",
    Voice.Category.WELFARE: "hoken-fukushi-shien",
    Voice.Category.ENVIRONMENT: "kankyo-risaikuru-shien",
    Voice.Category.TOWN: "machizukuri-shien",
    Voice.Category.SAFETY: "bosai-kiki-kanri",
    Voice.Category.SERVICES: "kikaku-keiei.kuyakusho-kaikaku",
    Voice.Category.CULTURE: "kyoiku-iinkai",
    Voice.Category.OTHER: "kikaku-keiei.kucho-shitsu",
}
_URL = re.compile(r"https?://", re.IGNORECASE)
_REPEATED = re.compile(r"(.)\1{19,}")


class VoiceError(Exception):
    """A voice that cannot be taken or changed; the message is for the person, ``field``
    the form field it is about (None: the whole form)."""

    def __init__(self, message: str, field: str | None = "body") -> None:
        super().__init__(message)
        self.field = field


def body_hash(text: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", "", masking.normalise(text)).encode()).hexdigest()


def check_body(body: str) -> str:
    """The text, stripped, or ``VoiceError`` for empty, overlong and spam-shaped texts."""
    body = (body or "").strip()
    if not body:
        raise VoiceError(_("Write your opinion."))
    if len(body) > MAX_BODY:
        raise VoiceError(_("Write at most %(count)s characters.") % {"count": MAX_BODY})
    if len(_URL.findall(body)) > 2 or _REPEATED.search(body):
        raise VoiceError(_("This text looks like spam. Write your opinion in your own words."))
    return body


def _with_reference(voice: Voice) -> Voice:
    """Give a just-created voice its reference, V<year>-<row number>: unique without a lock
    (the row's id is), where counting the year's voices would race."""
    year = timezone.localtime(voice.received_at).year
    voice.reference = f"V{year}-{voice.pk:06d}"
    Voice.objects.filter(pk=voice.pk).update(reference=voice.reference)
    return voice


def _provisional_reference() -> str:
    return f"new-{uuid.uuid4().hex[:14]}"


def _default_department(category: str) -> Department | None:
    code = CATEGORY_DEPARTMENTS.get(category)  # type: ignore[call-overload]
    return Department.objects.filter(code=code).first() if code else None


@transaction.atomic
def voice_submit(
    *,
    body: str,
    kind: str,
    category: str,
    area: str = "",
    town: str = "",
    age_band: str = "",
    author: Any = None,
    contact_email: str = "",
    wants_reply: bool = False,
    language: str = "ja",
    channel: str = Voice.Channel.WEB,
    received_at: datetime | None = None,
) -> Voice:
    """Take a voice: masked at once, sent to the category's department, and refused when the
    same person sent the same text in the last day."""
    body = check_body(body)
    if kind not in Voice.Kind.values or category not in Voice.Category.values:
        raise VoiceError(_("Choose the kind and the subject of your voice."), field=None)
    if wants_reply and not (author or contact_email):
        raise VoiceError(
            _("Give an e-mail address for the answer, or sign in."), field="contact_email"
        )
    digest = body_hash(body)
    # A sender we can recognise who sends the same text within a day is sending it twice.
    # Anonymous senders are not compared (two residents may well both write 「ありがとう」);
    # the rate limit guards against floods.
    same = Voice.objects.none()
    recent = Voice.objects.filter(
        body_hash=digest, received_at__gte=timezone.now() - timedelta(days=1)
    )
    if getattr(author, "is_authenticated", False):
        same = recent.filter(author=author)
    elif contact_email and wants_reply:
        same = recent.filter(contact_email__iexact=contact_email)
    if same.exists():
        raise VoiceError(_("We have received this voice already. Thank you."), field=None)
    received_at = received_at or timezone.now()
    department = _default_department(category)
    voice = Voice.objects.create(
        reference=_provisional_reference(),
        kind=kind,
        category=category,
        area=area,
        town=town,
        age_band=age_band,
        channel=channel,
        body=body,
        masked_body=masking.mask(body),
        body_hash=digest,
        author=author if getattr(author, "is_authenticated", False) else None,
        contact_email=contact_email if wants_reply else "",
        wants_reply=wants_reply,
        language=language,
        department=department,
        status=Voice.Status.ROUTED if department else Voice.Status.RECEIVED,
        received_at=received_at,
    )
    _with_reference(voice)
    audit.record(
        action="insight.voice_received",
        obj=voice,
        subject_id=voice.author_id,
        department_id=voice.department_id,
        changes={"channel": [None, channel], "category": [None, category]},
    )
    return voice


@transaction.atomic
def voice_viewed(*, voice: Voice) -> None:
    """Record that staff read a voice's original text (which may hold personal data)."""
    audit.record(
        action="insight.voice_viewed",
        obj=voice,
        subject_id=voice.author_id,
        department_id=voice.department_id,
    )


@transaction.atomic
def voice_route(*, voice: Voice, department: Department) -> Voice:
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    if voice.status == Voice.Status.CLOSED:
        raise VoiceError(_("This voice is closed."))
    before = voice.department_id
    voice.department = department
    if voice.status == Voice.Status.RECEIVED:
        voice.status = Voice.Status.ROUTED
    voice.save(update_fields=["department", "status", "updated_at"])
    audit.record(
        action="insight.voice_routed",
        obj=voice,
        subject_id=voice.author_id,
        department_id=department.pk,
        changes={"department": [before, department.pk]},
    )
    return voice


@transaction.atomic
def voice_reply(*, voice: Voice, body: str, sent_by: Any) -> VoiceReply:
    """Answer the writer (by their account's channels, or the address they left)."""
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    body = (body or "").strip()
    if not body:
        raise VoiceError(_("Write the answer."))
    if len(body) > MAX_BODY * 2:
        raise VoiceError(_("Write at most %(count)s characters.") % {"count": MAX_BODY * 2})
    if not (voice.author_id or voice.contact_email):
        raise VoiceError(_("This voice was sent without a way to answer it."))
    last = voice.replies.order_by("-created_at").first()
    if last and last.body == body and last.created_at > timezone.now() - timedelta(minutes=1):
        return last  # the same answer sent twice (a double press): sent once
    reply = VoiceReply.objects.create(voice=voice, body=body, sent_by=sent_by)
    context = {
        "reference": voice.reference,
        "answer": body,
        # "My voices" needs an account: a writer who sent anonymously gets no link.
        "url": url_in_language("/insight/voices/mine/", voice.language) if voice.author_id else "",
    }
    if voice.author_id:
        notify(
            template_key="insight/voice_replied",
            context=context,
            recipient=voice.author,
            reference=voice.reference,
            dedupe_key=f"insight-reply-{reply.public_id}",
        )
    else:
        notify(
            template_key="insight/voice_replied",
            context=context,
            address=voice.contact_email,
            language=voice.language,
            reference=voice.reference,
            dedupe_key=f"insight-reply-{reply.public_id}",
        )
    before = voice.status
    voice.status = Voice.Status.ANSWERED
    voice.save(update_fields=["status", "updated_at"])
    audit.record(
        action="insight.voice_replied",
        obj=voice,
        subject_id=voice.author_id,
        department_id=voice.department_id,
        changes={"status": [before, voice.status]},
    )
    return reply


@transaction.atomic
def voice_publish(*, voice: Voice, published_body: str, public_answer: str) -> Voice:
    """Show a voice (its masked, edited text) with the ward's answer on the public page. The
    text is masked again, so a name typed in while editing never goes out."""
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    text = masking.mask(check_body(published_body))
    answer = (public_answer or "").strip()
    if not answer:
        raise VoiceError(_("Write the ward's answer to publish with the voice."))
    voice.published_body = text
    # The ward's answer is the ward's words (it may give the office's phone number).
    voice.public_answer = answer
    voice.is_published = True
    voice.published_at = voice.published_at or timezone.now()
    voice.save(
        update_fields=[
            "published_body",
            "public_answer",
            "is_published",
            "published_at",
            "updated_at",
        ]
    )
    audit.record(
        action="insight.voice_published",
        obj=voice,
        subject_id=voice.author_id,
        department_id=voice.department_id,
        changes={"is_published": [False, True]},
    )
    return voice


@transaction.atomic
def voice_unpublish(*, voice: Voice) -> Voice:
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    voice.is_published = False
    voice.save(update_fields=["is_published", "updated_at"])
    audit.record(
        action="insight.voice_unpublished",
        obj=voice,
        subject_id=voice.author_id,
        department_id=voice.department_id,
        changes={"is_published": [True, False]},
    )
    return voice


@transaction.atomic
def voice_close(*, voice: Voice) -> Voice:
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    before = voice.status
    voice.status = Voice.Status.CLOSED
    # The address was kept only to answer; a closed voice is not answered any more.
    voice.contact_email = ""
    voice.save(update_fields=["status", "contact_email", "updated_at"])
    audit.record(
        action="insight.voice_closed",
        obj=voice,
        subject_id=voice.author_id,
        department_id=voice.department_id,
        changes={"status": [before, voice.status]},
    )
    return voice


@transaction.atomic
def voices_import(*, rows: list[dict[str, Any]], filename: str, imported_by: Any) -> VoiceImport:
    """Create the voices of an import, already checked by ``importer.read``: all or none."""
    batch = VoiceImport.objects.create(
        filename=filename[:200], rows=len(rows), imported_by=imported_by
    )
    for row in rows:
        department = _default_department(row["category"])
        received_at = row["received_at"]
        voice = Voice.objects.create(
            reference=_provisional_reference(),
            kind=row["kind"],
            category=row["category"],
            area=row.get("area", ""),
            town=row.get("town", ""),
            age_band=row.get("age_band", ""),
            channel=row["channel"],
            body=row["body"],
            masked_body=masking.mask(row["body"]),
            body_hash=body_hash(row["body"]),
            department=department,
            status=Voice.Status.ROUTED if department else Voice.Status.RECEIVED,
            received_at=received_at,
            import_batch=batch,
        )
        _with_reference(voice)
    audit.record(action="insight.voices_imported", obj=batch, changes={"rows": [None, len(rows)]})
    return batch
