"""Hand-off tests against a real HTTP server on 127.0.0.1 (started and stopped per test)."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from minato.accounts import services as account_services
from minato.accounts.models import User
from minato.procedures.applications import services as applications
from minato.procedures.forms.services import form_publish
from minato.procedures.handoff import services as handoff
from minato.procedures.models import Application, HandoffDelivery, Procedure
from minato.procedures.tests.form_factories import waste_collection_form

# A collection day the form accepts whenever the tests run (3 to 60 days ahead).
COLLECTION_DAY = (timezone.localdate() + timedelta(days=10)).isoformat()

pytestmark = pytest.mark.django_db
SECRET = "shared-secret-for-tests"
ANSWERS = {
    "home_appliance": "no",
    "items": [{"item": "bed", "count": 1}],
    "preferred_date": COLLECTION_DAY,
    "place": "door",
    "applicant_name": {
        "family_name": "港",
        "given_name": "アリス",
        "family_name_kana": "みなと",
        "given_name_kana": "ありす",
    },
    "postal_code": "1058511",
    "address": "芝公園1-5-25",
    "phone": "0335782111",
}


class Receiver:
    """A business system: records what it gets and answers with a chosen status."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.delay = 0.0
        self.location = ""  # sent with the answer, for a redirect
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append(
                    {"method": self.command, "headers": dict(self.headers), "body": body}
                )
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            do_GET = do_POST  # a followed redirect would arrive as a GET

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def sodai(catalogue: dict[str, Procedure], receiver: Receiver) -> Procedure:
    procedure = catalogue["sodai"]
    form_publish(procedure=procedure, definition=waste_collection_form())
    handoff.handoff_endpoint_set(procedure=procedure, url=receiver.url, secret=SECRET)
    return procedure


def _submit(procedure: Procedure, applicant: User) -> Application:
    return applications.application_create_and_submit(
        procedure=procedure,
        form_version=procedure.form_versions.get(),
        applicant=applicant,
        answers=ANSWERS,
    )


def test_a_submission_is_pushed_signed_over_timestamp_and_body(
    sodai: Procedure, receiver: Receiver, alice: User
) -> None:
    application = _submit(sodai, alice)
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    timestamp = request["headers"]["X-Minato-Timestamp"]
    expected = hmac.new(
        SECRET.encode(), timestamp.encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    assert request["headers"]["X-Minato-Signature"] == f"sha256={expected}"
    document = json.loads(request["body"])
    assert document["reference"] == application.reference
    assert document["event"] == "application.submitted"
    assert document["answers"]["phone"] == "0335782111"
    assert HandoffDelivery.objects.get().status == HandoffDelivery.Status.DELIVERED


def test_a_500_is_retried_with_backoff_and_can_be_resent(
    sodai: Procedure, receiver: Receiver, alice: User
) -> None:
    receiver.status = 500
    _submit(sodai, alice)
    delivery = HandoffDelivery.objects.get()
    assert delivery.status == HandoffDelivery.Status.RETRYING
    assert delivery.last_status_code == 500 and delivery.next_attempt_at is not None
    receiver.status = 204
    assert handoff.handoff_deliver(delivery_id=delivery.pk) == HandoffDelivery.Status.DELIVERED


def test_a_timeout_counts_as_a_failed_attempt(
    sodai: Procedure, receiver: Receiver, alice: User
) -> None:
    receiver.delay = 1.0
    with mock.patch("minato.procedures.adapters.webhook.TIMEOUT_SECONDS", 0.2):
        _submit(sodai, alice)
    delivery = HandoffDelivery.objects.get()
    assert delivery.status == HandoffDelivery.Status.RETRYING
    assert delivery.last_error in {"TimeoutError", "URLError"}


def test_after_the_last_attempt_it_fails_and_staff_can_resend(
    sodai: Procedure,
    receiver: Receiver,
    alice: User,
    staff_client: Callable[[User], Client],
    erin: User,
) -> None:
    receiver.status = 503
    application = _submit(sodai, alice)
    delivery = HandoffDelivery.objects.get()
    for _ in range(handoff.MAX_ATTEMPTS - 1):
        handoff.handoff_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == HandoffDelivery.Status.FAILED
    receiver.status = 200
    client = staff_client(erin)  # 環境課 handles 粗大ごみ in the test catalogue
    client.post(f"/staff/applications/{application.reference}/handoff/{delivery.pk}/resend/")
    assert HandoffDelivery.objects.filter(status=HandoffDelivery.Status.DELIVERED).count() == 1


def test_endpoints_must_use_https_outside_loopback(sodai: Procedure) -> None:
    with pytest.raises(ValueError, match="https"):
        handoff.handoff_endpoint_set(procedure=sodai, url="http://example.org/hook", secret="s")
    call_command(
        "handoff_endpoint_set",
        "--procedure",
        "sodai-gomi",
        "--url",
        "https://erp.city.minato.example/hook",
        "--secret",
        "s",
    )


def test_systems_pull_submissions_by_cursor_and_acknowledge(
    client: Client, sodai: Procedure, alice: User, bob: User
) -> None:
    service = account_services.service_account_get_or_create(
        email="erp@city.minato.example", display_name="ERP"
    )
    _token, token = account_services.api_token_create(
        user=service, name="pull", scopes=["applications:read"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    first = _submit(sodai, alice)
    page = client.get("/api/v1/handoff/applications", **auth).json()
    assert [i["application"]["reference"] for i in page["items"]] == [first.reference]
    second = _submit(sodai, bob)
    page = client.get(f"/api/v1/handoff/applications?since={page['next_cursor']}", **auth).json()
    assert [i["application"]["reference"] for i in page["items"]] == [second.reference]
    ack = client.post(f"/api/v1/handoff/applications/{first.reference}/ack", **auth)
    assert ack.status_code == 200
    first.refresh_from_db()
    assert first.acknowledged_at is not None
    no_scope = account_services.api_token_create(user=service, name="x", scopes=["audit:read"])[1]
    assert (
        client.get(
            "/api/v1/handoff/applications", HTTP_AUTHORIZATION=f"Bearer {no_scope}"
        ).status_code
        == 403
    )


def test_every_state_change_of_a_delivery_is_audited_with_its_department(
    sodai: Procedure, receiver: Receiver, alice: User
) -> None:
    from minato.core.models import AuditEvent

    receiver.status = 500
    application = _submit(sodai, alice)
    delivery = HandoffDelivery.objects.get()
    receiver.status = 200
    handoff.handoff_deliver(delivery_id=delivery.pk)
    events = AuditEvent.objects.filter(
        object_type="procedures.handoffdelivery", object_id=str(delivery.pk)
    ).order_by("id")
    assert [e.action for e in events] == [
        "procedures.handoff_sending",
        "procedures.handoff_retrying",
        "procedures.handoff_sending",
        "procedures.handoff_delivered",
    ]
    assert {e.department_id for e in events} == {application.department_id}
    assert events.last().changes == {  # type: ignore[union-attr]
        "status": ["sending", "delivered"],
        "attempts": [None, 2],
        "http_status": [None, 200],
    }


def test_an_error_while_sending_is_retried_instead_of_leaving_the_delivery_sending(
    sodai: Procedure, receiver: Receiver, alice: User
) -> None:
    with mock.patch("minato.procedures.adapters.webhook.post", side_effect=RuntimeError("kaboom")):
        _submit(sodai, alice)
    delivery = HandoffDelivery.objects.get()
    assert delivery.status == HandoffDelivery.Status.RETRYING
    assert delivery.last_error == "RuntimeError"
    assert handoff.handoff_deliver(delivery_id=delivery.pk) == HandoffDelivery.Status.DELIVERED


def test_housekeeping_hands_deliveries_whose_task_was_lost_to_a_new_task(
    sodai: Procedure, receiver: Receiver, alice: User, bob: User
) -> None:
    from minato.procedures import housekeeping

    # given a retry whose task never ran, and a delivery whose worker died mid-send
    receiver.status = 500
    _submit(sodai, alice)
    _submit(sodai, bob)
    retrying, stuck = HandoffDelivery.objects.order_by("pk")
    long_ago = timezone.now() - timedelta(hours=1)
    HandoffDelivery.objects.filter(pk=retrying.pk).update(next_attempt_at=long_ago)
    HandoffDelivery.objects.filter(pk=stuck.pk).update(status="sending", updated_at=long_ago)
    receiver.status = 200
    # when housekeeping runs, both are delivered, once each
    assert housekeeping.run()["handoffs_requeued"] == 2
    assert set(HandoffDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert len(receiver.requests) == 4
    assert housekeeping.run()["handoffs_requeued"] == 0


@pytest.fixture
def outside_debug(settings: Any) -> None:
    """As in production: no DEBUG, and private targets not allowed."""
    settings.DEBUG = False
    settings.HANDOFF_ALLOW_PRIVATE_TARGETS = False


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://2130706433/hook",  # 127.0.0.1 written as one number
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://[fd12:3456::1]/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
    ],
)
def test_endpoints_on_loopback_private_or_link_local_addresses_are_refused_outside_debug(
    sodai: Procedure, outside_debug: None, url: str
) -> None:
    with pytest.raises(ValueError, match="Hand-off endpoint refused"):
        handoff.handoff_endpoint_set(procedure=sodai, url=url, secret="s")
    assert sodai.handoff.url != url


def test_the_command_refuses_the_metadata_address_too(
    sodai: Procedure, outside_debug: None
) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cloud metadata"):
        call_command(
            "handoff_endpoint_set",
            "--procedure",
            "sodai-gomi",
            "--url",
            "https://169.254.169.254/latest/meta-data/iam/",
            "--secret",
            "s",
        )


def test_loopback_endpoints_are_allowed_in_debug_but_link_local_ones_never(
    sodai: Procedure, settings: Any
) -> None:
    settings.DEBUG = True
    settings.HANDOFF_ALLOW_PRIVATE_TARGETS = False
    handoff.handoff_endpoint_set(procedure=sodai, url="http://127.0.0.1:9000/hook", secret="s")
    with pytest.raises(ValueError, match="link-local"):
        handoff.handoff_endpoint_set(procedure=sodai, url="http://[fe80::1]:9000/", secret="s")


def test_a_saved_endpoint_that_now_resolves_to_a_private_address_is_not_contacted(
    sodai: Procedure, receiver: Receiver, alice: User, outside_debug: None
) -> None:
    # given an endpoint saved as a name, which now resolves to the platform's own host
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "erp.example.jp":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    sodai.handoff.url = receiver.url.replace("127.0.0.1", "erp.example.jp")
    sodai.handoff.save(update_fields=["url", "updated_at"])
    # when an application is submitted
    with mock.patch.object(socket, "getaddrinfo", getaddrinfo):
        _submit(sodai, alice)
    # then nothing is sent, and the delivery says why
    delivery = HandoffDelivery.objects.get()
    assert receiver.requests == []
    assert delivery.status == HandoffDelivery.Status.RETRYING
    assert delivery.last_error == "refused: the host resolves to a loopback address"


def test_a_redirect_is_not_followed_and_the_delivery_fails_with_a_clear_error(
    sodai: Procedure, receiver: Receiver, alice: User
) -> None:
    elsewhere = Receiver()
    try:
        receiver.status = 302
        receiver.location = elsewhere.url
        _submit(sodai, alice)
        delivery = HandoffDelivery.objects.get()
        assert delivery.status == HandoffDelivery.Status.RETRYING
        assert delivery.last_status_code == 302
        assert delivery.last_error == "redirect not followed (HTTP 302)"
        assert elsewhere.requests == []
    finally:
        elsewhere.server.shutdown()
