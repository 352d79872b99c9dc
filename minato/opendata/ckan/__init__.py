"""CKAN's Action API, read-only, at /api/3/action/<action> and /api/action/<action>.

The catalogue answers as a CKAN 2.10 site does, so that CKAN clients (ckanapi, the
ckanext-harvest CKAN harvester, the national catalogue's crawler, dashboards) read it
without knowing it is not CKAN: ``views`` turns a request into a dict and an action's result
or error into CKAN's envelope, ``actions`` holds the actions, ``query`` parses
``package_search``'s Solr-style parameters and ``datastore`` answers ``datastore_search`` from
the CSV files themselves.

An action raises one of the errors below; the view maps each to the HTTP status and the
``__type`` CKAN uses, which clients turn back into exceptions (ckanapi's ``NotFound``, …).
"""

from __future__ import annotations

from typing import Any


class ActionError(Exception):
    """An error an action answers with, in CKAN's envelope."""


class NotFound(ActionError):
    """404 "Not Found Error"; the message, if any, follows "Not found: "."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotAuthorized(ActionError):
    """403 "Authorization Error"; the message, if any, follows "Access denied: "."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ActionError):
    """409 "Validation Error": ``{field: [messages]}``, or ``{"message": text}`` as CKAN makes
    of a ValidationError raised with a plain string."""

    def __init__(self, errors: dict[str, Any] | str) -> None:
        self.errors: dict[str, Any] = errors if isinstance(errors, dict) else {"message": errors}
        super().__init__(self.errors)


class SearchQueryError(ActionError):
    """400 "Search Query Error": a q, fq, sort or facet.field the search cannot run."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- The checks of CKAN's schemas, with CKAN's messages ------------------------------------

MISSING = "Missing value"
# Larger offsets and limits overflow the databases' integers (and mean nothing here).
LARGEST_INTEGER = 2**31 - 1


def _as_integer(value: Any) -> int | None:
    # As CKAN's int_validator: whole numbers, in JSON or as text; None for "no value".
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError(value)


def integer(data: dict[str, Any], key: str, default: int) -> int:
    try:
        value = _as_integer(data.get(key))
    except ValueError:
        raise ValidationError({key: ["Invalid integer"]}) from None
    return default if value is None else value


def natural_number(
    data: dict[str, Any], key: str, default: int, maximum: int | None = LARGEST_INTEGER
) -> int:
    value = integer(data, key, default)
    if value < 0:
        raise ValidationError({key: ["Must be a natural number"]})
    if maximum is not None and value > maximum:
        raise ValidationError({key: [f"Must be less than or equal to {maximum}"]})
    return value


def boolean(data: dict[str, Any], key: str, default: bool = False) -> bool:
    """CKAN's boolean_validator: true, yes, on, 1, … are true; anything else is false."""
    value = data.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool | int):
        return bool(value)
    return str(value).strip().lower() in ("true", "yes", "on", "y", "t", "1")


def text(data: dict[str, Any], key: str, *, required: bool = False) -> str:
    """A text parameter; numbers are read as text, as CKAN's unicode_safe does."""
    value = data.get(key)
    if value is None:
        # CKAN's not_missing: an empty string is a value (and finds nothing).
        if required:
            raise ValidationError({key: [MISSING]})
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValidationError({key: ["Must be a string"]})


def string_list(data: dict[str, Any], key: str) -> list[str]:
    """A list of strings, or one comma-separated string (CKAN's list_of_strings_or_string)."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value]
    raise ValidationError({key: ["Not a list of strings"]})
