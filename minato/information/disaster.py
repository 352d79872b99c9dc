"""Disaster mode: one switch, thrown by a supervisor, that turns the portal's home page into
the light disaster page (emergency notices, shelters, hazard maps) a crowd can load at once.

Every portal request asks whether the mode is on, so the answer is kept in each process for
``CHECK_EVERY_SECONDS``: turning it on reaches every server within that time, and costs one
query per process per interval instead of one per request.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.core import audit, page_cache
from minato.information.models import DisasterMode

CHECK_EVERY_SECONDS = 5
MESSAGE_LENGTH = 500
_known: dict[str, Any] = {"until": 0.0, "mode": None}


class DisasterModeError(Exception):
    """A change that is not allowed; the message says why, for staff."""


def current(*, fresh: bool = False) -> DisasterMode:
    """The switch (an unsaved "off" one when it was never thrown), at most a few seconds old."""
    now = time.monotonic()
    if fresh or _known["mode"] is None or _known["until"] <= now:
        _known["mode"] = DisasterMode.objects.filter(pk=1).first() or DisasterMode(pk=1)
        _known["until"] = now + CHECK_EVERY_SECONDS
    return _known["mode"]  # type: ignore[no-any-return]


def is_active() -> bool:
    return current().active


def forget() -> None:
    """Read the switch again on the next request (tests; after a change in this process)."""
    _known["until"] = 0.0


def can_switch(user: Any) -> bool:
    """The whole portal changes: a supervisor's call, like an emergency alert."""
    return permissions.has_role(user, Role.SUPERVISOR)


@transaction.atomic
def set_mode(*, staff: Any, active: bool, message: dict[str, str]) -> DisasterMode:
    if not can_switch(staff):
        raise DisasterModeError(_("A supervisor turns disaster mode on and off."))
    message = {k: v.strip() for k, v in message.items() if v and v.strip()}
    if any(len(text) > MESSAGE_LENGTH for text in message.values()):
        raise DisasterModeError(
            _("Keep the message to %(max)d characters.") % {"max": MESSAGE_LENGTH}
        )
    mode, _created = DisasterMode.objects.select_for_update().get_or_create(pk=1)
    before = {"active": mode.active, "message": mode.message}
    mode.active = active
    mode.message = message
    mode.changed_by = staff
    mode.changed_at = timezone.now()
    mode.save()
    audit.record(
        action="information.disaster_mode_on" if active else "information.disaster_mode_off",
        obj=mode,
        changes={
            "active": [before["active"], active],
            **({"message": [before["message"], message]} if before["message"] != message else {}),
        },
    )
    # Read the switch again once the change is committed (a request in between would
    # otherwise keep the old value for the interval); the home page cached in this process
    # goes too. Other processes follow within CHECK_EVERY_SECONDS.
    forget()
    transaction.on_commit(forget)
    transaction.on_commit(page_cache.clear)
    return mode
