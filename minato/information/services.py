"""Writing and publishing notices. Staff of a department write its notices; a clerk
publishes news and events, a supervisor an emergency notice. Every change is audited."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.core import audit
from minato.core.areas import Area
from minato.information.models import CONTENT_LANGUAGES, Display, Notice

FIELDS = [
    "department",
    "kind",
    "category",
    "areas",
    "content",
    "starts_at",
    "ends_at",
    "event_starts_at",
    "event_place",
]
AUDITED_FIELDS = [name if name != "department" else "department_id" for name in FIELDS]
TITLE_LENGTH = 200
BODY_LENGTH = 10_000


class NoticeError(Exception):
    """A notice change that is not allowed; the message says why, for staff."""


def can_write(user: Any, department_id: int | None) -> bool:
    return permissions.works_in(user, department_id)


def can_publish(user: Any, notice: Notice) -> bool:
    """News and events: any member of staff who may write it. Emergency notices reach
    everyone at once and are a supervisor's call."""
    needed = Role.SUPERVISOR if notice.kind == Notice.Kind.EMERGENCY else Role.CLERK
    return permissions.has_role(user, needed) and permissions.can_see_department(
        user, notice.department_id
    )


def _supervises(user: Any, values: dict[str, Any]) -> bool:
    return permissions.has_role(user, Role.SUPERVISOR) and permissions.can_see_department(
        user, values["department"].pk
    )


def _clean_content(content: dict[str, Any]) -> dict[str, dict[str, str]]:
    unknown = set(content) - set(CONTENT_LANGUAGES)
    if unknown:
        raise NoticeError(_("Unknown language: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    cleaned: dict[str, dict[str, str]] = {}
    for code in CONTENT_LANGUAGES:
        text = content.get(code) or {}
        title = str(text.get("title", "")).strip()
        body = str(text.get("body", "")).strip()
        if not title and not body:
            continue
        if not title or not body:
            raise NoticeError(_("Each language needs both a title and a text."))
        if len(title) > TITLE_LENGTH or len(body) > BODY_LENGTH:
            raise NoticeError(_("The title or the text is too long."))
        cleaned[code] = {"title": title, "body": body}
    if "ja" not in cleaned:
        raise NoticeError(_("Write the notice in Japanese first."))
    return cleaned


def _validate(values: dict[str, Any]) -> None:
    if values["kind"] not in Notice.Kind.values:
        raise NoticeError(_("Choose what kind of notice it is."))
    if values["category"] not in Notice.Category.values:
        raise NoticeError(_("Choose a category."))
    if not isinstance(values["areas"], list) or set(values["areas"]) - set(Area.values):
        raise NoticeError(_("Choose areas from the list."))
    if values["ends_at"] and values["ends_at"] <= values["starts_at"]:
        raise NoticeError(_("The end must be after the start."))


@transaction.atomic
def notice_save(*, staff: Any, notice: Notice | None, values: dict[str, Any]) -> Notice:
    """Create a notice (``notice`` None) or change one; a published notice changes in place
    (a correction), and the change is audited like the first version."""
    created = notice is None
    if notice is None:
        notice = Notice(created_by=staff)
        before: dict[str, Any] = {}
    else:
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if not can_write(staff, notice.department_id):
            raise NoticeError(_("You can only write notices for your own departments."))
        before = audit.snapshot(notice, AUDITED_FIELDS)
        values = {**{name: getattr(notice, name) for name in FIELDS}, **values}
    if not can_write(staff, values["department"].pk):
        raise NoticeError(_("You can only write notices for your own departments."))
    emergency = Notice.Kind.EMERGENCY in (notice.kind, values["kind"])
    if notice.status == Notice.Status.PUBLISHED and emergency and not _supervises(staff, values):
        # What shows in the banner on every page and on signage is a supervisor's call.
        raise NoticeError(_("A supervisor of the department changes emergency notices."))
    _validate(values)
    values = {**values, "content": _clean_content(values["content"])}
    for name in FIELDS:
        setattr(notice, name, values[name])
    changes = audit.diff(before, audit.snapshot(notice, AUDITED_FIELDS))
    if changes and notice.status == Notice.Status.PUBLISHED:
        notice.corrected_at = timezone.now()
    notice.save()
    if changes:
        audit.record(
            action="information.notice_created" if created else "information.notice_changed",
            obj=notice,
            department_id=notice.department_id,
            changes=changes,
        )
    return notice


def _transition(staff: Any, notice: Notice, status: str, **extra: Any) -> Notice:
    old = notice.status
    notice.status = status
    for name, value in extra.items():
        setattr(notice, name, value)
    notice.save(update_fields=["status", *extra, "updated_at"])
    audit.record(
        action=f"information.notice_{status}",
        obj=notice,
        department_id=notice.department_id,
        changes={"status": [old, status]},
    )
    return notice


@transaction.atomic
def notice_publish(*, staff: Any, notice: Notice) -> Notice:
    """Publish a draft (or a withdrawn notice again). It shows from its start time."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == Notice.Status.PUBLISHED:
        raise NoticeError(_("This notice is already published."))
    if not can_publish(staff, notice):
        raise NoticeError(_("A supervisor of the department publishes emergency notices."))
    if notice.ends_at and notice.ends_at <= timezone.now():
        raise NoticeError(_("Its end time has passed: change it before publishing."))
    return _transition(
        staff,
        notice,
        Notice.Status.PUBLISHED,
        published_by=staff,
        published_at=timezone.now(),
    )


@transaction.atomic
def notice_withdraw(*, staff: Any, notice: Notice) -> Notice:
    """Take a published notice off the portal, the feeds and the API at once."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != Notice.Status.PUBLISHED:
        raise NoticeError(_("Only a published notice can be withdrawn."))
    if not can_write(staff, notice.department_id):
        raise NoticeError(_("You can only write notices for your own departments."))
    if notice.kind == Notice.Kind.EMERGENCY and not can_publish(staff, notice):
        raise NoticeError(_("A supervisor of the department changes emergency notices."))
    return _transition(staff, notice, Notice.Status.WITHDRAWN)


# --- Signage displays -------------------------------------------------------------------------

# A screen polls every few seconds; writing its heartbeat once in this long is enough.
HEARTBEAT_EVERY = timedelta(seconds=30)
DISPLAY_GROUPS = ["ward", *Area.values]


def can_manage_displays(user: Any) -> bool:
    """Screens are the ward's, in every area: supervisors and above register them."""
    return permissions.has_role(user, Role.SUPERVISOR)


@transaction.atomic
def display_create(*, staff: Any, name: str, group: str) -> Display:
    if not can_manage_displays(staff):
        raise NoticeError(_("A supervisor registers signage screens."))
    name = name.strip()
    if not name or len(name) > 100:
        raise NoticeError(_("Give the screen a name of up to 100 characters."))
    if group not in DISPLAY_GROUPS:
        raise NoticeError(_("Choose a display group from the list."))
    display = Display.objects.create(
        name=name, group=group, key=secrets.token_urlsafe(16), created_by=staff
    )
    audit.record(
        action="information.display_created",
        obj=display,
        changes={"name": [None, name], "group": [None, group]},
    )
    return display


def display_heartbeat(*, key: str, group: str) -> bool:
    """Record that the screen with ``key`` showing ``group`` is alive. One UPDATE, and only
    when the last heartbeat is older than ``HEARTBEAT_EVERY``: a hundred screens polling every
    five seconds write a few rows a second. Unknown keys are ignored. Not audited: it is the
    screen's own signal, not a change anyone made."""
    now = timezone.now()
    return bool(
        Display.objects.filter(key=key[:40], group=group)
        .filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - HEARTBEAT_EVERY))
        .update(last_seen_at=now)
    )
