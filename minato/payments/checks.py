"""With DEBUG off, the sandbox provider (anyone picks a payment's outcome) and its public
webhook secret refuse to start unless a demo allows them (``minato.core.checks``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, register

from minato.core.checks import PUBLIC_SECRETS, demo_secrets_allowed, refusal

# The default of PAYMENTS_SANDBOX_WEBHOOK_SECRET in config/settings/base.py: public.
SANDBOX_PUBLIC_WEBHOOK_SECRET = "sandbox-webhook-secret-for-local-testing-only"  # noqa: S105


@register(PUBLIC_SECRETS)
def sandbox_is_not_in_use(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if demo_secrets_allowed():
        return []
    errors: list[CheckMessage] = []
    if settings.PAYMENTS_PROVIDER == "sandbox":
        errors.append(
            refusal(
                "New online payments go to the sandbox provider, which takes no money.",
                setting="PAYMENTS_PROVIDER (for example stripe)",
                id="payments.E001",
            )
        )
    if settings.PAYMENTS_SANDBOX_ENABLED:
        errors.append(
            refusal(
                "The sandbox payment provider is enabled: anyone can choose the outcome of "
                "a payment on its page.",
                setting="PAYMENTS_SANDBOX_ENABLED=false",
                id="payments.E002",
            )
        )
        if settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET == SANDBOX_PUBLIC_WEBHOOK_SECRET:
            errors.append(
                refusal(
                    "PAYMENTS_SANDBOX_WEBHOOK_SECRET is the public default: anyone could "
                    "forge a 'payment succeeded' webhook.",
                    setting="PAYMENTS_SANDBOX_WEBHOOK_SECRET (or its _FILE)",
                    id="payments.E003",
                )
            )
    return errors
