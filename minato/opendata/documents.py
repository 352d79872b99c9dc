"""What is derived from a dataset and stored beside it: CKAN's package dict (the search
"index" document), the facet and search text, and the URLs of its resources.

``refresh(dataset)`` is called by every service that changes a dataset, its organisation,
groups or resources, so that reads never assemble a package from five tables.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from minato.core import search_text
from minato.core.translated import localized
from minato.opendata import answers
from minato.opendata.models import LICENSE_URLS, Dataset, License, Organization, Resource
from minato.opendata.search import facet_token, folded

MEDIA_TYPES: dict[str, str] = {
    Resource.Format.CSV: "text/csv",
    Resource.Format.JSON: "application/json",
    Resource.Format.GEOJSON: "application/geo+json",
    Resource.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Resource.Format.PDF: "application/pdf",
}

# Tags have no table of their own; CKAN clients expect an id, so one is derived from the name.
_TAG_NAMESPACE = uuid.UUID("5f0c3a52-8d7e-4d57-9a37-1b1f7b0e6a10")


def ckan_time(moment: datetime | None) -> str | None:
    """CKAN's timestamps: ISO 8601 in UTC without an offset, with microseconds."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def translated(value: Any) -> dict[str, str]:
    """A translated field as ckanext-fluent writes it: {"ja": …, "en": …}, Japanese first."""
    if not isinstance(value, dict):
        return {"ja": str(value or "")}
    return {lang: text for lang, text in value.items() if text}


# Stored addresses are the default language's, whichever language the request that changed
# the dataset was in.


def dataset_url(dataset: Dataset) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("opendata:dataset", kwargs={"name": dataset.name})


def download_path(resource: Resource) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(
            "opendata:download",
            kwargs={
                "name": resource.dataset.name,
                "resource_id": resource.public_id,
                "filename": resource.filename,
            },
        )


def resource_url(resource: Resource) -> str:
    if resource.kind == Resource.Kind.LINK:
        return resource.url
    return settings.SITE_URL + download_path(resource)


def is_tabular(resource: Resource) -> bool:
    return resource.format == Resource.Format.CSV and resource.kind != Resource.Kind.LINK


def resource_document(resource: Resource) -> dict[str, Any]:
    """CKAN's resource dict."""
    version = resource.current
    return {
        "id": str(resource.public_id),
        "package_id": str(resource.dataset.public_id),
        "name": localized(resource.name, "ja"),
        "name_translated": translated(resource.name),
        "description": localized(resource.description, "ja"),
        "description_translated": translated(resource.description),
        "format": resource.format,
        "mimetype": MEDIA_TYPES.get(resource.format, ""),
        "encoding": resource.encoding or None,
        "url": resource_url(resource),
        "url_type": None if resource.kind == Resource.Kind.LINK else "upload",
        "resource_type": resource.kind,
        "size": version.size if version else None,
        "hash": version.sha256 if version else "",
        "version": version.number if version else None,
        "created": ckan_time(resource.created_at),
        "last_modified": ckan_time(resource.last_modified),
        "metadata_modified": ckan_time(resource.updated_at),
        "position": resource.position,
        "state": "active",
        "datastore_active": is_tabular(resource) and version is not None,
        "cache_url": None,
    }


def organization_document(organization: Organization) -> dict[str, Any]:
    """CKAN's organization dict, as it appears inside a package."""
    return {
        "id": str(organization.public_id),
        "name": organization.name,
        "title": localized(organization.title, "ja"),
        "title_translated": translated(organization.title),
        "type": "organization",
        "description": localized(organization.description, "ja"),
        "image_url": "",
        "created": ckan_time(organization.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }


def tag_document(name: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(_TAG_NAMESPACE, name)),
        "name": name,
        "display_name": name,
        "state": "active",
        "vocabulary_id": None,
    }


def package_document(dataset: Dataset) -> dict[str, Any]:
    """CKAN's package dict (package_show's result)."""
    resources = [resource_document(resource) for resource in dataset.resources.all()]
    groups = [
        {
            "id": str(group.public_id),
            "name": group.name,
            "title": localized(group.title, "ja"),
            "display_name": localized(group.title, "ja"),
            "description": localized(group.description, "ja"),
            "image_display_url": "",
        }
        for group in dataset.groups.all()
    ]
    license_id = License(dataset.license_id)
    extras = {
        "frequency": dataset.frequency,
        "spatial_text": dataset.spatial,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "contact_phone": dataset.contact_phone,
        "standard": dataset.standard,
        "quality_grade": dataset.quality_grade,
    }
    return {
        "id": str(dataset.public_id),
        "name": dataset.name,
        "title": localized(dataset.title, "ja"),
        "title_translated": translated(dataset.title),
        "notes": localized(dataset.notes, "ja"),
        "notes_translated": translated(dataset.notes),
        "type": "dataset",
        "state": dataset.state,
        "private": False,
        "license_id": license_id.value,
        "license_title": str(license_id.label),
        "license_url": LICENSE_URLS[license_id],
        "isopen": True,
        "url": dataset_url(dataset),
        "version": None,
        "author": localized(dataset.organization.title, "ja"),
        "author_email": dataset.organization.email or None,
        "maintainer": dataset.contact_name or None,
        "maintainer_email": dataset.contact_email or None,
        "creator_user_id": None,
        "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(dataset.metadata_modified),
        "owner_org": str(dataset.organization.public_id),
        "organization": organization_document(dataset.organization),
        "groups": groups,
        "tags": [tag_document(tag) for tag in dataset.tags],
        "num_tags": len(dataset.tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": key, "value": value} for key, value in extras.items() if value],
        **extras,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def _texts(value: Any) -> list[str]:
    return [str(text) for text in value.values()] if isinstance(value, dict) else [str(value)]


# The dataset's fields refresh() writes: never set by hand, nor validated as input.
DERIVED_FIELDS = [
    "document",
    "facet_text",
    "facet_match",
    "search_text",
    "search_reading",
    "sort_title",
]


def refresh(dataset: Dataset, *, save: bool = True) -> Dataset:
    """Rebuild what is derived from the dataset; save those fields unless told not to."""
    document = package_document(dataset)
    formats = sorted({resource["format"] for resource in document["resources"]})
    values = [
        ("organization", dataset.organization.name),
        ("license_id", dataset.license_id),
        ("name", dataset.name),
        ("id", str(dataset.public_id)),
        ("standard", dataset.standard),
        *(("groups", group["name"]) for group in document["groups"]),
        *(("tags", tag) for tag in dataset.tags),
        *(("res_format", fmt) for fmt in formats),
    ]
    dataset.document = document
    dataset.facet_text = "".join(facet_token(field, value) for field, value in values if value)
    dataset.facet_match = folded(dataset.facet_text)
    texts = [
        *_texts(dataset.title),
        *_texts(dataset.notes),
        *dataset.tags,
        *_texts(dataset.organization.title),
        dataset.name,
    ]
    dataset.search_text = search_text.normalise(" ".join(texts))
    dataset.search_reading = search_text.reading(
        " ".join([localized(dataset.title, "ja"), *dataset.tags])
    )
    dataset.sort_title = search_text.normalise(localized(dataset.title, "ja"))[:200]
    answers.catalogue_changed()
    if save:
        dataset.save(update_fields=[*DERIVED_FIELDS, "updated_at"])
    return dataset
