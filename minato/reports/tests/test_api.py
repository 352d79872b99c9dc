"""/api/v1/reports: the public list (bounding box, status, kind, area, time), one report
with its public photos and history, and the kinds of problem; never who reported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minato.accounts.models import User
from minato.reports import api
from minato.reports.models import Photo, Report, Service, Update
from minato.reports.tests import factories

pytestmark = pytest.mark.django_db

# Boxes (west,south,east,north) of about 1 km around 芝公園 and 赤坂, and the whole ward.
SHIBA_BOX = "139.744,35.652,139.754,35.661"
AKASAKA_BOX = "139.730,35.667,139.740,35.677"
WARD_BOX = "139.70,35.61,139.80,35.70"


def _problem(answer: Any, status: int | tuple[int, ...] = (400, 422)) -> dict[str, Any]:
    statuses = (status,) if isinstance(status, int) else status
    assert answer.status_code in statuses, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    return body


def _references(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [item["reference"] for item in answer.json()["items"]]


@pytest.fixture
def two_reports() -> tuple[Report, Report]:
    factories.report_departments()
    shiba = factories.report(position=factories.SHIBA_PARK, place_hint="正門の前")
    akasaka = factories.report(
        service_code="road-surface",
        position=factories.AKASAKA,
        description="歩道に穴があいています。",
        attributes={"danger": "soon"},
    )
    return shiba, akasaka


def test_the_list_gives_public_fields_newest_first_in_the_request_language(
    client: Client, two_reports: tuple[Report, Report]
) -> None:
    shiba, akasaka = two_reports
    answer = client.get("/api/v1/reports")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2 and body["limit"] == 20 and body["offset"] == 0
    first, second = body["items"]
    assert [first["reference"], second["reference"]] == [akasaka.reference, shiba.reference]
    assert set(second) == {
        "reference",
        "service_code",
        "service_name",
        "status",
        "status_label",
        "description",
        "latitude",
        "longitude",
        "area",
        "place_hint",
        "status_note",
        "support_count",
        "requested_at",
        "updated_at",
        "url",
    }
    assert second["service_code"] == "streetlight" and second["service_name"] == "街路灯"
    assert second["status"] == "open" and second["area"] == "shiba"
    assert second["place_hint"] == "正門の前" and second["support_count"] == 0
    assert second["latitude"] == pytest.approx(factories.SHIBA_PARK[0])
    assert second["url"].endswith(f"/reports/{shiba.reference}/")
    assert second["requested_at"].endswith("+09:00")
    english = client.get("/api/v1/reports", HTTP_ACCEPT_LANGUAGE="en").json()["items"][1]
    assert english["service_name"] == "Streetlight" and english["status_label"] == "Received"
    assert english["url"].endswith(f"/en/reports/{shiba.reference}/")


def test_the_bounding_box_keeps_the_reports_inside_it(
    client: Client, two_reports: tuple[Report, Report]
) -> None:
    shiba, akasaka = two_reports
    assert _references(client.get("/api/v1/reports", {"bbox": SHIBA_BOX})) == [shiba.reference]
    assert _references(client.get("/api/v1/reports", {"bbox": AKASAKA_BOX})) == [akasaka.reference]
    assert len(_references(client.get("/api/v1/reports", {"bbox": WARD_BOX}))) == 2
    # Spaces after the commas are fine; a box in the sea has nothing.
    assert _references(client.get("/api/v1/reports", {"bbox": "139.744, 35.652, 139.754, 35.661"}))
    assert _references(client.get("/api/v1/reports", {"bbox": "139.9,35.5,140.0,35.55"})) == []


@pytest.mark.parametrize(
    "bbox",
    [
        "abc",
        "139.74,35.65,139.75",  # three numbers
        "139.74,35.65,139.75,35.66,1",  # five
        "nan,35.65,139.75,35.66",
        "139.74,35.65,inf,35.66",
        "-200,35.65,139.75,35.66",  # off the globe
        "139.74,-95,139.75,35.66",
        "1e400,35.65,139.75,35.66",
        ",,,",
    ],
)
def test_a_bad_bounding_box_is_a_problem_that_says_what_a_box_is(client: Client, bbox: str) -> None:
    body = _problem(client.get("/api/v1/reports", {"bbox": bbox}))
    [error] = body["errors"]
    assert error["loc"][-1] == "bbox"
    assert "west,south,east,north" in error["msg"]


def test_corners_the_other_way_round_are_taken_in_order(
    client: Client, two_reports: tuple[Report, Report]
) -> None:
    forwards = _references(client.get("/api/v1/reports", {"bbox": SHIBA_BOX}))
    west, south, east, north = SHIBA_BOX.split(",")
    backwards = _references(
        client.get("/api/v1/reports", {"bbox": f"{east},{north},{west},{south}"})
    )
    assert forwards == backwards and forwards


def test_status_groups_kinds_and_areas_filter_the_list(
    client: Client, two_reports: tuple[Report, Report]
) -> None:
    shiba, akasaka = two_reports
    Report.objects.filter(pk=akasaka.pk).update(status=Report.Status.FIXED)
    assert _references(client.get("/api/v1/reports", {"status": "open"})) == [shiba.reference]
    assert _references(client.get("/api/v1/reports", {"status": "fixed"})) == [akasaka.reference]
    assert _references(client.get("/api/v1/reports", {"status": "closed"})) == []
    assert _references(client.get("/api/v1/reports", {"service": "road-surface"})) == [
        akasaka.reference
    ]
    both = {shiba.reference, akasaka.reference}
    assert set(_references(client.get("/api/v1/reports?service=road-surface&service=streetlight")))
    assert (
        set(
            _references(client.get("/api/v1/reports", {"service": ["road-surface", "streetlight"]}))
        )
        == both
    )
    assert _references(client.get("/api/v1/reports", {"service": "graffiti"})) == []
    assert _references(client.get("/api/v1/reports", {"area": "akasaka"})) == [akasaka.reference]
    assert (
        _references(
            client.get("/api/v1/reports", {"area": "shiba", "bbox": AKASAKA_BOX, "status": "open"})
        )
        == []
    )
    _problem(client.get("/api/v1/reports", {"status": "in_progress"}))
    _problem(client.get("/api/v1/reports", {"area": "shinjuku"}))
    _problem(client.get("/api/v1/reports", {"service": "Street Light!"}))
    _problem(client.get("/api/v1/reports", {"service": [f"s{i}" for i in range(21)]}))
    _problem(client.get("/api/v1/reports", {"service": "streetlight,road-surface"}))
    _problem(client.get("/api/v1/reports", {"until": "0.5"}))  # not seconds since 1970


def test_since_and_until_filter_by_when_it_was_sent(
    client: Client, two_reports: tuple[Report, Report]
) -> None:
    shiba, akasaka = two_reports
    Report.objects.filter(pk=shiba.pk).update(
        requested_at=datetime(2025, 4, 1, 9, 0, tzinfo=timezone.get_current_timezone())
    )
    assert _references(client.get("/api/v1/reports", {"since": "2025-06-01T00:00:00+09:00"})) == [
        akasaka.reference
    ]
    assert _references(client.get("/api/v1/reports", {"until": "2025-06-01T00:00:00Z"})) == [
        shiba.reference
    ]
    # Without an offset: Japan time (09:00 in Tokyo is 00:00 UTC).
    assert _references(
        client.get(
            "/api/v1/reports", {"since": "2025-04-01T09:00:00", "until": "2025-04-01T09:00:00"}
        )
    ) == [shiba.reference]
    _problem(client.get("/api/v1/reports", {"since": "yesterday"}))
    # Times no report can have are taken as the bounds (a year-1 time must not overflow).
    everything = _references(client.get("/api/v1/reports", {"since": "0001-01-01T00:00:00+09:00"}))
    assert len(everything) == 2
    assert _references(client.get("/api/v1/reports", {"since": "9999-12-31T23:59:59-12:00"})) == []


def test_who_reported_is_never_in_the_api(client: Client, alice: User) -> None:
    factories.report_departments()
    by_account = factories.report(reporter=alice)
    by_email = factories.report(
        position=factories.AKASAKA,
        contact_name="港 太郎",
        contact_email="taro.secret@example.jp",
        contact_phone="0312345678",
    )
    Report.objects.filter(pk=by_email.pk).update(open311_token="tok0123456789abcdef")
    by_email.refresh_from_db()
    bodies = [
        client.get("/api/v1/reports").content.decode(),
        client.get(f"/api/v1/reports/{by_account.reference}").content.decode(),
        client.get(f"/api/v1/reports/{by_email.reference}").content.decode(),
    ]
    for body in bodies:
        for secret in (
            alice.email,
            "taro.secret@example.jp",
            "港 太郎",
            "0312345678",
            by_account.private_key,
            by_email.private_key,
            "tok0123456789abcdef",
            "reporter",
            "contact",
        ):
            assert secret not in body


def test_the_list_is_paginated(client: Client) -> None:
    factories.report_departments()
    made = [factories.report().reference for _ in range(3)]
    newest_first = made[::-1]
    page = client.get("/api/v1/reports", {"limit": 2}).json()
    assert page["count"] == 3 and [i["reference"] for i in page["items"]] == newest_first[:2]
    page = client.get("/api/v1/reports", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3 and [i["reference"] for i in page["items"]] == newest_first[2:]
    page = client.get("/api/v1/reports", {"limit": 2, "offset": 10}).json()
    assert page["count"] == 3 and page["items"] == []
    _problem(client.get("/api/v1/reports", {"limit": 0}))
    _problem(client.get("/api/v1/reports", {"limit": 101}))
    _problem(client.get("/api/v1/reports", {"offset": -1}))


def test_the_list_reads_a_page_and_a_count_in_sql(client: Client) -> None:
    factories.report_departments()
    for _ in range(3):
        factories.report()
    api._LIST_SQL.clear()  # this request compiles its SQL: nothing else is run or logged
    with CaptureQueriesContext(connection) as queries:
        assert len(_references(client.get("/api/v1/reports", {"limit": 2, "bbox": WARD_BOX}))) == 2
    assert all(q["sql"] for q in queries.captured_queries)
    report_queries = [q["sql"] for q in queries.captured_queries if "reports_report" in q["sql"]]
    assert len(report_queries) == 2  # the page (LIMIT) and its COUNT
    assert any("LIMIT 2" in sql for sql in report_queries)
    assert any("COUNT(" in sql.upper() for sql in report_queries)
    # A last page tells the count itself.
    with CaptureQueriesContext(connection) as queries:
        assert len(_references(client.get("/api/v1/reports", {"bbox": WARD_BOX}))) == 3
    assert len([q for q in queries.captured_queries if "reports_report" in q["sql"]]) == 1
    assert client.get("/api/v1/reports", {"bbox": WARD_BOX}).json()["count"] == 3


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"bbox": SHIBA_BOX},
        {"bbox": WARD_BOX, "status": "open"},
        {"status": "closed", "service": ["streetlight", "road-surface"]},
        {"area": "akasaka", "since": "2025-01-01T00:00:00+09:00"},
        {
            "bbox": WARD_BOX,
            "status": "fixed",
            "service": ["streetlight"],
            "area": "shiba",
            "since": "2024-01-01T00:00:00+09:00",
            "until": "2030-01-01T00:00:00+09:00",
        },
    ],
)
def test_the_list_sql_compiled_once_reads_what_the_selector_reads(query: dict[str, Any]) -> None:
    factories.report_departments()
    made = [
        factories.report(position=factories.SHIBA_PARK),
        factories.report(position=factories.AKASAKA, service_code="road-surface"),
        factories.report(position=factories.SHIBA_PARK, place_hint="角"),
        factories.report(position=factories.AKASAKA),
    ]
    Report.objects.filter(pk=made[0].pk).update(status=Report.Status.FIXED)
    Report.objects.filter(pk=made[1].pk).update(status=Report.Status.REFERRED)
    filters = api._Filters.of(api.ReportQuery(**query))
    assert api._list_sql(filters) is not None  # compiled, not left to the ORM
    listing = api._PublicReports(filters, "ja")
    expected = list(filters.queryset().values(*api.LIST_COLUMNS))
    assert listing._rows(0, 50) == expected
    assert listing._rows(1, 2) == expected[1:3]
    assert listing.count() == len(expected) == filters.queryset().count()


def test_the_count_stops_at_its_cap_and_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.report_departments()
    for _ in range(4):
        factories.report()
    monkeypatch.setattr(api, "COUNT_CAP", 2)
    api._LIST_SQL.clear()
    page = client.get("/api/v1/reports", {"limit": 1}).json()
    assert (page["count"], page["count_exact"]) == (2, False)
    assert len(client.get("/api/v1/reports", {"limit": 1, "offset": 3}).json()["items"]) == 1
    monkeypatch.setattr(api, "COUNT_CAP", 10)
    api._LIST_SQL.clear()
    page = client.get("/api/v1/reports", {"limit": 1}).json()
    assert (page["count"], page["count_exact"]) == (4, True)


def test_one_report_has_its_public_photos_and_public_history(client: Client) -> None:
    factories.report_departments()
    report = factories.report(photos=[factories.checked_photo()])
    hidden = report.photos.get()
    shown = Photo.objects.create(
        report=report,
        kind=Photo.Kind.AFTER,
        file=SimpleUploadedFile("after.jpg", factories.jpeg(), content_type="image/jpeg"),
        content_type="image/jpeg",
        is_public=True,
    )
    Update.objects.create(report=report, kind=Update.Kind.NOTE, text="内部メモ", is_public=False)
    Update.objects.create(report=report, kind=Update.Kind.REPLY, text="返信", is_public=False)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.FIXED, status_note="交換しました"
    )
    Update.objects.create(
        report=report, kind=Update.Kind.STATUS, status=Report.Status.FIXED, text="交換しました"
    )
    answer = client.get(f"/api/v1/reports/{report.reference.lower()}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["reference"] == report.reference and body["status"] == "fixed"
    assert body["status_note"] == "交換しました" and body["duplicate_of"] is None
    assert body["photo_urls"] == [body["photos"][0]["url"]]
    assert body["photos"][0]["kind"] == "after"
    assert body["photo_urls"][0].endswith(f"/reports/{report.reference}/photos/{shown.public_id}/")
    assert str(hidden.public_id) not in answer.content.decode()
    assert [(u["kind"], u["status"], u["text"]) for u in body["updates"]] == [
        ("status", "open", ""),
        ("status", "fixed", "交換しました"),
    ]
    assert "内部メモ" not in answer.content.decode() and "返信" not in answer.content.decode()


def test_an_unknown_report_is_a_404_problem(client: Client) -> None:
    factories.report_departments()
    for reference in ("ZZZZZZZZ", "not-a-ref", "A" * 13):
        body = _problem(client.get(f"/api/v1/reports/{reference}"), 404)
        assert body["status"] == 404


def test_the_kinds_of_problem_are_listed_in_the_request_language(
    client: Client, two_reports: tuple[Report, Report]
) -> None:
    Service.objects.filter(code="graffiti").update(is_active=False)
    answer = client.get("/api/v1/reports/services")
    assert answer.status_code == 200
    services = {item["code"]: item for item in answer.json()}
    assert "graffiti" not in services
    assert services["streetlight"]["name"] == "街路灯"
    assert services["streetlight"]["group"] == "roads"
    assert set(services["playground"]) == {"code", "group", "group_name", "name", "description"}
    english = client.get("/api/v1/reports/services", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {s["code"]: s["name"] for s in english}["streetlight"] == "Streetlight"
