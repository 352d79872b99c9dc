"""Outgoing webhooks: a signed POST that cannot be aimed at the platform's own network.

Staff choose where some webhooks go (a business system's hand-off endpoint). Without a check,
such a URL could make the worker POST to the database, a cache, an admin port on localhost
or the cloud's metadata service (server-side request forgery). So:

- ``check_url`` refuses a URL whose host is, or resolves to, an address that is not public,
  when the URL is saved;
- ``post`` resolves the host once when sending, refuses it in the same way, and connects to
  the address it checked, so a DNS answer that changes in between (DNS rebinding) cannot
  move the request. It connects directly: no HTTP proxy, whose own lookup would not be
  checked. It never follows a redirect: a 3xx is a failed delivery.

``allow_private`` admits loopback and private addresses (development, the tests' local
receiver, a deployment whose business systems sit on a private network). Link-local
addresses (with the metadata service 169.254.169.254), unspecified, multicast and reserved
addresses are never admitted.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services (AWS, GCP, Azure, OpenStack; AWS over IPv6; Alibaba): named apart
# from the other link-local and private addresses, which are refused anyway.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # "this host": connects to ourselves
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeTarget(ValueError):
    """The URL's host is, or resolves to, an address webhooks may not be sent to."""


@dataclass(frozen=True)
class Answer:
    """What the receiver answered: its HTTP status (None when nobody answered) and, unless it
    was a 2xx, a short error label that never quotes the response or the URL."""

    status_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for, where it stands for one (::ffff:a.b.c.d,
    NAT64 and 6to4): that is the address the packets reach."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def refusal(address: IPAddress, *, allow_private: bool) -> str:
    """Why a webhook may not be sent to ``address``; "" when it may."""
    address = _embedded_ipv4(address)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified or address in THIS_NETWORK:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_loopback:
        return "" if allow_private else "a loopback address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_global or allow_private:
        return ""
    return "a private address"


def _addresses(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (raises ``socket.gaierror``)."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # An IPv6 answer may carry a zone ("fe80::1%eth0"): drop it to classify the address.
    return list(dict.fromkeys(ipaddress.ip_address(str(a[4][0]).split("%", 1)[0]) for a in answers))


def _refusal_of_host(host: str, addresses: list[IPAddress], *, allow_private: bool) -> str:
    # One address refused refuses the host: a name that also points inside is not a public
    # system, and the connection might be made to that address.
    for address in addresses:
        reason = refusal(address, allow_private=allow_private)
        if reason:
            return reason
    return ""


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise ``UnsafeTarget`` unless ``url`` is an http(s) URL whose host is a public address
    or a name whose addresses are all public. A name that does not resolve yet is accepted
    (the system may not be live): ``post`` checks again when it sends."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise UnsafeTarget("A webhook URL needs http(s) and a host")
    try:
        port = parts.port or 443
    except ValueError:
        raise UnsafeTarget("The webhook URL's port is not a number from 0 to 65535") from None
    try:
        literal = [ipaddress.ip_address(host)]
    except ValueError:
        literal = []
    try:
        addresses = literal or _addresses(host, port)
    except (OSError, UnicodeError):
        return
    reason = _refusal_of_host(host, addresses, allow_private=allow_private)
    if reason:
        raise UnsafeTarget(f"{host} {'is' if literal else 'resolves to'} {reason}")


def _connect(addresses: list[IPAddress], port: int, timeout: float | None) -> socket.socket:
    """A connection to the first of ``addresses`` that answers (as ``create_connection``
    tries each address of a name), never to anything resolved anew."""
    error: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout=timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, addresses: list[IPAddress], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, addresses: list[IPAddress], timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self) -> None:
        # The certificate is checked against the host name, not the address.
        sock = _connect(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool
) -> Answer:
    """POST ``body`` to ``url`` if its host's addresses pass ``refusal``, connecting to one of
    the addresses checked. A 3xx is not followed."""
    parts = urlsplit(url)
    host = parts.hostname
    https = parts.scheme == "https"
    if not host or parts.scheme not in ("http", "https"):
        return Answer(None, "not an http(s) URL with a host")
    try:
        port = parts.port or (443 if https else 80)
        addresses = _addresses(host, port)
    except (OSError, UnicodeError, ValueError):
        return Answer(None, "DNS lookup failed")
    reason = _refusal_of_host(host, addresses, allow_private=allow_private)
    if reason:
        return Answer(None, f"refused: the host resolves to {reason}")
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(host, port, addresses, timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, type(exc).__name__)
    finally:
        connection.close()
    if 200 <= status < 300:
        return Answer(status)
    if 300 <= status < 400:
        return Answer(status, f"redirect not followed (HTTP {status})")
    return Answer(status, f"HTTP {status}")


def timestamped_hmac(secret: str, timestamp: int | str, body: bytes) -> str:
    """HMAC-SHA256 (hex) over ``"<timestamp>.<body>"``: the webhook signature scheme of our
    hand-off and of the payment providers (Stripe's and GOV.UK Pay's), which lets a
    receiver refuse stale or replayed deliveries. Each sender puts it in its own header."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
