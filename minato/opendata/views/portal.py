"""The catalogue's public pages: search with facets, a dataset's page with previews and its
monthly downloads, a resource's page, the download itself (counted, cacheable), the
download statistics, and the public CSV checker."""

from __future__ import annotations

import csv
import io
import json
import logging
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition

from minato.core import uploads
from minato.core.forms import AccessibleForm
from minato.core.maps import map_settings
from minato.core.translated import localized
from minato.opendata import dcat, documents, selectors, services, validator
from minato.opendata.models import License, Resource, ResourceVersion
from minato.opendata.search import FACET_FIELDS, Filter, Query
from minato.opendata.standard.definitions import DEFINITIONS, definition
from minato.opendata.views.common import public_headers

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
PREVIEW_ROWS = 50
PREVIEW_BYTES = 256 * 1024
# A GeoJSON preview draws at most this many features (the page lists the first ones).
PREVIEW_FEATURES = 2000


class CatalogueSearchForm(AccessibleForm):
    q = forms.CharField(
        label=gettext_lazy("Search the data"),
        help_text=gettext_lazy("For example: 避難所, ほいくえん, Wi-Fi"),
        max_length=100,
        required=False,
    )
    page = forms.IntegerField(min_value=1, max_value=500, required=False)


def _facet_labels() -> dict[str, str]:
    return {
        "organization": _("Publisher"),
        "groups": _("Theme"),
        "tags": _("Keyword"),
        "res_format": _("Format"),
        "license_id": _("Licence"),
    }


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    chosen = [
        Filter(field=field, value=value[:100])
        for field in FACET_FIELDS
        for value in request.GET.getlist(field)[:5]
        if value
    ]
    page = cleaned.get("page") or 1
    result = selectors.datasets_search(
        Query(
            terms=tuple((cleaned.get("q") or "").split()),
            filters=tuple(chosen),
            start=(page - 1) * PAGE_SIZE,
            rows=PAGE_SIZE,
            facet_fields=FACET_FIELDS,
            facet_limit=10,
        )
    )
    titles = {
        "organization": {o.name: localized(o.title) for o in selectors.organizations()},
        "groups": {g.name: localized(g.title) for g in selectors.groups()},
        "license_id": {str(value): str(label) for value, label in License.choices},
    }
    labels = _facet_labels()
    facets = [
        {
            "field": field,
            "label": labels[field],
            "items": [
                {
                    "value": value,
                    "label": titles.get(field, {}).get(value, value),
                    "count": count,
                    "chosen": any(f.field == field and f.value == value for f in chosen),
                }
                for value, count in counts.items()
            ],
        }
        for field, counts in result.facets.items()
        if counts
    ]
    pages = max(1, -(-result.count // PAGE_SIZE))
    return render(
        request,
        "opendata/portal/catalogue.html",
        {
            "form": form,
            "result": result,
            "datasets": result.documents,
            "facets": facets,
            "chosen": [
                {"field": f.field, "label": labels[f.field], "value": f.value} for f in chosen
            ],
            "searched": bool(cleaned.get("q") or chosen),
            "page": page,
            "pages": pages,
            "query_without_page": _query_without(request, "page"),
        },
    )


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _local(url: str) -> str:
    """A link of our own as a path, so that pages work on whatever host serves them (the
    documents carry absolute URLs for API clients)."""
    return url.removeprefix(settings.SITE_URL) if url.startswith(settings.SITE_URL + "/") else url


def _csv_preview(version: ResourceVersion, encoding: str) -> dict[str, Any]:
    codec = "cp932" if encoding == Resource.Encoding.SHIFT_JIS else "utf-8-sig"
    # The first rows are in the first bytes: decoding a large file whole for 50 rows is waste.
    head = selectors.version_content(version.pk)[:PREVIEW_BYTES].decode(codec, "replace")
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(head))):
            if number > PREVIEW_ROWS:
                break
            rows.append(row)
    except csv.Error:
        pass  # an unclosed quote or a huge field: show the rows read before it
    return {"header": rows[0] if rows else [], "rows": rows[1:]}


def _geojson_preview(version: ResourceVersion) -> dict[str, Any] | None:
    try:
        data = json.loads(selectors.version_content(version.pk))
        features = [
            {
                "name": str((feature.get("properties") or {}).get("name") or ""),
                "coordinates": feature["geometry"]["coordinates"][:2],
            }
            for feature in data.get("features", [])[:PREVIEW_FEATURES]
            if (feature.get("geometry") or {}).get("type") == "Point"
        ]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return {"features": features}


def dataset(request: HttpRequest, name: str) -> HttpResponse:
    found = selectors.dataset_public(name)
    if found is None:
        raise Http404
    document = found.document
    standard = definition(found.standard) if found.standard else None
    return render(
        request,
        "opendata/portal/dataset.html",
        {
            "dataset": found,
            "document": document,
            "resources": [{**item, "href": _local(item["url"])} for item in document["resources"]],
            "standard": standard,
            "downloads": selectors.dataset_downloads(found),
            "schema_org": dcat.schema_org_script(document),
            "license_url": document.get("license_url"),
        },
    )


def resource(request: HttpRequest, name: str, resource_id: str) -> HttpResponse:
    found = selectors.resource_public(resource_id)
    if found is None or found.dataset.name != name:
        raise Http404
    version = selectors.resource_content(found)
    preview: dict[str, Any] = {}
    if version is not None and found.format == Resource.Format.CSV:
        preview["table"] = _csv_preview(version, found.encoding)
    elif version is not None and found.format == Resource.Format.GEOJSON:
        preview["map"] = _geojson_preview(version)
    document = next(
        (item for item in found.dataset.document["resources"] if item["id"] == str(resource_id)),
        None,
    )
    return render(
        request,
        "opendata/portal/resource.html",
        {
            "dataset": found.dataset,
            "resource": found,
            "document": document,
            "href": _local(document["url"]) if document else "",
            "version": version,
            "preview": preview,
            "map": map_settings(),
        },
    )


# --- The download --------------------------------------------------------------------------


def _content_type(found: Resource) -> str:
    if found.format != Resource.Format.CSV:
        return documents.MEDIA_TYPES.get(found.format, "application/octet-stream")
    if found.encoding == Resource.Encoding.SHIFT_JIS:
        return "text/csv; charset=Shift_JIS"
    return "text/csv; charset=utf-8"


def _downloadable(request: HttpRequest, name: str, resource_id: str, filename: str) -> Resource:
    cached = getattr(request, "_opendata_resource", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found = selectors.resource_public(resource_id)
    if (
        found is None
        or found.dataset.name != name
        or found.filename != filename
        or found.kind == Resource.Kind.LINK
        or selectors.resource_content(found) is None
    ):
        raise Http404
    request._opendata_resource = found  # type: ignore[attr-defined]
    return found


def _etag(request: HttpRequest, name: str, resource_id: str, filename: str) -> str:
    found = _downloadable(request, name, resource_id, filename)
    version = selectors.resource_content(found)
    assert version is not None
    return quote_etag(f"{version.sha256[:40]}-{found.encoding or 'raw'}")


def _last_modified(request: HttpRequest, name: str, resource_id: str, filename: str) -> Any:
    return _downloadable(request, name, resource_id, filename).last_modified


@condition(etag_func=_etag, last_modified_func=_last_modified)
def _download(request: HttpRequest, name: str, resource_id: str, filename: str) -> HttpResponse:
    found = _downloadable(request, name, resource_id, filename)
    version = selectors.resource_content(found)
    assert version is not None
    response = HttpResponse(
        selectors.version_content(version.pk), content_type=_content_type(found)
    )
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if request.method == "GET":
        services.download_count(resource=found, user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return response


def download(request: HttpRequest, name: str, resource_id: str, filename: str) -> HttpResponseBase:
    """A resource's file. Conditional requests get 304 and are not counted: the client
    already has it."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    response = _download(request, name, resource_id, filename)
    if response.status_code in (200, 304):
        public_headers(response)
    return response


# --- Statistics and the checker -------------------------------------------------------------


def statistics(request: HttpRequest) -> HttpResponse:
    months = selectors.monthly_downloads(months=12)
    return render(
        request,
        "opendata/portal/statistics.html",
        {
            "months": months,
            "target": selectors.MONTHLY_DOWNLOADS_TARGET,
            "statistics_dataset": selectors.dataset_public("opendata-downloads"),
        },
    )


class CheckForm(AccessibleForm):
    standard = forms.ChoiceField(
        label=gettext_lazy("Standard dataset"),
        choices=[(key, item.title_ja) for key, item in DEFINITIONS.items()],
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8 or Shift_JIS. The file is not kept."),
    )
    encoding = forms.ChoiceField(
        label=gettext_lazy("Character encoding of the file"),
        choices=[
            ("", gettext_lazy("I do not know (detect it)")),
            ("utf-8", "UTF-8"),
            ("shift_jis", "Shift_JIS"),
        ],
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.OPENDATA_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.OPENDATA_MAX_UPLOAD_MB}
            )
        return upload


def check(request: HttpRequest) -> HttpResponse:
    """Anyone may check a CSV against a standard dataset's definition: the ward's staff
    before publishing, and other municipalities or companies before sending data."""
    report = None
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            uploads.check_rate(request)
        except uploads.UploadRefused as refused:
            form.add_error("file", str(refused))
    if request.method == "POST" and form.is_valid():
        chosen = DEFINITIONS[form.cleaned_data["standard"]]
        report = validator.validate(
            form.cleaned_data["file"].read(),
            chosen,
            declared_encoding=form.cleaned_data["encoding"],
        )
    return render(
        request,
        "opendata/portal/check.html",
        {"form": form, "report": report, "status": 200},
        status=422 if request.method == "POST" and not form.is_valid() else 200,
    )
