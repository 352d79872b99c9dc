"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/, in JSON and
XML: the kinds of problem (``services``), their questions (service definitions), reports
(service requests) to read and to post, and tokens. Fixed addresses outside the language
prefixes, for the Open311 apps and aggregators people already use.

Reads are public open data: never the reporter, their contact details, the report's private
key or its Open311 token (the rows are read column by column, and those columns are not among
them). Posting needs an ``api_key``: a service account's bearer token with the scope
``reports:submit``, issued by a system administrator. Writes go through
``services.report_submit``, like the portal's.

Extensions to the specification, each optional: ``locale`` (ja, en) for the language of
names and descriptions, ``bbox`` on GET requests, and a photo as the multipart file
``media`` on POST requests. ``media_url`` is accepted and ignored: we never fetch anything
from the internet.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited
from ninja.errors import HttpError

from minato.accounts.api_auth import bearer
from minato.accounts.models import ApiToken
from minato.core import uploads
from minato.core.api.idempotency import idempotent
from minato.core.translated import localized
from minato.reports import selectors, services
from minato.reports.models import OPEN_STATUSES, Report, Service

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed in a way clients may care about (discovery's ``changeset``).
CHANGESET = "2026-12-06T00:00:00+09:00"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The specification's default and largest window of GET requests, and its "first 1000".
WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
# Seconds GET answers may be kept by browsers and proxies: the catalogue changes rarely,
# reports often.
CATALOGUE_MAX_AGE = 60
REQUESTS_MAX_AGE = 30
# Times clients filter on: nothing here is from before 2000 or after 2999, and a time outside
# that could overflow on its way to UTC.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999
TOKYO = ZoneInfo("Asia/Tokyo")
LANGUAGES = ("ja", "en")
# XML: the element of each item in a list, by the list's element (the spec's XML and its JSON
# are one structure, after the "Spark convention").
LIST_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}
# Characters XML 1.0 cannot carry at all, not even escaped (control characters a client may
# have put in a description).
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ATTRIBUTE_PARAMETER = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# The Open311 parameter behind each field report_submit may refuse.
PARAMETERS = {
    "service": "service_code",
    "description": "description",
    "location": "lat/long",
    "place_hint": "address_string",
    "photos": "media",
    "contact_name": "first_name/last_name",
    "contact_email": "email",
    "contact_phone": "phone",
}
INVALID_API_KEY = "Invalid api_key received -- can't proceed with create_request."


class Open311Error(Exception):
    """An answer in the specification's error format, with the matching HTTP status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- Rendering --------------------------------------------------------------------------


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_INVALID.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _fill(ET.SubElement(element, name), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, LIST_ITEMS[element.tag]), item)
    else:
        element.text = _xml_text(value)


def to_xml(root: str, data: Any) -> bytes:
    """The specification's XML for ``data``: a list's items are elements named after it
    (``services`` holds ``service``s), booleans are ``true``/``false``, None is empty."""
    element = ET.Element(root)
    _fill(element, data)
    body = ET.tostring(element, encoding="unicode")  # escaped, without a declaration
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def _render(data: Any, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def _error(status: int, description: str, fmt: str) -> HttpResponse:
    return _render(
        [{"code": status, "description": description}], fmt, root="errors", status=status
    )


# --- Parameters -------------------------------------------------------------------------


def _language(params: QueryDict) -> str:
    # ``locale`` (an extension): ja or en, as "en", "en-US" or "en_US"; anything else is
    # Japanese, the language every name has.
    primary = params.get("locale", "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else "ja"


def _list(params: QueryDict, name: str) -> list[str]:
    """A comma-delimited parameter, which may also be given more than once."""
    return [
        item.strip() for value in params.getlist(name) for item in value.split(",") if item.strip()
    ]


def _check_text(params: QueryDict) -> None:
    # No database column can store a NUL character; refuse it here rather than fail later.
    if any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in params.lists()
    ):
        raise Open311Error(400, "Parameters must not contain NUL characters.")


def _check_jurisdiction(params: QueryDict) -> None:
    # Optional: this server answers for one jurisdiction, so an empty or absent one is ours.
    given = params.get("jurisdiction_id", "").strip()
    if given and given != settings.OPEN311_JURISDICTION:
        raise Open311Error(
            404,
            f"jurisdiction_id {given!r} was not found: this server answers for "
            f"{settings.OPEN311_JURISDICTION}.",
        )


def _datetime(name: str, value: str) -> datetime | None:
    """A W3C datetime parameter (2010-01-01T00:00:00Z); one without an offset, or a date
    alone, is Tokyo time."""
    text = value.strip()
    if not text:
        return None
    if "T" in text:
        # An unencoded "+09:00" arrives as " 09:00" (a "+" in a query string is a space).
        text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text)
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(
            400, f"{name} must be a W3C datetime, e.g. 2026-04-01T00:00:00+09:00 or ...Z."
        )
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise Open311Error(400, f"{name} must be between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return timezone.make_aware(parsed, TOKYO) if timezone.is_naive(parsed) else parsed


def _window(params: QueryDict) -> tuple[datetime, datetime | None]:
    """The requested_datetime range: the last 90 days unless asked, and never more than 90
    days (either end alone gives the 90 days after or before it)."""
    start = _datetime("start_date", params.get("start_date", ""))
    end = _datetime("end_date", params.get("end_date", ""))
    if start is not None and end is not None:
        if end < start:
            raise Open311Error(400, "end_date must not be before start_date.")
        if end - start > WINDOW:
            raise Open311Error(400, "start_date and end_date may not span more than 90 days.")
        return start, end
    if start is not None:
        return start, start + WINDOW
    if end is not None:
        return end - WINDOW, end
    return timezone.now() - WINDOW, None


def _w3c(value: datetime | None) -> str | None:
    return timezone.localtime(value, TOKYO).isoformat(timespec="seconds") if value else None


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- Views ------------------------------------------------------------------------------

View = Callable[..., HttpResponse]


def _endpoint(*, methods: tuple[str, ...], max_age: int | None = None) -> Callable[[View], View]:
    """One Open311 resource: the format from the URL, unsupported methods and every refusal
    in the specification's error format, and public, cacheable GET answers that any web
    page may read (open data)."""

    def decorate(view: View) -> View:
        # No resource here reads a cookie (posting is authenticated by the api_key in the
        # body), and API clients have no CSRF token.
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            allowed = (*methods, "HEAD") if "GET" in methods else methods
            if request.method not in allowed:
                response = _error(405, f"Use {' or '.join(methods)}.", fmt)
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                _check_text(request.GET)
                _check_jurisdiction(request.GET)
                response = view(request, fmt, **kwargs)
            except Open311Error as error:
                response = _error(error.status, error.description, fmt)
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"
                if max_age is not None and response.status_code == 200:
                    patch_cache_control(response, public=True, max_age=max_age)
            return response

        return wrapper

    return decorate


@_endpoint(methods=("GET",), max_age=CATALOGUE_MAX_AGE)
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Service discovery (http://wiki.open311.org/Service_Discovery)."""
    data = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": (
            "Posting needs an api_key: ask the contact above. A system administrator of "
            "Minato City issues it as an API token with the scope reports:submit. "
            "Reading needs no key."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _absolute(
                    reverse("open311:discovery", kwargs={"fmt": "json"}).removesuffix(
                        "discovery.json"
                    )
                ),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(data, fmt, root="discovery")


@_endpoint(methods=("GET",), max_age=CATALOGUE_MAX_AGE)
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    language = _language(request.GET)
    groups = dict(Service.Group.choices)
    with translation.override(language):
        data = [
            {
                "service_code": service.code,
                "service_name": localized(service.name, language),
                "description": localized(service.description, language),
                "metadata": bool(service.attributes),
                "type": "realtime",
                "keywords": service.keywords,
                "group": str(groups.get(service.group, service.group)),
            }
            for service in selectors.active_services()
        ]
    return _render(data, fmt, root="services")


@_endpoint(methods=("GET",), max_age=CATALOGUE_MAX_AGE)
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    service = selectors.service_by_code(service_code)
    if service is None:
        raise Open311Error(404, f"service_code {service_code!r} was not found.")
    language = _language(request.GET)
    data = {
        "service_code": service.code,
        "attributes": [
            {
                "variable": bool(attribute.get("variable", True)),
                "code": str(attribute.get("code", "")),
                "datatype": str(attribute.get("datatype", "string")),
                "required": bool(attribute.get("required", False)),
                "datatype_description": localized(attribute.get("datatype_description"), language),
                "order": order,
                "description": localized(attribute.get("description"), language),
                "values": [
                    {
                        "key": str(value.get("key", "")),
                        "name": localized(value.get("name"), language),
                    }
                    for value in attribute.get("values", [])
                ],
            }
            for order, attribute in enumerate(service.attributes, start=1)
        ],
    }
    return _render(data, fmt, root="service_definition")


@_endpoint(methods=("GET", "POST"), max_age=REQUESTS_MAX_AGE)
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    return _render(_find_requests(request.GET), fmt, root="service_requests")


@_endpoint(methods=("GET",), max_age=REQUESTS_MAX_AGE)
def service_request(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    reports = selectors.public_reports().filter(reference=service_request_id.upper())
    found = _request_rows(reports, _language(request.GET))
    if not found:
        raise Open311Error(404, f"service_request_id {service_request_id!r} was not found.")
    return _render(found, fmt, root="service_requests")


@_endpoint(methods=("GET",))
def service_request_of_token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    reference = selectors.reference_of_token(token)
    if reference is None:
        raise Open311Error(404, f"token {token!r} was not found.")
    return _render(
        [{"service_request_id": reference, "token": token}], fmt, root="service_requests"
    )


@csrf_exempt
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under /open311/v2/: the specification's 404, in XML where asked."""
    return _error(
        404, "No such resource. See discovery.json.", "xml" if path.endswith(".xml") else "json"
    )


# --- Reading requests -------------------------------------------------------------------

# What GET requests read of a report: public columns only (never the reporter, the contact
# details, the private key or the Open311 token).
REQUEST_COLUMNS = (
    "id",
    "reference",
    "status",
    "status_note",
    "service__code",
    "service__name",
    "description",
    "department__name_ja",
    "department__name_en",
    "department__parent__name_ja",
    "department__parent__name_en",
    "place_hint",
    "latitude",
    "longitude",
    "requested_at",
    "status_changed_at",
    "updated_at",
    "expected_at",
)


def _find_requests(params: QueryDict) -> list[dict[str, Any]]:
    language = _language(params)
    references = _list(params, "service_request_id")
    if references:
        # "This overrides all other arguments."
        wanted = [reference.upper() for reference in references[:MAX_REQUESTS]]
        return _request_rows(selectors.public_reports().filter(reference__in=wanted), language)
    statuses = set(_list(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed, or both (comma delimited).")
    bbox = None
    if params.get("bbox", "").strip():
        bbox = selectors.parse_bbox(params.get("bbox", ""))
        if bbox is None:
            raise Open311Error(
                400, "bbox must be west,south,east,north in degrees, west < east, south < north."
            )
    since, until = _window(params)
    reports = selectors.public_reports(
        service_codes=_list(params, "service_code") or None, bbox=bbox, since=since, until=until
    )
    if statuses == {"open"}:
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        reports = reports.exclude(status__in=OPEN_STATUSES)
    return _request_rows(reports, language)


def _request_rows(reports: QuerySet[Report], language: str) -> list[dict[str, Any]]:
    """Reports as Open311 service requests, newest first, at most MAX_REQUESTS: two queries
    whatever the number."""
    rows = list(reports.values(*REQUEST_COLUMNS)[:MAX_REQUESTS])
    photos = selectors.first_public_photos([row["id"] for row in rows])
    return [_request(row, photos.get(row["id"]), language) for row in rows]


def _request(row: dict[str, Any], photo: str | None, language: str) -> dict[str, Any]:
    is_open = row["status"] in OPEN_STATUSES
    media_url = ""
    if photo is not None:
        # The photo's own address, in the default language (it is the same image in every
        # language, and a stable address caches well).
        with translation.override(settings.LANGUAGE_CODE):
            media_url = _absolute(reverse("reports:photo", args=[row["reference"], photo]))
    return {
        "service_request_id": row["reference"],
        "status": "open" if is_open else "closed",
        "status_notes": row["status_note"],
        "service_name": localized(row["service__name"], language),
        "service_code": row["service__code"],
        "description": row["description"],
        "agency_responsible": _agency(row, language),
        "service_notice": "",
        "requested_datetime": _w3c(row["requested_at"]),
        # "For requests with status=closed, this will be the date the request was closed."
        "updated_datetime": _w3c(
            max(row["updated_at"], row["status_changed_at"])
            if is_open
            else row["status_changed_at"]
        ),
        "expected_datetime": _w3c(row["expected_at"]),
        "address": row["place_hint"],
        "address_id": "",
        "zipcode": "",
        "lat": row["latitude"],
        "long": row["longitude"],
        "media_url": media_url,
    }


def _agency(row: dict[str, Any], language: str) -> str:
    # A section's name alone (まちづくり課) is the same in every branch office: name its
    # department too.
    if language == "en":
        names = [row["department__name_en"], row["department__parent__name_en"]]
        return ", ".join(name for name in names if name)
    names = [row["department__parent__name_ja"], row["department__name_ja"]]
    return "".join(name for name in names if name)


# --- Posting a request ------------------------------------------------------------------


def _form(request: HttpRequest) -> tuple[QueryDict, MultiValueDict[str, Any]]:
    """The POST parameters and files; a body Django cannot read is the client's error."""
    try:
        return request.POST, request.FILES
    except RequestDataTooBig:
        raise Open311Error(
            413,
            "The request's fields are too large: at most "
            f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB besides the photo.",
        ) from None
    except (MultiPartParserError, SuspiciousOperation):
        raise Open311Error(400, "The request body could not be read.") from None


def _authenticate(request: HttpRequest, params: QueryDict) -> ApiToken:
    """The api_key's token: usable, its service account active, with the scope
    reports:submit. The rest of the request acts as that service account (audit)."""
    api_key = params.get("api_key", "").strip()
    if not api_key:
        raise Open311Error(403, "api_key is missing -- send it in the form body.")
    # The same checks as the API's bearer tokens (hash, expiry, revocation, active account).
    api_token = bearer.authenticate(request, api_key)
    if api_token is None:
        raise Open311Error(403, INVALID_API_KEY)
    if ApiToken.Scope.REPORTS_SUBMIT not in api_token.scopes:
        raise Open311Error(403, "This api_key may not post requests (scope reports:submit).")
    return api_token


def _attributes(params: QueryDict) -> dict[str, Any]:
    """attribute[code]=value, and attribute[code][]=value repeated for a multivaluelist."""
    collected: dict[str, list[str]] = {}
    listed: set[str] = set()
    for key, values in params.lists():
        match = ATTRIBUTE_PARAMETER.match(key)
        if match is not None:
            collected.setdefault(match.group(1), []).extend(values)
            if match.group(2):
                listed.add(match.group(1))
    # A list where the client sent one (the service refuses a list for a singlevaluelist).
    return {
        code: values if code in listed or len(values) > 1 else values[0]
        for code, values in collected.items()
    }


def _position(params: QueryDict) -> tuple[float, float]:
    latitude, longitude = params.get("lat", "").strip(), params.get("long", "").strip()
    if not latitude and not longitude:
        if params.get("address_string", "").strip() or params.get("address_id", "").strip():
            raise Open311Error(
                400,
                "lat and long are required: this server cannot look up address_string or "
                "address_id. Send the position too (address_string is kept as its description).",
            )
        raise Open311Error(400, "lat and long are required.")
    if not latitude or not longitude:
        raise Open311Error(400, "lat and long both need to be sent.")
    try:
        return float(latitude), float(longitude)
    except ValueError:
        raise Open311Error(400, "lat and long must be numbers (WGS84 degrees).") from None


def _photos(files: MultiValueDict[str, Any]) -> list[uploads.CheckedFile]:
    media = files.getlist("media")
    if len(media) > 1:
        raise Open311Error(400, "media: send at most one photo.")
    try:
        return [
            uploads.inspect(upload, accept=services.PHOTO_KINDS, max_size_mb=services.MAX_PHOTO_MB)
            for upload in media
        ]
    except uploads.UploadRefused as refused:
        raise Open311Error(400, f"media: {refused.message}") from None


def _draft(params: QueryDict, files: MultiValueDict[str, Any]) -> services.ReportDraft:
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required.")
    if selectors.service_by_code(code) is None:
        raise Open311Error(404, f"service_code {code!r} was not found.")
    latitude, longitude = _position(params)
    name = f"{params.get('first_name', '').strip()} {params.get('last_name', '').strip()}"
    return services.ReportDraft(
        service_code=code,
        description=params.get("description", ""),
        latitude=latitude,
        longitude=longitude,
        place_hint=params.get("address_string", ""),
        contact_name=name.strip(),
        contact_email=params.get("email", ""),
        contact_phone=params.get("phone", ""),
        photos=_photos(files),
        attributes=_attributes(params),
        language="ja",
    )


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    # Machine clients read English; the reporter is written to in Japanese (the draft's
    # language), whatever this request's.
    with translation.override("en"):
        params, files = _form(request)
        _check_text(params)
        api_token = _authenticate(request, params)
        _check_jurisdiction(params)
        if is_ratelimited(
            request,
            group="reports:open311",
            key=lambda _group, _request: f"token:{api_token.pk}",
            rate=settings.OPEN311_RATE,
            increment=True,
        ):
            raise Open311Error(429, "Too many requests with this api_key. Try again later.")
        draft = _draft(params, files)
        open311_token = secrets.token_hex(12)

        def submit() -> tuple[int, Any]:
            try:
                report = services.report_submit(
                    draft=draft, source=Report.Source.OPEN311, open311_token=open311_token
                )
            except services.ReportError as error:
                raise Open311Error(400, f"{_parameter(error.field)}: {error.message}") from None
            return 201, [
                {
                    "service_request_id": report.reference,
                    "service_notice": "",
                    "account_id": "",
                    "token": open311_token,
                }
            ]

        try:
            status, body = idempotent(request, scope="reports.open311_request", run=submit)
        except HttpError as error:
            raise Open311Error(error.status_code, str(error)) from None
    return _render(body, fmt, root="service_requests", status=status)


def _parameter(field: str) -> str:
    if field in PARAMETERS:
        return PARAMETERS[field]
    return f"attribute[{field}]" if field else "request"
