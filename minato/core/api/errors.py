"""Turn every error the API can raise into an RFC 9457 problem+json response."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from minato.core.problems import PROBLEM_CONTENT_TYPE, problem_response

logger = logging.getLogger(__name__)

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
}


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Pydantic's ctx/input may hold objects that are not JSON; keep what a client can use.
    return [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def install(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem_response(
            request,
            status=422,
            title=_TITLES[422],
            detail="One or more fields are invalid.",
            errors=_field_errors(list(exc.errors)),
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        return problem_response(
            request, status=status, title=_TITLES.get(status, "Error"), detail=str(exc)
        )

    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            request,
            status=401,
            title=_TITLES[401],
            detail="Send a valid bearer token or sign in.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(request, status=404, title=_TITLES[404])

    def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(
            request, status=403, title=_TITLES[403], detail=str(exc) or "Not allowed."
        )

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(
            request,
            status=413,
            title=_TITLES[413],
            detail=f"Bodies over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes are refused.",
        )

    def on_unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A malformed body is the client's error, whatever part of Django found it: a
        # multipart body without its boundary, too many fields or files, a broken encoding.
        return problem_response(
            request,
            status=400,
            title=_TITLES[400],
            detail="The request body could not be read: check its Content-Type (a "
            "multipart/form-data body needs its boundary) and encoding.",
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error")
        return problem_response(request, status=500, title=_TITLES[500])

    api.add_exception_handler(ValidationError, on_validation)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, on_http_error)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, on_auth)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, on_not_found)  # type: ignore[arg-type]
    api.add_exception_handler(PermissionDenied, on_forbidden)  # type: ignore[arg-type]
    api.add_exception_handler(RequestDataTooBig, on_too_big)  # type: ignore[arg-type]
    for unreadable in (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError):
        api.add_exception_handler(unreadable, on_unreadable_body)  # type: ignore[arg-type]
    api.add_exception_handler(Exception, on_unexpected)  # type: ignore[arg-type]


def mark_problem_content_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Document error responses as application/problem+json, as they are served."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status).startswith(("4", "5")) and "application/json" in content:
                    content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
    return schema
