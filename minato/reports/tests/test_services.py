"""Sending, routing and triaging reports through the services."""

from __future__ import annotations

import pytest
from django.utils import translation

from minato.reports import services
from minato.reports.models import Report
from minato.reports.tests import factories

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
