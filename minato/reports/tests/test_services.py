"""Sending, routing and triaging reports through the services."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone, translation
from PIL import Image

from minato.accounts.models import User
from minato.core import uploads
from minato.notifications.models import Notification
from minato.reports import services
from minato.reports.models import Follow, Report
from minato.reports.tests import factories

django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks

pytestmark = pytest.mark.django_db


def test_a_report_is_routed_to_the_areas_branch_office_and_the_photo_position_is_used() -> None:
    departments = factories.report_departments()
    report = services.report_submit(
        draft=services.ReportDraft(
            service_code="streetlight",
            description="消えています",
            photos=[factories.checked_photo(factories.AKASAKA)],
            attributes={"light_state": "off"},
        )
    )
    assert report.area == "akasaka"
    assert report.department == departments["akasaka.machizukuri"]
    assert abs(report.latitude - factories.AKASAKA[0]) < 1e-4
    photo = report.photos.get()
    assert not photo.is_public
    with photo.file.open("rb") as stored:
        assert b"Exif" not in stored.read()


def test_outside_minato_is_refused_and_nothing_is_stored() -> None:
    factories.report_departments()
    with translation.override("en"), pytest.raises(services.ReportError, match="outside Minato"):
        factories.report(position=factories.SHINJUKU)
    assert not Report.objects.exists()


def test_a_duplicate_joins_the_original_and_its_reporter_follows_it(alice: User) -> None:
    departments = factories.report_departments()
    staff = factories.works_staff(departments["shiba.machizukuri"])
    original = factories.report()
    repeat = factories.report(reporter=alice)
    with translation.override("en"), pytest.raises(services.ReportError, match="another report"):
        services.report_set_status(
            staff=staff, report=repeat, status="duplicate", duplicate_of=repeat
        )
    services.report_set_status(
        staff=staff, report=repeat, status="duplicate", duplicate_of=original
    )
    original.refresh_from_db()
    assert original.support_count == 1
    assert Follow.objects.filter(user=alice, report=original).exists()
    # A duplicate of a duplicate is refused: the chain stays one link long.
    third = factories.report()
    with pytest.raises(services.ReportError):
        services.report_set_status(
            staff=staff, report=third, status="duplicate", duplicate_of=repeat
        )


def test_referral_and_closing_need_a_reason_the_reporter_reads() -> None:
    departments = factories.report_departments()
    staff = factories.works_staff(departments["shiba.machizukuri"])
    report = factories.report(contact_email="walker@example.jp")
    with pytest.raises(services.ReportError):
        services.report_set_status(staff=staff, report=report, status="referred", note="国道です")
    with pytest.raises(services.ReportError):
        services.report_set_status(
            staff=staff, report=report, status="referred", referral="national_road"
        )
    services.report_set_status(
        staff=staff,
        report=report,
        status="referred",
        referral="national_road",
        note="国道15号は国の管理です。",
    )
    message = Notification.objects.filter(template_key="reports/status_changed").get()
    assert message.address == "walker@example.jp" and "国道15号は国の管理です。" in message.body
    # An ended report goes nowhere but back to accepted.
    with pytest.raises(services.ReportError):
        services.report_set_status(staff=staff, report=report, status="fixed")


def test_only_the_departments_staff_may_triage(departments: dict, charlie: User) -> None:
    factories.report_departments()
    report = factories.report()
    with pytest.raises(services.ReportError):
        services.report_set_status(staff=charlie, report=report, status="accepted")
    assert Report.objects.get().status == Report.Status.OPEN


def test_reopening_is_possible_for_30_days_only() -> None:
    departments = factories.report_departments()
    staff = factories.works_staff(departments["shiba.machizukuri"])
    report = factories.report()
    services.report_set_status(staff=staff, report=report, status="fixed")
    report.refresh_from_db()
    assert services.can_reopen(report)
    Report.objects.filter(pk=report.pk).update(fixed_at=timezone.now() - timedelta(days=31))
    report.refresh_from_db()
    with pytest.raises(services.ReportError):
        services.report_reopen(report=report, reason="直っていません")
    assert Report.objects.get().status == Report.Status.FIXED


def test_redaction_blurs_the_stored_photo_for_good() -> None:
    departments = factories.report_departments()
    staff = factories.works_staff(departments["shiba.machizukuri"])
    image = Image.new("RGB", (200, 100), (255, 255, 255))
    for x in range(0, 100, 2):  # a sharp pattern on the left half: what a plate would be
        for y in range(100):
            image.putpixel((x, y), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    upload = SimpleUploadedFile("plate.png", out.getvalue(), content_type="image/png")
    checked = uploads.inspect(upload, accept=("png",), max_size_mb=9)
    report = factories.report(photos=[checked])
    photo = report.photos.get()
    old_name = photo.file.name
    with pytest.raises(services.ReportError):
        services.photo_redact(staff=staff, photo=photo, boxes=[services.Box(0, 0, 150, 10)])
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_redact(staff=staff, photo=photo, boxes=[services.Box(0, 0, 50, 100)])
    photo.refresh_from_db()
    assert photo.redacted_at is not None and photo.file.name != old_name
    assert not photo.file.storage.exists(old_name)
    with photo.file.open("rb") as stored:
        blurred = Image.open(io.BytesIO(stored.read())).convert("L")
    left = [blurred.getpixel((x, 50)) for x in range(10, 90)]
    assert max(left) - min(left) < 60  # the stripes are gone
    assert blurred.getpixel((150, 50)) > 200  # the rest is untouched


def test_area_followers_are_told_of_new_reports_of_their_kind(alice: User, bob: User) -> None:
    factories.report_departments()
    services.area_follow(user=alice, area="shiba")
    services.area_follow(user=alice, area="shiba", service=factories.service("streetlight"))
    services.area_follow(user=bob, area="shiba", service=factories.service("playground"))
    report = factories.report()
    assert services.tell_area_followers(report_id=report.pk) == 1
    assert Notification.objects.filter(recipient=alice, template_key="reports/new_in_area").exists()
    assert services.tell_area_followers(report_id=report.pk) == 0  # a retry tells no one twice
    assert Notification.objects.filter(template_key="reports/new_in_area").count() == 1


def test_the_exif_position_is_read_before_it_is_dropped() -> None:
    checked = factories.checked_photo((35.6565, 139.7490))
    assert checked.position is not None
    assert abs(checked.position[0] - 35.6565) < 1e-4 and abs(checked.position[1] - 139.749) < 1e-4
    assert b"Exif" not in checked.content
    assert factories.checked_photo(None).position is None
