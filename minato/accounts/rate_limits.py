"""Rate limits on signing in: per client network and per account, across both sign-in pages.

An attacker who varies how they write an address (Hanako@…, HANAKO@…, full-width ＨＡＮＡＫＯ@…,
a trailing space) still names one account, so the per-account limit keys on the normalised
address. The per-client limit keys on the IP address, or on its /64 for IPv6
(``minato.core.middleware.ip_key``). The resident and staff sign-in pages share both
counters: the same password guess counts the same on either page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.decorators import ratelimit

from minato.accounts.validators import normalise_email

IP_KEY = "minato.core.middleware.ip_key"
EMAIL_KEY = "minato.accounts.rate_limits.email_key"
LOGIN_RATE = "minato.accounts.rate_limits.login_rate"


def email_key(group: str, request: HttpRequest) -> str:
    return normalise_email(request.POST.get("email", ""))


def login_rate(group: str, request: HttpRequest) -> str:
    # Read at each request rather than at import, so a changed setting applies at once.
    return str(settings.LOGIN_RATE)


def sign_in_rate_limited(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (429) a sign-in POST over ``LOGIN_RATE`` per client network or per account.
    Every POST counts, whatever its outcome, so failures cannot be told apart by it."""
    per_account = ratelimit(
        group="accounts.sign_in.account", key=EMAIL_KEY, rate=LOGIN_RATE, method="POST", block=True
    )
    per_client = ratelimit(
        group="accounts.sign_in.client", key=IP_KEY, rate=LOGIN_RATE, method="POST", block=True
    )
    return per_client(per_account(view))  # type: ignore[no-any-return]
