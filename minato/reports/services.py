"""Writes of community reports: sending one, "me too", following, and the staff's triage
(accept, route, duplicate, refer, in progress, fixed, closed not fixed), photos and their
redaction, replies, and the reporter's reopening. Every change is audited; who may do what
is checked here, not in the views. Reporters and followers are told through ``notify``."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from PIL import Image, ImageFilter

from minato.accounts import permissions
from minato.accounts.models import Department
from minato.accounts.services import absolute_url
from minato.accounts.validators import normalise_email, normalise_phone, validate_phone
from minato.core import audit
from minato.core.translated import localized
from minato.core.uploads import CheckedFile
from minato.notifications.models import Notification
from minato.notifications.services import notify, notify_many
from minato.reports import geo, selectors
from minato.reports.models import OPEN_STATUSES, Follow, Photo, Report, Service, Support, Update

DESCRIPTION_LENGTH = 2000
PLACE_HINT_LENGTH = 200
NOTE_LENGTH = 2000
MAX_PHOTOS = 3
# Photos of one report, in all: a report is one request, and MAX_REQUEST_BYTES (10 MB)
# bounds it.
MAX_PHOTO_MB = 9
PHOTO_KINDS = ("jpeg", "png")
# How long after a report is fixed or closed its reporter may say "not fixed".
REOPEN_WITHIN = timedelta(days=30)
# Branch office (地区総合支所) department codes by 地区 (minato.core.areas.Area).
AREA_OFFICES = {
    "shiba": "shiba",
    "azabu": "azabu",
    "akasaka": "akasaka",
    "takanawa": "takanawa",
    "shibaura_konan": "shibaura-konan",
}
# Where staff may move a report, from where it is. Reopening a closed report is the
# reporter's (``reopen``) or staff's (back to accepted).
TRANSITIONS: dict[str, set[str]] = {
    Report.Status.OPEN: {
        Report.Status.ACCEPTED,
        Report.Status.IN_PROGRESS,
        Report.Status.FIXED,
        Report.Status.CLOSED,
        Report.Status.REFERRED,
        Report.Status.DUPLICATE,
    },
    Report.Status.ACCEPTED: {
        Report.Status.IN_PROGRESS,
        Report.Status.FIXED,
        Report.Status.CLOSED,
        Report.Status.REFERRED,
        Report.Status.DUPLICATE,
    },
    Report.Status.IN_PROGRESS: {
        Report.Status.ACCEPTED,
        Report.Status.FIXED,
        Report.Status.CLOSED,
        Report.Status.REFERRED,
    },
    Report.Status.FIXED: {Report.Status.ACCEPTED},
    Report.Status.CLOSED: {Report.Status.ACCEPTED},
    Report.Status.REFERRED: {Report.Status.ACCEPTED},
    Report.Status.DUPLICATE: {Report.Status.ACCEPTED},
}
TELL_AREA_FOLLOWERS_TASK = "minato.reports.tasks.tell_area_followers"


class ReportError(Exception):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class ReportDraft:
    """What a reporter sends. The position is the pin (``latitude``/``longitude``), else the
    position the first photo's EXIF gave, else the centre of the chosen ``town``."""

    service_code: str
    description: str
    latitude: float | None = None
    longitude: float | None = None
    town: str = ""
    place_hint: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    photos: list[CheckedFile] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    language: str = "ja"


# --- Sending a report -------------------------------------------------------------------


def clean_position(latitude: Any, longitude: Any) -> tuple[float, float]:
    """A (latitude, longitude) inside Minato, or ReportError saying what is wrong."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise ReportError(
            _("Choose the place on the map, or give its town."), field="location"
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ReportError(
            _("The position is not a valid latitude and longitude."), field="location"
        )
    if not geo.inside_minato(lat, lon):
        raise ReportError(
            _(
                "This place is outside Minato City. Report it to the city or ward it is in "
                "(the boundary we use is approximate: if you are sure it is in Minato, call us)."
            ),
            field="location",
        )
    return lat, lon


def position_of(draft: ReportDraft) -> tuple[float, float]:
    if draft.latitude is not None or draft.longitude is not None:
        return clean_position(draft.latitude, draft.longitude)
    for photo in draft.photos:
        if photo.position is not None:
            return clean_position(*photo.position)
    if draft.town:
        centre = geo.town_centre(draft.town)
        if centre is not None:
            return centre
    raise ReportError(
        _("Choose the place on the map, use your phone's location, or choose the town."),
        field="location",
    )


def _clean_attributes(service: Service, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to the service's Open311 attributes, checked against their definitions."""
    cleaned: dict[str, Any] = {}
    for attribute in service.attributes:
        if not attribute.get("variable", True):
            continue
        code = attribute["code"]
        value = answers.get(code)
        values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        values = [str(item).strip() for item in values if str(item).strip()]
        name = localized(attribute.get("description")) or code
        if not values:
            if attribute.get("required"):
                raise ReportError(_("Answer: %(question)s") % {"question": name}, field=code)
            continue
        datatype = attribute.get("datatype", "string")
        if datatype in ("singlevaluelist", "multivaluelist"):
            keys = {str(option["key"]) for option in attribute.get("values", [])}
            if any(item not in keys for item in values) or (
                datatype == "singlevaluelist" and len(values) > 1
            ):
                raise ReportError(
                    _("Choose an answer from the list: %(question)s") % {"question": name},
                    field=code,
                )
            cleaned[code] = values if datatype == "multivaluelist" else values[0]
        elif datatype == "number":
            try:
                number = float(values[0])
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise ReportError(_("Give a number: %(question)s") % {"question": name}, field=code)
            cleaned[code] = number
        else:
            cleaned[code] = values[0][:500]
    return cleaned


def _clean_contact(draft: ReportDraft) -> tuple[str, str, str]:
    name = draft.contact_name.strip()
    if len(name) > 100:
        raise ReportError(_("Write your name in up to 100 characters."), field="contact_name")
    email = normalise_email(draft.contact_email) if draft.contact_email.strip() else ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ReportError(_("Enter a valid email address."), field="contact_email") from None
    phone = normalise_phone(draft.contact_phone) if draft.contact_phone.strip() else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            raise ReportError(
                _("Enter a phone number of 10 or 11 digits."), field="contact_phone"
            ) from None
    return name, email, phone


def route(service: Service, area: str) -> Department:
    """The department a report of ``service`` in ``area`` goes to: the service's section of
    the area's branch office (地区総合支所) where it has one, else the service's department."""
    if service.area_section and area in AREA_OFFICES:
        code = f"{AREA_OFFICES[area]}.{service.area_section}"
        department = Department.objects.filter(code=code).first()
        if department is not None:
            return department
    return service.department


@transaction.atomic
def report_submit(
    *,
    draft: ReportDraft,
    reporter: Any = None,
    source: str = Report.Source.PORTAL,
    open311_token: str | None = None,
) -> Report:
    """Record a new report, routed by its kind and place; its photos wait for staff to
    look at them before they are public. The reporter (an account, or the email given) is
    told it arrived; people following the area are told by a task."""
    service = Service.objects.filter(code=draft.service_code, is_active=True).first()
    if service is None:
        raise ReportError(_("Choose what kind of problem it is."), field="service")
    description = draft.description.strip()
    if not description:
        raise ReportError(_("Describe the problem."), field="description")
    if len(description) > DESCRIPTION_LENGTH:
        raise ReportError(_("Describe the problem in up to 2,000 characters."), field="description")
    place_hint = draft.place_hint.strip()
    if len(place_hint) > PLACE_HINT_LENGTH:
        raise ReportError(_("Describe the place in up to 200 characters."), field="place_hint")
    if len(draft.photos) > MAX_PHOTOS:
        raise ReportError(_("Attach at most 3 photos."), field="photos")
    latitude, longitude = position_of(draft)
    attributes = _clean_attributes(service, draft.attributes)
    name, email, phone = _clean_contact(draft)
    area = geo.area_at(latitude, longitude)
    now = timezone.now()
    report = Report.objects.create(
        service=service,
        description=description,
        latitude=latitude,
        longitude=longitude,
        area=area,
        place_hint=place_hint,
        department=route(service, area),
        reporter=reporter if getattr(reporter, "is_authenticated", False) else None,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        language=draft.language if draft.language in ("ja", "en", "ja-easy") else "ja",
        source=source,
        open311_token=open311_token,
        attributes=attributes,
        requested_at=now,
        status_changed_at=now,
    )
    for checked in draft.photos:
        _save_photo(report, checked, kind=Photo.Kind.REPORT, public=False, author=report.reporter)
    Update.objects.create(report=report, kind=Update.Kind.STATUS, status=report.status)
    audit.record(
        action="reports.report_submitted",
        obj=report,
        subject_id=report.reporter_id,
        department_id=report.department_id,
        changes={
            "service": service.code,
            "area": area,
            "source": source,
            "photos": len(draft.photos),
            "contact": bool(email or phone),
        },
    )
    _tell_reporter(report, "reports/received")
    transaction.on_commit(
        lambda: import_string(TELL_AREA_FOLLOWERS_TASK).enqueue(report_id=report.pk)
    )
    return report


def _save_photo(
    report: Report, checked: CheckedFile, *, kind: str, public: bool, author: Any
) -> Photo:
    photo = Photo(
        report=report,
        kind=kind,
        content_type=checked.content_type,
        is_public=public,
        uploaded_by=author,
    )
    photo.file.save(
        f"{photo.public_id}{'.jpg' if checked.kind == 'jpeg' else '.png'}",
        ContentFile(checked.content),
        save=False,
    )
    photo.save()
    return photo


# --- "Me too" and following -------------------------------------------------------------


@transaction.atomic
def report_support(*, report: Report, supporter_key: str, user: Any = None) -> bool:
    """Add one "me too" to an open report; False when this person or browser already has.
    The count is one UPDATE, so many at once are all counted."""
    if report.status not in OPEN_STATUSES:
        raise ReportError(_("This report is no longer open. Send a new report if needed."))
    if user is not None and user.is_authenticated and user.pk == report.reporter_id:
        return False
    try:
        with transaction.atomic():
            Support.objects.create(
                report=report,
                supporter_key=supporter_key,
                user=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return False
    Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    audit.record(
        action="reports.report_supported",
        obj=report,
        department_id=report.department_id,
        changes={"signed_in": bool(getattr(user, "is_authenticated", False))},
    )
    return True


@transaction.atomic
def report_follow(*, user: Any, report: Report, follow: bool = True) -> None:
    """Follow a report (told of each change of its status) or stop following it."""
    if follow:
        Follow.objects.get_or_create(user=user, report=report)
    else:
        Follow.objects.filter(user=user, report=report).delete()
    audit.record(
        action="reports.report_followed" if follow else "reports.report_unfollowed",
        obj=report,
        subject_id=user.pk,
    )


@transaction.atomic
def area_follow(*, user: Any, area: str, service: Service | None = None) -> Follow:
    """Be told of new reports in an area (of one kind, or of every kind)."""
    if area not in AREA_OFFICES:
        raise ReportError(_("Choose an area from the list."), field="area")
    follow, _created = Follow.objects.get_or_create(
        user=user, report=None, area=area, service=service
    )
    audit.record(
        action="reports.area_followed",
        obj=follow,
        subject_id=user.pk,
        changes={"area": area, "service": service.code if service else ""},
    )
    return follow


@transaction.atomic
def area_unfollow(*, user: Any, follow: Follow) -> None:
    if follow.user_id != user.pk:
        raise ReportError(_("This is not yours to change."))
    audit.record(
        action="reports.area_unfollowed",
        obj=follow,
        subject_id=user.pk,
        changes={"area": follow.area},
    )
    follow.delete()


def tell_area_followers(*, report_id: int) -> int:
    """Tell the people following a new report's area (and kind) about it; returns how many.
    Run by a task after the report is committed."""
    report = Report.objects.select_related("service").filter(pk=report_id).first()
    if report is None:
        return 0
    dedupe_key = f"reports:new:{report.reference}"
    # A retried task tells no one twice: those already told are left out.
    already_told = Notification.objects.filter(dedupe_key=dedupe_key).values("recipient_id")
    follows = (
        Follow.objects.filter(report=None, area=report.area)
        .filter(Q(service_id=None) | Q(service_id=report.service_id))
        .exclude(user_id__in=already_told)
        .select_related("user")
    )
    # One message a person, whether they follow the area for every kind or for this one;
    # none to the reporter.
    followers = {
        follow.user_id: follow.user for follow in follows if follow.user_id != report.reporter_id
    }
    messages = [
        {
            "template_key": "reports/new_in_area",
            "context": _message_context(report),
            "recipient": user,
            "reference": report.reference,
            "dedupe_key": dedupe_key,
        }
        for user in followers.values()
    ]
    notify_many(messages)
    return len(messages)


# --- Telling people ---------------------------------------------------------------------


def _message_context(report: Report, **extra: Any) -> dict[str, Any]:
    # Messages are rendered outside any request's language: each template picks its own.
    name = report.service.name
    return {
        "reference": report.reference,
        "service_ja": name.get("ja", ""),
        "service_en": name.get("en") or name.get("ja", ""),
        "service_easy": name.get("ja-easy") or name.get("ja", ""),
        "status": report.status,
        "url": absolute_url(reverse("reports:report", args=[report.reference])),
        **extra,
    }


def _tell_reporter(report: Report, template_key: str, **extra: Any) -> None:
    """Write to the reporter: their account, else the email they gave, else nobody."""
    context = _message_context(report, **extra)
    if report.reporter_id is not None:
        notify(
            template_key=template_key,
            context=context,
            recipient=report.reporter,
            reference=report.reference,
        )
    elif report.contact_email:
        context["url"] = absolute_url(selectors.private_path(report))
        notify(
            template_key=template_key,
            context=context,
            address=report.contact_email,
            language=report.language,
            channel="email",
            reference=report.reference,
        )


def _tell_followers(report: Report, template_key: str, **extra: Any) -> None:
    follows = Follow.objects.filter(report=report).exclude(
        user_id__in=[report.reporter_id] if report.reporter_id else []
    )
    notify_many(
        [
            {
                "template_key": template_key,
                "context": _message_context(report, **extra),
                "recipient": follow.user,
                "reference": report.reference,
            }
            for follow in follows.select_related("user")
        ]
    )


# --- Staff ------------------------------------------------------------------------------


def can_handle(user: Any, report: Report) -> bool:
    """Staff of the department the report is routed to (or above it)."""
    return permissions.works_in(user, report.department_id)


def _require_handler(user: Any, report: Report) -> None:
    if not can_handle(user, report):
        raise ReportError(_("Only staff of the department the report is routed to can do this."))


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("service").get(pk=report.pk)


@transaction.atomic
def report_set_status(
    *,
    staff: Any,
    report: Report,
    status: str,
    note: str = "",
    referral: str = "",
    duplicate_of: Report | None = None,
) -> Report:
    """Move a report on: accepted, being fixed, fixed, closed not fixed (with a reason),
    referred elsewhere (where, and why), or a duplicate of another report (whose supporters
    it joins). The reporter and followers are told, with the note."""
    _require_handler(staff, report)
    report = _locked(report)
    note = note.strip()
    if status not in TRANSITIONS.get(report.status, set()):
        raise ReportError(
            _("A report that is “%(now)s” cannot be made “%(next)s”.")
            % {"now": report.get_status_display(), "next": Report.Status(status).label}
            if status in Report.Status.values
            else _("Choose a status from the list.")
        )
    if len(note) > NOTE_LENGTH:
        raise ReportError(_("Write the note in up to 2,000 characters."), field="note")
    if status == Report.Status.CLOSED and not note:
        raise ReportError(
            _("Say why it is closed without being fixed: the reporter reads it."), field="note"
        )
    if status == Report.Status.REFERRED:
        if referral not in Report.Referral.values:
            raise ReportError(_("Choose whose it is."), field="referral")
        if not note:
            raise ReportError(_("Say who to contact and why: the reporter reads it."), field="note")
        report.referral = referral
    if status == Report.Status.DUPLICATE:
        _merge_into(report, duplicate_of)
    now = timezone.now()
    previous = report.status
    report.status = status
    report.status_changed_at = now
    report.status_note = note
    if status == Report.Status.FIXED:
        report.fixed_at = now
    if status in (Report.Status.CLOSED, Report.Status.REFERRED, Report.Status.DUPLICATE):
        report.closed_at = now
    if status == Report.Status.ACCEPTED and previous not in OPEN_STATUSES:
        report.fixed_at = report.closed_at = None
    report.save()
    Update.objects.create(
        report=report, kind=Update.Kind.STATUS, status=status, text=note, author=staff
    )
    audit.record(
        action="reports.status_changed",
        obj=report,
        subject_id=report.reporter_id,
        department_id=report.department_id,
        changes={
            "from": previous,
            "to": status,
            "referral": report.referral if status == Report.Status.REFERRED else "",
            "duplicate_of": report.duplicate_of.reference if report.duplicate_of else "",
        },
    )
    extra = {"note": note}
    _tell_reporter(report, "reports/status_changed", **extra)
    _tell_followers(report, "reports/status_changed", **extra)
    return report


def _merge_into(report: Report, original: Report | None) -> None:
    if original is None:
        raise ReportError(
            _("Give the reference of the report this one repeats."), field="duplicate_of"
        )
    original = Report.objects.select_for_update().get(pk=original.pk)
    if original.pk == report.pk or original.duplicate_of_id is not None:
        raise ReportError(
            _("Give the reference of another report, one that is not itself a duplicate."),
            field="duplicate_of",
        )
    report.duplicate_of = original
    # The reporter's "me too" (and their supporters') now count on the original, and a
    # signed-in reporter follows it.
    Report.objects.filter(pk=original.pk).update(
        support_count=F("support_count") + 1 + report.support_count
    )
    if report.reporter_id is not None:
        Follow.objects.get_or_create(user_id=report.reporter_id, report=original)


@transaction.atomic
def report_route(*, staff: Any, report: Report, department: Department, note: str = "") -> Report:
    """Send a report to another department (a wrong 地区, another section's work)."""
    _require_handler(staff, report)
    report = _locked(report)
    if department.pk == report.department_id:
        raise ReportError(_("The report is already with this department."), field="department")
    previous = report.department
    report.department = department
    report.save(update_fields=["department", "updated_at"])
    Update.objects.create(
        report=report,
        kind=Update.Kind.ROUTED,
        text=f"{previous.full_name_ja} → {department.full_name_ja}\n{note.strip()}".strip(),
        is_public=False,
        author=staff,
    )
    audit.record(
        action="reports.report_routed",
        obj=report,
        subject_id=report.reporter_id,
        department_id=department.pk,
        changes={"from": previous.code, "to": department.code},
    )
    return report


@transaction.atomic
def report_add_note(*, staff: Any, report: Report, text: str) -> Update:
    """An internal note: staff read it, the public and the reporter do not."""
    _require_handler(staff, report)
    text = text.strip()
    if not text or len(text) > NOTE_LENGTH:
        raise ReportError(_("Write the note in up to 2,000 characters."), field="text")
    update = Update.objects.create(
        report=report, kind=Update.Kind.NOTE, text=text, is_public=False, author=staff
    )
    audit.record(action="reports.note_added", obj=report, department_id=report.department_id)
    return update


@transaction.atomic
def report_reply(*, staff: Any, report: Report, text: str) -> Update:
    """Write to the reporter (through the notification hub). The reply is kept in the
    report's history for staff and the reporter; the public page does not show it."""
    _require_handler(staff, report)
    text = text.strip()
    if not text or len(text) > NOTE_LENGTH:
        raise ReportError(_("Write the reply in up to 2,000 characters."), field="text")
    if report.reporter_id is None and not report.contact_email:
        raise ReportError(_("The reporter left no way to reach them."))
    update = Update.objects.create(
        report=report, kind=Update.Kind.REPLY, text=text, is_public=False, author=staff
    )
    audit.record(
        action="reports.reply_sent",
        obj=report,
        subject_id=report.reporter_id,
        department_id=report.department_id,
    )
    _tell_reporter(report, "reports/reply", reply=text)
    return update


@transaction.atomic
def photo_add(*, staff: Any, report: Report, checked: CheckedFile, kind: str) -> Photo:
    """A staff photo of the place before or after the work: public at once."""
    _require_handler(staff, report)
    if kind not in (Photo.Kind.BEFORE, Photo.Kind.AFTER):
        raise ReportError(
            _("Say whether the photo is from before or after the work."), field="kind"
        )
    if report.photos.count() >= 12:
        raise ReportError(_("A report has at most 12 photos."))
    photo = _save_photo(report, checked, kind=kind, public=True, author=staff)
    audit.record(
        action="reports.photo_added",
        obj=report,
        department_id=report.department_id,
        changes={"kind": kind},
    )
    return photo


@transaction.atomic
def photo_set_public(*, staff: Any, photo: Photo, public: bool) -> Photo:
    """Publish a photo staff have looked at (nobody's face or number plate left to see),
    or take it off the public page."""
    _require_handler(staff, photo.report)
    photo.is_public = public
    photo.save(update_fields=["is_public", "updated_at"])
    audit.record(
        action="reports.photo_published" if public else "reports.photo_hidden",
        obj=photo.report,
        department_id=photo.report.department_id,
        changes={"photo": str(photo.public_id)},
    )
    return photo


@dataclass(frozen=True)
class Box:
    """A part of a photo, in percent of its width and height from the top left corner."""

    left: float
    top: float
    width: float
    height: float


@transaction.atomic
def photo_redact(*, staff: Any, photo: Photo, boxes: list[Box]) -> Photo:
    """Blur parts of a photo (a face, a number plate) for good: the stored file is replaced,
    so no one, staff included, sees what was there."""
    _require_handler(staff, photo.report)
    if not boxes or len(boxes) > 10:
        raise ReportError(_("Mark between 1 and 10 parts of the photo to blur."))
    for box in boxes:
        values = (box.left, box.top, box.width, box.height)
        if (
            not all(math.isfinite(v) and 0 <= v <= 100 for v in values)
            or box.width <= 0
            or box.height <= 0
        ):
            raise ReportError(_("Each part to blur is given in percent, from 0 to 100."))
    with photo.file.open("rb") as stored:
        original = Image.open(io.BytesIO(stored.read()))
        original.load()
    image = original.convert("RGB")
    width, height = image.size
    for box in boxes:
        area = (
            int(width * box.left / 100),
            int(height * box.top / 100),
            min(width, math.ceil(width * (box.left + box.width) / 100)),
            min(height, math.ceil(height * (box.top + box.height) / 100)),
        )
        if area[2] <= area[0] or area[3] <= area[1]:
            continue
        region = image.crop(area)
        # Pixelate, then blur: nothing of a face or plate can be read back.
        small = region.resize(
            (max(1, region.width // 16), max(1, region.height // 16)), Image.Resampling.BILINEAR
        )
        region = small.resize(region.size, Image.Resampling.NEAREST).filter(
            ImageFilter.GaussianBlur(radius=max(2, min(region.size) // 8))
        )
        image.paste(region, area[:2])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    old_name = photo.file.name
    photo.file.save(f"{photo.public_id}-r.jpg", ContentFile(out.getvalue()), save=False)
    photo.content_type = "image/jpeg"
    photo.redacted_at = timezone.now()
    photo.save()
    transaction.on_commit(lambda: photo.file.storage.delete(old_name))
    audit.record(
        action="reports.photo_redacted",
        obj=photo.report,
        department_id=photo.report.department_id,
        changes={"photo": str(photo.public_id), "boxes": len(boxes)},
    )
    return photo


def contact_viewed(*, staff: Any, report: Report) -> None:
    """Audit a staff member reading who sent a report (閲覧履歴 shows it to the reporter)."""
    audit.record(
        action="reports.contact_viewed",
        obj=report,
        subject_id=report.reporter_id,
        department_id=report.department_id,
    )


# --- The reporter -----------------------------------------------------------------------


def can_reopen(report: Report, now: Any = None) -> bool:
    """Fixed or closed-not-fixed reports may be reopened by their reporter for 30 days."""
    now = now or timezone.now()
    ended = report.fixed_at or report.closed_at
    return (
        report.status in (Report.Status.FIXED, Report.Status.CLOSED)
        and ended is not None
        and now - ended <= REOPEN_WITHIN
    )


@transaction.atomic
def report_reopen(*, report: Report, reason: str) -> Report:
    """The reporter says it is not fixed: the report is open again for the department,
    with the reason. Whether the caller is the reporter is the view's to check (the
    account, or the private link's key)."""
    report = _locked(report)
    reason = reason.strip()
    if not can_reopen(report):
        raise ReportError(_("Only a fixed or closed report can be reopened, within 30 days."))
    if not reason or len(reason) > NOTE_LENGTH:
        raise ReportError(_("Say what is still wrong (up to 2,000 characters)."), field="reason")
    previous = report.status
    report.status = Report.Status.OPEN
    report.status_changed_at = timezone.now()
    report.reopened_count = F("reopened_count") + 1
    report.fixed_at = report.closed_at = None
    report.status_note = ""
    report.save()
    report.refresh_from_db()
    Update.objects.create(
        report=report, kind=Update.Kind.REOPENED, status=report.status, text=reason
    )
    audit.record(
        action="reports.report_reopened",
        obj=report,
        subject_id=report.reporter_id,
        department_id=report.department_id,
        changes={"from": previous},
    )
    _tell_followers(report, "reports/status_changed", note=reason)
    return report
