"""Writes of the circular boards: associations, their 班 and households, joining a household,
posting circulars, reading and answering them, reminders. Every change is audited; who may
do what is checked here, not in the views."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.accounts.services import absolute_url
from minato.accounts.validators import normalise_email
from minato.community import selectors
from minato.community.models import (
    Association,
    Attachment,
    Circular,
    Group,
    Household,
    Member,
    Officer,
    Receipt,
)
from minato.core import audit, uploads
from minato.core.areas import Area
from minato.information import selectors as information
from minato.notifications.models import Notification
from minato.notifications.services import notify_many

NAME_LENGTH = 100
TITLE_LENGTH = 200
BODY_LENGTH = 10_000
OPTION_LENGTH = 100
MAX_OPTIONS = 10
MAX_ATTACHMENTS = 5
# In all, for one circular: a post is one request, and MAX_REQUEST_BYTES (10 MB) bounds it.
MAX_ATTACHMENT_BYTES = 9 * 1024 * 1024
# PDFs and pictures: what associations hand round, and what every phone opens; checked as
# applicants' files are (minato.core.uploads: the first bytes, active PDF content, images
# re-encoded without EXIF).
ATTACHMENT_KINDS = ("pdf", "jpeg", "png")
# Letters and digits that cannot be mistaken for each other on paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REMIND_EVERY = timedelta(hours=12)
FIXED_OPTIONS: dict[str, list[str]] = {
    Circular.Kind.ATTENDANCE: ["attend", "absent"],
    Circular.Kind.VOTE: ["yes", "no"],
    Circular.Kind.SAFETY: ["safe", "need_help"],
}


class CommunityError(Exception):
    """A change that is not allowed; the message says why, in the reader's language."""


@dataclass(frozen=True)
class CircularDraft:
    kind: str
    title: str
    body: str
    options: list[str] = field(default_factory=list)
    deadline: Any = None
    files: list[UploadedFile] = field(default_factory=list)


def new_join_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{code[:5]}-{code[5:]}"


# --- Associations, groups and households --------------------------------------------------


def can_register_associations(user: Any, department_id: int | None) -> bool:
    return permissions.works_in(user, department_id)


@transaction.atomic
def association_create(
    *, staff: Any, name: str, area: str, department: Any, officer_email: str
) -> Association:
    """Register an association and its first officer (a resident with an account), who then
    runs its board: groups, households, circulars, more officers."""
    if not can_register_associations(staff, department.pk):
        raise CommunityError(_("You can only register associations for your own departments."))
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise CommunityError(_("Give the association a name of up to 100 characters."))
    if area not in Area.values:
        raise CommunityError(_("Choose an area from the list."))
    officer = _resident(officer_email)
    base = slugify(f"{area}-{Association.objects.count() + 1}")
    slug, n = base, 2
    while Association.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    association = Association.objects.create(slug=slug, name=name, area=area, department=department)
    Officer.objects.create(association=association, user=officer)
    audit.record(
        action="community.association_created",
        obj=association,
        department_id=department.pk,
        changes={"name": [None, name], "area": [None, area], "officer": officer.pk},
    )
    return association


def _resident(email: str) -> Any:
    model = get_user_model()
    user = model.objects.filter(email=normalise_email(email), kind=model.Kind.RESIDENT).first()
    if user is None:
        raise CommunityError(
            _("No resident has an account with this email address. Ask them to sign up first.")
        )
    return user


def _officer_of(user: Any, association: Association) -> None:
    if not selectors.is_officer(user, association):
        raise CommunityError(_("Only the association's officers can do this."))


@transaction.atomic
def officer_add(*, officer: Any, association: Association, email: str) -> Officer:
    _officer_of(officer, association)
    user = _resident(email)
    added, created = Officer.objects.get_or_create(association=association, user=user)
    if created:
        audit.record(
            action="community.officer_added",
            obj=association,
            department_id=association.department_id,
            changes={"officer": user.pk},
        )
    return added


@transaction.atomic
def group_create(*, officer: Any, association: Association, name: str) -> Group:
    _officer_of(officer, association)
    name = name.strip()
    if not name or len(name) > 50:
        raise CommunityError(_("Give the group a name of up to 50 characters."))
    if association.groups.filter(name=name).exists():
        raise CommunityError(_("There is already a group with this name."))
    group = Group.objects.create(
        association=association, name=name, position=association.groups.count() + 1
    )
    audit.record(
        action="community.group_created",
        obj=association,
        department_id=association.department_id,
        changes={"group": name},
    )
    return group


@transaction.atomic
def household_create(
    *, officer: Any, association: Association, label: str, group: Group | None, paper: bool
) -> Household:
    """A household on the association's list, with the code its people join with."""
    _officer_of(officer, association)
    label = " ".join(label.split())
    if not label or len(label) > NAME_LENGTH:
        raise CommunityError(_("Give the household a name of up to 100 characters."))
    if group is not None and group.association_id != association.pk:
        raise CommunityError(_("Choose a group of this association."))
    household = Household.objects.create(
        association=association,
        group=group,
        label=label,
        paper=paper,
        join_code=new_join_code(),
    )
    audit.record(
        action="community.household_created",
        obj=household,
        department_id=association.department_id,
        # Not the label: a family name and an address, personal data the log keeps forever.
        changes={"paper": paper, "group": group.name if group else None},
    )
    return household


@transaction.atomic
def household_join(*, user: Any, code: str) -> Household:
    """Link a resident's account to the household whose code they were given."""
    cleaned = code.strip().upper().replace(" ", "").replace("-", "")
    formatted = f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else ""
    household = Household.objects.filter(join_code=formatted).first() if formatted else None
    if household is None:
        raise CommunityError(_("This code is not right. Check it against the paper you got."))
    try:
        with transaction.atomic():
            Member.objects.create(household=household, user=user)
    except IntegrityError:
        raise CommunityError(_("You have already joined this household.")) from None
    audit.record(
        action="community.household_joined",
        obj=household,
        subject_id=user.pk,
        department_id=household.association.department_id,
    )
    return household


@transaction.atomic
def household_leave(*, user: Any, household: Household) -> None:
    deleted, _by_model = Member.objects.filter(household=household, user=user).delete()
    if deleted:
        audit.record(
            action="community.household_left",
            obj=household,
            subject_id=user.pk,
            department_id=household.association.department_id,
        )


# --- Circulars --------------------------------------------------------------------------------


def can_post_ward_circulars(user: Any, department_id: int | None) -> bool:
    """The ward's circulars reach every association: a supervisor's call."""
    return permissions.has_role(user, Role.SUPERVISOR) and permissions.can_see_department(
        user, department_id
    )


def _clean_circular(
    draft: CircularDraft, *, now: Any
) -> tuple[list[str], list[uploads.CheckedFile]]:
    if draft.kind not in Circular.Kind.values:
        raise CommunityError(_("Choose what kind of circular it is."))
    if not draft.title.strip() or len(draft.title.strip()) > TITLE_LENGTH:
        raise CommunityError(_("Give the circular a title of up to 200 characters."))
    if not draft.body.strip() or len(draft.body) > BODY_LENGTH:
        raise CommunityError(_("Write the circular's text (up to 10,000 characters)."))
    if draft.kind == Circular.Kind.SURVEY:
        options = [option.strip() for option in draft.options if option.strip()]
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise CommunityError(_("A survey needs 2 to 10 choices, one a line."))
        if len(set(options)) != len(options) or any(len(o) > OPTION_LENGTH for o in options):
            raise CommunityError(_("Each choice must be different and up to 100 characters."))
    else:
        options = FIXED_OPTIONS.get(draft.kind, [])
    if draft.deadline is not None and draft.deadline <= now:
        raise CommunityError(_("The answer deadline must be in the future."))
    if draft.kind == Circular.Kind.NOTICE and draft.deadline is not None:
        raise CommunityError(_("A notice asks nothing, so it has no answer deadline."))
    if draft.kind == Circular.Kind.SAFETY and not information.disaster_mode_active():
        raise CommunityError(_("A safety check can be sent only while disaster mode is on."))
    if len(draft.files) > MAX_ATTACHMENTS:
        raise CommunityError(_("Attach at most 5 files."))
    files = []
    if sum(upload.size or 0 for upload in draft.files) > MAX_ATTACHMENT_BYTES:
        raise CommunityError(_("The attachments are larger than 9 MB in all."))
    for upload in draft.files:
        try:
            checked = uploads.inspect(upload, accept=ATTACHMENT_KINDS, max_size_mb=9)
        except uploads.UploadRefused as refused:
            raise CommunityError(f"{upload.name or '?'}: {refused.message}") from None
        files.append(checked)
    return options, files


@transaction.atomic
def circular_post(
    *,
    author: Any,
    association: Association | None,
    draft: CircularDraft,
    department: Any = None,
) -> Circular:
    """Post a circular to an association's households (by one of its officers), or to every
    association's households (the ward: ``association=None``, by a supervisor of
    ``department``). Each household's members are told, on their channels."""
    now = timezone.now()
    if association is not None:
        _officer_of(author, association)
        department = None
    elif department is None or not can_post_ward_circulars(author, department.pk):
        raise CommunityError(_("A supervisor posts the ward's circulars to every association."))
    options, files = _clean_circular(draft, now=now)
    if association is None and draft.kind == Circular.Kind.SAFETY:
        raise CommunityError(_("A safety check is each association's, for its own households."))
    circular = Circular.objects.create(
        association=association,
        department=department,
        kind=draft.kind,
        title=draft.title.strip(),
        body=draft.body.strip(),
        options=options,
        deadline=draft.deadline,
        posted_by=author,
        posted_at=now,
    )
    for checked in files:
        attachment = Attachment(
            circular=circular,
            name=checked.filename[-200:],
            content_type=checked.content_type,
            size=checked.size,
        )
        attachment.file.save(str(attachment.public_id), ContentFile(checked.content), save=False)
        attachment.save()
    audit.record(
        action="community.circular_posted",
        obj=circular,
        department_id=association.department_id if association else department.pk,
        changes={
            "kind": circular.kind,
            "association": str(association.public_id) if association else "ward",
            "attachments": len(files),
        },
    )
    _tell(circular, template="community/circular_posted")
    return circular


def _tell(circular: Circular, *, template: str, only_waiting: bool = False) -> None:
    """Tell the members of the circular's households, in a background task: the ward's
    circulars reach every association's members, too many to queue inside one request. The
    task is stored in this transaction (django-tasks' database backend), so a rolled-back
    post tells nobody and a committed one is not lost."""
    import_string("minato.community.tasks.tell_members").enqueue(
        circular.pk, template, only_waiting
    )


TELL_CHUNK = 1000


def tell_members(*, circular_id: int, template: str, only_waiting: bool = False) -> int:
    """The task's work: one message per member (``only_waiting``: of the households that
    have not read or answered), queued through the hub 1,000 at a time. Each message has a
    dedupe key, so a task run twice tells nobody twice. Returns how many were queued."""
    circular = Circular.objects.select_related("association").get(pk=circular_id)
    url = absolute_url(reverse("community:circular", args=[circular.public_id]))
    sender = circular.association.name if circular.association else _("Minato City")
    safety = circular.kind == Circular.Kind.SAFETY
    stamp = f"{circular.last_reminded_at or circular.posted_at:%Y%m%d%H%M}"
    dedupe_key = f"{template}:{circular.public_id}:{stamp}"
    # A second run of the task (a worker died half way) skips who was told already.
    told = Notification.objects.filter(dedupe_key=dedupe_key).values("recipient_id")
    user_ids = selectors.member_ids(circular, only_waiting=only_waiting)
    users = get_user_model().objects.filter(pk__in=user_ids).exclude(pk__in=told).order_by("pk")
    user_ids = list(users.values_list("pk", flat=True))
    queued = 0
    for start in range(0, len(user_ids), TELL_CHUNK):
        chunk = list(get_user_model().objects.filter(pk__in=user_ids[start : start + TELL_CHUNK]))
        with transaction.atomic():
            notify_many(
                [
                    {
                        "template_key": template,
                        "context": {"title": circular.title, "association": sender, "url": url},
                        "recipient": user,
                        "reference": str(circular.public_id),
                        "dedupe_key": dedupe_key,
                        # A household's circular is its own business, like a booking: no
                        # topic to opt out of. A safety check is asked in a disaster: it
                        # reaches people at night too.
                        "is_emergency": safety,
                        "topic": "",
                    }
                    for user in chunk
                ]
            )
        queued += len(chunk)
    return queued


def _department_id(circular: Circular) -> int | None:
    return circular.association.department_id if circular.association else circular.department_id


def _households_of(user: Any, circular: Circular) -> list[Household]:
    households = selectors.households_receiving(user, circular)
    if not households:
        raise CommunityError(_("This circular is not for your household."))
    return households


@transaction.atomic
def circular_read(*, user: Any, circular: Circular) -> int:
    """Record that the user's households have read it (the first reader of each counts)."""
    now = timezone.now()
    created = 0
    for household in _households_of(user, circular):
        _receipt, made = Receipt.objects.get_or_create(
            circular=circular, household=household, defaults={"read_at": now, "read_by": user}
        )
        if made:
            created += 1
            audit.record(
                action="community.circular_read",
                obj=circular,
                subject_id=user.pk,
                department_id=_department_id(circular),
                changes={"household": str(household.public_id)},
            )
    return created


@transaction.atomic
def circular_answer(
    *, user: Any, circular: Circular, household: Household, answer: str, comment: str = ""
) -> Receipt:
    """A household's answer; it may change it until the deadline."""
    if household not in _households_of(user, circular):
        raise CommunityError(_("This circular is not for your household."))
    return _answer(circular, household, answer, comment, reader=user)


def _answer(
    circular: Circular, household: Household, answer: str, comment: str, *, reader: Any
) -> Receipt:
    """Record an answer; ``reader`` is the member who gave it (None: an officer recorded a
    household on paper)."""
    if not circular.asks:
        raise CommunityError(_("This circular asks nothing."))
    if answer not in circular.options:
        raise CommunityError(_("Choose one of the answers."))
    comment = comment.strip()
    if len(comment) > 200:
        raise CommunityError(_("Keep the comment to 200 characters."))
    now = timezone.now()
    if circular.deadline is not None and circular.deadline <= now:
        raise CommunityError(_("The deadline for answers has passed."))
    receipt, _made = Receipt.objects.select_for_update().get_or_create(
        circular=circular, household=household, defaults={"read_at": now, "read_by": reader}
    )
    changed = bool(receipt.answer)
    receipt.answer, receipt.comment, receipt.answered_at = answer, comment, now
    receipt.save(update_fields=["answer", "comment", "answered_at", "updated_at"])
    audit.record(
        action="community.circular_answered",
        obj=circular,
        subject_id=reader.pk if reader is not None else None,
        department_id=_department_id(circular),
        # Not the answer itself (a vote, "we need help"): the receipt holds it.
        changes={"household": str(household.public_id), "changed": changed},
    )
    return receipt


@transaction.atomic
def paper_receipt(
    *, officer: Any, circular: Circular, household: Household, answer: str = ""
) -> Receipt:
    """An officer records that a household on paper has read it (and its answer, if any)."""
    if circular.association is None or household.association_id != circular.association_id:
        raise CommunityError(_("This household is not on this circular's list."))
    _officer_of(officer, circular.association)
    if not household.paper:
        # Members answer for themselves; an officer only writes down a paper household's.
        raise CommunityError(_("This household reads the circulars on a phone."))
    if answer:
        return _answer(circular, household, answer, "", reader=None)
    receipt, made = Receipt.objects.get_or_create(
        circular=circular, household=household, defaults={"read_at": timezone.now()}
    )
    if made:
        audit.record(
            action="community.paper_receipt_recorded",
            obj=circular,
            department_id=_department_id(circular),
            changes={"household": str(household.public_id)},
        )
    return receipt


@transaction.atomic
def circular_remind(*, officer: Any, circular: Circular) -> int:
    """Remind the members of every household that has not read it (or, if it asks, not
    answered), at most every 12 hours. Returns how many people were reminded."""
    association = circular.association
    if association is None:
        raise CommunityError(_("The ward's circulars are not reminded from here."))
    _officer_of(officer, association)
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    now = timezone.now()
    if circular.last_reminded_at and circular.last_reminded_at > now - REMIND_EVERY:
        raise CommunityError(_("A reminder went less than 12 hours ago."))
    if circular.deadline is not None and circular.deadline <= now:
        raise CommunityError(_("The deadline has passed."))
    sent = len(selectors.member_ids(circular, only_waiting=True))
    circular.last_reminded_at = now
    circular.save(update_fields=["last_reminded_at", "updated_at"])
    _tell(circular, template="community/circular_reminder", only_waiting=True)
    audit.record(
        action="community.circular_reminded",
        obj=circular,
        department_id=association.department_id,
        changes={"people": sent},
    )
    return sent
