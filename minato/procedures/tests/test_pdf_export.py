"""The PDF of an application (staff and applicant copies) and the export, in the console
and in the API."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from minato.accounts.models import Department, User
from minato.core.models import AuditEvent
from minato.procedures.applications import exports, pdf
from minato.procedures.applications import services as applications
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, Procedure

pytestmark = pytest.mark.django_db


def t(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en or ja}


FORM: dict[str, Any] = {
    "pages": [
        {
            "id": "details",
            "title": t("申込内容", "Details"),
            "questions": [
                {"id": "who", "type": "name", "label": t("氏名", "Name")},
                {"id": "note", "type": "textarea", "max_length": 5000, "label": t("備考")},
                {"id": "day", "type": "date", "label": t("希望日")},
                {
                    "id": "items",
                    "type": "group",
                    "label": t("品目"),
                    "questions": [
                        {
                            "id": "item",
                            "type": "choice",
                            "label": t("品目"),
                            "options": [
                                {"value": "bed", "label": t("ベッド"), "fee_yen": 1200},
                                {"value": "sofa", "label": t("ソファ"), "fee_yen": 800},
                            ],
                        },
                        {
                            "id": "count",
                            "type": "number",
                            "min": 1,
                            "max": 10,
                            "quantity": True,
                            "label": t("個数"),
                        },
                    ],
                },
            ],
            "next": None,
        }
    ],
    "declaration": t("入力した内容に誤りはありません。"),
}

LONG_NOTE = "<script>alert(1)</script> & 芝公園\n" * 60 + "長" * 2000
ANSWERS: dict[str, Any] = {
    "who": {
        "family_name": "港",
        "given_name": "<b>花子&",
        "family_name_kana": "ミナト",
        "given_name_kana": "ハナコ",
    },
    "note": LONG_NOTE,
    "day": "2026-12-01",
    "items": [{"item": "bed", "count": 2}, {"item": "sofa", "count": 1}],
}


@pytest.fixture
def submitted(
    catalogue: dict[str, Procedure], alice: User, departments: dict[str, Department]
) -> Application:
    procedure = catalogue["sodai"]
    # The test catalogue files 粗大ごみ under 環境課; move it to 区民課 where charlie works.
    Procedure.objects.filter(pk=procedure.pk).update(department=departments["kumin"])
    procedure.refresh_from_db()
    version = form_publish(procedure=procedure, definition=FORM)
    return applications.application_create_and_submit(
        procedure=procedure, form_version=version, applicant=alice, answers=ANSWERS
    )


def pdf_text(content: bytes) -> str:
    """The text drawn in a reportlab PDF, without a PDF library: inflate each content
    stream (ASCII85 + Flate) and decode the strings shown with Tj. The Japanese CID fonts
    take UTF-16BE; the built-in Latin font takes single bytes."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            raw = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        except ValueError:
            continue  # not a content stream
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", raw, re.S):
            data = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: (
                    bytes([int(m.group(1), 8)])
                    if m.group(1)[:1].isdigit()
                    else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1))
                ),
                literal,
            )
            shown.append(data.decode("utf-16-be") if len(data) % 2 == 0 else data.decode())
    return "\n".join(shown)


def test_the_pdf_is_an_a4_document_titled_with_the_reference(submitted: Application) -> None:
    content = pdf.application_pdf(submitted, for_staff=False)
    assert content.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", content)) >= 2  # the long note runs over
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in content  # A4 in points
    assert f"/Title ({submitted.reference})".encode() in content
    text = pdf_text(content)
    assert "港区" in text
    assert submitted.reference in text
    assert "粗大ごみ収集の申込" in text


def test_the_pdf_shows_typed_markup_as_text(submitted: Application) -> None:
    text = pdf_text(pdf.application_pdf(submitted, for_staff=True, printed_by="charlie"))
    assert "<script>alert(1)</script> & 芝公園" in text
    assert "港 <b>花子&（ミナト ハナコ）" in text


def test_the_pdf_has_the_group_items_fees_wareki_and_timeline(submitted: Application) -> None:
    text = pdf_text(pdf.application_pdf(submitted, for_staff=False))
    assert "品目: ベッド / 個数: 2" in text
    assert "品目: ソファ / 個数: 1" in text
    assert "2026-12-01（令和8年12月1日）" in text
    assert "3,200" in text  # 1,200 × 2 + 800
    assert "→" in text  # the timeline


def test_only_the_staff_copy_names_the_applicant_and_who_printed_it(
    submitted: Application,
) -> None:
    resident_copy = pdf.application_pdf(submitted, for_staff=False)
    staff_copy = pdf.application_pdf(submitted, for_staff=True, printed_by="charlie")
    assert "alice@example.jp" not in pdf_text(resident_copy)
    assert "alice@example.jp" in pdf_text(staff_copy)
    assert "charlie" in pdf_text(staff_copy)
    # Metadata never carries personal data.
    info = re.search(rb"/Author.*?/Trapped", staff_copy, re.S)
    assert info is not None
    assert b"alice" not in info.group(0) and b"charlie" not in info.group(0)


def test_staff_download_the_pdf_and_the_read_is_audited(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    response = staff_client(charlie).get(f"/staff/applications/{submitted.reference}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'attachment; filename="{submitted.reference}.pdf"')
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="procedures.application_printed")
    assert event.actor_id == charlie.pk
    assert event.subject_id == submitted.applicant_id
    assert event.object_id == str(submitted.pk)


def test_the_staff_detail_page_links_to_the_pdf(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    page = staff_client(charlie).get(f"/staff/applications/{submitted.reference}/")
    assert f"/staff/applications/{submitted.reference}/pdf/" in page.content.decode()


def test_staff_of_another_department_cannot_download_the_pdf(
    staff_client: Callable[[User], Client], submitted: Application, erin: User
) -> None:
    response = staff_client(erin).get(f"/staff/applications/{submitted.reference}/pdf/")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="procedures.application_printed").exists()


def test_the_applicant_downloads_their_pdf_from_the_application_page(
    resident_client: Callable[[User], Client], submitted: Application, alice: User
) -> None:
    client = resident_client(alice)
    page = client.get(f"/procedures/applications/{submitted.reference}/").content.decode()
    url = f"/procedures/applications/{submitted.reference}/pdf/"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")


def test_another_resident_gets_404_for_the_pdf(
    resident_client: Callable[[User], Client], submitted: Application, bob: User
) -> None:
    response = resident_client(bob).get(f"/procedures/applications/{submitted.reference}/pdf/")
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_the_pdf(submitted: Application) -> None:
    response = Client().get(f"/procedures/applications/{submitted.reference}/pdf/")
    assert response.status_code == 302 and "login" in response["Location"]


# --- Export --------------------------------------------------------------------------------


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_answers_are_flattened_for_excel(submitted: Application) -> None:
    records = exports.export_records(
        Application.objects.filter(pk=submitted.pk).prefetch_related("attachments")
    )
    texts = records[0]["answer_texts"]
    assert texts["who"] == "港 <b>花子&（ミナト ハナコ）"
    assert texts["day"] == "2026-12-01（令和8年12月1日）"
    assert texts["items.1"] == "品目: ベッド / 個数: 2"
    assert texts["items.2"] == "品目: ソファ / 個数: 1"
    assert records[0]["answers"] == submitted.answers  # as stored, for machines


def test_a_name_in_a_group_item_reads_like_a_name_on_the_form(
    catalogue: dict[str, Procedure], alice: User
) -> None:
    from minato.procedures.forms import display
    from minato.procedures.forms.schema import parse_definition

    form = {
        "pages": [
            {
                "id": "members",
                "title": t("世帯"),
                "questions": [
                    {
                        "id": "household",
                        "type": "group",
                        "label": t("世帯員"),
                        "questions": [
                            {"id": "member", "type": "name", "label": t("氏名")},
                            {"id": "age", "type": "number", "label": t("年齢")},
                        ],
                    }
                ],
            }
        ],
        "declaration": t("誤りはありません。"),
    }
    procedure = catalogue["sodai"]
    version = form_publish(procedure=procedure, definition=form)
    hanako = {
        "family_name": "港",
        "given_name": "花子",
        "family_name_kana": "みなと",
        "given_name_kana": "はなこ",
    }
    application = applications.application_create_and_submit(
        procedure=procedure,
        form_version=version,
        applicant=alice,
        answers={"household": [{"member": hanako, "age": 40}]},
    )
    expected = "氏名: 港 花子（みなと はなこ） / 年齢: 40"
    definition = parse_definition(form)
    rows = display.answer_rows(definition, definition.pages, application.answers, "ja")
    assert [(row.label, row.answer) for row in rows] == [("世帯員 1", expected)]
    assert expected in pdf_text(pdf.application_pdf(application, for_staff=False))
    records = exports.export_records(Application.objects.filter(pk=application.pk))
    assert records[0]["answer_texts"]["household.1"] == expected


def test_a_formula_typed_by_an_applicant_is_not_a_formula_in_excel() -> None:
    body, _type, _ext = exports.encode(
        [
            {
                **dict.fromkeys(exports.COLUMNS, ""),
                "answers": {},
                "answer_texts": {"a": '=HYPERLINK("http://x")', "b": "-3", "c": "@SUM(1)"},
            }
        ],
        "csv",
    )
    rows = _csv_rows(body.decode("utf-8-sig"))
    assert rows[1][-3:] == ['\'=HYPERLINK("http://x")', "-3", "'@SUM(1)"]


def test_the_api_exports_csv_with_a_bom_and_the_queue_columns(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    response = staff_client(charlie).get("/api/v1/staff/applications/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith("\ufeff".encode())
    rows = _csv_rows(response.content.decode("utf-8-sig"))
    columns = len(exports.COLUMNS)
    assert rows[0][:columns] == list(exports.COLUMNS)
    assert rows[0][columns:] == ["who", "note", "day", "items.1", "items.2"]
    assert rows[1][0] == submitted.reference
    assert rows[1][columns + 1] == LONG_NOTE  # line breaks survive inside the quoted cell


def test_the_export_names_the_status_in_japanese_beside_its_code(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    # when staff export the queue
    response = staff_client(charlie).get("/api/v1/staff/applications/export?format=csv")
    # then each row has the status code and the label people read
    header, row = _csv_rows(response.content.decode("utf-8-sig"))[:2]
    assert (row[header.index("status")], row[header.index("status_label")]) == (
        "submitted",
        "申請済み",
    )


def test_the_api_exports_shift_jis(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    response = staff_client(charlie).get("/api/v1/staff/applications/export?format=sjis")
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    text = response.content.decode("cp932")
    assert "品目: ベッド / 個数: 2" in text and submitted.reference in text


def test_the_api_exports_json(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    response = staff_client(charlie).get("/api/v1/staff/applications/export?format=json")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert [record["reference"] for record in data] == [submitted.reference]
    assert data[0]["answer_texts"]["items.2"] == "品目: ソファ / 個数: 1"


def test_the_api_export_applies_the_queue_filters(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    client = staff_client(charlie)
    kept = client.get("/api/v1/staff/applications/export?format=json&status=submitted")
    dropped = client.get("/api/v1/staff/applications/export?format=json&status=approved")
    assert [r["reference"] for r in json.loads(kept.content)] == [submitted.reference]
    assert json.loads(dropped.content) == []


def test_the_api_export_shows_only_the_callers_departments(
    staff_client: Callable[[User], Client], submitted: Application, erin: User
) -> None:
    response = staff_client(erin).get("/api/v1/staff/applications/export?format=json")
    assert json.loads(response.content) == []


def test_every_export_is_audited_without_its_contents(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    client = staff_client(charlie)
    client.get("/api/v1/staff/applications/export?format=sjis&status=submitted")
    client.get("/staff/applications/export/?format=csv")
    api_event, console_event = AuditEvent.objects.filter(
        action="procedures.applications_exported"
    ).order_by("sequence")
    assert api_event.actor_id == charlie.pk
    assert api_event.changes["format"] == [None, "sjis"]
    assert api_event.changes["count"] == [None, 1]
    assert api_event.changes["filters"] == [None, {"status": "submitted"}]
    assert api_event.changes["channel"] == [None, "api"]
    assert console_event.changes["channel"] == [None, "console"]
    assert "芝公園" not in json.dumps(api_event.changes, ensure_ascii=False)


def test_the_export_is_capped_and_says_so(
    staff_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    alice: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    applications.application_create_and_submit(
        procedure=submitted.procedure,
        form_version=submitted.form_version,
        applicant=alice,
        answers=ANSWERS,
    )
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 1)
    response = staff_client(charlie).get("/api/v1/staff/applications/export?format=json")
    assert len(json.loads(response.content)) == 1
    assert response["X-Export-Truncated"] == "true"


def test_a_bad_export_format_is_a_problem(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    response = staff_client(charlie).get("/api/v1/staff/applications/export?format=xlsx")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("who", ["nobody", "resident", "service"])
def test_only_staff_sessions_may_export(
    who: str,
    resident_client: Callable[[User], Client],
    alice: User,
    service_token: str,
    submitted: Application,
) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {service_token}"} if who == "service" else {}
    client = resident_client(alice) if who == "resident" else Client()
    response = client.get("/api/v1/staff/applications/export", **headers)
    assert response.status_code == (401 if who == "nobody" else 403)
    assert response["Content-Type"] == "application/problem+json"
    assert not AuditEvent.objects.filter(action="procedures.applications_exported").exists()
