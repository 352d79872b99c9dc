"""A stand-in for the LINE Messaging API on loopback, for tests, benchmarks and the demo.

It checks requests as LINE does: the bearer token, the JSON body's shape, at most 500
recipients a multicast and 5 messages a request, text of at most 5,000 characters, and
``X-Line-Retry-Key`` (a request whose key was accepted before gets 409, as LINE answers).
It records what it accepted. ``fail_next`` makes the next sends answer a given status (a
429 rate limit, a 400 unknown user) to exercise retries and fallbacks.

For a person (``manage.py fake_line`` in the demo) it also plays the LINE app, given the
channel secret and the site: ``/`` is a simulator where one creates LINE users, adds the ward
as a friend, sends it text and reads what the ward sent them; ``/dialog/bot/accountLink`` is
LINE's account-link dialog. Each action posts a webhook to ``<site>/line/webhook`` shaped and
signed as LINE's. These pages need no token: they stand for the user's phone, not the API.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from socketserver import ThreadingMixIn
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

USER_ID = re.compile(r"^U[0-9a-f]{32}$")
Start = Callable[[str, list[tuple[str, str]]], Any]
WEBHOOK_TIMEOUT_SECONDS = 10
# Crockford's base32, as in a ULID (LINE's webhookEventId looks like one).
ULID_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
URL = re.compile(r"https?://[^\s<>\"']+")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Sent:
    kind: str  # push, multicast, reply
    to: list[str]  # a reply's user, when the reply token came from the simulator
    texts: list[str]
    retry_key: str
    at: datetime = field(default_factory=_now)


@dataclass
class Webhook:
    """An event the simulator posted to the site, and the site's answer."""

    user: str
    kind: str
    text: str
    answer: str  # "200", "400", or why nothing came back
    at: datetime = field(default_factory=_now)


@dataclass
class FakeLine:
    token: str
    sent: list[Sent] = field(default_factory=list)
    retry_keys: set[str] = field(default_factory=set)
    fail_next: list[int] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    link_tokens: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The simulator: the channel secret that signs webhooks and the site that receives them.
    secret: str = ""
    site: str = ""
    users: dict[str, str] = field(default_factory=dict)  # LINE user id -> name
    friends: dict[str, bool] = field(default_factory=dict)  # following now; False: blocked
    reply_tokens: dict[str, str] = field(default_factory=dict)  # -> LINE user id
    webhooks: list[Webhook] = field(default_factory=list)

    @property
    def destination(self) -> str:
        """The ward's bot user id, which LINE puts in every webhook."""
        return "U" + hashlib.sha256(self.token.encode()).hexdigest()[:32]

    def __call__(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if path == "/" or path.startswith(("/simulator/", "/dialog/")):
            return self._person(environ, start)
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
            if kind == "reply" and body["replyToken"] in self.reply_tokens:
                recipients = [self.reply_tokens.pop(body["replyToken"])]
            self.sent.append(
                Sent(kind, recipients, [m["text"] for m in body["messages"]], retry_key=key)
            )
        return _json(start, 200, {"sentMessages": [{"id": uuid.uuid4().hex}]})

    # --- The LINE app, for a person -------------------------------------------------------

    def event_post(self, user: str, kind: str, text: str = "", **extra: Any) -> Webhook:
        """Post one event from ``user`` to the site's webhook as LINE does; record the answer."""
        event: dict[str, Any] = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user},
            "webhookEventId": _ulid(),
            "deliveryContext": {"isRedelivery": False},
        }
        if kind != "unfollow":  # one cannot answer a user who blocked the account
            event["replyToken"] = uuid.uuid4().hex
            with self.lock:
                self.reply_tokens[event["replyToken"]] = user
        if kind == "message":
            event["message"] = {
                "type": "text",
                "id": str(secrets.randbelow(10**18)),
                "quoteToken": secrets.token_urlsafe(32),
                "text": text,
            }
        event.update(extra)
        payload = {"destination": self.destination, "events": [event]}
        body = json.dumps(payload, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (the command allows http(s) only)
            f"{self.site}/line/webhook",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "LineBotWebhook/2.0",
                "X-Line-Signature": _signature(body, self.secret),
            },
        )
        sent_at = _now()  # before the site's answer, which may already hold its reply
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = str(response.status)
        except HTTPError as exc:
            answer = str(exc.code)
        except (URLError, OSError) as exc:
            answer = f"no answer ({exc})"
        webhook = Webhook(user, kind, text, answer, at=sent_at)
        with self.lock:
            self.webhooks.append(webhook)
        return webhook

    def _person(self, environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if method == "GET" and path == "/":
            return self._simulator(start, query.get("user", ""), bool(query.get("auto")))
        if method == "GET" and path == "/dialog/bot/accountLink":
            return self._link_dialog(start, query.get("linkToken", ""), query.get("nonce", ""))
        if method != "POST":
            return _page(start, 404, "Not found", "<p>There is no such page.</p>")
        # Another site in the same browser must not act as this user (a cross-site POST).
        origin = environ.get("HTTP_ORIGIN", "")
        if origin and urlsplit(origin).netloc != environ.get("HTTP_HOST", ""):
            return _page(start, 403, "Forbidden", "<p>Cross-site request refused.</p>")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if path == "/dialog/bot/accountLink":
            return self._link_confirm(start, form.get("linkToken", ""), form.get("nonce", ""))
        if path == "/simulator/users":
            user = form.get("user_id", "").strip() or "U" + uuid.uuid4().hex
            if not USER_ID.match(user):
                return _page(
                    start, 400, "Bad user id", "<p>A LINE user id is U and 32 hex digits.</p>"
                )
            with self.lock:
                name = form.get("name", "").strip() or f"LINE user {len(self.users) + 1}"
                self.users[user] = self.users.get(user) or name[:40]
            return _redirect(start, user)
        if path not in ("/simulator/follow", "/simulator/unfollow", "/simulator/message"):
            return _page(start, 404, "Not found", "<p>There is no such page.</p>")
        # LINE user ids are checked against USER_ID before they reach a page, so they are
        # written there as they are.
        user = form.get("user", "")
        if not USER_ID.match(user):
            return _page(start, 400, "Bad user id", "<p>Pick a LINE user first.</p>")
        if path == "/simulator/follow":
            with self.lock:
                unblocked = self.friends.get(user) is False
                self.friends[user] = True
            self.event_post(user, "follow", follow={"isUnblocked": unblocked})
        elif path == "/simulator/unfollow":
            with self.lock:
                self.friends[user] = False
            self.event_post(user, "unfollow")
        elif path == "/simulator/message" and form.get("text", "").strip():
            self.event_post(user, "message", form["text"].strip()[:5000])
        return _redirect(start, user)

    def _simulator(self, start: Start, user: str, auto: bool) -> Iterable[bytes]:
        with self.lock:
            users = dict(self.users)
            if USER_ID.match(user):
                users.setdefault(user, "LINE user")
            else:
                user = next(reversed(users), "")
            friend = self.friends.get(user)
            timeline = [
                (w.at, "you", _webhook_text(w)) for w in self.webhooks if w.user == user
            ] + [
                (s.at, f"ward ({s.kind})", "\n\n".join(s.texts)) for s in self.sent if user in s.to
            ]
        body = [
            f"<p>This page plays the LINE app for the demo. What you do here is sent, signed "
            f"with the channel secret, to <code>{escape(self.site)}/line/webhook</code>.</p>",
            "<h2>LINE users</h2>",
        ]
        if users:
            body.append("<ul>")
            for uid, name in users.items():
                label = f"{escape(name)} <code>{uid}</code>"
                current = ' aria-current="page"' if uid == user else ""
                body.append(f'<li><a href="/?user={uid}"{current}>{label}</a></li>')
            body.append("</ul>")
        body.append(
            '<form method="post" action="/simulator/users" class="row">'
            '<label>Name <input name="name" maxlength="40"></label> '
            '<label>User id (optional) <input name="user_id" size="34" '
            'pattern="U[0-9a-f]{32}"></label> '
            '<button type="submit">New LINE user</button></form>'
        )
        if user:
            hidden = f'<input type="hidden" name="user" value="{user}">'
            state = {True: "a friend", False: "blocked", None: "not a friend yet"}[friend]
            refresh = f"/?user={user}" + ("" if auto else "&amp;auto=1")
            body += [
                f"<h2>{escape(users[user])} <code>{user}</code></h2>",
                f"<p>The ward's account is {state}.</p>",
                '<div class="row">',
                f'<form method="post" action="/simulator/follow">{hidden}'
                '<button type="submit">Add the ward as a friend (follow)</button></form>',
                f'<form method="post" action="/simulator/unfollow">{hidden}'
                '<button type="submit">Block (unfollow)</button></form></div>',
                f'<form method="post" action="/simulator/message" class="row">{hidden}'
                '<label>Message <input name="text" maxlength="5000" required></label> '
                '<button type="submit">Send</button></form>',
                '<div class="row">',
                *(
                    f'<form method="post" action="/simulator/message">{hidden}'
                    f'<input type="hidden" name="text" value="{word}">'
                    f'<button type="submit">{word}</button></form>'
                    for word in ("連携", "予約", "申請", "解除")
                ),
                "</div>",
                f'<p><a href="/?user={user}">Refresh</a> · <a href="{refresh}">'
                f"{'Stop auto-refresh' if auto else 'Auto-refresh every 5 seconds'}</a></p>",
                "<h2>Messages (newest first)</h2>",
            ]
            if not timeline:
                body.append("<p>Nothing yet.</p>")
            for at, who, text in sorted(timeline, key=lambda item: item[0], reverse=True):
                when = at.astimezone().strftime("%H:%M:%S")
                body.append(
                    f'<div class="message {"mine" if who == "you" else "theirs"}">'
                    f"<small>{when} · {escape(who)}</small><p>{_linked(text)}</p></div>"
                )
        return _page(start, 200, "LINE app simulator", "\n".join(body), refresh=auto)

    def _link_dialog(self, start: Start, link_token: str, nonce: str) -> Iterable[bytes]:
        with self.lock:
            user = self.link_tokens.get(link_token, "")
            name = self.users.get(user, "LINE user")
        if not user or not nonce:
            return _expired(start)
        return _page(
            start,
            200,
            "Link your LINE account",
            f"<p>Minato City asks to link your LINE account <strong>{escape(name)}</strong> "
            f"<code>{user}</code> to your account on its site. It will then send you its "
            "messages here in LINE.</p>"
            '<form method="post" action="/dialog/bot/accountLink" class="row">'
            f'<input type="hidden" name="linkToken" value="{escape(link_token)}">'
            f'<input type="hidden" name="nonce" value="{escape(nonce)}">'
            '<button type="submit">Link</button></form>'
            f'<p><a href="/?user={user}">Cancel</a></p>',
        )

    def _link_confirm(self, start: Start, link_token: str, nonce: str) -> Iterable[bytes]:
        with self.lock:  # a link token works once
            user = self.link_tokens.pop(link_token, "")
        if not user or not nonce:
            return _expired(start)
        webhook = self.event_post(user, "accountLink", link={"result": "ok", "nonce": nonce})
        back = f'<p><a href="/?user={user}">Back to the LINE app simulator</a></p>'
        if webhook.answer != "200":
            return _page(
                start,
                502,
                "Not linked",
                f"<p>The site answered {escape(webhook.answer)} to the accountLink event.</p>"
                + back,
            )
        return _page(
            start,
            200,
            "Linked",
            "<p>LINE told the site that you agreed. The site's answer is in the simulator. "
            "You can close this page.</p>" + back,
        )


def _ulid() -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(ULID_DIGITS[(value >> shift) & 31] for shift in range(125, -1, -5))


def _signature(body: bytes, secret: str) -> str:
    # Computed here rather than with line.signature_of, so the tests check one against the other.
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _webhook_text(webhook: Webhook) -> str:
    said = webhook.text if webhook.kind == "message" else f"[{webhook.kind}]"
    return said if webhook.answer == "200" else f"{said}\n(the site answered {webhook.answer})"


def _linked(text: str) -> str:
    """The text escaped, its URLs made links (the site sends its link page this way)."""
    parts, last = [], 0
    for match in URL.finditer(text):
        url = match.group(0)
        parts += [escape(text[last : match.start()]), f'<a href="{escape(url)}">{escape(url)}</a>']
        last = match.end()
    return "".join([*parts, escape(text[last:])]).replace("\n", "<br>")


def _expired(start: Start) -> list[bytes]:
    return _page(
        start,
        400,
        "This link has expired",
        "<p>The link token is unknown or was used. Send 連携 in the "
        '<a href="/">LINE app simulator</a> again.</p>',
    )


def _page(start: Start, status: int, title: str, body: str, refresh: bool = False) -> list[bytes]:
    meta = '<meta http-equiv="refresh" content="5">' if refresh else ""
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{meta}
<title>{escape(title)} · fake LINE</title>
<style>
body {{ font-family: sans-serif; max-width: 40rem; margin: 1rem auto; padding: 0 1rem; }}
header {{ background: #06c755; color: #fff; padding: .5rem 1rem; border-radius: .5rem; }}
.row {{ display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .5rem 0; }}
.message {{ border-radius: .75rem; padding: .25rem .75rem; margin: .5rem 0; }}
.mine {{ background: #d6f5c9; margin-left: 4rem; }}
.theirs {{ background: #eee; margin-right: 4rem; }}
.message p {{ margin: .25rem 0; overflow-wrap: anywhere; }}
</style></head>
<body><header>Fake LINE (demo, no real LINE)</header>
<main><h1>{escape(title)}</h1>
{body}
</main></body></html>
"""
    reasons = {
        200: "OK",
        400: "Bad Request",
        403: "Forbidden",
        404: "Not Found",
        502: "Bad Gateway",
    }
    start(
        f"{status} {reasons.get(status, 'Error')}",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
            (
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                "frame-ancestors 'none'",
            ),
        ],
    )
    return [html.encode()]


def _redirect(start: Start, user: str) -> list[bytes]:
    start("303 See Other", [("Location", "/?" + urlencode({"user": user}))])
    return []


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


def server_for(app: FakeLine, port: int = 0) -> WSGIServer:
    """A threaded server for the fake on 127.0.0.1 only (the site and the fake call each
    other during one webhook, so it must answer while it waits)."""
    server_class = type("Server", (ThreadingMixIn, _ThreadingServer), {})
    return make_server("127.0.0.1", port, app, server_class=server_class, handler_class=_Quiet)


def serve(app: FakeLine, port: int = 0) -> tuple[WSGIServer, str]:
    """Serve the fake in a background thread; returns the server and its URL."""
    server = server_for(app, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
