"""Signal receivers: sign-ins are audited (Django writes ``last_login`` on its own)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from minato.accounts import services


@receiver(user_logged_in, dispatch_uid="minato.accounts.audit_sign_in")
def audit_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.user_signed_in(user=user)
