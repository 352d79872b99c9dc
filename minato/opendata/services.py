"""Writes for the open-data catalogue: organisations, datasets, resources and their versions,
the live standard datasets, and download counts."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from minato.core import audit, uploads
from minato.opendata import documents, live
from minato.opendata.models import (
    NAME_PATTERN,
    Dataset,
    DownloadMonth,
    Group,
    Organization,
    Resource,
    ResourceVersion,
)
from minato.opendata.standard.definitions import definition

logger = logging.getLogger(__name__)

# What the catalogue asks staff to write for a dataset, and audits.
DATASET_FIELDS = [
    "title",
    "notes",
    "tags",
    "license_id",
    "frequency",
    "spatial",
    "temporal_start",
    "temporal_end",
    "contact_name",
    "contact_email",
    "contact_phone",
    "standard",
]

# User agents of crawlers and link checkers: their downloads are not people's. Matching a
# few words catches almost all of them (the COUNTER Code of Practice's list is built the
# same way); a client that hides is counted, as it is in every catalogue.
_BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|preview|monitor|checker|"
    r"headless|python-requests|wget|httrack|scrapy|feedfetcher|validator",
    re.IGNORECASE,
)


def _check_name(name: str) -> None:
    if not re.fullmatch(NAME_PATTERN, name or ""):
        raise ValidationError(
            {
                "name": _(
                    "Use 2 to 100 lower-case letters, digits, hyphens or underscores "
                    "(e.g. public-facilities)."
                )
            }
        )


def _touch(dataset: Dataset, moment: Any = None) -> None:
    """The dataset changed: move its metadata_modified and rebuild its document, from the
    row as it is now and locked, so that two changes at once (staff editing while the live
    refresh adds a version) cannot store a document that misses one of them."""
    locked = (
        Dataset.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=dataset.pk)
    )
    locked.metadata_modified = moment or timezone.now()
    locked.save(update_fields=["metadata_modified", "updated_at"])
    documents.refresh(locked)
    dataset.refresh_from_db()


# --- Organisations and groups -------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    department: Any,
    name: str,
    title: dict[str, str],
    description: dict | None = None,
    email: str = "",
) -> Organization:
    """Make a department a publisher."""
    _check_name(name)
    organization = Organization(
        department=department,
        name=name,
        title=title,
        description=description or {},
        email=email,
    )
    organization.full_clean()
    organization.save()
    audit.record(
        action="opendata.organization_created",
        obj=organization,
        department_id=department.pk,
        changes={"name": [None, name]},
    )
    return organization


@transaction.atomic
def group_create(
    *, name: str, title: dict[str, str], description: dict | None = None, order: int = 0
) -> Group:
    """A theme datasets are filed under (CKAN's group)."""
    _check_name(name)
    group = Group(name=name, title=title, description=description or {}, order=order)
    group.full_clean()
    group.save()
    audit.record(action="opendata.group_created", obj=group, changes={"name": [None, name]})
    return group


# --- Datasets -----------------------------------------------------------------------------


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(DATASET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown dataset fields: {sorted(unknown)}")
    cleaned = dict(fields)
    if "tags" in cleaned:
        tags = [unicodedata.normalize("NFKC", str(tag)).strip() for tag in cleaned["tags"] or []]
        cleaned["tags"] = list(dict.fromkeys(tag for tag in tags if tag))[:30]
        if any(len(tag) > 50 or "|" in tag for tag in cleaned["tags"]):
            raise ValidationError({"tags": _("A tag has at most 50 characters and no “|”.")})
    if cleaned.get("standard") and definition(cleaned["standard"]) is None:
        raise ValidationError({"standard": _("Choose a standard dataset from the list.")})
    start, end = cleaned.get("temporal_start"), cleaned.get("temporal_end")
    if start and end and start > end:
        raise ValidationError({"temporal_end": _("The end of the period is before its start.")})
    return cleaned


@transaction.atomic
def dataset_create(
    *,
    organization: Organization,
    name: str,
    actor: Any = None,
    groups: list[Group] | None = None,
    state: str = Dataset.State.DRAFT,
    **fields: Any,
) -> Dataset:
    """A new dataset, a draft unless told otherwise; published ones appear at once."""
    _check_name(name)
    if Dataset.objects.filter(name=name).exists():
        raise ValidationError({"name": _("That URL name is already in use.")})
    cleaned = _clean_fields(fields)
    dataset = Dataset(
        organization=organization,
        name=name,
        state=state,
        created_by=actor if getattr(actor, "pk", None) else None,
        metadata_modified=timezone.now(),
        **cleaned,
    )
    dataset.full_clean(exclude=documents.DERIVED_FIELDS)
    try:
        with transaction.atomic():
            dataset.save()
    except IntegrityError as error:  # the same name, created a moment ago
        raise ValidationError({"name": _("That URL name is already in use.")}) from error
    if groups:
        dataset.groups.set(groups)
    documents.refresh(dataset)
    audit.record(
        action="opendata.dataset_created",
        obj=dataset,
        department_id=organization.department_id,
        changes={"name": [None, name], "state": [None, state]},
    )
    return dataset


@transaction.atomic
def dataset_update(
    *, dataset: Dataset, actor: Any = None, groups: list[Group] | None = None, **fields: Any
) -> Dataset:
    """Change a dataset's metadata."""
    cleaned = _clean_fields(fields)
    before = audit.snapshot(dataset, list(cleaned))
    groups_before = sorted(dataset.groups.values_list("name", flat=True))
    for field, value in cleaned.items():
        setattr(dataset, field, value)
    dataset.full_clean(exclude=documents.DERIVED_FIELDS)
    dataset.save(update_fields=[*cleaned, "updated_at"])
    changes = audit.diff(before, audit.snapshot(dataset, list(cleaned)))
    if groups is not None:
        dataset.groups.set(groups)
        groups_after = sorted(group.name for group in groups)
        if groups_after != groups_before:
            changes["groups"] = [groups_before, groups_after]
    if "standard" in changes:
        _regrade(dataset)
    _touch(dataset)
    audit.record(
        action="opendata.dataset_updated",
        obj=dataset,
        department_id=dataset.organization.department_id,
        changes=changes,
    )
    return dataset


def _regrade(dataset: Dataset) -> None:
    """Grade the dataset's first CSV against its (new) standard, or clear the grade."""
    from minato.opendata import validator

    standard = definition(dataset.standard) if dataset.standard else None
    first_csv = (
        dataset.resources.filter(format=Resource.Format.CSV, variant_of=None)
        .exclude(current=None)
        .select_related("current")
        .order_by("position")
        .first()
    )
    report: dict[str, Any] = {}
    if standard is not None and first_csv is not None and first_csv.current is not None:
        report = validator.validate(bytes(first_csv.current.content), standard).as_dict()
    dataset.quality_grade = report.get("grade", "")
    dataset.quality_report = report
    dataset.save(update_fields=["quality_grade", "quality_report", "updated_at"])


@transaction.atomic
def dataset_set_state(*, dataset: Dataset, state: str, actor: Any = None) -> Dataset:
    """Publish, unpublish (draft) or withdraw a dataset."""
    if state not in Dataset.State.values:
        raise ValidationError({"state": _("Unknown state.")})
    if state == Dataset.State.ACTIVE and not dataset.resources.exists():
        raise ValidationError({"state": _("Add at least one file before publishing.")})
    old = dataset.state
    dataset.state = state
    dataset.save(update_fields=["state", "updated_at"])
    _touch(dataset)
    audit.record(
        action="opendata.dataset_state_changed",
        obj=dataset,
        department_id=dataset.organization.department_id,
        changes={"state": [old, state]},
    )
    return dataset


# --- Resources and versions ---------------------------------------------------------------

# The first bytes of the formats we accept as files, so that a renamed file is refused.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    Resource.Format.PDF: (b"%PDF-",),
    Resource.Format.XLSX: (b"PK\x03\x04",),
}


def _filename(name: str, fmt: str) -> str:
    extension = {"GeoJSON": "geojson"}.get(fmt, fmt.lower())
    # ASCII letters, digits, "-" and "_" only, so that every client saves the file under the
    # same name; what is left of ".csv" or "　.csv" is nothing, and then "data".
    stem = re.sub(r"[^A-Za-z0-9_-]", "", re.sub(r"\.[A-Za-z0-9]+$", "", name or ""))[:80]
    return f"{stem or 'data'}.{extension}"


def _decoded_csv(content: bytes, declared_encoding: str) -> tuple[bytes, str]:
    """A CSV as UTF-8 without BOM, and the encoding it came in."""
    from minato.opendata import validator

    try:
        text, encoding = validator.decode(content, declared_encoding)
    except validator.UndecidableEncoding as error:
        raise ValidationError(
            {"file": _("The file's character encoding could not be read: save it as UTF-8.")}
        ) from error
    if "\x00" in text:
        raise ValidationError({"file": _("The file contains NUL characters: it is not a CSV.")})
    return text.replace("\r\n", "\n").encode("utf-8"), encoding


def _check_content(fmt: str, content: bytes) -> None:
    limit = settings.OPENDATA_MAX_UPLOAD_MB * 1024 * 1024
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB.")
                % {"mb": settings.OPENDATA_MAX_UPLOAD_MB}
            }
        )
    magic = _MAGIC.get(fmt)
    if magic and not content.startswith(magic):
        raise ValidationError({"file": _("The file is not a %(format)s file.") % {"format": fmt}})
    if fmt == Resource.Format.PDF:
        # The public opens these: no scripts, launch actions or embedded files (core.uploads).
        try:
            uploads.inspect(
                ContentFile(content, name="upload.pdf"),
                accept=["pdf"],
                max_size_mb=settings.OPENDATA_MAX_UPLOAD_MB,
            )
        except uploads.UploadRefused as refused:
            raise ValidationError({"file": str(refused)}) from refused
    if fmt in (Resource.Format.JSON, Resource.Format.GEOJSON):
        import json

        try:
            parsed = json.loads(content)
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            raise ValidationError({"file": _("The file is not valid JSON.")}) from error
        if fmt == Resource.Format.GEOJSON and (
            not isinstance(parsed, dict) or parsed.get("type") != "FeatureCollection"
        ):
            raise ValidationError({"file": _("A GeoJSON file must be a FeatureCollection.")})


UTF8_BOM = b"\xef\xbb\xbf"


def served_bytes(text: bytes, encoding: str) -> bytes:
    """A CSV's file as it is downloaded: UTF-8 with a BOM (so that Excel on Windows reads it
    as UTF-8), or cp932, which is what "Shift_JIS" means in Japanese offices (it has ①, ㈱ and
    髙). A character cp932 lacks becomes "?"."""
    if encoding == Resource.Encoding.SHIFT_JIS:
        return text.decode("utf-8").encode("cp932", errors="replace")
    return UTF8_BOM + text


def _store(resource: Resource, content: bytes, number: int, **fields: Any) -> ResourceVersion:
    version = ResourceVersion.objects.create(
        resource=resource,
        number=number,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        **fields,
    )
    resource.current = version
    resource.last_modified = version.created_at
    resource.save(update_fields=["current", "last_modified", "updated_at"])
    return version


def _new_version(
    resource: Resource,
    content: bytes,
    *,
    actor: Any = None,
    declared_encoding: str = "",
    detected_encoding: str = "",
    source_fingerprint: str = "",
    uploaded: bytes | None = None,
) -> ResourceVersion:
    """Keep ``content`` as the resource's new version. A CSV comes as UTF-8 text without a
    BOM; its file and its Shift_JIS twin's are stored as they are downloaded, so that the
    size, hash and ETag that clients see are those of the bytes they get."""
    last = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    report: dict[str, Any] = {}
    standard = definition(resource.dataset.standard) if resource.dataset.standard else None
    is_csv = resource.format == Resource.Format.CSV
    if standard is not None and is_csv:
        from minato.opendata import validator

        # The bytes as uploaded, with the encoding the uploader declared: what the public
        # checker would say of the same file (an undeclared Shift_JIS file is reported).
        report = validator.validate(
            content if uploaded is None else uploaded,
            standard,
            declared_encoding=declared_encoding,
        ).as_dict()
    version = _store(
        resource,
        served_bytes(content, Resource.Encoding.UTF8) if is_csv else content,
        last + 1,
        declared_encoding=declared_encoding,
        detected_encoding=detected_encoding,
        report=report,
        source_fingerprint=source_fingerprint,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    for variant in resource.variants.all():
        _store(
            variant,
            served_bytes(content, variant.encoding),
            last + 1,
            source_fingerprint=source_fingerprint,
        )
    dataset = resource.dataset
    if report:
        dataset.quality_grade = report.get("grade", "")
        dataset.quality_report = report
        dataset.save(update_fields=["quality_grade", "quality_report", "updated_at"])
    _touch(dataset, version.created_at)
    return version


def _add_resource(
    *, dataset: Dataset, name: dict[str, str], fmt: str, kind: str, filename: str, **extra: Any
) -> Resource:
    position = dataset.resources.count()
    resource = Resource(
        dataset=dataset,
        position=position,
        name=name,
        kind=kind,
        format=fmt,
        filename=filename,
        **extra,
    )
    resource.full_clean(exclude=["dataset", "current", "variant_of"])
    resource.save()
    if fmt == Resource.Format.CSV and kind != Resource.Kind.LINK:
        resource.encoding = Resource.Encoding.UTF8
        resource.save(update_fields=["encoding"])
        stem = filename.rsplit(".", 1)[0]
        Resource.objects.create(
            dataset=dataset,
            position=position + 1,
            name={
                lang: f"{text}（Shift_JIS）" if lang.startswith("ja") else f"{text} (Shift_JIS)"
                for lang, text in name.items()
            },
            description=resource.description,
            kind=kind,
            format=fmt,
            encoding=Resource.Encoding.SHIFT_JIS,
            variant_of=resource,
            filename=f"{stem}_sjis.csv",
            last_modified=resource.last_modified,
        )
    return resource


@transaction.atomic
def resource_upload_add(
    *,
    dataset: Dataset,
    name: dict[str, str],
    fmt: str,
    content: bytes,
    original_filename: str = "",
    declared_encoding: str = "",
    description: dict | None = None,
    actor: Any = None,
) -> Resource:
    """Add a file to a dataset. A CSV is stored as UTF-8 whatever it came in, and gets a
    Shift_JIS twin; against the dataset's standard it is validated and graded."""
    if fmt not in Resource.Format.values:
        raise ValidationError({"format": _("Choose CSV, JSON, GeoJSON, XLSX or PDF.")})
    _check_content(fmt, content)
    detected, uploaded = "", content
    if fmt == Resource.Format.CSV:
        content, detected = _decoded_csv(content, declared_encoding)
    resource = _add_resource(
        dataset=dataset,
        name=name,
        fmt=fmt,
        kind=Resource.Kind.UPLOAD,
        filename=_filename(original_filename or dataset.name, fmt),
        description=description or {},
    )
    version = _new_version(
        resource,
        content,
        actor=actor,
        declared_encoding=declared_encoding,
        detected_encoding=detected,
        uploaded=uploaded,
    )
    audit.record(
        action="opendata.resource_added",
        obj=resource,
        department_id=dataset.organization.department_id,
        changes={"dataset": [None, dataset.name], "version": [None, version.number]},
    )
    return resource


@transaction.atomic
def resource_upload_version(
    *, resource: Resource, content: bytes, declared_encoding: str = "", actor: Any = None
) -> ResourceVersion:
    """Replace a file with a new version; earlier versions are kept."""
    if resource.kind != Resource.Kind.UPLOAD or resource.variant_of_id:
        raise ValidationError({"file": _("Only an uploaded file can be replaced.")})
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _check_content(resource.format, content)
    detected, uploaded = "", content
    if resource.format == Resource.Format.CSV:
        content, detected = _decoded_csv(content, declared_encoding)
    previous = resource.current.number if resource.current else None
    version = _new_version(
        resource,
        content,
        actor=actor,
        declared_encoding=declared_encoding,
        detected_encoding=detected,
        uploaded=uploaded,
    )
    audit.record(
        action="opendata.resource_version_uploaded",
        obj=resource,
        department_id=resource.dataset.organization.department_id,
        changes={"version": [previous, version.number], "sha256": [None, version.sha256]},
    )
    return version


@transaction.atomic
def resource_link_add(
    *, dataset: Dataset, name: dict[str, str], fmt: str, url: str, actor: Any = None
) -> Resource:
    """Add a live endpoint (an API of the platform or elsewhere) as a resource."""
    resource = _add_resource(
        dataset=dataset,
        name=name,
        fmt=fmt,
        kind=Resource.Kind.LINK,
        filename=_filename(dataset.name, fmt),
        url=url,
        last_modified=timezone.now(),
    )
    _touch(dataset)
    audit.record(
        action="opendata.resource_added",
        obj=resource,
        department_id=dataset.organization.department_id,
        changes={"dataset": [None, dataset.name], "url": [None, url]},
    )
    return resource


@transaction.atomic
def resource_live_add(
    *, dataset: Dataset, live_key: str, name: dict[str, str], actor: Any = None
) -> Resource:
    """Add a resource generated from platform data (live.SOURCES), generated now."""
    source = live.SOURCES.get(live_key)
    if source is None:
        raise ValidationError({"live_key": _("Unknown live source.")})
    resource = _add_resource(
        dataset=dataset,
        name=name,
        fmt=source.format,
        kind=Resource.Kind.LIVE,
        filename=source.filename,
        live_key=live_key,
    )
    content = source.generate()
    _new_version(resource, content, source_fingerprint=hashlib.sha256(content).hexdigest())
    audit.record(
        action="opendata.resource_added",
        obj=resource,
        department_id=dataset.organization.department_id,
        changes={"dataset": [None, dataset.name], "live_key": [None, live_key]},
    )
    return resource


def live_resources_refresh() -> int:
    """The worker's periodic job: regenerate every live resource and keep a new version of
    those whose source data changed. Returns how many changed."""
    changed = 0
    for resource in Resource.objects.filter(
        kind=Resource.Kind.LIVE, variant_of=None
    ).select_related("current", "dataset__organization"):
        source = live.SOURCES.get(resource.live_key)
        if source is None:
            continue
        content = source.generate()
        fingerprint = hashlib.sha256(content).hexdigest()
        if resource.current and resource.current.source_fingerprint == fingerprint:
            continue
        with transaction.atomic():
            locked = (
                # of=self: PostgreSQL cannot lock the nullable side of the join (no version yet).
                Resource.objects.select_for_update(of=("self",))
                .select_related("current")
                .defer("current__content")
                .get(pk=resource.pk)
            )
            if locked.current and locked.current.source_fingerprint == fingerprint:
                continue
            version = _new_version(locked, content, source_fingerprint=fingerprint)
            audit.record(
                action="opendata.live_resource_regenerated",
                obj=locked,
                department_id=resource.dataset.organization.department_id,
                changes={"version": [version.number - 1, version.number]},
                actor_label="opendata.live",
            )
        changed += 1
    return changed


# --- Downloads ----------------------------------------------------------------------------


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(_BOT_AGENTS.search(user_agent))


def _month(today: date) -> date:
    return today.replace(day=1)


def download_count(*, resource: Resource, user_agent: str) -> bool:
    """Count one download of a resource this month unless a bot made it. Returns whether it
    counted. Not audited: a download is an anonymous read, not a change of state."""
    if is_bot(user_agent):
        return False
    month = _month(timezone.localdate())
    updated = DownloadMonth.objects.filter(resource=resource, month=month).update(
        count=F("count") + 1, updated_at=timezone.now()
    )
    if updated:
        return True
    try:
        with transaction.atomic():
            DownloadMonth.objects.create(
                resource=resource, dataset_id=resource.dataset_id, month=month, count=1
            )
    except IntegrityError:
        # Another download created the month's row first.
        DownloadMonth.objects.filter(resource=resource, month=month).update(
            count=F("count") + 1, updated_at=timezone.now()
        )
    return True


# Generated versions are kept for a while (someone may have downloaded one and ask what
# changed), not for ever: a source that changes every minute would fill the database.
KEEP_LIVE_VERSIONS = 50


def live_versions_prune() -> int:
    """Housekeeping: delete all but the newest KEEP_LIVE_VERSIONS of each live resource.
    Uploaded versions are kept: staff chose to publish each one."""
    deleted = 0
    for resource_id in Resource.objects.filter(kind=Resource.Kind.LIVE).values_list(
        "pk", flat=True
    ):
        numbers = ResourceVersion.objects.filter(resource_id=resource_id).order_by("-number")
        oldest_kept = numbers.values_list("number", flat=True)[
            KEEP_LIVE_VERSIONS - 1 : KEEP_LIVE_VERSIONS
        ].first()
        if oldest_kept is None:
            continue
        # Older than the oldest kept, not "not among those read": a version the refresh
        # adds meanwhile is newer, and stays.
        count, _details = ResourceVersion.objects.filter(
            resource_id=resource_id, number__lt=oldest_kept
        ).delete()
        deleted += count
    return deleted
