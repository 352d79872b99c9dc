"""A message in the resident's inbox, opened on its own page (which marks it read), and
"mark all as read". The list itself is the accounts page /accounts/messages/."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minato.notifications import inbox
from minato.notifications.models import Notification


def _resident(request: HttpRequest) -> Any:
    # Staff and guests have no inbox on the portal; the page does not exist for them.
    if not getattr(request.user, "is_resident", False):
        raise Http404
    return request.user


@login_required
def message(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _resident(request)
    try:
        notification = inbox.inbox_mark_read(user=user, public_id=public_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    return render(request, "notifications/portal/inbox_message.html", {"message": notification})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = inbox.inbox_mark_all_read(user=_resident(request))
    if count:
        messages.success(request, _("All your messages are marked as read."))
    return redirect("accounts:inbox")
