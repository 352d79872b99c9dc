"""The resident's and the staff's pages: sending a report with a photo, "me too", following,
triage in the console, the reporter being told, and reopening."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.notifications.models import Notification
from minato.reports.models import Follow, Photo, Report, Support
from minato.reports.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def works() -> dict[str, Any]:
    departments = factories.report_departments()
    return {
        "departments": departments,
        "shiba": factories.works_staff(departments["shiba.machizukuri"]),
        "akasaka": factories.works_staff(
            departments["akasaka.machizukuri"], email="akasaka@city.minato.example"
        ),
    }


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "service": "streetlight",
        "latitude": str(factories.SHIBA_PARK[0]),
        "longitude": str(factories.SHIBA_PARK[1]),
        "description": "街路灯が消えています",
        "attr-streetlight-light_state": "off",
        **overrides,
    }


def test_a_resident_reports_a_streetlight_with_a_photo_and_is_told(
    works: dict[str, Any], resident_client: Callable[[User], Client], alice: User
) -> None:
    client = resident_client(alice)
    response = client.post(
        reverse("reports:new"), _form(photos=[factories.photo_upload(factories.SHIBA_PARK)])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get()
    assert report.reporter == alice
    assert report.department == works["departments"]["shiba.machizukuri"]
    assert report.attributes == {"light_state": "off"}
    assert report.photos.count() == 1
    page = client.get(response["Location"])
    assert report.reference in page.content.decode()
    assert Notification.objects.filter(recipient=alice, template_key="reports/received").exists()
    # The public page shows neither the reporter nor the photo not yet checked.
    public = Client().get(reverse("reports:report", args=[report.reference])).content.decode()
    assert alice.email not in public and "アリス" not in public
    photo = report.photos.get()
    assert (
        Client().get(reverse("reports:photo", args=[report.reference, photo.public_id])).status_code
        == 404
    )


def test_anonymous_report_without_js_uses_the_photo_position_and_gives_a_private_link() -> None:
    factories.report_departments()
    client = Client()
    response = client.post(
        reverse("reports:new"),
        _form(
            latitude="",
            longitude="",
            contact_email="someone@example.jp",
            photos=[factories.photo_upload(factories.AKASAKA)],
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.area == "akasaka" and report.reporter is None
    page = client.get(response["Location"]).content.decode()
    assert f"?key={report.private_key}" in page  # shown once, to keep
    # The email-only reporter is told, with the private link.
    message = Notification.objects.get(template_key="reports/received")
    assert message.address == "someone@example.jp" and report.private_key in message.body


def test_bad_input_is_refused_and_changes_nothing(works: dict[str, Any]) -> None:
    client = Client()
    cases = [
        _form(latitude="35.69", longitude="139.70"),  # Shinjuku
        _form(latitude="", longitude=""),  # no place at all
        _form(latitude="nan", longitude="inf"),
        _form(description=""),
        _form(service="no-such-thing"),
        _form(**{"attr-streetlight-light_state": "purple"}),
        _form(photos=[factories.SimpleUploadedFile("x.jpg", b"MZ not an image")]),
        _form(contact_email="not-an-email"),
    ]
    for data in cases:
        response = client.post(reverse("reports:new"), data)
        assert response.status_code == 200, data
        assert "error-summary" in response.content.decode(), data
    assert not Report.objects.exists()


def test_nearby_open_reports_of_the_kind_are_offered_before_a_duplicate(
    works: dict[str, Any],
) -> None:
    existing = factories.report()
    client = Client()
    response = client.post(reverse("reports:new"), _form())
    body = response.content.decode()
    assert response.status_code == 200 and existing.reference in body
    assert Report.objects.count() == 1
    # "Me too" instead: counted once per browser.
    for _ in range(2):
        client.post(reverse("reports:support", args=[existing.reference]))
    existing.refresh_from_db()
    assert existing.support_count == 1 and Support.objects.count() == 1
    # Or send it anyway: the returned form carries the confirmation.
    assert 'name="confirmed_new"' in body
    sent = client.post(reverse("reports:new"), _form(confirmed_new="on"))
    assert sent.status_code == 302 and Report.objects.count() == 2
    fragment = client.get(
        reverse("reports:nearby"),
        {"service": "streetlight", "latitude": "35.6565", "longitude": "139.749"},
    )
    assert existing.reference in fragment.content.decode()


def test_staff_triage_fix_with_after_photo_and_reporter_reopens(
    works: dict[str, Any],
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    alice: User,
    bob: User,
) -> None:
    report = factories.report(reporter=alice)
    resident_client(bob).post(reverse("reports:follow", args=[report.reference]))
    assert Follow.objects.filter(user=bob, report=report).exists()
    staff = staff_client(works["shiba"])
    page = staff.get(reverse("staff:reports:report", args=[report.reference]))
    assert page.status_code == 200 and alice.email not in page.content.decode()
    shown = staff.get(reverse("staff:reports:report", args=[report.reference]) + "?contact=1")
    assert alice.email in shown.content.decode()
    assert AuditEvent.objects.filter(action="reports.contact_viewed", subject_id=alice.pk).exists()
    url = reverse("staff:reports:status", args=[report.reference])
    assert staff.post(url, {"status": "accepted"}).status_code == 302
    assert staff.post(url, {"status": "closed"}).status_code == 400  # a reason is required
    added = staff.post(
        reverse("staff:reports:photo-add", args=[report.reference]),
        {"kind": "after", "photo": factories.photo_upload()},
    )
    assert added.status_code == 302
    assert staff.post(url, {"status": "fixed", "note": "交換しました"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.FIXED and report.fixed_at is not None
    after = report.photos.get(kind=Photo.Kind.AFTER)
    assert (
        Client().get(reverse("reports:photo", args=[report.reference, after.public_id])).status_code
        == 200
    )
    told = Notification.objects.filter(
        template_key="reports/status_changed", reference=report.reference
    )
    assert {n.recipient_id for n in told} == {alice.pk, bob.pk}
    # Staff of another branch office cannot change it.
    other = staff_client(works["akasaka"])
    assert other.post(url, {"status": "accepted"}).status_code == 404
    # The reporter says it is not fixed.
    reporter = resident_client(alice)
    reporter.post(reverse("reports:reopen", args=[report.reference]), {"reason": "まだ暗いです"})
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN and report.reopened_count == 1
    # Someone else cannot.
    resident_client(bob).post(reverse("reports:reopen", args=[report.reference]), {"reason": "x"})
    assert Report.objects.get(pk=report.pk).reopened_count == 1
    mail.outbox.clear()


def test_the_public_list_filters_and_the_dashboard_counts(
    works: dict[str, Any], staff_client: Callable[[User], Client]
) -> None:
    factories.report()
    factories.report(service_code="playground", position=factories.AKASAKA)
    listing = Client().get(reverse("reports:list"), {"service": "playground"}).content.decode()
    assert "公園の遊具" in listing and "report-points" in listing
    dashboard = staff_client(works["shiba"]).get(reverse("staff:reports:dashboard"))
    assert dashboard.status_code == 200
    assert "heat-cells" in dashboard.content.decode()


@override_settings(REPORT_RATE="2/h")
def test_reports_past_the_rate_are_refused_with_a_message(works: dict[str, Any]) -> None:
    client = Client()
    for number in range(2):
        sent = client.post(
            reverse("reports:new"),
            _form(confirmed_new="on", description=f"消えています {number}"),
        )
        assert sent.status_code == 302
    refused = client.post(reverse("reports:new"), _form(confirmed_new="on"))
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    assert Report.objects.count() == 2


def test_staff_redact_and_publish_a_photo_and_only_staff_see_it_first(
    works: dict[str, Any], staff_client: Callable[[User], Client]
) -> None:
    report = factories.report(photos=[factories.checked_photo()])
    photo = report.photos.get()
    staff = staff_client(works["shiba"])
    assert (
        staff.get(
            reverse("staff:reports:photo", args=[report.reference, photo.public_id])
        ).status_code
        == 200
    )
    redacted = staff.post(
        reverse("staff:reports:photo-redact", args=[report.reference, photo.public_id]),
        {"left": "10", "top": "10", "width": "30", "height": "20"},
    )
    assert redacted.status_code == 302
    staff.post(
        reverse("staff:reports:photo-publish", args=[report.reference, photo.public_id]),
        {"public": "1"},
    )
    photo.refresh_from_db()
    assert photo.is_public and photo.redacted_at is not None
    public = Client().get(reverse("reports:photo", args=[report.reference, photo.public_id]))
    assert public.status_code == 200 and public["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(action="reports.photo_redacted").exists()
