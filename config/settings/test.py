"""Test settings: fast hashing, in-memory mail and cache, tasks run in-process."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403

SECRET_KEY = "insecure-test-key-not-for-production-0123456789"  # noqa: S105
DEBUG = False
# The tests run on the demo's public values (the sandbox provider, demo data) with DEBUG off.
ALLOW_DEMO_SECRETS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The immediate backend runs each task in-process the moment it is enqueued, so tests see
# the effects a worker would produce without running one.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
# The hand-off tests' receiver listens on 127.0.0.1; the tests of the address checks turn
# this off again.
HANDOFF_ALLOW_PRIVATE_TARGETS = True
LOGIN_RATE = "1000/m"
ANONYMOUS_POST_RATE = "1000/m"
UPLOAD_RATE = "1000/m"
# No map tiles from the internet in tests: maps draw on a plain background.
MAP_TILE_URL = ""
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = ["'self'", "data:"]  # noqa: F405
SHELTER_CHECKIN_DEVICE_RATE = "1000/m"
SHELTER_DEVICE_IDS_RATE = "1000/m"
COMMUNITY_JOIN_RATE = "1000/m"
NAVIGATOR_KIOSK_RATE = "1000/m"
INSIGHT_VOICE_RATE = "1000/m"
INSIGHT_INDICATORS_SECONDS = 0
INSIGHT_STATISTICS_SECONDS = 0
# Tests set the clock where opening hours matter.
NAVIGATOR_KEEP_OFFICE_HOURS = False
