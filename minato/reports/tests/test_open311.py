"""Open311 GeoReport v2 at /open311/v2/: the catalogue, reading and posting service requests
in JSON and XML, the api_key, the specification's errors, and that no answer ever shows who
reported."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from minato.accounts import services as accounts
from minato.accounts.models import ApiToken, Department, User
from minato.core.models import AuditEvent
from minato.reports import open311, services
from minato.reports.models import Photo, Report, Service
from minato.reports.tests import factories

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# A few dozen odd inputs per test: the client and database persist between examples, which
# only read or add reports.
FUZZ = examples(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Who sent the report in test_no_read_ever_shows_who_reported: none of it may be read back.
CONTACT = {
    "first_name": "Taro",
    "last_name": "Minato",
    "email": "taro.minato@example.jp",
    "phone": "0312345678",
}


@pytest.fixture(autouse=True)
def report_departments() -> dict[str, Department]:
    return factories.report_departments()


def _service_account(email: str = "open311-app@example.jp") -> User:
    return accounts.service_account_get_or_create(email=email, display_name="Open311 app")


@pytest.fixture
def api_key() -> str:
    _token, plaintext = accounts.api_token_create(
        user=_service_account(), name="open311", scopes=[ApiToken.Scope.REPORTS_SUBMIT]
    )
    return plaintext


def _xml(content: bytes) -> ET.Element:
    assert content.startswith(XML_DECLARATION)
    return ET.fromstring(content)  # noqa: S314 (our own document, from the test client)


def _streetlight(api_key: str, **extra: Any) -> dict[str, Any]:
    return {
        "api_key": api_key,
        "service_code": "streetlight",
        "lat": str(factories.SHIBA_PARK[0]),
        "long": str(factories.SHIBA_PARK[1]),
        "description": "街路灯が消えています。",
        "attribute[light_state]": "off",
        **extra,
    }


def _post(client: Client, data: dict[str, Any], fmt: str = "json", **headers: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data, **headers)


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [request["service_request_id"] for request in response.json()]


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [error] = response.json()
    assert error["code"] == status
    return str(error["description"])


# --- Discovery and the catalogue --------------------------------------------------------


def test_discovery_names_this_endpoint_its_formats_and_the_contact(client: Client) -> None:
    response = client.get(f"{BASE}/discovery.json")

    assert response.status_code == 200
    document = response.json()
    assert document["contact"] == settings.OPEN311_CONTACT
    assert document["changeset"] == open311.CHANGESET
    assert "reports:submit" in document["key_service"]
    assert document["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": f"{settings.SITE_URL}/open311/v2/",
            "changeset": open311.CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_discovery_in_xml_lists_each_format_as_its_own_element(client: Client) -> None:
    root = _xml(client.get(f"{BASE}/discovery.xml").content)

    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_the_service_list_names_each_kind_in_japanese_and_says_which_have_questions(
    client: Client,
) -> None:
    response = client.get(f"{BASE}/services.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    listed = {service["service_code"]: service for service in response.json()}
    assert set(listed) == set(Service.objects.filter(is_active=True).values_list("code", flat=True))
    assert listed["streetlight"] == {
        "service_code": "streetlight",
        "service_name": "街路灯",
        "description": "街路灯が消えている、点滅している、昼も点いている",
        "metadata": True,
        "type": "realtime",
        "keywords": "light,lamp,照明",
        "group": listed["streetlight"]["group"],
    }
    assert listed["curve-mirror"]["metadata"] is False
    assert response["Cache-Control"] == "public, max-age=60"


def test_the_locale_extension_gives_the_service_list_in_english(client: Client) -> None:
    listed = {s["service_code"]: s for s in client.get(f"{BASE}/services.json?locale=en").json()}

    assert listed["streetlight"]["service_name"] == "Streetlight"
    assert listed["streetlight"]["group"] == "Roads"


def test_an_unknown_locale_falls_back_to_japanese(client: Client) -> None:
    listed = {s["service_code"]: s for s in client.get(f"{BASE}/services.json?locale=fr").json()}

    assert listed["streetlight"]["service_name"] == "街路灯"


def test_the_service_list_in_xml_uses_the_specifications_elements(client: Client) -> None:
    response = client.get(f"{BASE}/services.xml")

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = _xml(response.content)
    assert root.tag == "services"
    service = next(
        s for s in root.findall("service") if s.findtext("service_code") == "streetlight"
    )
    assert [child.tag for child in service] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert service.findtext("service_name") == "街路灯"
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_a_service_definition_lists_its_questions_and_the_answers_to_choose_from(
    client: Client,
) -> None:
    response = client.get(f"{BASE}/services/streetlight.json?locale=en")

    assert response.status_code == 200
    definition = response.json()
    assert definition["service_code"] == "streetlight"
    light_state, pole_number = definition["attributes"]
    assert light_state == {
        "variable": True,
        "code": "light_state",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": "",
        "order": 1,
        "description": "What is wrong with it?",
        "values": [
            {"key": "off", "name": "It is out"},
            {"key": "flicker", "name": "It flickers"},
            {"key": "day", "name": "It is on in the daytime"},
            {"key": "damaged", "name": "It is damaged or leaning"},
        ],
    }
    assert pole_number["datatype"] == "string"
    assert pole_number["required"] is False
    assert pole_number["order"] == 2
    assert pole_number["values"] == []


def test_a_service_definition_in_xml_is_a_service_definition_element(client: Client) -> None:
    root = _xml(client.get(f"{BASE}/services/streetlight.xml").content)

    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "streetlight"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("variable") == "true"
    assert attribute.findtext("description") == "どのような状態ですか"
    assert [value.findtext("key") for value in attribute.findall("values/value")] == [
        "off",
        "flicker",
        "day",
        "damaged",
    ]
    assert attribute.findall("values/value")[0].findtext("name") == "消えている"


@pytest.mark.parametrize("code", ["no-such-service", "streetlight"])
def test_an_unknown_or_withdrawn_service_is_a_404_in_the_error_format(
    client: Client, code: str
) -> None:
    Service.objects.filter(code="streetlight").update(is_active=False)

    response = client.get(f"{BASE}/services/{code}.json")

    assert code in _error(response, 404)


# --- Posting a request ------------------------------------------------------------------


def test_posting_a_request_creates_an_open311_report_and_answers_with_its_id_and_token(
    client: Client, api_key: str
) -> None:
    response = _post(
        client, _streetlight(api_key, address_string="芝公園の入口", **CONTACT, device_id="x1")
    )

    assert response.status_code == 201, response.content
    [answer] = response.json()
    report = Report.objects.get()
    assert answer == {
        "service_request_id": report.reference,
        "service_notice": "",
        "account_id": "",
        "token": report.open311_token,
    }
    assert report.source == Report.Source.OPEN311
    assert report.service.code == "streetlight"
    assert report.attributes == {"light_state": "off"}
    assert report.place_hint == "芝公園の入口"
    assert report.area == "shiba"
    assert report.language == "ja"
    assert report.reporter is None
    assert (report.contact_name, report.contact_email, report.contact_phone) == (
        "Taro Minato",
        "taro.minato@example.jp",
        "0312345678",
    )


def test_clients_post_without_a_csrf_token(api_key: str) -> None:
    client = Client(enforce_csrf_checks=True)

    assert _post(client, _streetlight(api_key)).status_code == 201
    _error(client.post(f"{BASE}/services.json"), 405)


def test_posting_in_xml_answers_in_xml(client: Client, api_key: str) -> None:
    response = _post(client, _streetlight(api_key), fmt="xml")

    assert response.status_code == 201
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = _xml(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert request.findtext("service_request_id") == Report.objects.get().reference
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
        "token",
    ]


def test_a_post_acts_as_the_service_account_in_the_audit_log(client: Client, api_key: str) -> None:
    _post(client, _streetlight(api_key))

    event = AuditEvent.objects.get(action="reports.report_submitted")
    assert event.actor_id == _service_account().pk


def test_a_photo_sent_as_media_is_kept_and_read_as_media_url_once_staff_publish_it(
    client: Client, api_key: str
) -> None:
    response = _post(client, _streetlight(api_key, media=factories.photo_upload()))

    assert response.status_code == 201, response.content
    report = Report.objects.get()
    photo = report.photos.get()
    assert not photo.is_public
    url = f"{BASE}/requests/{report.reference}.json"
    assert client.get(url).json()[0]["media_url"] == ""

    Photo.objects.filter(pk=photo.pk).update(is_public=True)  # as photo_set_public would

    assert client.get(url).json()[0]["media_url"] == (
        f"{settings.SITE_URL}/reports/{report.reference}/photos/{photo.public_id}/"
    )


def test_a_media_file_that_is_not_a_photo_is_refused(client: Client, api_key: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")

    response = _post(client, _streetlight(api_key, media=page))

    assert _error(response, 400).startswith("media: ")
    assert not Report.objects.exists()


def test_a_media_url_is_ignored(client: Client, api_key: str) -> None:
    response = _post(client, _streetlight(api_key, media_url="https://example.com/photo.jpg"))

    assert response.status_code == 201
    assert not Photo.objects.exists()


def test_repeated_bracketed_attributes_answer_a_multivaluelist(
    client: Client, api_key: str
) -> None:
    Service.objects.filter(code="graffiti").update(
        attributes=[
            {
                "code": "surface",
                "variable": True,
                "datatype": "multivaluelist",
                "required": True,
                "description": {"ja": "どこに", "en": "Where"},
                "values": [
                    {"key": "wall", "name": {"ja": "壁", "en": "Wall"}},
                    {"key": "sign", "name": {"ja": "標識", "en": "Sign"}},
                ],
            }
        ]
    )
    data = {
        **_streetlight(api_key, service_code="graffiti"),
        "attribute[surface][]": ["wall", "sign"],
    }

    response = _post(client, data)

    assert response.status_code == 201, response.content
    assert Report.objects.get().attributes == {"surface": ["wall", "sign"]}


@pytest.fixture(
    params=["missing", "unknown", "without the scope", "revoked", "expired", "inactive account"]
)
def bad_api_key(request: pytest.FixtureRequest) -> str:
    if request.param == "missing":
        return ""
    if request.param == "unknown":
        return "mnt_not-a-token-we-issued"
    scopes = [ApiToken.Scope.AUDIT_READ] if request.param == "without the scope" else None
    api_token, plaintext = accounts.api_token_create(
        user=_service_account(f"{request.param.replace(' ', '-')}@example.jp"),
        name=request.param,
        scopes=scopes or [ApiToken.Scope.REPORTS_SUBMIT],
    )
    if request.param == "revoked":
        accounts.api_token_revoke(api_token=api_token)
    elif request.param == "expired":
        ApiToken.objects.filter(pk=api_token.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif request.param == "inactive account":
        User.objects.filter(pk=api_token.user_id).update(is_active=False)
    return plaintext


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_without_a_valid_api_key_is_refused_with_403_and_creates_nothing(
    client: Client, bad_api_key: str, fmt: str
) -> None:
    response = _post(client, _streetlight(bad_api_key), fmt=fmt)

    assert response.status_code == 403
    if fmt == "xml":
        error = _xml(response.content).find("error")
        assert error is not None
        assert error.findtext("code") == "403"
        assert "api_key" in (error.findtext("description") or "")
    else:
        assert "api_key" in _error(response, 403)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"service_code": ""}, "service_code is required"),
        ({"lat": "", "long": ""}, "lat and long are required"),
        ({"long": ""}, "lat and long both need to be sent"),
        ({"lat": "", "long": "", "address_string": "芝公園4-2"}, "cannot look up address_string"),
        ({"lat": "north"}, "must be numbers"),
        ({"lat": "nan"}, "lat/long: "),
        ({"lat": "1e999"}, "lat/long: "),
        ({"lat": str(factories.SHINJUKU[0]), "long": str(factories.SHINJUKU[1])}, "outside Minato"),
        ({"description": ""}, "description: "),
        ({"attribute[light_state]": "purple"}, "attribute[light_state]: "),
        ({"attribute[light_state]": ""}, "attribute[light_state]: "),
        ({"email": "not-an-email"}, "email: "),
        ({"first_name": "x" * 200}, "first_name/last_name: "),
        ({"description": "消えています\x00"}, "NUL"),
    ],
)
def test_a_post_missing_or_with_a_wrong_parameter_is_a_400_and_creates_nothing(
    client: Client, api_key: str, change: dict[str, str], expected: str
) -> None:
    response = _post(client, _streetlight(api_key, **change))

    assert expected in _error(response, 400)
    assert not Report.objects.exists()


def test_a_post_for_an_unknown_service_code_is_a_404(client: Client, api_key: str) -> None:
    response = _post(client, _streetlight(api_key, service_code="no-such-service"))

    assert "service_code" in _error(response, 404)
    assert not Report.objects.exists()


def test_a_post_for_another_jurisdiction_is_a_404_and_ours_is_accepted(
    client: Client, api_key: str
) -> None:
    response = _post(client, _streetlight(api_key, jurisdiction_id="sfgov.org"))

    assert "jurisdiction_id" in _error(response, 404)
    assert not Report.objects.exists()
    ours = _post(client, _streetlight(api_key, jurisdiction_id=settings.OPEN311_JURISDICTION))
    assert ours.status_code == 201


@override_settings(OPEN311_RATE="2/h")
def test_posts_past_the_api_keys_rate_are_refused_with_429(client: Client, api_key: str) -> None:
    answers = [_post(client, _streetlight(api_key)).status_code for _ in range(3)]

    assert answers == [201, 201, 429]
    assert Report.objects.count() == 2


def test_a_retry_with_the_same_idempotency_key_creates_the_report_once(
    client: Client, api_key: str
) -> None:
    data = _streetlight(api_key, media=factories.photo_upload())
    first = _post(client, data, HTTP_IDEMPOTENCY_KEY="retry-1")
    data["media"].seek(0)

    again = _post(client, data, HTTP_IDEMPOTENCY_KEY="retry-1")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Report.objects.count() == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024, FILE_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_with_an_idempotency_key_a_photo_over_the_memory_limit_is_taken_once(
    client: Client, api_key: str
) -> None:
    photo = factories.SimpleUploadedFile(
        "big.jpg", factories.jpeg(size=(400, 300)) + b"\0" * 4096, content_type="image/jpeg"
    )
    data = _streetlight(api_key, media=photo)

    first = _post(client, data, HTTP_IDEMPOTENCY_KEY="big-1")
    data["media"].seek(0)
    again = _post(client, data, HTTP_IDEMPOTENCY_KEY="big-1")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Report.objects.count() == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_fields_over_the_memory_limit_are_a_413(client: Client, api_key: str) -> None:
    data = _streetlight(api_key, description="x" * 2000)

    response = _post(client, data, HTTP_IDEMPOTENCY_KEY="big-2")

    assert "too large" in _error(response, 413)
    assert not Report.objects.exists()


def test_an_unreadable_body_is_a_400(client: Client) -> None:
    response = client.generic(
        "POST",
        f"{BASE}/requests.json",
        b"api_key=abc",
        content_type="multipart/form-data",  # without its boundary
    )

    assert "could not be read" in _error(response, 400)


# --- Reading requests -------------------------------------------------------------------


def _close(report: Report, departments: dict[str, Department], note: str = "") -> Report:
    staff = factories.works_staff(departments["shiba.machizukuri"])
    return services.report_set_status(
        staff=staff, report=report, status=Report.Status.FIXED, note=note
    )


def test_a_request_reads_as_the_specification_describes_it(
    client: Client, report_departments: dict[str, Department]
) -> None:
    report = factories.report(place_hint="芝公園の入口")
    report = _close(report, report_departments, note="電球を交換しました。")

    response = client.get(f"{BASE}/requests/{report.reference}.json")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=30"
    assert response["Access-Control-Allow-Origin"] == "*"
    [request] = response.json()
    changed = timezone.localtime(report.status_changed_at).isoformat(timespec="seconds")
    assert request == {
        "service_request_id": report.reference,
        "status": "closed",
        "status_notes": "電球を交換しました。",
        "service_name": "街路灯",
        "service_code": "streetlight",
        "description": report.description,
        "agency_responsible": "芝地区総合支所まちづくり課",
        "service_notice": "",
        "requested_datetime": timezone.localtime(report.requested_at).isoformat(timespec="seconds"),
        "updated_datetime": changed,
        "expected_datetime": None,
        "address": "芝公園の入口",
        "address_id": "",
        "zipcode": "",
        "lat": factories.SHIBA_PARK[0],
        "long": factories.SHIBA_PARK[1],
        "media_url": "",
    }
    assert request["requested_datetime"].endswith("+09:00")


def test_a_request_in_xml_has_the_specifications_elements(client: Client) -> None:
    report = factories.report()

    root = _xml(client.get(f"{BASE}/requests/{report.reference.lower()}.xml").content)

    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert request.findtext("service_request_id") == report.reference
    assert request.findtext("status") == "open"
    assert request.findtext("long") == str(factories.SHIBA_PARK[1])
    assert request.find("expected_datetime") is not None


def test_an_unknown_request_is_a_404(client: Client) -> None:
    assert "NOSUCH12" in _error(client.get(f"{BASE}/requests/NOSUCH12.json"), 404)


def test_several_requests_by_id_ignore_every_other_filter(client: Client) -> None:
    old = factories.report()
    Report.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=400))
    other = factories.report(service_code="graffiti", description="落書き")
    factories.report()

    response = client.get(
        f"{BASE}/requests.json",
        {"service_request_id": f"{old.reference}, {other.reference.lower()}", "status": "closed"},
    )

    assert set(_ids(response)) == {old.reference, other.reference}


def test_requests_can_be_filtered_by_service_code(client: Client) -> None:
    light = factories.report()
    graffiti = factories.report(service_code="graffiti", description="落書き")
    factories.report(service_code="park-toilet", description="トイレ")

    response = client.get(f"{BASE}/requests.json?service_code=streetlight,graffiti")

    assert _ids(response) == [graffiti.reference, light.reference]  # newest first


def test_requests_can_be_filtered_by_status_open_or_closed(
    client: Client, report_departments: dict[str, Department]
) -> None:
    still_open = factories.report()
    fixed = _close(factories.report(), report_departments)

    assert _ids(client.get(f"{BASE}/requests.json?status=open")) == [still_open.reference]
    assert _ids(client.get(f"{BASE}/requests.json?status=closed")) == [fixed.reference]
    assert len(_ids(client.get(f"{BASE}/requests.json?status=open,closed"))) == 2
    assert "status" in _error(client.get(f"{BASE}/requests.json?status=fixed"), 400)


def test_requests_can_be_filtered_by_start_and_end_date(client: Client) -> None:
    march = factories.report()
    april = factories.report()
    Report.objects.filter(pk=march.pk).update(
        requested_at=datetime(2026, 3, 15, 12, tzinfo=open311.TOKYO)
    )
    Report.objects.filter(pk=april.pk).update(
        requested_at=datetime(2026, 4, 15, 12, tzinfo=open311.TOKYO)
    )

    def between(start: str, end: str) -> list[str]:
        return _ids(client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}))

    assert between("2026-04-01T00:00:00+09:00", "2026-04-30T00:00:00Z") == [april.reference]
    assert between("2026-03-01T00:00:00Z", "2026-03-31T23:59:59+09:00") == [march.reference]
    # A "+" left unencoded arrives as a space.
    assert _ids(client.get(f"{BASE}/requests.json?start_date=2026-04-01T00:00:00+09:00")) == [
        april.reference
    ]
    assert _ids(client.get(f"{BASE}/requests.json?end_date=2026-03-31")) == [march.reference]


@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "start_date=2026-13-01T00:00:00Z",
        "end_date=2026-04-01T25:00:00Z",
        "start_date=0001-01-01T00:00:00+09:00",
        "end_date=9999-12-31T23:59:59-23:59",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
        "bbox=1,2,3",
        "bbox=139.8,35.6,139.7,35.7",
        "bbox=nan,35.6,139.8,35.7",
    ],
)
def test_a_bad_date_span_or_box_is_a_400(client: Client, query: str) -> None:
    assert _error(client.get(f"{BASE}/requests.json?{query}"), 400)


def test_requests_can_be_filtered_by_a_bounding_box(client: Client) -> None:
    shiba = factories.report()
    factories.report(position=factories.AKASAKA)

    response = client.get(f"{BASE}/requests.json?bbox=139.74,35.65,139.76,35.66")

    assert _ids(response) == [shiba.reference]


def test_without_dates_requests_are_those_of_the_last_90_days(client: Client) -> None:
    recent = factories.report()
    old = factories.report()
    Report.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=91))

    assert _ids(client.get(f"{BASE}/requests.json")) == [recent.reference]


def test_a_request_list_reads_in_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        report = factories.report(photos=[factories.checked_photo()])
    Photo.objects.update(is_public=True)

    with django_assert_max_num_queries(2):
        response = client.get(f"{BASE}/requests.xml")

    assert len(_xml(response.content).findall("request")) == 3
    assert report.reference in response.content.decode()


def test_a_token_gives_the_id_of_the_request_it_was_issued_for(
    client: Client, api_key: str
) -> None:
    [posted] = _post(client, _streetlight(api_key)).json()

    response = client.get(f"{BASE}/tokens/{posted['token']}.json")

    assert response.status_code == 200
    assert response.json() == [
        {"service_request_id": posted["service_request_id"], "token": posted["token"]}
    ]
    root = _xml(client.get(f"{BASE}/tokens/{posted['token']}.xml").content)
    assert root.findtext("request/service_request_id") == posted["service_request_id"]
    assert "abc123" in _error(client.get(f"{BASE}/tokens/abc123.json"), 404)


def test_no_read_ever_shows_who_reported(client: Client, api_key: str, alice: User) -> None:
    [posted] = _post(client, _streetlight(api_key, **CONTACT)).json()
    by_alice = factories.report(reporter=alice, contact_phone="0398765432")
    private = [
        *CONTACT.values(),
        alice.email,
        "0398765432",
        posted["token"],
        *Report.objects.values_list("private_key", flat=True),
    ]

    bodies = [
        client.get(f"{BASE}/requests.{fmt}{query}").content.decode()
        for fmt in ("json", "xml")
        for query in (
            "",
            f"?service_request_id={posted['service_request_id']},{by_alice.reference}",
            "?status=open&service_code=streetlight",
        )
    ] + [
        client.get(f"{BASE}/requests/{reference}.{fmt}").content.decode()
        for fmt in ("json", "xml")
        for reference in (posted["service_request_id"], by_alice.reference)
    ]

    assert all(by_alice.reference in body for body in bodies[:6])
    assert [secret for secret in private if any(secret in body for body in bodies)] == []


# --- Errors and odd requests ------------------------------------------------------------


def test_errors_in_xml_are_an_errors_element(client: Client) -> None:
    response = client.get(f"{BASE}/services/no-such-service.xml")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = _xml(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert "no-such-service" in (root.findtext("error/description") or "")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "requests.json"),
        ("delete", "requests.xml"),
        ("post", "services.json"),
        ("post", "discovery.json"),
    ],
)
def test_an_unsupported_method_is_a_405_in_the_error_format(
    client: Client, method: str, path: str
) -> None:
    response = getattr(client, method)(f"{BASE}/{path}")

    assert response.status_code == 405
    assert "GET" in response["Allow"]
    if path.endswith(".xml"):
        assert _xml(response.content).findtext("error/code") == "405"
    else:
        _error(response, 405)


@pytest.mark.parametrize(
    "path", ["services.html", "services", "requests.csv", "", "services/a.b.json", "nothing.json"]
)
def test_an_unknown_format_or_resource_is_a_404_in_the_error_format(
    client: Client, path: str
) -> None:
    _error(client.get(f"{BASE}/{path}"), 404)


def test_a_get_for_another_jurisdiction_is_a_404(client: Client) -> None:
    assert "jurisdiction_id" in _error(client.get(f"{BASE}/services.json?jurisdiction_id=x"), 404)
    ours = client.get(f"{BASE}/services.json?jurisdiction_id={settings.OPEN311_JURISDICTION}")
    assert ours.status_code == 200


def test_control_characters_in_a_description_do_not_break_the_xml(client: Client) -> None:
    report = factories.report(description="消えています\x0b\x1b<&>")

    root = _xml(client.get(f"{BASE}/requests/{report.reference}.xml").content)

    assert root.findtext("request/description") == "消えています<&>"


def test_a_nul_character_in_a_query_is_a_400(client: Client) -> None:
    # The body size middleware refuses %00 in the query string before the view.
    assert client.get(f"{BASE}/requests.json?status=open%00").status_code == 400


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "bbox",
                "locale",
                "jurisdiction_id",
            ]
        ),
        st.text(max_size=40),
    ),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_no_query_makes_the_request_list_fail(
    client: Client, query: dict[str, str], fmt: str
) -> None:
    response = client.get(f"{BASE}/requests.{fmt}", query)

    assert response.status_code in (200, 400, 404)


@FUZZ
@given(
    change=st.dictionaries(
        st.sampled_from(
            [
                "service_code",
                "lat",
                "long",
                "description",
                "address_string",
                "email",
                "phone",
                "first_name",
                "attribute[light_state]",
                "attribute[pole_number]",
                "jurisdiction_id",
            ]
        ),
        st.one_of(st.text(max_size=40), st.floats().map(str)),
    )
)
def test_no_parameters_make_a_post_fail(
    client: Client, api_key: str, change: dict[str, str]
) -> None:
    response = _post(client, _streetlight(api_key, **change))

    assert response.status_code in (201, 400, 404)
