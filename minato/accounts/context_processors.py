"""What the signed-in staff member may open, for the console's menu and home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from minato.accounts import permissions
from minato.accounts.models import Role


def staff_permissions(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    return {
        "can_browse_audit": permissions.can_browse_audit(user),
        "can_view_residents": permissions.can_view_resident_records(user),
        "can_manage_tokens": permissions.has_role(user, Role.SYSTEM_ADMIN),
        "can_manage_staff": permissions.can_manage_staff(user),
    }
