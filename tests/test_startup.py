"""With DEBUG off, the project refuses to start on the demo's public values (the development
secret key, the sandbox payment provider and its webhook secret, demo data) unless a demo
says so with ALLOW_DEMO_SECRETS: through manage.py (system checks) and through the WSGI and
ASGI entry points, which run no checks of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks

from minato.core.checks import PUBLIC_SECRETS

ROOT = Path(__file__).resolve().parent.parent


def _refusals() -> set[str]:
    return {message.id for message in run_checks(tags=[PUBLIC_SECRETS]) if message.is_serious()}


def _base_defaults(settings: Any) -> None:
    """The values config.settings.base takes when the environment sets nothing."""
    from config.settings import base

    for name in (
        "SECRET_KEY",
        "DEBUG",
        "ALLOW_DEMO_SECRETS",
        "DEMO_DATA_ALLOWED",
        "PAYMENTS_PROVIDER",
        "PAYMENTS_SANDBOX_ENABLED",
        "PAYMENTS_SANDBOX_WEBHOOK_SECRET",
    ):
        setattr(settings, name, getattr(base, name))


def test_the_base_defaults_with_debug_off_are_refused(settings: Any) -> None:
    _base_defaults(settings)
    assert _refusals() == {
        "core.E001",
        "accounts.E001",
        "payments.E001",
        "payments.E002",
        "payments.E003",
    }


@pytest.mark.parametrize("switch", ["DEBUG", "ALLOW_DEMO_SECRETS"])
def test_development_and_an_explicit_demo_may_use_the_public_values(
    settings: Any, switch: str
) -> None:
    _base_defaults(settings)
    setattr(settings, switch, True)
    assert _refusals() == set()


def test_a_real_deployment_on_the_base_settings_starts(settings: Any) -> None:
    _base_defaults(settings)
    settings.SECRET_KEY = "a-real-secret-key-from-the-environment-0123456789"
    settings.DEMO_DATA_ALLOWED = False
    settings.PAYMENTS_PROVIDER = "stripe"
    settings.PAYMENTS_SANDBOX_ENABLED = False
    assert _refusals() == set()


def test_a_sandbox_with_its_own_secret_is_still_the_sandbox(settings: Any) -> None:
    _base_defaults(settings)
    settings.PAYMENTS_SANDBOX_WEBHOOK_SECRET = "a-secret-of-this-staging-site"
    assert {"payments.E001", "payments.E002"} <= _refusals()
    assert "payments.E003" not in _refusals()


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python in a fresh process with the environment a bare deployment has."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PAYMENTS_", "DEBUG", "ALLOW_DEMO", "SECRET_KEY"))
        and key not in ("DEMO_DATA_ALLOWED", "DATABASE_URL")
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_application_server_entry_points_refuse_the_public_defaults(module: str) -> None:
    refused = _run("-c", f"import {module}")
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr
    assert "payments.E002" in refused.stderr
    assert _run("-c", f"import {module}", ALLOW_DEMO_SECRETS="1").returncode == 0


@pytest.mark.slow
def test_manage_py_refuses_the_public_defaults_unless_it_is_a_demo() -> None:
    refused = _run("manage.py", "check")
    assert refused.returncode != 0
    assert "core.E001" in refused.stderr
    assert _run("manage.py", "check", ALLOW_DEMO_SECRETS="1").returncode == 0
    assert _run("manage.py", "check", DEBUG="true").returncode == 0


@pytest.mark.slow
def test_the_production_settings_pass_the_deployment_checks() -> None:
    # What ./scripts/test runs: production's own defaults pass, with a real secret key.
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-real-secret-key-from-the-environment-0123456789-abcdefghijklmnop",
    )
    assert result.returncode == 0, result.stderr
