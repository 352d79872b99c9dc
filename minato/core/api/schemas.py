"""Schemas every API module shares: the problem document and a strict input base class."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator


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


# Text the platform stores must be storable: PostgreSQL refuses NUL, and the middleware
# refuses it in query strings. Declared on every string of the schema (``declare_storable_
# text``), so a client that follows the document is never refused for it.
NO_NUL = r"^[^\x00]*$"
# A date from 2000 to 2999, for filters over records the platform holds. JSON Schema has no
# minimum for a date, so the range is stated as a pattern beside the date format.
DATE_2000_TO_2999 = r"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def record_date_filter(description: str) -> Any:
    """An optional date filter over the platform's records (2000 to 2999: anything else
    would overflow a date, and nothing the platform holds is outside it)."""
    return Field(
        None,
        ge=date(2000, 1, 1),
        le=date(2999, 12, 31),
        description=f"{description} (a date from 2000-01-01 to 2999-12-31)",
        json_schema_extra={"pattern": DATE_2000_TO_2999},
    )


def declare_storable_text(schema: dict[str, Any]) -> dict[str, Any]:
    """Add ``NO_NUL`` to every free-text string in the document's parameters and
    component schemas (those without a pattern, format or fixed values), and to the keys
    of free-form objects."""

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        is_free_text = node.get("type") == "string" and not (
            {"pattern", "format", "enum", "const"} & node.keys()
        )
        if is_free_text:
            node["pattern"] = NO_NUL
        if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
            node.setdefault("propertyNames", {"pattern": NO_NUL})
        for key, value in node.items():
            if key not in ("example", "examples", "default", "const", "enum"):
                visit(value)

    visit(schema.get("components", {}).get("schemas", {}))
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            visit(operation.get("parameters", []))
            visit(operation.get("requestBody", {}))
    return schema


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
