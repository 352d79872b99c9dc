from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from minato.core.models import WorkerHeartbeat


def _heartbeat(age_seconds: int) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1",
        hostname="h",
        pid=1,
        started_at=now,
        last_seen_at=now - timedelta(seconds=age_seconds),
    )


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_unavailable_without_a_worker(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True, "unapplied": 0}
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_worker_heartbeat(client: Client) -> None:
    _heartbeat(age_seconds=5)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["workers_alive"] == 1


@pytest.mark.django_db
def test_readyz_treats_a_stale_heartbeat_as_not_ready(client: Client) -> None:
    _heartbeat(age_seconds=3600)
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_a_readiness_check_that_breaks_reports_not_ready_instead_of_a_500(
    client: Client, settings: Any
) -> None:
    settings.READINESS_CHECKS = {"broken": "minato.no_such_module.check"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broken"] == {"ok": False, "error": "ModuleNotFoundError"}


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client: Client) -> None:
    response = client.get("/", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"
    generated = client.get("/", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert generated != "bad id with spaces" and len(generated) == 32


@pytest.mark.django_db
def test_pages_send_security_headers(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_kept_policy_is_django_csps_own_and_follows_the_settings(client: Client) -> None:
    from csp.utils import build_policy

    assert client.get("/")["Content-Security-Policy"] == build_policy()
    changed = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "data:"]}}
    with override_settings(CONTENT_SECURITY_POLICY=changed):
        header = client.get("/healthz")["Content-Security-Policy"]
        assert header == build_policy() and "frame-ancestors" not in header
    assert client.get("/")["Content-Security-Policy"] == build_policy()


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1000)
def test_oversized_bodies_are_refused_before_parsing(client: Client) -> None:
    response = client.post(
        "/api/v1/notifications", data="x" * 2000, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
@override_settings(ANONYMOUS_POST_RATE="3/m")
def test_anonymous_posts_are_rate_limited_per_ip(client: Client) -> None:
    statuses = [
        client.post(
            "/accounts/login/", {"email": "x@example.jp", "password": "p"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]


@pytest.mark.django_db
@override_settings(ANONYMOUS_POST_RATE="3/m")
def test_payment_webhooks_are_not_rate_limited_as_anonymous_posts(client: Client) -> None:
    # They prove themselves by signature: unsigned ones are refused, but never with 429.
    statuses = {
        client.post(
            "/api/v1/payments/webhooks/sandbox",
            b"{}",
            content_type="application/json",
            REMOTE_ADDR="10.9.9.8",
        ).status_code
        for _ in range(6)
    }
    assert 429 not in statuses and statuses <= {400, 401, 403, 404}


@pytest.mark.django_db
def test_unknown_pages_get_a_page_in_the_current_language(client: Client) -> None:
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert b'<html lang="en">' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang"), [("/", "ja"), ("/en/", "en"), ("/ja-easy/", "ja-x-easy")]
)
def test_html_lang_matches_the_language_of_the_url(client: Client, path: str, lang: str) -> None:
    response = client.get(path)
    assert f'<html lang="{lang}">'.encode() in response.content
    assert f'<html lang="{lang}">'.encode() in client.get(f"{path}accounts/login/").content


@pytest.mark.django_db
def test_housekeeping_purges_expired_idempotency_records_only() -> None:
    from minato.core.housekeeping import run_housekeeping
    from minato.core.models import IdempotencyRecord

    old = IdempotencyRecord.objects.create(owner="o", key="old", scope="s", fingerprint="f")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    IdempotencyRecord.objects.create(owner="o", key="new", scope="s", fingerprint="f")
    _heartbeat(age_seconds=2 * 86400)
    counts = run_housekeeping()
    assert (counts["idempotency_records"], counts["worker_heartbeats"]) == (1, 1)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_server_errors_are_logged_without_the_path(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from minato.core.logs import RequestContextFilter

    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "%s: %s",
        ("Internal Server Error", "/accounts/verify/secret/"),
        None,
    )
    RequestContextFilter().filter(record)
    assert "secret" not in record.getMessage()
