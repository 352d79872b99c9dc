"""The open-data catalogue (オープンデータカタログ), after CKAN's model.

An ``Organization`` publishes (a department); a ``Dataset`` is CKAN's package: metadata, tags,
groups and its ``Resource`` rows (files or live endpoints). Every upload or regeneration of a
resource is a ``ResourceVersion``; the resource serves its latest. Standard datasets
(自治体標準オープンデータセット) are generated live from platform data (``Resource.live_key``)
and a new version is written whenever the source changes.

A CSV's text is kept in two resources, each version stored as it is downloaded: UTF-8 with
a BOM, and its Shift_JIS copy (``variant_of``), written with every version of the original,
so that CKAN clients and DCAT harvesters, which know nothing of encodings, see two
distributions, each saying in its metadata which encoding it is, with its own size and hash.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from minato.core.translated import validate_translated

# CKAN's rule for names: 2-100 characters, lower-case ASCII letters, digits, "-" and "_".
NAME_PATTERN = r"^[a-z0-9_-]{2,100}$"


class License(models.TextChoices):
    # CKAN license ids as CKAN's default list spells them; CC BY 4.0 is the national
    # guideline's default for government data (政府標準利用規約 2.0 is compatible with it).
    CC_BY_4 = "cc-by-4.0", "Creative Commons Attribution 4.0 (CC BY 4.0)"
    CC0 = "cc-zero", "Creative Commons CCZero (CC0)"
    ODC_BY = "odc-by", "Open Data Commons Attribution License"
    OTHER_OPEN = "other-open", _("Other (open)")


LICENSE_URLS = {
    License.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    License.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    License.ODC_BY: "https://opendatacommons.org/licenses/by/1-0/",
    License.OTHER_OPEN: "",
}


class Organization(models.Model):
    """A publisher: one department of the ward."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title = models.JSONField(validators=[validate_translated])
    description = models.JSONField(default=dict, blank=True)
    department = models.OneToOneField(
        "accounts.Department", on_delete=models.PROTECT, related_name="opendata_organization"
    )
    email = models.EmailField(blank=True)  # the department's desk, never a person's
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """A theme (分類) across organisations: CKAN's group."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title = models.JSONField(validators=[validate_translated])
    description = models.JSONField(default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    class State(models.TextChoices):
        # CKAN's package states.
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Published")
        DELETED = "deleted", _("Withdrawn")

    class Frequency(models.TextChoices):
        # The EU frequency vocabulary DCAT-AP uses (its codes are the last URI segment).
        CONTINUOUS = "CONT", _("Continuously updated")
        DAILY = "DAILY", _("Daily")
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")
        QUARTERLY = "QUARTERLY", _("Quarterly")
        ANNUAL = "ANNUAL", _("Yearly")
        IRREGULAR = "IRREG", _("Irregularly")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title = models.JSONField(validators=[validate_translated])
    notes = models.JSONField(default=dict, blank=True)  # CKAN's description
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="datasets"
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="datasets")
    tags = models.JSONField(default=list, blank=True)  # ["防災", "避難所"]
    license_id = models.CharField(max_length=30, choices=License.choices, default=License.CC_BY_4)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    spatial = models.CharField(max_length=100, default="東京都港区", blank=True)
    temporal_start = models.DateField(null=True, blank=True)
    temporal_end = models.DateField(null=True, blank=True)
    contact_name = models.CharField(max_length=100, blank=True)  # a desk: 情報政策課 統計係
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    # The 自治体標準オープンデータセット definition its CSV follows (standard.definitions key).
    standard = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # The validator's grade of its standard CSV ("A"…"D"; blank: not checked) and report.
    quality_grade = models.CharField(max_length=1, blank=True)
    quality_report = models.JSONField(default=dict, blank=True)
    # What search matches: normalised text in every language, and the katakana reading of
    # the Japanese (minato.core.search_text), so that ほいくえん finds 保育園.
    search_text = models.TextField(blank=True, editable=False)
    search_reading = models.TextField(blank=True, editable=False)
    # The values it is faceted and filtered by, as "|organization:kankyo|tags:防災|…|": what
    # the search index (index.py) counts facets from, one substring test per filter.
    facet_text = models.TextField(blank=True, editable=False)
    # The same with ASCII letters in lower case: what filters compare to, so that
    # fq=res_format:csv finds CSV without folding every dataset's text per search.
    facet_match = models.TextField(blank=True, editable=False)
    sort_title = models.CharField(max_length=200, blank=True, editable=False)
    # CKAN's package dict, rebuilt by every service that changes the dataset or a resource,
    # so that search answers from one row per result.
    document = models.JSONField(default=dict, blank=True, editable=False)
    # When its metadata or any resource last changed (CKAN's metadata_modified).
    metadata_modified = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "-metadata_modified"])]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Uploaded file")
        LIVE = "live", _("Generated from platform data")
        LINK = "link", _("Link to a live endpoint")

    class Format(models.TextChoices):
        CSV = "CSV", "CSV"
        JSON = "JSON", "JSON"
        GEOJSON = "GeoJSON", "GeoJSON"
        XLSX = "XLSX", "XLSX"
        PDF = "PDF", "PDF"

    class Encoding(models.TextChoices):
        UTF8 = "UTF-8", "UTF-8 (BOM)"
        SHIFT_JIS = "Shift_JIS", "Shift_JIS"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.JSONField(validators=[validate_translated])
    description = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPLOAD)
    format = models.CharField(max_length=10, choices=Format.choices)
    encoding = models.CharField(max_length=10, choices=Encoding.choices, blank=True)
    # The UTF-8 resource whose text this Shift_JIS resource holds, encoded.
    variant_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="variants"
    )
    filename = models.CharField(max_length=120)
    url = models.URLField(max_length=500, blank=True)  # LINK: where the endpoint is
    live_key = models.CharField(max_length=40, blank=True)  # LIVE: the generator (live.py)
    current = models.ForeignKey(
        "ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_modified = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dataset", "position", "created_at"]

    def __str__(self) -> str:
        return self.filename


class ResourceVersion(models.Model):
    """One upload or regeneration of a resource's content. Kept, so that an earlier version
    can still be read and a bad upload rolled back by uploading the old one again."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Stored in the database, not on a disk, so that content and metadata change in one
    # transaction and a backup holds both (files are small: at most OPENDATA_MAX_UPLOAD_MB).
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    # The encoding the uploader declared and the one found (CSV only), and the validator's
    # report of this version.
    declared_encoding = models.CharField(max_length=20, blank=True)
    detected_encoding = models.CharField(max_length=20, blank=True)
    report = models.JSONField(default=dict, blank=True)
    # LIVE: the fingerprint of the source data it was generated from.
    source_fingerprint = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="opendata_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


class DownloadMonth(models.Model):
    """How many times a resource was downloaded in a month (people, not obvious bots)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="downloads")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="downloads")
    month = models.DateField()  # the first day of the month, Asia/Tokyo
    count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "resource"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "month"], name="opendata_download_month")
        ]
        indexes = [models.Index(fields=["dataset", "month"])]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.month:%Y-%m}: {self.count}"
