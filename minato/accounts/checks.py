"""With DEBUG off, ``load_demo`` must not be able to run unless a demo allows it: it creates
staff accounts and an API token whose secrets are published in the README
(``minato.core.checks``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, register

from minato.core.checks import PUBLIC_SECRETS, demo_secrets_allowed, refusal


@register(PUBLIC_SECRETS)
def demo_data_is_not_allowed(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if demo_secrets_allowed() or not settings.DEMO_DATA_ALLOWED:
        return []
    return [
        refusal(
            "DEMO_DATA_ALLOWED is on: load_demo would create staff accounts and an API "
            "token whose passwords, TOTP secrets and token are public.",
            setting="DEMO_DATA_ALLOWED=false",
            id="accounts.E001",
        )
    ]
