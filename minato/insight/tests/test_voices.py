"""Voices: sending (portal and API), bad input, routing, replying, publishing, importing, and
who may see what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from minato.core.models import AuditEvent
from minato.insight.models import Voice
from minato.insight.voices import importer
from minato.insight.voices import services as voice_services
from minato.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _voice(**overrides: Any) -> Voice:
    values = {
        "body": "公園のトイレを掃除してください。連絡は090-1234-5678です。",
        "kind": "request",
        "category": "town",
    }
    values.update(overrides)
    return voice_services.voice_submit(**values)


def test_an_anonymous_resident_sends_a_voice_from_the_portal(client: Client) -> None:
    response = client.post(
        "/insight/voices/new/",
        {
            "kind": "request",
            "category": "town",
            "body": "歩道の段差を直してください。私は山田太郎です。",
        },
    )
    assert response.status_code == 302
    voice = Voice.objects.get()
    assert "山田太郎" not in voice.masked_body
    assert voice.reference.startswith("V")
    page = client.get(response["Location"])
    assert voice.reference in page.content.decode()
    assert AuditEvent.objects.filter(
        action="insight.voice_received", object_id=str(voice.pk)
    ).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write your opinion"),
        ("あ" * 2001, "at most"),
        ("http://a http://b http://c spam", "spam"),
        ("あ" * 25, "spam"),
    ],
)
def test_bad_voices_change_nothing(client: Client, body: str, message: str) -> None:
    response = client.post(
        "/en/insight/voices/new/", {"kind": "request", "category": "town", "body": body}
    )
    assert response.status_code == 200
    assert Voice.objects.count() == 0


def test_the_same_voice_twice_is_one_voice(alice: Any) -> None:
    _voice(author=alice)
    with pytest.raises(voice_services.VoiceError):
        _voice(author=alice)
    assert Voice.objects.count() == 1


def test_an_answer_needs_a_way_to_reach_the_writer() -> None:
    with pytest.raises(voice_services.VoiceError):
        _voice(wants_reply=True)


def test_a_reply_reaches_an_anonymous_writer_by_email(sam: Any) -> None:
    voice = _voice(wants_reply=True, contact_email="writer@example.jp")
    voice_services.voice_reply(voice=voice, body="清掃の回数を増やしました。", sent_by=sam)
    voice.refresh_from_db()
    assert voice.status == "answered"
    notification = Notification.objects.get()
    assert notification.address == "writer@example.jp"
    assert AuditEvent.objects.filter(action="insight.voice_replied").exists()


def test_publishing_masks_again_what_staff_typed(
    staff_client: Any, sam: Any, client: Client
) -> None:
    voice = _voice()
    console = staff_client(sam)
    response = console.post(
        f"/staff/insight/voices/{voice.public_id}/",
        {
            "action": "publish",
            "published_body": "鈴木花子さんから: トイレの清掃を",
            "public_answer": "清掃を週3回にしました。",
        },
    )
    assert response.status_code == 302
    voice.refresh_from_db()
    assert voice.is_published
    assert "鈴木" not in voice.published_body
    public = client.get("/insight/voices/")
    assert "清掃を週3回にしました" not in public.content.decode()  # the list shows the voice only
    detail = client.get(f"/insight/voices/{voice.public_id}/")
    assert "清掃を週3回にしました" in detail.content.decode()
    assert "090-1234-5678" not in detail.content.decode()
    api = client.get("/api/v1/insight/voices").json()
    assert api["count"] == 1
    assert api["items"][0]["answer"] == "清掃を週3回にしました。"


def test_unpublished_voices_are_not_public(client: Client) -> None:
    voice = _voice()
    assert client.get(f"/insight/voices/{voice.public_id}/").status_code == 404


def test_staff_outside_the_department_cannot_see_a_voice(
    staff_client: Any, erin: Any, sam: Any, departments: Any
) -> None:
    voice = _voice()
    voice_services.voice_route(voice=voice, department=departments["kumin"])
    assert staff_client(erin).get(f"/staff/insight/voices/{voice.public_id}/").status_code == 404
    response = staff_client(sam).get(f"/staff/insight/voices/{voice.public_id}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="insight.voice_viewed").exists()


CSV_OK = (
    "受付日,内容,種別,分野,地区,年代\n"
    "2026-10-01,ごみの分別が分かりにくいです,意見,環境・ごみ,芝,30-39\n"
    "2026-10-02,街灯を増やしてください,要望,防災・安全,高輪,\n"
)


def test_a_csv_import_is_whole(staff_client: Any, sam: Any) -> None:
    upload = SimpleUploadedFile("calls.csv", CSV_OK.encode("cp932"), content_type="text/csv")
    response = staff_client(sam).post("/staff/insight/voices/import/", {"file": upload})
    assert response.status_code == 302
    assert Voice.objects.filter(import_batch__isnull=False).count() == 2
    assert set(Voice.objects.values_list("category", flat=True)) == {"environment", "safety"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00\x01garbage", "neither UTF-8 nor Shift_JIS"),
        ("日付,本文\n2026-10-01,あ\n".encode(), "Missing columns"),
        ("受付日,内容\n2026-13-01,ある\n2026-10-01,\n".encode(), "Line 2"),
    ],
)
def test_a_bad_import_imports_nothing_and_says_why(
    staff_client: Any, sam: Any, content: bytes, expected: str
) -> None:
    upload = SimpleUploadedFile("calls.csv", content, content_type="text/csv")
    response = staff_client(sam).post("/en/staff/insight/voices/import/", {"file": upload})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert Voice.objects.count() == 0


def test_every_problem_of_a_file_is_listed() -> None:
    with pytest.raises(importer.ImportRefused) as refused:
        importer.read(
            "受付日,内容,種別\n2026-10-01,,何か\n2099-01-01,よい,意見\n".encode(), "x.csv"
        )
    assert [problem.row for problem in refused.value.problems] == [2, 2, 3]


def test_the_api_takes_a_voice_once_per_key(resident_client: Any, alice: Any) -> None:
    client = resident_client(alice)
    body = {"kind": "request", "category": "town", "text": "バス停に屋根を付けてください。"}
    first = client.post(
        "/api/v1/insight/voices",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    again = client.post(
        "/api/v1/insight/voices",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Voice.objects.count() == 1
    empty = client.post(
        "/api/v1/insight/voices", {**body, "text": ""}, content_type="application/json"
    )
    assert empty.status_code in (400, 422)
    assert empty["Content-Type"].startswith("application/problem+json")


def test_indicators_and_statistics_are_public(client: Client) -> None:
    _voice()
    indicators = client.get("/api/v1/insight/indicators").json()
    keys = {item["key"] for item in indicators}
    assert {
        "open_data_downloads",
        "serious_incidents",
        "online_applications",
        "information_reaches",
    } <= keys
    assert client.get("/insight/indicators/").status_code == 200
    csv_text = client.get("/insight/indicators.csv").content.decode("utf-8-sig")
    assert csv_text.startswith("indicator,name,unit")
    table = client.get("/api/v1/insight/statistics/voices?rows=month&columns=category").json()
    assert table["withheld"] is True  # one voice: too few for any table
    assert client.get("/api/v1/insight/statistics/voices?rows=town&columns=town").status_code == 200
    assert client.get("/insight/statistics/?rows=town&columns=age_band").status_code == 200


def test_the_console_pages_render(staff_client: Any, sam: Any) -> None:
    _voice()
    console = staff_client(sam)
    for path in (
        "/staff/insight/voices/",
        "/staff/insight/topics/",
        "/staff/insight/indicators/",
        "/staff/insight/statistics/",
        "/staff/insight/voices/import/",
    ):
        assert console.get(path).status_code == 200, path
    response = console.post(
        "/staff/insight/indicators/",
        {"occurred_on": "2026-11-01", "severity": "serious", "title": "誤送信"},
    )
    assert response.status_code == 302


def test_sending_is_rate_limited(client: Client, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.INSIGHT_VOICE_RATE = "2/m"
    for index in range(2):
        response = client.post(
            "/insight/voices/new/", {"kind": "opinion", "category": "other", "body": f"意見{index}"}
        )
        assert response.status_code == 302
    refused = client.post(
        "/insight/voices/new/", {"kind": "opinion", "category": "other", "body": "三つ目"}
    )
    assert refused.status_code == 429
    assert Voice.objects.count() == 2


def test_an_excel_file_imports(staff_client: Any, sam: Any) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["received_on", "body", "kind", "category"])
    sheet.append(["2026-10-03", "図書館の開館時間を延ばしてください", "request", "culture"])
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("calls.xlsx", content.getvalue())
    assert (
        staff_client(sam).post("/staff/insight/voices/import/", {"file": upload}).status_code == 302
    )
    assert Voice.objects.get().category == "culture"


def test_indicators_are_reused_for_a_while_but_an_incident_shows_at_once(
    settings: Any, sam: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import date

    from django.core.cache import cache

    from minato.insight.indicators import selectors as indicator_selectors
    from minato.insight.indicators import services as indicator_services

    def figures() -> dict[str, Any]:
        return {indicator.key: indicator for indicator in indicator_selectors.current("ja")}

    cache.clear()
    settings.INSIGHT_INDICATORS_SECONDS = 60
    before = figures()
    _voice()
    # A new voice waits for the next computation...
    assert figures()["voices_received"].series == before["voices_received"].series
    # ...a recorded incident does not (the cache is dropped once it is committed).
    with django_capture_on_commit_callbacks(execute=True):
        indicator_services.incident_record(
            occurred_on=date.today(), severity="serious", title="誤送信", recorded_by=sam
        )
    assert figures()["serious_incidents"].value == 1.0


def test_topic_analysis_is_for_the_analysts(staff_client: Any, charlie: Any, sam: Any) -> None:
    assert staff_client(charlie).get("/staff/insight/topics/").status_code == 403
    assert staff_client(sam).get("/staff/insight/topics/").status_code == 200


def test_two_anonymous_residents_may_send_the_same_words() -> None:
    _voice(body="ありがとうございました。")
    _voice(body="ありがとうございました。")
    assert Voice.objects.count() == 2


def test_a_double_pressed_answer_is_sent_once(sam: Any) -> None:
    voice = _voice(wants_reply=True, contact_email="writer@example.jp")
    voice_services.voice_reply(voice=voice, body="対応しました。", sent_by=sam)
    voice_services.voice_reply(voice=voice, body="対応しました。", sent_by=sam)
    assert voice.replies.count() == 1
    assert Notification.objects.count() == 1


def test_closing_forgets_the_address(sam: Any) -> None:
    voice = _voice(wants_reply=True, contact_email="writer@example.jp")
    voice_services.voice_close(voice=voice)
    voice.refresh_from_db()
    assert voice.contact_email == ""


def test_statistics_leave_out_the_month_under_way_and_formulas(client: Client) -> None:
    from datetime import datetime, time

    from django.utils import timezone

    from minato.insight.statistics import selectors as statistics_selectors

    inside = timezone.make_aware(datetime.combine(statistics_selectors.window()[0], time(12)))
    for index in range(12):
        _voice(
            body=f"意見{index}",
            town="=HYPERLINK(1)" if index < 6 else "芝一丁目",
            received_at=inside,
        )
    _voice(body="今月の意見")  # this month: not in any published table yet
    table = client.get("/api/v1/insight/statistics/voices?rows=age_band&columns=town").json()
    assert table["total"] == 12
    csv_text = client.get(
        "/insight/statistics/?rows=age_band&columns=town&format=csv"
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text
