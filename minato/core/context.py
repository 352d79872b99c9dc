"""Who is acting, and in which request, for code far from the view (services, audit, logs).

Middleware fills these context variables for each request; the task worker fills them for
each task. Services read them instead of taking a request argument they do not need.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    request_id: str = ""
    ip: str = ""
    actor_id: int | None = None
    actor_label: str = "system"
    department_id: int | None = None


# ActorContext is frozen, so sharing the default instance is safe.
_current: contextvars.ContextVar[ActorContext] = contextvars.ContextVar(
    "minato_actor_context",
    default=ActorContext(),  # noqa: B039
)


def current() -> ActorContext:
    return _current.get()


def set_current(context: ActorContext) -> contextvars.Token[ActorContext]:
    return _current.set(context)


def reset(token: contextvars.Token[ActorContext]) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting_as(*, actor_id: int | None = None, actor_label: str = "system") -> Iterator[None]:
    """Run a block (a task, a management command) on behalf of someone other than a request."""
    base = current()
    token = set_current(
        ActorContext(
            request_id=base.request_id or new_request_id(),
            ip=base.ip,
            actor_id=actor_id,
            actor_label=actor_label,
        )
    )
    try:
        yield
    finally:
        reset(token)
