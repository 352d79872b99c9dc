from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minato.accounts.models import Department, User
from minato.core.models import AuditEvent
from minato.opendata.models import Dataset, DownloadMonth, Resource
from minato.opendata.tests import factories

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"


def _download_url(resource: Resource) -> str:
    return reverse(
        "opendata:download",
        kwargs={
            "name": resource.dataset.name,
            "resource_id": resource.public_id,
            "filename": resource.filename,
        },
    )


@pytest.fixture
def shiba_org(departments: dict[str, Department]) -> Any:
    return factories.organization(name="kumin", department=departments["kumin"])


# --- Public pages ---------------------------------------------------------------------------


def test_the_catalogue_finds_a_dataset_by_reading_and_offers_facets(client: Any) -> None:
    factories.dataset(title={"ja": "保育園一覧", "en": "Nurseries"}, tags=["子育て"])
    factories.dataset(title={"ja": "公園一覧", "en": "Parks"}, tags=["公園"])

    response = client.get(reverse("opendata:catalogue"), {"q": "ほいくえん"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "保育園一覧" in body and "公園一覧" not in body
    assert "子育て" in body  # the keyword facet


def test_a_facet_link_filters_the_catalogue(client: Any) -> None:
    factories.dataset(title={"ja": "保育園一覧"}, tags=["子育て"])
    factories.dataset(title={"ja": "公園一覧"}, tags=["公園"])

    response = client.get(reverse("opendata:catalogue"), {"tags": "公園"})

    body = response.content.decode()
    assert "公園一覧" in body and "保育園一覧" not in body


def test_a_dataset_page_shows_files_and_schema_org(client: Any) -> None:
    dataset = factories.dataset(title={"ja": "避難所一覧", "en": "Shelters"})

    response = client.get(reverse("opendata:dataset", args=[dataset.name]))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<script type="application/ld+json">' in body
    assert '"@type": "Dataset"' in body or '"@type":"Dataset"' in body
    assert "Shift_JIS" in body


def test_a_draft_dataset_page_is_not_found(client: Any) -> None:
    dataset = factories.dataset(state=Dataset.State.DRAFT)

    assert client.get(reverse("opendata:dataset", args=[dataset.name])).status_code == 404


def test_a_csv_resource_page_previews_the_table(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)

    response = client.get(
        reverse("opendata:resource", args=[resource.dataset.name, resource.public_id])
    )

    assert response.status_code == 200
    assert '<th scope="col">名称</th>' in response.content.decode()


def test_a_geojson_resource_page_draws_a_map(client: Any) -> None:
    dataset = factories.dataset()
    geojson = factories.file_resource(
        dataset,
        format="GeoJSON",
        content=(
            b'{"type":"FeatureCollection","features":[{"type":"Feature","geometry":'
            b'{"type":"Point","coordinates":[139.75,35.65]},"properties":{"name":"Park"}}]}'
        ),
    )

    response = client.get(reverse("opendata:resource", args=[dataset.name, geojson.public_id]))

    body = response.content.decode()
    assert 'id="geojson-preview"' in body and "Park" in body


# --- Downloads ------------------------------------------------------------------------------


def test_a_utf8_download_has_a_bom_and_cache_headers_and_is_counted(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)

    response = client.get(_download_url(resource), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["ETag"] and response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=300"
    assert DownloadMonth.objects.get(resource=resource).count == 1


def test_the_shift_jis_twin_downloads_the_same_text_encoded(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)
    twin = resource.variants.get()

    response = client.get(_download_url(twin), HTTP_USER_AGENT=BROWSER)

    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert response.content.decode("cp932") == bytes(resource.current.content).decode("utf-8-sig")


def test_a_conditional_download_is_not_modified_and_not_counted(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)
    first = client.get(_download_url(resource), HTTP_USER_AGENT=BROWSER)

    again = client.get(
        _download_url(resource), HTTP_USER_AGENT=BROWSER, HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=300"
    assert DownloadMonth.objects.get(resource=resource).count == 1


def test_a_new_version_changes_the_etag(client: Any) -> None:
    from minato.opendata import services

    resource = factories.dataset().resources.get(variant_of=None)
    first = client.get(_download_url(resource), HTTP_USER_AGENT=BROWSER)
    services.resource_upload_version(resource=resource, content="名称\n新\n".encode())

    again = client.get(
        _download_url(resource), HTTP_USER_AGENT=BROWSER, HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_a_crawler_download_is_not_counted(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)

    client.get(_download_url(resource), HTTP_USER_AGENT="Mozilla/5.0 (compatible; bingbot/2.0)")

    assert not DownloadMonth.objects.exists()


def test_a_download_with_the_wrong_filename_or_of_a_draft_is_not_found(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)
    draft = factories.dataset(state=Dataset.State.DRAFT)
    factories.csv_resource(draft)
    draft_resource = draft.resources.get(variant_of=None)

    wrong = _download_url(resource).replace(resource.filename, "other.csv")

    assert client.get(wrong).status_code == 404
    assert client.get(_download_url(draft_resource)).status_code == 404


def test_a_post_to_a_download_is_not_allowed(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)

    assert client.post(_download_url(resource)).status_code in (403, 405)


def test_the_statistics_page_shows_the_months(client: Any) -> None:
    resource = factories.dataset().resources.get(variant_of=None)
    client.get(_download_url(resource), HTTP_USER_AGENT=BROWSER)

    response = client.get(reverse("opendata:statistics"))

    assert response.status_code == 200
    assert "63,000" in response.content.decode() or "63000" in response.content.decode()


def test_the_checker_reports_a_missing_required_column(client: Any) -> None:
    upload = SimpleUploadedFile("aed.csv", "全国地方公共団体コード,ID\n131032,1\n".encode())

    response = client.post(
        reverse("opendata:check"), {"standard": "aed", "file": upload, "encoding": ""}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-title"' in body
    assert "名称" in body


def test_the_checker_without_a_file_says_what_is_missing(client: Any) -> None:
    response = client.post(reverse("opendata:check"), {"standard": "aed"})

    assert response.status_code == 422
    assert "error-summary" in response.content.decode()


# --- The console ----------------------------------------------------------------------------


def test_a_clerk_creates_a_draft_and_uploads_a_shift_jis_csv(
    charlie: User, shiba_org: Any, staff_client: Callable[[User], Any]
) -> None:
    client = staff_client(charlie)

    created = client.post(
        reverse("staff:opendata:dataset-new"),
        {
            "organization": "kumin",
            "name": "counter-waits",
            "title_ja": "窓口の待ち時間",
            "notes_ja": "区民課の窓口の待ち時間です。",
            "license_id": "cc-by-4.0",
            "tags": "窓口,待ち時間",
        },
    )
    uploaded = client.post(
        reverse("staff:opendata:resource-add", args=["counter-waits"]),
        {
            "name_ja": "待ち時間",
            "format": "CSV",
            "file": SimpleUploadedFile("waits.csv", "時刻,分\n9:00,10\n".encode("cp932")),
            "encoding": "",
        },
    )

    dataset = Dataset.objects.get(name="counter-waits")
    assert created.status_code == 302 and uploaded.status_code == 302
    assert dataset.state == Dataset.State.DRAFT
    assert dataset.tags == ["窓口", "待ち時間"]
    assert bytes(dataset.resources.get(variant_of=None).current.content) == (
        "\ufeff時刻,分\n9:00,10\n".encode()
    )


def test_a_clerk_cannot_publish_but_a_supervisor_can(
    charlie: User, supervisor: User, shiba_org: Any, staff_client: Callable[[User], Any]
) -> None:
    dataset = factories.dataset(organization=shiba_org, state=Dataset.State.DRAFT)
    factories.csv_resource(dataset)
    url = reverse("staff:opendata:state", args=[dataset.name])

    refused = staff_client(charlie).post(url, {"state": "active"})
    published = staff_client(supervisor).post(url, {"state": "active"})

    dataset.refresh_from_db()
    assert refused.status_code == 403
    assert published.status_code == 302
    assert dataset.state == Dataset.State.ACTIVE


def test_erin_cannot_see_a_dataset_of_another_department(
    erin: User, shiba_org: Any, staff_client: Callable[[User], Any]
) -> None:
    dataset = factories.dataset(organization=shiba_org)

    client = staff_client(erin)
    response = client.get(reverse("staff:opendata:dataset", args=[dataset.name]))
    listing = client.get(reverse("staff:opendata:datasets"))

    assert response.status_code == 404
    assert dataset.name not in listing.content.decode()


def test_a_bad_upload_is_explained_and_changes_nothing(
    charlie: User, shiba_org: Any, staff_client: Callable[[User], Any]
) -> None:
    dataset = factories.dataset(organization=shiba_org, state=Dataset.State.DRAFT)
    count = Resource.objects.count()

    response = staff_client(charlie).post(
        reverse("staff:opendata:resource-add", args=[dataset.name]),
        {"name_ja": "資料", "format": "PDF", "file": SimpleUploadedFile("a.pdf", b"not a pdf")},
    )

    assert response.status_code == 422
    assert Resource.objects.count() == count


def test_a_clerk_adds_a_link_and_a_generated_file(
    charlie: User, shiba_org: Any, staff_client: Callable[[User], Any]
) -> None:
    dataset = factories.dataset(organization=shiba_org, state=Dataset.State.DRAFT)
    client = staff_client(charlie)
    page = client.get(reverse("staff:opendata:dataset", args=[dataset.name])).content.decode()

    linked = client.post(
        reverse("staff:opendata:resource-link-add", args=[dataset.name]),
        {
            "link-name_ja": "避難所の開設状況",
            "link-format": "JSON",
            "link-url": "https://example.jp/api/shelters",
        },
    )
    generated = client.post(
        reverse("staff:opendata:resource-live-add", args=[dataset.name]),
        {"live-name_ja": "AED設置箇所", "live-live_key": "aed"},
    )

    assert 'name="link-url"' in page and 'value="wifi-spots-geojson"' in page
    assert linked.status_code == 302 and generated.status_code == 302
    link = dataset.resources.get(kind=Resource.Kind.LINK)
    assert (link.url, link.format, link.current) == (
        "https://example.jp/api/shelters",
        "JSON",
        None,
    )
    made = dataset.resources.get(kind=Resource.Kind.LIVE, variant_of=None)
    assert made.live_key == "aed" and made.current is not None
    assert dataset.resources.filter(variant_of=made, encoding=Resource.Encoding.SHIFT_JIS).exists()
    assert set(
        AuditEvent.objects.filter(action="opendata.resource_added").values_list(
            "actor_id", flat=True
        )
    ) == {charlie.pk}


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        (
            "resource-link-add",
            {"link-name_ja": "API", "link-format": "JSON", "link-url": "javascript:alert(1)"},
            "link-url",
        ),
        (
            "resource-link-add",
            {"link-name_ja": "", "link-format": "JSON", "link-url": "https://a.jp/"},
            "link-name_ja",
        ),
        (
            "resource-live-add",
            {"live-name_ja": "AED", "live-live_key": "nuclear-plants"},
            "live-live_key",
        ),
    ],
)
def test_a_bad_link_or_source_is_explained_and_changes_nothing(
    charlie: User,
    shiba_org: Any,
    staff_client: Callable[[User], Any],
    path: str,
    data: dict[str, str],
    field: str,
) -> None:
    dataset = factories.dataset(organization=shiba_org, state=Dataset.State.DRAFT)
    count = Resource.objects.count()

    response = staff_client(charlie).post(
        reverse(f"staff:opendata:{path}", args=[dataset.name]), data
    )

    assert response.status_code == 422
    assert f'href="#id_{field}"' in response.content.decode()
    assert Resource.objects.count() == count


def test_a_system_administrator_sees_every_department_s_datasets(
    sam: User, shiba_org: Any, staff_client: Callable[[User], Any]
) -> None:
    dataset = factories.dataset(organization=shiba_org)

    client = staff_client(sam)
    listing = client.get(reverse("staff:opendata:datasets"))
    page = client.get(reverse("staff:opendata:dataset", args=[dataset.name]))

    assert listing.status_code == 200 and dataset.name in listing.content.decode()
    assert page.status_code == 200


def test_a_csv_with_an_unclosed_quote_still_previews(client: Any) -> None:
    dataset = factories.dataset()
    broken = factories.csv_resource(dataset, text='名称,説明\n公園,"' + "あ" * 200_000 + "\n")

    response = client.get(reverse("opendata:resource", args=[dataset.name, broken.public_id]))

    assert response.status_code == 200
