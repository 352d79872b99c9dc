"""Production: everything in base, plus TLS-only cookies, HSTS and a mandatory secret."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config.env import env, envbool, envint
from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY

if not env("SECRET_KEY") or SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEMO_DATA_ALLOWED = False
# The sandbox payment provider lets anyone pick the outcome: never on in production unless
# a staging deployment asks for it explicitly (and sets ALLOW_DEMO_SECRETS).
PAYMENTS_PROVIDER = env("PAYMENTS_PROVIDER", "stripe")
PAYMENTS_SANDBOX_ENABLED = envbool("PAYMENTS_SANDBOX_ENABLED", False)
SANDBOX_DEFAULT_SECRET = "sandbox-webhook-secret-for-local-testing-only"  # noqa: S105 - the public default
if PAYMENTS_SANDBOX_ENABLED and SANDBOX_DEFAULT_SECRET == PAYMENTS_SANDBOX_WEBHOOK_SECRET:  # noqa: F405
    # The default is public (it is in the repository): with it, anyone could forge a
    # "payment succeeded" webhook on a staging site.
    raise ImproperlyConfigured("Set PAYMENTS_SANDBOX_WEBHOOK_SECRET when the sandbox is enabled")
