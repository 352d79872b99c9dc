"""Outgoing webhooks: the address check, and a POST that goes only where it was checked."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from minato.core import webhooks

ALWAYS_REFUSED = [
    ("169.254.169.254", "a cloud metadata address"),  # the metadata service: link-local
    ("169.254.10.1", "a link-local address"),
    ("fe80::1", "a link-local address"),
    ("fd00:ec2::254", "a cloud metadata address"),
    ("100.100.100.200", "a cloud metadata address"),
    ("0.0.0.0", "an unspecified address"),  # noqa: S104 - the address under test
    ("0.1.2.3", "an unspecified address"),
    ("::", "an unspecified address"),
    ("224.0.0.1", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("::ffff:169.254.169.254", "a cloud metadata address"),
]
PRIVATE = [
    ("127.0.0.1", "a loopback address"),
    ("127.8.9.10", "a loopback address"),
    ("::1", "a loopback address"),
    ("::ffff:127.0.0.1", "a loopback address"),  # IPv4-mapped IPv6
    ("64:ff9b::7f00:1", "a loopback address"),  # NAT64 of 127.0.0.1
    ("2002:7f00:1::1", "a loopback address"),  # 6to4 of 127.0.0.1
    ("10.1.2.3", "a private address"),
    ("172.16.0.1", "a private address"),
    ("192.168.1.1", "a private address"),
    ("::ffff:192.168.1.1", "a private address"),
    ("100.64.0.1", "a private address"),  # carrier-grade NAT
    ("fc00::1", "a private address"),
]
PUBLIC = ["8.8.8.8", "133.242.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"]


@pytest.mark.parametrize(("address", "reason"), ALWAYS_REFUSED + PRIVATE)
def test_addresses_that_are_not_public_are_refused(address: str, reason: str) -> None:
    assert webhooks.refusal(ipaddress.ip_address(address), allow_private=False) == reason


@pytest.mark.parametrize(("address", "reason"), ALWAYS_REFUSED)
def test_link_local_metadata_unspecified_multicast_and_reserved_addresses_are_never_allowed(
    address: str, reason: str
) -> None:
    assert webhooks.refusal(ipaddress.ip_address(address), allow_private=True) == reason


@pytest.mark.parametrize(("address", "reason"), PRIVATE)
def test_loopback_and_private_addresses_are_allowed_when_asked(address: str, reason: str) -> None:
    assert webhooks.refusal(ipaddress.ip_address(address), allow_private=True) == ""


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert webhooks.refusal(ipaddress.ip_address(address), allow_private=False) == ""


class FakeDNS:
    """Answers for some names (a list: one answer per lookup, the last one repeated); the
    system resolver for the rest."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        real = socket.getaddrinfo

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host in self.answers:
                self.lookups.append(host)
                answers = self.answers[host]
                address = answers.pop(0) if len(answers) > 1 else answers[0]
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    return FakeDNS(monkeypatch)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://0.0.0.0/hook",
        "https://10.0.0.8:8443/hook",
        "https://internal.example.jp/hook",  # resolves to a private address
    ],
)
def test_a_url_whose_host_is_or_resolves_to_a_refused_address_is_refused(
    dns: FakeDNS, url: str
) -> None:
    dns.answers["internal.example.jp"] = ["192.168.10.20"]
    with pytest.raises(webhooks.UnsafeTarget):
        webhooks.check_url(url, allow_private=False)


def test_a_name_with_one_private_address_among_public_ones_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(webhooks.UnsafeTarget, match="resolves to a private address"):
        webhooks.check_url("https://erp.example.jp/hook", allow_private=False)


def test_a_public_url_and_a_name_that_does_not_resolve_yet_are_accepted(dns: FakeDNS) -> None:
    dns.answers["erp.example.jp"] = ["133.242.0.1"]
    webhooks.check_url("https://erp.example.jp/hook", allow_private=False)
    webhooks.check_url("https://erp.city.minato.invalid/hook", allow_private=False)


def test_a_url_without_http_or_a_host_is_refused() -> None:
    for url in ("file:///etc/passwd", "gopher://erp.example.jp/", "https:///hook"):
        with pytest.raises(webhooks.UnsafeTarget):
            webhooks.check_url(url, allow_private=True)


class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.status = 200
        self.location = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                receiver.requests.append((self.command, self.path))
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.server.shutdown()


def _post(url: str, *, allow_private: bool = True) -> webhooks.Answer:
    return webhooks.post(url, b"{}", {}, timeout=2, allow_private=allow_private)


def test_a_post_to_a_name_that_resolves_to_a_private_address_is_not_sent(
    dns: FakeDNS, receiver: Receiver
) -> None:
    dns.answers["erp.example.jp"] = ["127.0.0.1"]
    answer = _post(f"http://erp.example.jp:{receiver.port}/hook", allow_private=False)
    assert answer == webhooks.Answer(None, "refused: the host resolves to a loopback address")
    assert receiver.requests == []


def test_a_post_goes_to_the_address_that_was_checked_even_if_dns_changes_meanwhile(
    dns: FakeDNS, receiver: Receiver
) -> None:
    # the first answer is the receiver; any later lookup would give an address where
    # nothing listens (DNS rebinding swaps the answer between the check and the connect)
    dns.answers["erp.example.jp"] = ["127.0.0.1", "127.0.0.2"]
    answer = _post(f"http://erp.example.jp:{receiver.port}/hook?a=1")
    assert answer == webhooks.Answer(200)
    assert receiver.requests == [("POST", "/hook?a=1")]
    assert dns.lookups == ["erp.example.jp"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_fails_the_delivery(receiver: Receiver, status: int) -> None:
    receiver.status = status
    receiver.location = f"http://127.0.0.1:{receiver.port}/elsewhere"
    answer = _post(f"http://127.0.0.1:{receiver.port}/hook")
    assert answer == webhooks.Answer(status, f"redirect not followed (HTTP {status})")
    assert not answer.ok
    assert receiver.requests == [("POST", "/hook")]


def test_an_error_status_and_a_closed_port_are_failed_deliveries(receiver: Receiver) -> None:
    receiver.status = 503
    assert _post(f"http://127.0.0.1:{receiver.port}/hook") == webhooks.Answer(503, "HTTP 503")
    receiver.server.shutdown()
    receiver.server.server_close()
    answer = _post(f"http://127.0.0.1:{receiver.port}/hook")
    assert answer == webhooks.Answer(None, "ConnectionRefusedError")
