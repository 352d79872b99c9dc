"""Schemas every API module shares: the problem document and a strict input base class."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, field_validator


class Problem(Schema):
    """RFC 9457 problem details. ``errors`` lists field errors for 422 responses."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None


ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)
PROBLEM_RESPONSES: dict[int, type[Problem]] = {status: Problem for status in ERROR_STATUSES}


def responses(ok: dict[int, Any]) -> dict[int, Any]:
    """An endpoint's response map: its success schemas plus the shared problem responses."""
    return {**PROBLEM_RESPONSES, **ok}


def _check_text(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("must be valid Unicode text") from exc
    return value


class InputSchema(Schema):
    """Base for request bodies: unknown fields are errors and text must be storable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _text_is_storable(cls, value: Any) -> Any:
        return _check_nested(value, depth=0)


# Far deeper than anything the platform takes (a name in a group item is 3 levels, a form
# definition about 10); stops a pathological body long before Python's recursion limit.
MAX_NESTING = 32


def _check_nested(value: Any, *, depth: int) -> Any:
    """Every text in lists and objects, at any depth (a name inside a group item), and the
    keys of objects, must be storable; too deep a structure is refused."""
    if isinstance(value, list | dict) and depth >= MAX_NESTING:
        raise ValueError("is nested too deeply")
    if isinstance(value, list):
        return [_check_nested(item, depth=depth + 1) for item in value]
    if isinstance(value, dict):
        return {
            _check_text(key): _check_nested(item, depth=depth + 1) for key, item in value.items()
        }
    return _check_text(value)
