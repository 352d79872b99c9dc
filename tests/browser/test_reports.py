"""Community reports in a real browser on a phone-sized screen, axe-core on every page: a
resident reports a broken streetlight with a photo (the photo's position places the pin, a
report already open nearby is offered with "Me too"), the branch office's staff publish the
photo, fix it with an after photo, and the reporter is told."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from minato.accounts.models import User
from minato.notifications.models import Notification
from minato.reports.models import Photo, Report
from minato.reports.tests import factories
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_reports_a_streetlight_and_staff_fix_it_with_an_after_photo(
    axe_page: AxePage, alice: User, tmp_path: object
) -> None:
    departments = factories.report_departments()
    staff = factories.works_staff(departments["shiba.machizukuri"])
    nearby = factories.report(service_code="streetlight", position=(35.6580, 139.7515))
    photo_path = tmp_path / "lamp.jpg"  # type: ignore[operator]
    photo_path.write_bytes(factories.jpeg((35.6581, 139.7516), size=(320, 240)))

    page = axe_page.visit("/en/reports/new/")
    page.get_by_label("What is the problem?").select_option("streetlight")
    # The photo's EXIF position places the pin, and the open streetlight report next to it
    # is offered first.
    page.get_by_label("Photos (up to 3)").set_input_files(str(photo_path))
    # A locator's wait needs no eval (the page's CSP forbids it; a string predicate that is
    # not true at once is polled with eval and fails on a slow machine).
    expect(page.locator("[name=latitude]")).not_to_have_value("")
    assert page.locator("#report-map .leaflet-marker-icon").count() == 1
    page.locator("#nearby-notice").wait_for()
    assert nearby.reference in page.locator("#nearby").inner_html()
    axe_page.check()
    # Tapping the map moves the pin.
    page.locator("#report-map").click()
    page.get_by_label("Streetlight: What is wrong with it?").select_option("off")
    page.get_by_label("Describe the problem").fill("The light has been out for two nights.")
    page.get_by_label("Email address (optional)").fill("walker@example.jp")
    axe_page.follow(page.get_by_role("button", name="Send the report"))
    report = Report.objects.exclude(pk=nearby.pk).get()
    assert report.department == departments["shiba.machizukuri"]
    assert report.photos.count() == 1
    assert "Your report has been sent" in page.content()
    assert report.private_key in page.content()
    axe_page.check()

    _staff_sign_in(axe_page, staff)
    page = axe_page.visit("/en/staff/reports/")
    axe_page.follow(page.get_by_role("link", name=report.reference))
    axe_page.follow(page.get_by_role("button", name="Checked: make public"))
    page.get_by_label("New status").select_option("accepted")
    axe_page.follow(page.get_by_role("button", name="Change", exact=True))
    page.get_by_role("radio", name="After the work").check()
    page.locator("#id_photo").set_input_files(str(photo_path))
    axe_page.follow(page.get_by_role("button", name="Add the photo"))
    page.get_by_label("New status").select_option("fixed")
    page.get_by_label("Note to the reporter and the public").fill("We replaced the lamp.")
    axe_page.follow(page.get_by_role("button", name="Change", exact=True))
    report.refresh_from_db()
    assert report.status == Report.Status.FIXED
    assert report.photos.filter(kind=Photo.Kind.AFTER, is_public=True).exists()
    told = Notification.objects.filter(template_key="reports/status_changed").last()
    assert told is not None
    assert told.address == "walker@example.jp"

    page = axe_page.visit(f"/en/reports/{report.reference}/")
    assert page.locator(".photo-list img").count() == 2
    assert "We replaced the lamp." in page.content()
    assert "walker@example.jp" not in page.content()
    axe_page.visit("/en/staff/reports/dashboard/")
    axe_page.visit("/reports/")
    assert page.locator("#report-map path.leaflet-interactive").count() == 2
    axe_page.visit("/ja-easy/reports/")


def test_a_large_phone_photo_is_made_smaller_before_it_is_sent(
    axe_page: AxePage, tmp_path: object
) -> None:
    import io

    from PIL import Image

    factories.report_departments()
    # A 12-megapixel phone photo (grain over a gradient): about 4 MB, with a position.
    grain = Image.effect_noise((4000, 3000), 12).convert("RGB")
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    noise = Image.blend(grain, gradient, 0.6)
    out = io.BytesIO()
    exif = Image.open(io.BytesIO(factories.jpeg((35.6720, 139.7350)))).getexif()
    noise.save(out, format="JPEG", quality=95, exif=exif)
    assert out.tell() > 2_000_000
    big = tmp_path / "big.jpg"  # type: ignore[operator]
    big.write_bytes(out.getvalue())

    page = axe_page.visit("/en/reports/new/")
    page.get_by_label("What is the problem?").select_option("graffiti")
    page.get_by_label("Photos (up to 3)").set_input_files(str(big))
    # A locator's wait needs no eval (the page's CSP forbids it; a string predicate that is
    # not true at once is polled with eval and fails on a slow machine).
    expect(page.locator("[name=latitude]")).not_to_have_value("")
    # The page's CSP forbids eval, so poll with evaluate (run by the browser, not the page).
    for _ in range(100):
        shrunk = page.evaluate(
            "() => document.querySelector('[name=photos]').files[0].size < 1500000"
            " && !document.querySelector('#report-form button[type=submit]').disabled"
        )
        if shrunk:
            break
        page.wait_for_timeout(100)
    assert shrunk, page.evaluate(
        "() => [document.querySelector('[name=photos]').files[0].size,"
        " document.querySelector('[name=photos]').files[0].type,"
        " document.querySelector('#report-form button[type=submit]').disabled]"
    )
    page.get_by_label("Describe the problem").fill("Graffiti on the wall under the bridge.")
    axe_page.follow(page.get_by_role("button", name="Send the report"))
    report = Report.objects.get()
    assert report.area == "akasaka"  # where the photo said it was taken
    photo = report.photos.get()
    with photo.file.open("rb") as stored:
        kept = Image.open(io.BytesIO(stored.read()))
        assert max(kept.size) <= 2560 and b"Exif" not in stored.read()
