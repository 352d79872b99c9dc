"""The open data catalogue in a real browser on a phone-sized screen, axe-core on every page:
someone finds the Wi-Fi spots by typing in hiragana, previews the file on a map and as a
table, downloads it (counted), checks a CSV of their own against a standard; staff create a
dataset, upload a Shift_JIS CSV, see its grade and publish it."""

from __future__ import annotations

from typing import Any

import pytest

from minato.accounts.models import User
from minato.opendata import services
from minato.opendata.models import Dataset, DownloadMonth
from minato.opendata.tests import factories
from tests.browser.conftest import AxePage
from tests.browser.test_bookings import _staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"


def _wifi_dataset() -> Dataset:
    dataset = factories.dataset(
        name="wifi-spots",
        title={"ja": "公衆無線LANアクセスポイント一覧", "en": "Public Wi-Fi access points"},
        tags=["Wi-Fi", "公衆無線LAN"],
        standard="wifi-spots",
        state=Dataset.State.DRAFT,
    )
    services.resource_live_add(dataset=dataset, live_key="wifi-spots", name={"ja": "一覧（CSV）"})
    services.resource_live_add(
        dataset=dataset, live_key="wifi-spots-geojson", name={"ja": "一覧（GeoJSON）"}
    )
    return services.dataset_set_state(dataset=dataset, state=Dataset.State.ACTIVE)


def test_someone_finds_previews_downloads_and_checks_open_data(
    axe_page: AxePage, tmp_path: Any
) -> None:
    dataset = _wifi_dataset()
    factories.dataset(title={"ja": "主な区立公園", "en": "Parks"}, tags=["公園"])

    page = axe_page.visit("/en/opendata/")
    page.get_by_label("Search the data").fill("むせん")
    axe_page.follow(page.get_by_role("button", name="Search"))
    assert page.locator("#results-title").inner_text().startswith("1")
    axe_page.follow(page.get_by_role("link", name="Public Wi-Fi access points"))
    assert "Quality A" in page.content()

    axe_page.follow(page.get_by_role("link", name="一覧（GeoJSON）", exact=True))
    page.locator("#map .leaflet-interactive").first.wait_for()
    assert page.locator("#map path.leaflet-interactive").count() == 40
    axe_page.check()
    page.go_back()
    axe_page.follow(page.get_by_role("link", name="一覧（CSV）", exact=True))
    assert page.locator("table th").first.inner_text() == "全国地方公共団体コード"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == "131032_wifi_spots.csv"
    # This browser says it is HeadlessChrome: a robot, not counted. A phone is.
    assert not DownloadMonth.objects.filter(dataset=dataset).exists()
    href = page.get_by_role("link", name="Download").get_attribute("href")
    page.request.get(f"{axe_page.base_url}{href}", headers={"User-Agent": PHONE})
    assert DownloadMonth.objects.get(dataset=dataset).count == 1

    page = axe_page.visit("/en/opendata/check/")
    own = tmp_path / "aed.csv"
    own.write_bytes(
        "全国地方公共団体コード,ID,地方公共団体名,名称\n131031,1,東京都港区,区役所\n".encode(
            "cp932"
        )
    )
    page.get_by_label("Standard dataset").select_option("aed")
    page.get_by_label("CSV file").set_input_files(str(own))
    axe_page.follow(page.get_by_role("button", name="Check"))
    assert "Result: quality D" in page.content()
    assert "131032" in page.content()  # the code with its right check digit
    axe_page.visit("/ja-easy/opendata/")
    axe_page.visit("/en/opendata/statistics/")


def test_staff_create_a_dataset_upload_a_shift_jis_csv_and_publish_it(
    axe_page: AxePage, dana: User, departments: dict[str, Any], tmp_path: Any
) -> None:
    factories.organization(name="shiba", department=departments["shiba"])
    upload = tmp_path / "aed.csv"
    header = ",".join(
        ["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "所在地_連結表記", "設置位置"]
    )
    upload.write_bytes(
        f"{header}\n131032,1,東京都港区,芝地区総合支所,東京都港区芝公園1-5-25,1階\n".encode("cp932")
    )

    _staff_sign_in(axe_page, dana)
    page = axe_page.visit("/en/staff/opendata/")
    axe_page.follow(page.get_by_role("link", name="New dataset"))
    page.get_by_label("Name in the address").fill("shiba-aed")
    page.get_by_label("Title (Japanese)").fill("芝地区のAED")
    page.get_by_label("Description (Japanese)").fill("芝地区総合支所のAEDです。")
    page.get_by_label("Standard dataset it follows").select_option("aed")
    axe_page.follow(page.get_by_role("button", name="Create the draft"))

    upload_form = page.locator("form[aria-labelledby=add-file-title]")
    upload_form.get_by_label("File title (Japanese)").fill("AED一覧")
    upload_form.get_by_label("Format").select_option("CSV")
    page.locator("#id_file").set_input_files(str(upload))
    axe_page.follow(page.get_by_role("button", name="Add the file"))
    assert "Quality" in page.content()
    link_form = page.locator("form[aria-labelledby=add-link-title]")
    link_form.get_by_label("Title (Japanese)").fill("AEDの点検状況")
    link_form.get_by_label("Format").select_option("JSON")
    link_form.get_by_label("Address (URL)").fill("https://example.jp/api/aed-checks")
    axe_page.follow(page.get_by_role("button", name="Add the link"))
    assert page.get_by_role("link", name="https://example.jp/api/aed-checks").count() == 1
    axe_page.follow(page.get_by_role("button", name="Publish"))

    dataset = Dataset.objects.get(name="shiba-aed")
    assert dataset.state == Dataset.State.ACTIVE
    assert dataset.quality_grade in ("A", "B", "C")
    page = axe_page.visit("/en/opendata/dataset/shiba-aed/")
    assert "Shift_JIS" in page.content()
