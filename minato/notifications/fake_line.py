"""A stand-in for the LINE Messaging API on loopback, for tests, benchmarks and the demo.

It checks requests as LINE does: the bearer token, the JSON body's shape, at most 500
recipients a multicast and 5 messages a request, text of at most 5,000 characters, and
``X-Line-Retry-Key`` (a request whose key was accepted before gets 409, as LINE answers).
It records what it accepted. ``fail_next`` makes the next sends answer a given status (a
429 rate limit, a 400 unknown user) to exercise retries and fallbacks.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

USER_ID = re.compile(r"^U[0-9a-f]{32}$")
Start = Callable[[str, list[tuple[str, str]]], Any]


@dataclass
class Sent:
    kind: str  # push, multicast, reply
    to: list[str]
    texts: list[str]
    retry_key: str


@dataclass
class FakeLine:
    token: str
    sent: list[Sent] = field(default_factory=list)
    retry_keys: set[str] = field(default_factory=set)
    fail_next: list[int] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    link_tokens: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {self.token}":
            return _json(start, 401, {"message": "Authentication failed"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        link = re.fullmatch(r"/v2/bot/user/(U[0-9a-f]{32})/linkToken", path)
        if link and method == "POST":
            token = uuid.uuid4().hex
            with self.lock:
                self.link_tokens[token] = link.group(1)
            return _json(start, 200, {"linkToken": token})
        kinds = {
            "/v2/bot/message/push": "push",
            "/v2/bot/message/multicast": "multicast",
            "/v2/bot/message/reply": "reply",
        }
        if method != "POST" or path not in kinds:
            return _json(start, 404, {"message": "Not found"})
        try:
            body = json.loads(raw)
        except ValueError:
            return _json(start, 400, {"message": "The request body has 1 error(s)"})
        return self._send(kinds[path], body, environ.get("HTTP_X_LINE_RETRY_KEY", ""), start)

    def _send(self, kind: str, body: Any, key: str, start: Start) -> Iterable[bytes]:
        problem = _problem(kind, body, key)
        if problem:
            return _json(start, 400, {"message": problem})
        recipients = [] if kind == "reply" else ([body["to"]] if kind == "push" else body["to"])
        with self.lock:
            if key and key in self.retry_keys:
                return _json(
                    start, 409, {"message": "The retry key is already accepted"}, accepted=key
                )
            if self.fail_next:
                status = self.fail_next.pop(0)
                return _json(start, status, {"message": f"failing with {status} on purpose"})
            if any(user in self.blocked for user in recipients) and kind == "push":
                return _json(start, 400, {"message": "Failed to send messages"})
            if key:
                self.retry_keys.add(key)
            self.sent.append(
                Sent(kind, recipients, [m["text"] for m in body["messages"]], retry_key=key)
            )
        return _json(start, 200, {"sentMessages": [{"id": uuid.uuid4().hex}]})


def _problem(kind: str, body: Any, key: str) -> str:
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return "The property, 'messages', in the request body is invalid"
    if not 1 <= len(body["messages"]) <= 5:
        return "Size must be between 1 and 5"
    for message in body["messages"]:
        if message.get("type") != "text" or not 1 <= len(message.get("text") or "") <= 5000:
            return "The property, 'messages[0].text', in the request body is invalid"
    if key:
        try:
            uuid.UUID(key)
        except ValueError:
            return "The retry key must be a UUID"
    if kind == "push" and not USER_ID.match(str(body.get("to", ""))):
        return "The property, 'to', in the request body is invalid"
    if kind == "multicast":
        to = body.get("to")
        if not isinstance(to, list) or not 1 <= len(to) <= 500:
            return "Size must be between 1 and 500"
        if not all(USER_ID.match(str(user)) for user in to):
            return "The property, 'to', in the request body is invalid"
    if kind == "reply" and not body.get("replyToken"):
        return "The property, 'replyToken', in the request body is invalid"
    return ""


def _json(start: Start, status: int, body: Any, accepted: str = "") -> list[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
    headers = [("Content-Type", "application/json")]
    if accepted:
        headers.append(("X-Line-Accepted-Request-Id", accepted))
    start(f"{status} {reasons.get(status, 'Error')}", headers)
    return [json.dumps(body).encode()]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


class _ThreadingServer(WSGIServer):
    daemon_threads = True


def serve(app: FakeLine, port: int = 0) -> tuple[WSGIServer, str]:
    """Serve the fake on 127.0.0.1 in a background thread; returns the server and its URL."""
    from socketserver import ThreadingMixIn

    server_class = type("Server", (ThreadingMixIn, _ThreadingServer), {})
    server: WSGIServer = make_server(
        "127.0.0.1", port, app, server_class=server_class, handler_class=_Quiet
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
