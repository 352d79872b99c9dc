"""Logging helpers: every record carries the request id; no record carries personal data.

Rule for the whole code base: log identifiers (user id, object id, route pattern), never
names, addresses, email addresses, tokens or full paths.
"""

from __future__ import annotations

import logging

from minato.core import context


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ctx = context.current()
        record.request_id = ctx.request_id or None
        record.actor_id = ctx.actor_id
        # Django attaches the request to some records; its repr holds the full path, which
        # can carry tokens or personal data. Keep only the method.
        request = getattr(record, "request", None)
        if request is not None:
            record.request = getattr(request, "method", None)
        if record.name == "django.request" and isinstance(record.args, tuple) and record.args:
            # "Internal Server Error: /path" -> keep the reason, drop the path.
            record.args = (record.args[0], "[path withheld]", *record.args[2:])
        return True
