"""Settings shared by every environment; everything that differs comes from env vars.

The README lists each variable. Development and the demo run on these settings directly;
``production`` tightens them and ``test`` makes them fast.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from config.env import env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY", "insecure-development-key-change-me-0123456789abcdef")
DEBUG = envbool("DEBUG", False)
# With DEBUG off the project refuses to start with the demo's public values (the secret key
# above, the sandbox payment provider and its webhook secret, demo data), unless this says
# it is a demo (minato.core.checks). scripts/run and scripts/bench set it.
ALLOW_DEMO_SECRETS = envbool("ALLOW_DEMO_SECRETS", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "minato.core",
    "minato.accounts",
    "minato.notifications",
    "minato.portal",
    "minato.procedures",
    "minato.payments",
    "minato.bookings",
    "minato.information",
    "minato.community",
    "minato.reports",
    "minato.opendata",
    "minato.navigator",
    "minato.insight",
]

MIDDLEWARE = [
    "minato.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "minato.core.middleware.CSPMiddleware",  # django-csp's, the site policy built once
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "minato.core.middleware.PrivateResponsesMiddleware",
    # After the session, locale and user (its refusals are normal pages), before anything
    # reads the body (CSRF's process_view is the first).
    "minato.core.middleware.BodySizeLimitMiddleware",
    "minato.core.middleware.ActorContextMiddleware",
    "minato.core.middleware.AnonymousPostRateLimitMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "minato.accounts.middleware.StaffConsoleMiddleware",
    # While disaster mode is on, the home page is the light disaster page (issue 11). Last,
    # so that its answer passes back through every middleware above (X-Frame-Options, …).
    "minato.information.middleware.DisasterModeMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "minato.core.i18n.language_context",
                "minato.accounts.context_processors.staff_permissions",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minato.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
    # write lock up front, so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits are shared between processes through it) ------------------------
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL.startswith("redis://"):
    CACHES = {
        "default": {"BACKEND": "minato.core.cache.SharedClientRedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "minato_cache",
        }
    }
# django-ratelimit only "officially" supports memcached and Redis; the database cache is
# shared between processes and atomic enough for our limits.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
RATELIMIT_VIEW = "minato.core.views.rate_limited"

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["minato.accounts.backends.ProfileModelBackend"]
# Sessions live in the cache (Redis in production) and in the database as a fallback, so
# a signed-in page view usually reads no session row.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3
# How long a staff invitation link (choose a password, enrol an authenticator) works.
STAFF_INVITATION_MAX_AGE = 60 * 60 * 24 * 3
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Minato City")
LOGIN_RATE = env("LOGIN_RATE", "10/m")
ANONYMOUS_POST_RATE = env("ANONYMOUS_POST_RATE", "60/m")
# Files a signed-in person may upload (each is decoded and checked: CPU per file).
UPLOAD_RATE = env("UPLOAD_RATE", "30/h")
# What one person may keep stored in files not yet part of a submitted application
# (drafts, API uploads waiting for their application).
UPLOAD_QUOTA_MB = envint("UPLOAD_QUOTA_MB", 50)
UPLOAD_QUOTA_FILES = envint("UPLOAD_QUOTA_FILES", 30)

# --- Sessions, cookies and security headers -------------------------------------------------
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
# How many reverse proxies append to X-Forwarded-For in front of the app (0: none, trust
# REMOTE_ADDR). Rate limits and audit IPs depend on it being right.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Request size limits: bodies over MAX_REQUEST_BYTES are refused (413) before Django reads
# them; Django's own limits cap what it parses into memory.
MAX_REQUEST_BYTES = envint("MAX_REQUEST_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Internationalisation ---------------------------------------------------------------
# Japanese is the default and lives at unprefixed URLs; /en/ and /ja-easy/ carry the other
# two languages (decision 0002). Message ids are English; ja and ja_Easy are catalogues.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English"), ("ja-easy", "やさしい にほんご")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lang"
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Background tasks -------------------------------------------------------------------
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
WORKER_HEARTBEAT_SECONDS = envint("WORKER_HEARTBEAT_SECONDS", 10)
# Work each worker does every few seconds beside its tasks ({dotted path: seconds}, 0 = off;
# minato.core.periodic): seal audit events (decision 0005), apply the payment webhook events
# the endpoint stored (decision 0006).
AUDIT_SEAL_SECONDS = float(env("AUDIT_SEAL_SECONDS", "1"))
PAYMENTS_EVENTS_SECONDS = float(env("PAYMENTS_EVENTS_SECONDS", "0.5"))
PERIODIC_JOBS = {
    "minato.core.audit.seal_waiting": AUDIT_SEAL_SECONDS,
    "minato.payments.services.webhook_events_apply": PAYMENTS_EVENTS_SECONDS,
    # Lotteries are drawn at their time; unpaid or unconfirmed offers go to the waiting list.
    "minato.bookings.services.lotteries_draw_due": envint("BOOKINGS_DRAW_SECONDS", 30),
    "minato.bookings.services.offers_settle": envint("BOOKINGS_SETTLE_SECONDS", 30),
    # Reminders of tomorrow's bookings.
    "minato.bookings.services.reminders_send": envint("BOOKINGS_REMINDER_SECONDS", 300),
    # Approved broadcasts whose time has come, and fan-outs whose worker died.
    "minato.notifications.broadcasts.broadcasts_send_due": envint("BROADCASTS_DUE_SECONDS", 15),
    # The open-data catalogue's standard datasets, regenerated when their source changed.
    "minato.opendata.services.live_resources_refresh": envint("OPENDATA_LIVE_SECONDS", 60),
    # The counters' daily reset: tickets of earlier days still in line expire.
    "minato.navigator.queues.services.tickets_close_past_days": envint(
        "NAVIGATOR_CLOSE_SECONDS", 300
    ),
}
# /readyz also fails when stored payment webhook events wait longer than this (no worker
# applying them, or one failing on them).
PAYMENTS_EVENTS_STALE_SECONDS = envint("PAYMENTS_EVENTS_STALE_SECONDS", 300)
READINESS_CHECKS = {"payment_events": "minato.payments.selectors.webhook_events_backlog"}
WORKER_STALE_SECONDS = envint("WORKER_STALE_SECONDS", 60)

# --- Email ------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Minato City <no-reply@city.minato.example>")
NOTIFICATION_MAX_ATTEMPTS = envint("NOTIFICATION_MAX_ATTEMPTS", 5)
# The channels messages can go out on (docs/modules/notifications.md): email and the inbox on
# the portal always; LINE once its channel is configured; Web Push once VAPID keys are set;
# "sms" only writes to the log (no provider is bundled), so it is off unless asked for.
NOTIFICATION_SMS_LOG_ONLY = envbool("NOTIFICATION_SMS_LOG_ONLY", False)

# --- LINE Messaging API (the ward's official account) -------------------------------------
# Empty token: LINE is not offered. The demo and tests point the base URLs at the fake LINE
# server (`manage.py fake_line`), which checks requests as LINE does.
LINE_CHANNEL_ACCESS_TOKEN = env("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_CHANNEL_SECRET = env("LINE_CHANNEL_SECRET", "")
LINE_API_BASE = env("LINE_API_BASE", "https://api.line.me").rstrip("/")
LINE_ACCESS_BASE = env("LINE_ACCESS_BASE", "https://access.line.me").rstrip("/")
LINE_TIMEOUT_SECONDS = envint("LINE_TIMEOUT_SECONDS", 10)

# --- Web Push (VAPID) ---------------------------------------------------------------------
# The application server's key pair: the private key as a base64url raw key or a PEM, the
# public key as the base64url uncompressed point the browser needs. Empty: push not offered.
WEBPUSH_VAPID_PRIVATE_KEY = env("WEBPUSH_VAPID_PRIVATE_KEY", "")
WEBPUSH_VAPID_PUBLIC_KEY = env("WEBPUSH_VAPID_PUBLIC_KEY", "")
WEBPUSH_VAPID_SUBJECT = env("WEBPUSH_VAPID_SUBJECT", "mailto:digital@city.minato.example")
# A browser's push endpoint on this machine (http://127.0.0.1…) is refused unless DEBUG is on
# or this says so: otherwise a subscription could point the worker at the site's own ports.
WEBPUSH_ALLOW_LOOPBACK_ENDPOINTS = envbool("WEBPUSH_ALLOW_LOOPBACK_ENDPOINTS", False)

# --- Logging: one JSON object per line, with the request id, never personal data --------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "minato.core.logs.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC with an offset, e.g. "2026-11-26T04:05:06.789+00:00".
            "timestamp": "time",
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request logger prints the full path, which may carry tokens; our access
        # log records the route pattern instead.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100
NINJA_PAGINATION_PER_PAGE = 20
IDEMPOTENCY_KEY_TTL_HOURS = envint("IDEMPOTENCY_KEY_TTL_HOURS", 24)

# Only the benchmark turns this on: it exposes a bare view as the framework floor.
BENCHMARK_ENDPOINTS = envbool("BENCHMARK_ENDPOINTS", False)

# --- Payments (docs/modules/payments.md) -------------------------------------------------
# The provider new online payments use; every provider listed keeps serving its payments.
PAYMENTS_PROVIDER = env("PAYMENTS_PROVIDER", "sandbox")
PAYMENTS_PROVIDERS = {
    "sandbox": "minato.payments.providers.sandbox.SandboxProvider",
    "stripe": "minato.payments.providers.stripe.StripeProvider",
}
# The kinds of thing that can be paid for: each domain app that takes payments registers its
# own (payments imports none of them; decision 0008).
# Bookings: penalty points for a cancellation after the deadline and for a no-show; people
# with BOOKINGS_PENALTY_SUSPEND_AT points or more (each kept BOOKINGS_PENALTY_DAYS) cannot
# enter lotteries until enough of them expire.
BOOKINGS_PENALTY_LATE_CANCEL = envint("BOOKINGS_PENALTY_LATE_CANCEL", 1)
BOOKINGS_PENALTY_NO_SHOW = envint("BOOKINGS_PENALTY_NO_SHOW", 2)
BOOKINGS_PENALTY_SUSPEND_AT = envint("BOOKINGS_PENALTY_SUSPEND_AT", 3)
BOOKINGS_PENALTY_DAYS = envint("BOOKINGS_PENALTY_DAYS", 180)

PAYMENTS_PAYABLE_KINDS = [
    "minato.procedures.payables.ApplicationPayables",
    "minato.bookings.payables.BookingPayables",
]
PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = envint("PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", 300)
PAYMENTS_STUCK_AFTER_MINUTES = envint("PAYMENTS_STUCK_AFTER_MINUTES", 60)
PAYMENTS_SANDBOX_ENABLED = envbool("PAYMENTS_SANDBOX_ENABLED", True)
PAYMENTS_SANDBOX_WEBHOOK_SECRET = env(
    "PAYMENTS_SANDBOX_WEBHOOK_SECRET", "sandbox-webhook-secret-for-local-testing-only"
)
PAYMENTS_SANDBOX_WEBHOOK_URL = env(
    "PAYMENTS_SANDBOX_WEBHOOK_URL", f"{SITE_URL}/api/v1/payments/webhooks/sandbox"
)
PAYMENTS_SANDBOX_CHAOS = envbool("PAYMENTS_SANDBOX_CHAOS", True)
PAYMENTS_SANDBOX_CHECKOUT_MINUTES = envint("PAYMENTS_SANDBOX_CHECKOUT_MINUTES", 30)
PAYMENTS_STRIPE_SECRET_KEY = env("PAYMENTS_STRIPE_SECRET_KEY", "")
PAYMENTS_STRIPE_WEBHOOK_SECRET = env("PAYMENTS_STRIPE_WEBHOOK_SECRET", "")
PAYMENTS_STRIPE_API_BASE = env("PAYMENTS_STRIPE_API_BASE", "")  # tests point it at a stub
PAYMENTS_STRIPE_METHODS = envlist("PAYMENTS_STRIPE_METHODS", ["card", "konbini", "paypay"])

# --- Procedures: hand-off to business systems (docs/modules/procedures.md) -----------------
# Hand-off webhooks may go to loopback and private addresses only in DEBUG or with this on
# (business systems on a private network; the tests' receiver on 127.0.0.1). Link-local and
# metadata addresses are refused even then.
HANDOFF_ALLOW_PRIVATE_TARGETS = envbool("HANDOFF_ALLOW_PRIVATE_TARGETS", False)

# CAP 1.2 <sender> of the ward's emergency alerts (no spaces or commas): who the alerts are
# from for the alerting systems that read /cap/alerts.atom.
CAP_SENDER = env("CAP_SENDER", "alerts@city.minato.example")
# --- Maps and shelters (docs/modules/information.md) -----------------------------------------
# The background map's tiles (Leaflet's {z}/{x}/{y} template) and their credit. The default is
# the Geospatial Information Authority of Japan's pale map (国土地理院 淡色地図), free to use
# with this credit. Empty: maps draw shelters and hazard areas on a plain background, and the
# lists beside them say the same without any map.
MAP_TILE_URL = env("MAP_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">国土地理院</a>',
)
if MAP_TILE_URL:
    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
# Check-in posts from one device (a signed cookie the check-in page sets; its network address
# without one), on top of ANONYMOUS_POST_RATE per network: a shelter's Wi-Fi puts hundreds of
# phones behind one address. Every post counts (typos too), hence room for a few mistakes.
SHELTER_CHECKIN_DEVICE_RATE = env("SHELTER_CHECKIN_DEVICE_RATE", "10/h")
# New device ids (the signed cookie the check-in form gives a phone) per network: enough for
# a crowd arriving on one shelter Wi-Fi, too few to mint a turn for every fake check-in.
SHELTER_DEVICE_IDS_RATE = env("SHELTER_DEVICE_IDS_RATE", "300/10m")

# --- Circular boards (docs/modules/community.md) ------------------------------------------------
# Tries at a household's join code per account: plenty for typing one in, too few to guess.
COMMUNITY_JOIN_RATE = env("COMMUNITY_JOIN_RATE", "10/h")

# --- Community reports (docs/modules/reports.md) --------------------------------------------
# New reports per account or network from the portal: a resident on a walk reports a few; a
# script filling the queue is stopped.
REPORT_RATE = env("REPORT_RATE", "10/h")
# New reports per Open311 api_key: a client app posts for many residents at once.
OPEN311_RATE = env("OPEN311_RATE", "600/h")
# "Me too" and follows per account or network.
REPORT_SUPPORT_RATE = env("REPORT_SUPPORT_RATE", "60/h")
# Open311 GeoReport v2: the jurisdiction this server answers for (clients may send it as
# jurisdiction_id), and where the discovery document says to ask.
OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", "city.minato.tokyo.jp")
OPEN311_CONTACT = env(
    "OPEN311_CONTACT", "港区 街づくり支援部 土木課 (Minato City Public Works Division) 03-3578-2111"
)

# --- Open data catalogue (docs/modules/opendata.md) -----------------------------------------
# The largest file staff may upload; files live in the database with their metadata. A
# request is refused above MAX_REQUEST_BYTES before any view reads it, so this stays under it.
OPENDATA_MAX_UPLOAD_MB = min(
    envint("OPENDATA_MAX_UPLOAD_MB", 9), MAX_REQUEST_BYTES // (1024 * 1024) - 1
)
# How long clients and caches may keep a resource before asking again (with its ETag).
OPENDATA_CACHE_SECONDS = envint("OPENDATA_CACHE_SECONDS", 300)
# package_search answers each process keeps until the catalogue changes (minato/opendata/
# answers.py): at most this many bytes (0: none); each answer, and the search index
# (index.py), at most this many seconds.
OPENDATA_SEARCH_CACHE_BYTES = envint("OPENDATA_SEARCH_CACHE_BYTES", 32 * 1024 * 1024)
OPENDATA_SEARCH_CACHE_SECONDS = envint("OPENDATA_SEARCH_CACHE_SECONDS", 60)

# --- Counters (navigator) -----------------------------------------------------------------
# Tickets are issued only in an office's opening hours on weekdays; the demo turns this off so
# that the counters can be tried at any hour (scripts/run).
NAVIGATOR_KEEP_OFFICE_HOURS = envbool("NAVIGATOR_KEEP_OFFICE_HOURS", True)
# How often a ticket's page and a hall display ask for news: a call shows everywhere within
# this plus one answer's time.
NAVIGATOR_POLL_SECONDS = float(env("NAVIGATOR_POLL_SECONDS", "1.5"))
# The networks the offices' ticket machines are on (CIDR, comma-separated): only they may print
# tickets at /navigator/counters/<office>/kiosk/. Empty: anywhere (the demo).
NAVIGATOR_KIOSK_NETWORKS = envlist("NAVIGATOR_KIOSK_NETWORKS", [])
# Tickets one kiosk (one address) may print.
NAVIGATOR_KIOSK_RATE = env("NAVIGATOR_KIOSK_RATE", "30/m")

# Insight (issue 15): residents' voices, topic analysis, safe statistics.
# Voices one person (or, signed out, one network) may send.
INSIGHT_VOICE_RATE = env("INSIGHT_VOICE_RATE", "5/h")
# The smallest count a published statistics table shows; smaller cells are suppressed.
INSIGHT_MINIMUM_CELL = envint("INSIGHT_MINIMUM_CELL", 5)
# The departments whose staff analyse every department's voices (広聴: 区長室).
INSIGHT_ANALYST_DEPARTMENTS = envlist("INSIGHT_ANALYST_DEPARTMENTS", ["kikaku-keiei.kucho-shitsu"])
# How long a published statistics table is kept (it changes only when a month ends).
INSIGHT_STATISTICS_SECONDS = envint("INSIGHT_STATISTICS_SECONDS", 3600)
# A survey indicator is published from this many answers (fewer say too much about the few).
INSIGHT_SURVEY_MINIMUM_ANSWERS = envint("INSIGHT_SURVEY_MINIMUM_ANSWERS", 30)
# How long the indicators' figures are reused before they are computed again.
INSIGHT_INDICATORS_SECONDS = envint("INSIGHT_INDICATORS_SECONDS", 60)
# Optional topic summaries from an OpenAI-compatible endpoint; empty URL: off (the default).
INSIGHT_SUMMARY_URL = env("INSIGHT_SUMMARY_URL", "")
INSIGHT_SUMMARY_MODEL = env("INSIGHT_SUMMARY_MODEL", "")
INSIGHT_SUMMARY_API_KEY = env("INSIGHT_SUMMARY_API_KEY", "")

MUNICIPALITY_NAME = {"ja": "港区", "en": "Minato City", "ja-easy": "みなとく"}
# Where residents can ask when the site does not answer them (the catalogue's search).
MUNICIPALITY_PHONE = env("MUNICIPALITY_PHONE", "03-3578-2111")

FORM_RENDERER = "minato.core.forms.FormRenderer"
CSRF_FAILURE_VIEW = "minato.core.views.csrf_failure"
DEMO_DATA_ALLOWED = envbool("DEMO_DATA_ALLOWED", True)
