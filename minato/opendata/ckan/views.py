"""The HTTP side of CKAN's Action API: the request as a dict, the result or error in CKAN's
envelope (``ckan/views/api.py``).

Every answer is public open data: no session, no CSRF token, and any web page may read it
(``Access-Control-Allow-Origin: *``), as from a CKAN site.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from minato.opendata import answers
from minato.opendata.ckan import (
    NotAuthorized,
    NotFound,
    SearchQueryError,
    ValidationError,
    actions,
)

logger = logging.getLogger(__name__)

JSON = "application/json;charset=utf-8"
JAVASCRIPT = "application/javascript;charset=utf-8"
METHODS = "GET, POST, OPTIONS"
# A JSONP callback is a JavaScript name (jQuery's are jQuery123_456, some are a.b.c or $x):
# anything else is ignored, so that the parameter cannot inject script.
CALLBACK = re.compile(r"[A-Za-z0-9_.$]+")
# How much of an unusable body an error message repeats.
ECHO_CHARACTERS = 200


class _BadRequest(Exception):
    """Request data CKAN could not read: 400, "Bad request - JSON Error: …"."""


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _encode(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False)


def _finish(request: HttpRequest, status: int, body: Any) -> HttpResponse:
    return _finish_encoded(request, status, _encode(body).encode("utf-8"))


def _finish_encoded(request: HttpRequest, status: int, content: bytes) -> HttpResponse:
    content_type = JSON
    callback = request.GET.get("callback", "")
    if status == 200 and request.method in ("GET", "HEAD") and CALLBACK.fullmatch(callback):
        # U+2028 and U+2029 are valid in JSON but end a line in older JavaScript engines.
        text = content.decode("utf-8")
        script = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        content, content_type = f"{callback}({script});".encode(), JAVASCRIPT
    return _cors(HttpResponse(content, status=status, content_type=content_type))


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    # CKAN answers these with a bare JSON string, not the envelope.
    return _finish(request, 400, f"Bad request - {message}")


def _mixed(params: QueryDict) -> dict[str, Any]:
    """A parameter given once is a string, one given more than once a list (CKAN's mixed)."""
    return {key: values[0] if len(values) == 1 else values for key, values in params.lists()}


def _form(request: HttpRequest) -> QueryDict:
    try:
        return request.POST
    except RequestDataTooBig:
        raise _BadRequest("The request body is too large") from None
    except (MultiPartParserError, SuspiciousOperation) as error:
        raise _BadRequest(f"Error decoding form data. Error: {error!r}") from None


def _request_data(request: HttpRequest, *, side_effect_free: bool) -> dict[str, Any]:
    """The action's parameters, read as CKAN's _get_request_data reads them: a form, else the
    query string (reads only), else a JSON object in the body."""
    if request.method in ("GET", "HEAD") and not side_effect_free:
        raise _BadRequest("Invalid request. Please use POST method for your request")
    form = _form(request) if request.method == "POST" else QueryDict()
    data: Any = {}
    if form:
        values = [form.get(key) for key in form]
        if len(values) == 1 and values[0] in ("1", ""):
            # An old client's JSON sent as the name of the only form field.
            data = _json(next(iter(form)))
        else:
            data = _mixed(form)
    elif request.GET and side_effect_free:
        data = _mixed(request.GET)
    elif not (request.content_type or "").startswith("multipart/") and request.body:
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _BadRequest(_json_error_message(error)) from None
        data = _json(body)
    if not isinstance(data, dict):
        shown = repr(data)[:ECHO_CHARACTERS]
        raise _BadRequest(f"Request data JSON decoded to {shown} but it needs to be a dictionary.")
    _check_text(data)
    return data


def _json_error_message(error: Exception) -> str:
    return f"Error decoding JSON data. Error: {error!r} JSON data extracted from the request: {{}}"


def _json(body: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise _BadRequest(_json_error_message(error)) from None


def _check_text(data: dict[str, Any]) -> None:
    # No database column stores a NUL character or half a surrogate pair; refuse them here
    # rather than fail in a query. (A loop, not recursion: JSON may nest deeply.)
    pending: list[Any] = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise _BadRequest("Request data must not contain NUL characters")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _BadRequest("Request data must be valid Unicode text") from None


def _help_url(name: str) -> str:
    path = reverse("ckan:action", kwargs={"logic_function": "help_show"})
    return f"{settings.SITE_URL}{path}?{urlencode({'name': name})}"


def _preflight() -> HttpResponse:
    response = _cors(HttpResponse(status=200))
    response["Allow"] = METHODS
    response["Access-Control-Allow-Methods"] = METHODS
    response["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-CKAN-API-Key"
    response["Access-Control-Max-Age"] = "86400"
    return response


def _error(error: Exception) -> tuple[int, dict[str, Any]]:
    """The HTTP status and the envelope's ``error`` for an action's error."""
    if isinstance(error, NotFound):
        message = f"Not found: {error.message}" if error.message else "Not found"
        return 404, {"__type": "Not Found Error", "message": message}
    if isinstance(error, ValidationError):
        return 409, {**error.errors, "__type": "Validation Error"}
    if isinstance(error, NotAuthorized):
        message = f"Access denied: {error.message}" if error.message else "Access denied"
        return 403, {"__type": "Authorization Error", "message": message}
    if isinstance(error, SearchQueryError):
        # CKAN writes the repr of the exception's arguments: the message in quotes.
        return 400, {
            "__type": "Search Query Error",
            "message": f"Search Query is invalid: {error.message!r}",
        }
    return 500, {"__type": "Internal Server Error", "message": "Internal Server Error"}


@csrf_exempt
def action(request: HttpRequest, logic_function: str) -> HttpResponse:
    """/api/3/action/<name> and /api/action/<name>: one action, by GET or POST."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD", "POST"):
        response = _cors(HttpResponse(status=405))
        response["Allow"] = METHODS
        return response
    function = actions.ACTIONS.get(logic_function)
    if function is None:
        return _bad_request(request, f"Action name not known: {logic_function}")
    envelope: dict[str, Any] = {"help": _help_url(logic_function)}
    try:
        data = _request_data(request, side_effect_free=logic_function in actions.READ_ACTIONS)
    except _BadRequest as error:
        return _bad_request(request, f"JSON Error: {error}")
    # JSONP's callback names the response's wrapper, not a parameter of the action.
    data.pop("callback", None)
    try:
        if logic_function in actions.REMEMBERED_ACTIONS:

            def whole_answer() -> bytes:
                answer = {**envelope, "success": True, "result": function(data)}
                return _encode(answer).encode("utf-8")

            content = answers.remembered(logic_function, data, whole_answer)
            return _finish_encoded(request, 200, content)
        envelope.update(success=True, result=function(data))
    except Exception as error:
        if not isinstance(error, NotFound | ValidationError | NotAuthorized | SearchQueryError):
            logger.exception("CKAN action %s failed", logic_function)
        status, envelope["error"] = _error(error)
        envelope["success"] = False
        return _finish(request, status, envelope)
    return _finish(request, 200, envelope)


@csrf_exempt
@require_safe
def api_version(request: HttpRequest, ver: str = "1") -> HttpResponse:
    """/api and /api/1 … /api/3: the API version, as CKAN answers (1 at /api)."""
    return _finish(request, 200, {"version": int(ver)})
