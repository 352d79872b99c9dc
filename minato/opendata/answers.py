"""Search answers kept between requests until the catalogue changes.

``package_search`` is public and the same for every client, and harvesters and portals ask
the same few searches again and again; each costs a scan of every dataset (the clauses are
``LIKE '%…%'``). So each process keeps the encoded answers it computed, keyed by the
catalogue's *revision* and the request's parameters.

The revision is a random token in the shared cache (Redis in production, the database cache
otherwise), replaced whenever a dataset's document is rebuilt (``documents.refresh``, which
every change goes through): once inside the changing transaction, so that the process making
the change never reuses an older answer, and again after it commits, so that an answer
another process computed before the commit, under the first new token, is not reused after
it. A token is never reused (a counter could restart at a value whose answers a process
still holds, if the shared cache lost the key). A change that bypasses the services, or a
process that dies between a commit and its second replacement, is covered by the answers'
age limit (``OPENDATA_SEARCH_CACHE_SECONDS``). Each process holds at most
``OPENDATA_SEARCH_CACHE_BYTES`` of answers, oldest dropped first; 0 turns the cache off.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

REVISION_KEY = "opendata:catalogue-revision"
# Relative times ("NOW-7DAYS") mean something else a minute later.
_TIME_DEPENDENT = "NOW"

_lock = threading.Lock()
# key: (revision, action, parameters); value: (expiry, the answer's bytes)
_answers: OrderedDict[tuple[str, str, str], tuple[float, bytes]] = OrderedDict()
_held_bytes = 0


def _new_revision() -> None:
    cache.set(REVISION_KEY, uuid.uuid4().hex, None)


def catalogue_changed() -> None:
    """A dataset's document changed: answers computed before may no longer be true."""
    _new_revision()
    transaction.on_commit(_new_revision)


def revision() -> str:
    """The catalogue's current revision: a token that changes with every dataset's change."""
    revision = cache.get(REVISION_KEY)
    if revision is None:
        cache.add(REVISION_KEY, uuid.uuid4().hex, None)
        revision = cache.get(REVISION_KEY)
    return str(revision)


def _forget_oldest_until(limit: int) -> None:
    global _held_bytes
    while _answers and _held_bytes > limit:
        _, (_, answer) = _answers.popitem(last=False)
        _held_bytes -= len(answer)


def remembered(action: str, data: dict[str, Any], compute: Callable[[], bytes]) -> bytes:
    """The encoded answer of ``action`` for ``data``: kept, or computed by ``compute`` (whose
    exceptions pass through, and are not kept)."""
    limit = settings.OPENDATA_SEARCH_CACHE_BYTES
    parameters = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    if limit <= 0 or _TIME_DEPENDENT in parameters.upper():
        return compute()
    key = (revision(), action, parameters)
    now = time.monotonic()
    with _lock:
        kept = _answers.get(key)
        if kept is not None and kept[0] > now:
            _answers.move_to_end(key)
            return kept[1]
    answer = compute()
    # An answer larger than an eighth of the room would push out many smaller ones.
    if len(answer) <= limit // 8:
        global _held_bytes
        with _lock:
            previous = _answers.pop(key, None)
            if previous is not None:
                _held_bytes -= len(previous[1])
            _answers[key] = (now + settings.OPENDATA_SEARCH_CACHE_SECONDS, answer)
            _held_bytes += len(answer)
            _forget_oldest_until(limit)
    return answer


def clear() -> None:
    global _held_bytes
    with _lock:
        _answers.clear()
        _held_bytes = 0
