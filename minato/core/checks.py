"""Refuse to serve with the demo's public secrets.

The repository publishes the values that make the demo work out of the box: a development
``SECRET_KEY``, the sandbox payment provider's webhook secret, the demo accounts. With
DEBUG off they must not be in use, unless a demo says so explicitly (``ALLOW_DEMO_SECRETS``,
which ``scripts/run`` sets). Each app registers its own checks with the ``PUBLIC_SECRETS``
tag; ``manage.py`` runs them with every command that checks the project, and
``config/wsgi.py`` and ``config/asgi.py`` run them before serving, because application
servers run no system checks of their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register, run_checks
from django.core.exceptions import ImproperlyConfigured

PUBLIC_SECRETS = "public_secrets"
# Every secret key committed to the repository starts with this.
PUBLIC_KEY_PREFIX = "insecure-"


def demo_secrets_allowed() -> bool:
    """Public demo values are fine in development (DEBUG) and in a demo that asks for them."""
    return bool(settings.DEBUG or settings.ALLOW_DEMO_SECRETS)


def refusal(message: str, *, setting: str, id: str) -> Error:
    return Error(
        message,
        hint=(
            f"Set {setting} for this deployment. For a demo on public values set "
            "ALLOW_DEMO_SECRETS=1; for development, DEBUG=true."
        ),
        id=id,
    )


@register(PUBLIC_SECRETS)
def secret_key_is_not_public(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if demo_secrets_allowed() or not settings.SECRET_KEY.startswith(PUBLIC_KEY_PREFIX):
        return []
    return [
        refusal(
            "SECRET_KEY is the development key from the repository: anyone could sign "
            "sessions and links for this site.",
            setting="SECRET_KEY (or SECRET_KEY_FILE)",
            id="core.E001",
        )
    ]


def refuse_public_secrets() -> None:
    """Raise ImproperlyConfigured if any ``PUBLIC_SECRETS`` check fails (for the WSGI and
    ASGI entry points, which would otherwise start without running any check)."""
    errors = [
        message
        for message in run_checks(tags=[PUBLIC_SECRETS])
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start with public demo secrets:\n"
            + "\n".join(str(error) for error in errors)
        )
