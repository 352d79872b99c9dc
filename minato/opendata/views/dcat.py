"""The catalogue in DCAT-AP for harvesters: ``/catalog.{ttl,rdf,jsonld}`` (every published
dataset, a thousand a page, optionally only those changed since ``modified_since``) and
``/opendata/dataset/<name>.{ttl,rdf,jsonld}`` (one dataset), as ckanext-dcat serves them.

Fixed addresses outside the language prefixes. Answers are public and cacheable, carry an
ETag and Last-Modified, and a conditional request is answered 304 before anything is built.
Errors are short plain text: the clients are programs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from minato.opendata import dcat, selectors
from minato.opendata.views.common import public_headers

_PAGE = re.compile(r"^[1-9][0-9]{0,5}$")


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _conditional(
    request: HttpRequest,
    *,
    fmt: str,
    etag: str,
    last_modified: datetime | None,
    body: Callable[[], bytes],
) -> HttpResponseBase:
    """304 when the client's copy is current, else the body built only now."""
    etag = quote_etag(etag)
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = HttpResponse(body(), content_type=dcat.FORMATS[fmt][1])
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    return public_headers(response)


@require_safe
def catalogue(request: HttpRequest, fmt: str) -> HttpResponseBase:
    since_text = request.GET.get("modified_since", "")
    since = None
    if since_text:
        try:
            since = dcat.parse_modified_since(since_text)
        except ValueError:
            return public_headers(
                _plain(
                    400,
                    "modified_since must be an ISO 8601 date or date and time, "
                    "e.g. 2025-04-01 or 2025-04-01T09:00:00+09:00.",
                )
            )
    page_text = request.GET.get("page", "1")
    if not _PAGE.match(page_text):
        return public_headers(_plain(400, "page must be a whole number from 1."))
    page = int(page_text)
    labels = dcat.themes()
    datasets = dcat.catalogue_datasets(since)
    state = dcat.catalogue_state(datasets, modified_since=since, labels=labels)
    if page > state.pages:
        return public_headers(_plain(404, f"No such page: the catalogue has {state.pages}."))
    return _conditional(
        request,
        fmt=fmt,
        etag=dcat.catalogue_etag(state, fmt, page),
        last_modified=state.last_modified,
        body=lambda: dcat.catalogue_document(datasets, fmt, state=state, page=page, labels=labels),
    )


@require_safe
def dataset(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    found = selectors.dataset_public(name)
    if found is None:
        return public_headers(_plain(404, "No published dataset has that name."))
    labels = dcat.themes()
    return _conditional(
        request,
        fmt=fmt,
        etag=dcat.dataset_etag(found, labels, fmt),
        last_modified=max(
            moment
            for moment in (found.metadata_modified, found.updated_at, labels.last_modified)
            if moment is not None
        ),
        body=lambda: dcat.serialize(dcat.dataset_graph(found.document, labels.labels), fmt),
    )
