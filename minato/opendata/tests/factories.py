"""Small builders for the open-data tests. Everything goes through the services, so that
each dataset's stored CKAN document is what the service would have written."""

from __future__ import annotations

import io
import itertools
from typing import Any

from minato.accounts import services as accounts
from minato.opendata import services
from minato.opendata.models import Dataset, Group, Organization, Resource

_numbers = itertools.count(1)


def _sample_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Minato open data")
    page.save()
    return buffer.getvalue()


SAMPLE_PDF = _sample_pdf()


def organization(**kwargs: Any) -> Organization:
    number = next(_numbers)
    department = kwargs.pop("department", None) or accounts.department_upsert(
        code=f"opendata-test-{number}",
        name_ja=f"テスト課{number}",
        name_en=f"Test Section {number}",
        kind="department",
        parent=None,
        handles_resident_records=False,
    )
    defaults: dict[str, Any] = {
        "name": f"org-{number}",
        "title": {"ja": f"テスト課{number}", "en": f"Test Section {number}"},
        "email": "opendata@city.minato.example",
    }
    defaults.update(kwargs)
    return services.organization_create(department=department, **defaults)


def group(**kwargs: Any) -> Group:
    number = next(_numbers)
    defaults: dict[str, Any] = {
        "name": f"group-{number}",
        "title": {"ja": f"分類{number}", "en": f"Theme {number}"},
    }
    defaults.update(kwargs)
    return services.group_create(**defaults)


def dataset(
    *,
    organization: Organization | None = None,
    name: str | None = None,
    title: dict[str, str] | None = None,
    tags: tuple[str, ...] | list[str] = (),
    groups: tuple[Group, ...] | list[Group] = (),
    state: str = Dataset.State.ACTIVE,
    **kwargs: Any,
) -> Dataset:
    """A dataset; published ones get a CSV resource first, as publishing needs one."""
    number = next(_numbers)
    built = services.dataset_create(
        organization=organization or globals()["organization"](),
        name=name or f"dataset-{number}",
        title=title or {"ja": f"データセット{number}", "en": f"Dataset {number}"},
        notes=kwargs.pop("notes", {"ja": "説明", "en": "Description"}),
        tags=list(tags),
        groups=list(groups),
        state=Dataset.State.DRAFT,
        **kwargs,
    )
    if state != Dataset.State.DRAFT:
        if not built.resources.exists():
            csv_resource(built)
        built = services.dataset_set_state(dataset=built, state=state)
    built.refresh_from_db()
    return built


def csv_resource(
    dataset: Dataset,
    *,
    text: str = "名称,緯度,経度\n港区役所,35.658068,139.751599\n",
    name: dict[str, str] | None = None,
    declared_encoding: str = "utf-8",
    encoding: str = "utf-8",
) -> Resource:
    """A CSV file and its Shift_JIS twin; returns the UTF-8 resource."""
    return services.resource_upload_add(
        dataset=dataset,
        name=name or {"ja": "一覧", "en": "List"},
        fmt=Resource.Format.CSV,
        content=text.encode(encoding),
        original_filename="list.csv",
        declared_encoding=declared_encoding,
    )


def file_resource(
    dataset: Dataset, *, format: str = Resource.Format.PDF, content: bytes = SAMPLE_PDF
) -> Resource:
    return services.resource_upload_add(
        dataset=dataset,
        name={"ja": "資料", "en": "Document"},
        fmt=format,
        content=content,
        original_filename=f"document.{format.lower()}",
    )
