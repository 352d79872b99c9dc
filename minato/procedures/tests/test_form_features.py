"""Question types beyond plain fields: names with furigana, repeatable groups with per-item
fees, file uploads, conditions, patterns, autocomplete and declarations."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from minato.accounts.models import User
from minato.core import uploads
from minato.core.models import AuditEvent
from minato.procedures.forms.answers import validate_all
from minato.procedures.forms.schema import DefinitionError, check_definition
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, Attachment, Procedure
from minato.procedures.tests.form_factories import form, page, question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    # Messages are checked in English; the pages below are requested under /en/.
    from django.utils import translation

    with translation.override("en"):
        yield


def t(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en or ja}


TOWNS = [{"value": f"town{n}", "label": t(f"町{n}", f"Town {n}")} for n in range(25)]
TOWNS[3] = {"value": "shiba", "label": t("芝", "Shiba")}

FEATURES: dict[str, Any] = {
    "pages": [
        {
            "id": "who",
            "title": t("申請者"),
            "questions": [
                {"id": "applicant", "type": "name", "prefill": "name", "label": t("氏名")},
                {"id": "business", "type": "yesno", "label": t("事業者ですか")},
            ],
            "next": "details",
        },
        {
            "id": "details",
            "title": t("内容"),
            "questions": [
                {
                    "id": "corporate_number",
                    "type": "text",
                    "label": t("法人番号"),
                    "pattern": r"\d{13}",
                    "pattern_message": t("13桁の数字で入力してください", "Enter 13 digits"),
                    "show_if": {"question": "business", "equals": "yes"},
                },
                {"id": "town", "type": "choice", "label": t("町名"), "options": TOWNS},
                {
                    "id": "items",
                    "type": "group",
                    "label": t("品目", "Item"),
                    "max_items": 3,
                    "questions": [
                        {
                            "id": "item",
                            "type": "choice",
                            "label": t("品目"),
                            "options": [
                                {"value": "bed", "label": t("ベッド", "Bed"), "fee_yen": 2000},
                                {"value": "chair", "label": t("椅子", "Chair"), "fee_yen": 400},
                            ],
                        },
                        {
                            "id": "count",
                            "type": "number",
                            "quantity": True,
                            "min": 1,
                            "max": 10,
                            "label": t("個数"),
                        },
                    ],
                },
            ],
            "next": "papers",
        },
        {
            "id": "papers",
            "title": t("書類"),
            "questions": [
                {
                    "id": "photo",
                    "type": "file",
                    "accept": ["jpeg", "png", "pdf"],
                    "max_size_mb": 1,
                    "label": t("写真"),
                },
                {"id": "agree", "type": "declaration", "label": t("規約に同意します")},
            ],
        },
    ],
    "declaration": t("誤りはありません"),
}


@pytest.fixture
def procedure(catalogue: dict[str, Procedure]) -> Procedure:
    procedure = catalogue["juminhyo"]
    procedure.availability = "online"
    procedure.save()
    form_publish(procedure=procedure, definition=FEATURES)
    return procedure


def _png(size: tuple[int, int] = (40, 30), *, exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif:
        data = image.getexif()
        data[0x010F] = "SecretCam"  # Make
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def _pdf(extra: bytes = b"") -> bytes:
    """A one-page PDF made by pypdf; ``extra`` goes into the catalogue dictionary."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    content = out.getvalue()
    if extra:  # same length keeps the cross-reference offsets right: pad the catalogue
        content = content.replace(b"/Type /Catalog", b"/Type /Catalog " + extra, 1)
    return content


def _pdf_with_object_stream_script() -> bytes:
    """JavaScript in an object stream, compressed: invisible to a search of the bytes."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    content = out.getvalue()
    # Hide the names from a byte search the way object streams and escapes do.
    return content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- definitions -------------------------------------------------------------------------


def test_the_features_form_is_publishable() -> None:
    definition = check_definition(FEATURES)
    assert definition.has_files() and definition.has_fees()


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["pages"][1]["questions"][0]["show_if"].update(question="town"), "earlier"),
        (lambda d: d["pages"][1]["questions"][2].update(questions=[]), "at least one"),
        (lambda d: d["pages"][1]["questions"][0].update(pattern="(["), "regular expression"),
        (lambda d: d["pages"][0]["questions"][1].update(quantity=True), "quantity"),
        (
            lambda d: d["pages"][1]["questions"][2]["questions"].append(
                {"id": "scan", "type": "file", "label": t("x")}
            ),
            "inside a group",
        ),
        (
            lambda d: d["pages"][1]["questions"][2]["questions"].append(
                {"id": "sign", "type": "declaration", "label": t("x")}
            ),
            "a declaration question cannot be inside a group",
        ),
    ],
)
def test_publishing_refuses_broken_questions(mutate: Any, problem: str) -> None:
    import copy

    definition = copy.deepcopy(FEATURES)
    mutate(definition)
    with pytest.raises(DefinitionError) as error:
        check_definition(definition)
    assert any(problem in p for p in error.value.problems), error.value.problems


# --- answers through the API path (validate_all) -------------------------------------------

VALID: dict[str, Any] = {
    "applicant": {
        "family_name": "港",
        "given_name": "花子",
        "family_name_kana": "みなと",
        "given_name_kana": "ﾊﾅｺ",
    },
    "business": "no",
    "town": "芝",
    "items": [{"item": "bed", "count": 1}, {"item": "chair", "count": 3}],
    "photo": "11111111-1111-1111-1111-111111111111",
    "agree": True,
}
FILES = {"11111111-1111-1111-1111-111111111111": "photo.png"}


def test_valid_answers_are_normalised() -> None:
    definition = check_definition(FEATURES)
    answers, errors, exit_id = validate_all(definition, VALID, "ja", attachment_names=FILES)
    assert errors == {} and exit_id is None
    assert answers["applicant"]["given_name_kana"] == "ハナコ"  # half-width kana folded
    assert answers["town"] == "shiba"  # typed label → option value
    assert answers["items"] == [{"item": "bed", "count": 1}, {"item": "chair", "count": 3}]
    assert answers["agree"] is True
    assert "corporate_number" not in answers  # hidden: not a business


def test_an_object_or_a_list_given_to_a_text_question_is_refused_not_saved_as_text() -> None:
    definition = check_definition(
        {
            "pages": [
                {
                    "id": "p",
                    "title": t("p"),
                    "questions": [{"id": "note", "type": "text", "label": t("メモ")}],
                }
            ],
            "declaration": t("誤りはありません"),
        }
    )
    for wrong in ({"a": "b"}, ["a", "b"]):
        answers, errors, _exit = validate_all(definition, {"note": wrong}, "en")
        assert "note" in errors and "note" not in answers
    answers, errors, _exit = validate_all(definition, {"note": "ok"}, "en")
    assert (answers, errors) == ({"note": "ok"}, {})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"applicant": {**VALID["applicant"], "family_name_kana": "港"}},
            "applicant__family_name_kana",
        ),
        ({"applicant": "港 花子"}, "applicant"),  # not an object: the wrong form
        ({"town": "大阪"}, "town"),
        ({"items": [{"item": "bed", "count": 0}]}, "items__0__count"),
        ({"items": [{"item": "sofa", "count": 1}]}, "items__0__item"),
        ({"items": [{"item": "bed", "count": 1}] * 4}, "items__count"),
        ({"photo": "22222222-2222-2222-2222-222222222222"}, "photo"),
        ({"agree": False}, "agree"),
        ({"business": "yes"}, "corporate_number"),
        ({"business": "yes", "corporate_number": "12345"}, "corporate_number"),
    ],
)
def test_invalid_answers_are_refused_per_question(change: dict[str, Any], field: str) -> None:
    definition = check_definition(FEATURES)
    _answers, errors, _exit = validate_all(
        definition, {**VALID, **change}, "ja", attachment_names=FILES
    )
    assert field in errors, errors


def test_a_pattern_message_is_the_one_staff_wrote() -> None:
    definition = check_definition(FEATURES)
    data = {**VALID, "business": "yes", "corporate_number": "12"}
    _answers, errors, _exit = validate_all(definition, data, "en", attachment_names=FILES)
    assert errors["corporate_number"] == ["Enter 13 digits"]


# --- uploads -----------------------------------------------------------------------------


def test_images_are_reencoded_without_exif() -> None:
    jpeg = _png(exif=True)
    assert b"SecretCam" in jpeg
    checked = uploads.inspect(_upload("IMG_0001.JPG", jpeg), accept=["jpeg"], max_size_mb=1)
    assert checked.kind == "jpeg" and checked.filename == "IMG_0001.jpg"
    assert b"SecretCam" not in checked.content
    assert Image.open(io.BytesIO(checked.content)).getexif() == {}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "photo.png",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "not accepted",
        ),
        ("photo.svg", b"<?xml version='1.0'?><svg onload='alert(1)'/>", "not accepted"),
        ("report.pdf", b"MZ\x90\x00 an executable", "not accepted"),
        ("page.png", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "could not be read"),
        ("script.pdf", _pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "scripts"),
        ("escaped.pdf", _pdf_with_object_stream_script(), "scripts"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF\n", "could not be read"),
        ("empty.png", b"", "empty"),
    ],
)
def test_dangerous_or_broken_files_are_refused(name: str, content: bytes, message: str) -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect(_upload(name, content), accept=["jpeg", "png", "pdf"], max_size_mb=1)
    assert message in str(refused.value.message)


def _pdf_with_action(where: str, action: dict[str, Any]) -> bytes:
    """A PDF whose catalogue (``where="/OpenAction"``) or first page (``where="/AA"``, or
    ``"link"`` for a link annotation) carries ``action``, with every name escaped so that
    only a real PDF parser sees it."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def pdf_value(value: Any) -> Any:
        if isinstance(value, dict):
            return DictionaryObject({NameObject(k): pdf_value(v) for k, v in value.items()})
        return NameObject(value) if value.startswith("/") else TextStringObject(value)

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    made = writer._add_object(pdf_value(action))
    if where == "/OpenAction":
        writer._root_object[NameObject("/OpenAction")] = made
    elif where == "/AA":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): made})
    else:
        link = pdf_value({"/Type": "/Annot", "/Subtype": "/Link"})
        link[NameObject("/A")] = made
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    content = out.getvalue()
    for name in ("OpenAction", "AA", "URI", "GoToR", "GoToE"):
        escaped = "".join(f"#{ord(c):02X}" if i == 1 else c for i, c in enumerate(name))
        content = content.replace(f"/{name}".encode(), f"/{escaped}".encode())
    return content


@pytest.mark.parametrize(
    ("where", "action"),
    [
        ("/OpenAction", {"/S": "/GoTo", "/D": "x"}),  # any action run on opening
        ("/AA", {"/S": "/GoTo", "/D": "x"}),  # an action run when a page opens
        ("link", {"/S": "/URI", "/URI": "https://evil.example/"}),
        ("link", {"/S": "/GoToR", "/F": "other.pdf"}),
        ("link", {"/S": "/GoToE", "/F": "inside.pdf"}),
    ],
)
def test_pdfs_with_actions_or_links_out_are_refused(where: str, action: dict[str, Any]) -> None:
    content = _pdf_with_action(where, action)
    assert not uploads.PDF_ACTIVE_CONTENT.search(content)  # only the parser can see them
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect(_upload("a.pdf", content), accept=["pdf"], max_size_mb=1)
    assert "links, actions" in str(refused.value.message)


def test_large_images_are_stored_at_most_max_side_and_large_pngs_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8000, 5000), (200, 30, 30)).save(out, format="JPEG", quality=80)
    checked = uploads.inspect(_upload("big.jpg", out.getvalue()), accept=["jpeg"], max_size_mb=8)
    assert max(Image.open(io.BytesIO(checked.content)).size) <= uploads.MAX_SIDE
    out = io.BytesIO()
    Image.new("RGB", (5000, 4000)).save(out, format="PNG")  # 20 megapixels, a few KB
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect(_upload("big.png", out.getvalue()), accept=["png"], max_size_mb=8)
    assert "too large" in str(refused.value.message)


def test_a_plain_pdf_is_accepted_unchanged() -> None:
    content = _pdf()
    checked = uploads.inspect(_upload("見積書.pdf", content), accept=["pdf"], max_size_mb=1)
    assert checked.kind == "pdf" and checked.content == content


def test_a_kind_the_question_does_not_accept_is_refused() -> None:
    with pytest.raises(uploads.UploadRefused):
        uploads.inspect(_upload("a.pdf", _pdf()), accept=["jpeg"], max_size_mb=1)


def test_decompression_bombs_are_refused_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 megapixels, ~12 KB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect(_upload("bomb.png", out.getvalue()), accept=["png"], max_size_mb=1)
    assert "too large" in str(refused.value.message)


def test_files_over_the_size_limit_are_refused() -> None:
    big = _pdf(b" " * (1024 * 1024))
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect(_upload("big.pdf", big), accept=["pdf"], max_size_mb=1)
    assert "smaller than 1 MB" in str(refused.value.message)


def test_file_names_cannot_carry_paths() -> None:
    assert uploads.safe_filename("../../etc/passwd.png", "png") == "passwd.png"
    assert uploads.safe_filename("C:\\Users\\x\\見積書.PDF", "pdf") == "見積書.pdf"
    assert uploads.safe_filename("\x00.pdf", "pdf") == "file.pdf"


# --- the resident's journey through these questions ----------------------------------------


def _start(client: Client) -> str:
    response = client.post("/procedures/juminhyo/apply/")
    return str(response["Location"].rstrip("/").split("/")[-1])


def _page(client: Client, draft: str, page: str, data: dict[str, Any]) -> Any:
    return client.post(f"/en/procedures/drafts/{draft}/{page}/", data)


WHO = {
    "applicant__family_name": "港",
    "applicant__given_name": "花子",
    "applicant__family_name_kana": "ミナト",
    "applicant__given_name_kana": "ハナコ",
    "business": "no",
}


def test_a_resident_answers_groups_files_and_sees_the_fees(
    resident_client: Callable[[User], Client], alice: User, procedure: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    # The name is prefilled from the profile.
    page = client.get(f"/en/procedures/drafts/{draft}/who/").content.decode()
    assert 'name="applicant__family_name"' in page
    assert _page(client, draft, "who", WHO).status_code == 302
    details = client.get(f"/en/procedures/drafts/{draft}/details/").content.decode()
    assert "corporate_number" not in details  # shown to businesses only
    assert "<datalist" in details  # 25 towns: type and pick
    typed = {"town": "芝", "items__count": "1", "items__0__item": "bed", "items__0__count": "1"}
    # "Add another" shows a second item, keeping what was typed, saving nothing yet.
    more = _page(client, draft, "details", {**typed, "add_item": "items"})
    assert more.status_code == 200
    assert 'name="items__1__item"' in more.content.decode()
    assert Application.objects.get().answers.get("items") is None
    two = {**typed, "items__count": "2", "items__1__item": "chair", "items__1__count": "3"}
    assert _page(client, draft, "details", two).status_code == 302
    # A file with the wrong magic bytes is refused with a message, and nothing is stored.
    svg = _upload("photo.png", b"<svg><script>alert(1)</script></svg>")
    refused = _page(client, draft, "papers", {"photo": svg, "agree": "on"})
    assert refused.status_code == 200 and "not accepted" in refused.content.decode()
    assert not Attachment.objects.exists()
    photo = _upload("me.png", _png())
    assert _page(client, draft, "papers", {"photo": photo, "agree": "on"}).status_code == 302
    check = client.get(f"/en/procedures/drafts/{draft}/check/").content.decode()
    assert "me.png" in check
    assert "2,000" in check and "1,200" in check and "3,200" in check  # per item and total
    client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    application = Application.objects.get()
    assert application.status == "submitted" and application.fee_yen == 3200
    attachment = Attachment.objects.get()
    assert attachment.application == application
    assert application.answers["photo"] == str(attachment.public_id)
    assert application.answers["applicant"]["family_name"] == "港"
    # The resident and the department's staff can download it; it is checked on the way.
    download = client.get(f"/procedures/files/{attachment.public_id}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert "attachment;" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_changed_file_is_refused_and_recorded(
    resident_client: Callable[[User], Client],
    staff_client: Callable[[User], Client],
    alice: User,
    bob: User,
    charlie: User,
    procedure: Procedure,
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _page(client, draft, "who", WHO)
    _page(client, draft, "details", {"town": "芝", "items__0__item": "bed", "items__0__count": "1"})
    _page(client, draft, "papers", {"photo": _upload("me.png", _png()), "agree": "on"})
    client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    application = Application.objects.get()
    attachment = Attachment.objects.get()
    # Another resident cannot fetch it.
    assert resident_client(bob).get(f"/procedures/files/{attachment.public_id}/").status_code == 404
    # Staff of the department can, and the read is audited.
    staff = staff_client(charlie)
    url = f"/staff/applications/{application.reference}/files/{attachment.public_id}/"
    assert staff.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="procedures.attachment_viewed").exists()
    # Someone edits the file on disk: it is no longer handed out.
    default_storage.delete(attachment.storage_name)
    default_storage.save(attachment.storage_name, io.BytesIO(b"tampered"))
    assert staff.get(url).status_code == 409
    assert client.get(f"/procedures/files/{attachment.public_id}/").status_code == 409
    assert AuditEvent.objects.filter(action="procedures.attachment_integrity_failed").exists()


def test_group_items_can_be_removed_but_not_beyond_the_maximum(
    resident_client: Callable[[User], Client], alice: User, procedure: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _page(client, draft, "who", WHO)
    three = {
        "town": "芝",
        "items__count": "3",
        **{f"items__{i}__item": "chair" for i in range(3)},
        **{f"items__{i}__count": str(i + 1) for i in range(3)},
    }
    full = _page(client, draft, "details", {**three, "add_item": "items"})
    assert 'name="items__3__item"' not in full.content.decode()
    removed = _page(client, draft, "details", {**three, "remove_item": "items__1"})
    body = removed.content.decode()
    assert 'name="items__2__item"' not in body and 'value="3"' in body  # third moved up
    too_many = _page(client, draft, "details", {**three, "items__count": "9"})
    assert too_many.status_code == 200  # refused, not silently cut to three


def test_api_applications_with_groups_and_names(
    client: Client, alice: User, procedure: Procedure
) -> None:
    client.force_login(alice)
    data = {k: v for k, v in VALID.items() if k not in ("photo",)}
    response = client.post(
        "/api/v1/procedures/juminhyo/applications",
        {"answers": data},
        content_type="application/json",
        headers={"Idempotency-Key": "features-1"},
    )
    # The photo is required: the API says which question, and creates nothing.
    assert response.status_code == 422, response.content
    assert "photo" in response.content.decode()
    assert not Application.objects.exclude(status="draft").exists()


def test_api_upload_then_submit_with_the_file(
    client: Client, alice: User, bob: User, procedure: Procedure
) -> None:
    client.force_login(bob)
    bobs = client.post(
        "/api/v1/procedures/juminhyo/attachments?question=photo",
        {"file": _upload("bob.png", _png())},
    )
    assert bobs.status_code == 201
    client.force_login(alice)
    svg = client.post(
        "/api/v1/procedures/juminhyo/attachments?question=photo",
        {"file": _upload("x.png", b"<svg onload='alert(1)'/>")},
    )
    assert svg.status_code == 422 and svg["Content-Type"] == "application/problem+json"
    not_a_file = client.post(
        "/api/v1/procedures/juminhyo/attachments?question=town",
        {"file": _upload("me.png", _png())},
    )
    assert not_a_file.status_code == 422
    uploaded = client.post(
        "/api/v1/procedures/juminhyo/attachments?question=photo",
        {"file": _upload("me.png", _png())},
    )
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["kind"] == "png" and len(body["sha256"]) == 64

    def submit(photo: str, key: str) -> Any:
        return client.post(
            "/api/v1/procedures/juminhyo/applications",
            {"answers": {**VALID, "photo": photo}},
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    # Someone else's file cannot be used.
    assert submit(bobs.json()["id"], "k1").status_code == 422
    created = submit(body["id"], "k2")
    assert created.status_code == 201, created.content
    application = Application.objects.get(reference=created.json()["reference"])
    assert application.attachments.get().public_id.hex == body["id"].replace("-", "")
    assert application.fee_yen == 3200


def test_stored_files_not_yet_sent_are_limited_per_person(
    client: Client, alice: User, bob: User, procedure: Procedure, settings: Any
) -> None:
    settings.UPLOAD_QUOTA_FILES = 2

    def upload(name: str) -> Any:
        return client.post(
            "/api/v1/procedures/juminhyo/attachments?question=photo",
            {"file": _upload(name, _png())},
        )

    client.force_login(alice)
    assert upload("1.png").status_code == 201 and upload("2.png").status_code == 201
    over = upload("3.png")
    assert over.status_code == 422
    assert over.json()["errors"][0]["loc"] == ["body", "file"]
    assert "送信していない申請に保存されたファイルが多すぎます" in over.json()["errors"][0]["msg"]
    assert Attachment.objects.filter(uploader=alice).count() == 2
    client.force_login(bob)  # the quota is each person's own
    assert upload("b.png").status_code == 201


def test_uploads_are_rate_limited_per_person_before_files_are_read(
    client: Client,
    resident_client: Callable[[User], Client],
    alice: User,
    procedure: Procedure,
    settings: Any,
) -> None:
    settings.UPLOAD_RATE = "1/h"
    client.force_login(alice)
    url = "/api/v1/procedures/juminhyo/attachments?question=photo"
    assert client.post(url, {"file": _upload("1.png", _png())}).status_code == 201
    limited = client.post(url, {"file": _upload("2.png", _png())})
    assert limited.status_code == 429 and limited["Content-Type"] == "application/problem+json"
    # On the portal the page is shown again with the reason, and nothing is stored.
    resident = resident_client(alice)
    draft = _start(resident)
    _page(resident, draft, "who", WHO)
    _page(
        resident, draft, "details", {"town": "芝", "items__0__item": "bed", "items__0__count": "1"}
    )
    page = _page(resident, draft, "papers", {"photo": _upload("3.png", _png()), "agree": "on"})
    assert page.status_code == 200
    assert "You have sent many files in a short time" in page.content.decode()
    assert Attachment.objects.count() == 1


def test_files_no_application_took_up_are_deleted_after_a_day(
    client: Client, alice: User, procedure: Procedure
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from minato.core.housekeeping import run_housekeeping

    client.force_login(alice)
    uploaded = client.post(
        "/api/v1/procedures/juminhyo/attachments?question=photo",
        {"file": _upload("me.png", _png())},
    )
    attachment = Attachment.objects.get(public_id=uploaded.json()["id"])
    assert run_housekeeping()["unclaimed_attachments"] == 0
    Attachment.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert run_housekeeping()["unclaimed_attachments"] == 1
    assert not default_storage.exists(attachment.storage_name)


def test_find_address_fills_the_address_from_the_postal_code(
    resident_client: Callable[[User], Client], alice: User, catalogue: dict[str, Procedure]
) -> None:
    procedure = catalogue["juminhyo"]
    procedure.availability = "online"
    procedure.save()
    form = {
        "pages": [
            {
                "id": "where",
                "title": t("住所"),
                "questions": [
                    {
                        "id": "postal_code",
                        "type": "postal_code",
                        "address_question": "address",
                        "label": t("郵便番号"),
                    },
                    {"id": "address", "type": "text", "label": t("住所")},
                ],
            }
        ],
        "declaration": t("誤りはありません"),
    }
    form_publish(procedure=procedure, definition=form)
    client = resident_client(alice)
    draft = _start(client)
    found = _page(
        client, draft, "where", {"postal_code": "105-8511", "find_address": "postal_code"}
    )
    assert found.status_code == 200
    assert 'value="港区芝公園' in found.content.decode()
    assert Application.objects.get().answers.get("address") in (None, "")  # nothing saved yet
    missing = _page(
        client, draft, "where", {"postal_code": "000-0000", "find_address": "postal_code"}
    )
    assert "No address was found for this postal code." in missing.content.decode()
    broken = {**form}
    broken["pages"] = [
        {
            **form["pages"][0],
            "questions": [{**form["pages"][0]["questions"][0], "address_question": "nowhere"}],
        }
    ]
    with pytest.raises(DefinitionError):
        check_definition(broken)


def test_zero_is_an_answer_not_a_blank() -> None:
    definition = check_definition(
        {
            "pages": [
                {
                    "id": "p",
                    "title": t("p"),
                    "questions": [{"id": "n", "type": "number", "min": 0, "label": t("n")}],
                }
            ],
            "declaration": t("d"),
        }
    )
    answers, errors, _exit = validate_all(definition, {"n": 0}, "ja")
    assert errors == {} and answers == {"n": 0}


def test_dates_can_be_limited_relative_to_today() -> None:
    from datetime import timedelta

    from django.utils import timezone

    definition = check_definition(
        {
            "pages": [
                {
                    "id": "p",
                    "title": t("p"),
                    "questions": [
                        {
                            "id": "day",
                            "type": "date",
                            "earliest_days": 3,
                            "latest_days": 30,
                            "label": t("収集希望日"),
                        }
                    ],
                }
            ],
            "declaration": t("d"),
        }
    )
    today = timezone.localdate()
    for offset, ok in [(2, False), (3, True), (30, True), (31, False), (-1, False)]:
        day = (today + timedelta(days=offset)).isoformat()
        _answers, errors, _exit = validate_all(definition, {"day": day}, "en")
        assert (errors == {}) is ok, (offset, errors)


def test_options_with_a_fee_say_so_where_they_are_chosen() -> None:
    from minato.procedures.forms.answers import PageForm

    definition = check_definition(FEATURES)
    form = PageForm(page=definition.pages[1], language="en", answers={})
    html = str(form["items__0__item"])
    assert "Bed (2,000 yen)" in html


def test_checking_a_form_with_many_branches_takes_linear_time() -> None:
    import time

    # Each page: "yes" goes to the next page, anything else skips one — 2^n paths.
    pages = []
    for n in range(50):
        page: dict[str, Any] = {
            "id": f"p{n}",
            "title": t(f"p{n}"),
            "questions": [{"id": f"q{n}", "type": "yesno", "label": t("?")}],
            "next": f"p{n + 2}" if n + 2 < 50 else None,
        }
        if n + 1 < 50:
            page["routes"] = [{"when": {"question": f"q{n}", "equals": "yes"}, "goto": f"p{n + 1}"}]
        pages.append(page)
    started = time.monotonic()
    check_definition({"pages": pages, "declaration": t("d")})
    assert time.monotonic() - started < 1.0
    pages[49]["next"] = "p10"  # and a loop is still found
    with pytest.raises(DefinitionError) as error:
        check_definition({"pages": pages, "declaration": t("d")})
    assert any(p.startswith("loop") for p in error.value.problems)


@pytest.mark.parametrize("pattern", ["(", "(a+)+", r"([a-z]+\s?)+$"])
def test_unusable_patterns_are_refused_when_saved(pattern: str) -> None:
    from minato.procedures.forms.schema import parse_definition

    definition = {
        "pages": [
            {
                "id": "p",
                "title": t("p"),
                "questions": [{"id": "x", "type": "text", "pattern": pattern, "label": t("x")}],
            }
        ],
        "declaration": t("d"),
    }
    with pytest.raises(DefinitionError):
        parse_definition(definition)


def test_a_replaced_file_is_dropped_at_once_and_expired_drafts_are_purged(
    resident_client: Callable[[User], Client], alice: User, procedure: Procedure
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from minato.core.housekeeping import run_housekeeping

    client = resident_client(alice)
    draft = _start(client)
    _page(client, draft, "who", WHO)
    _page(client, draft, "details", {"town": "芝", "items__0__item": "bed", "items__0__count": "1"})
    _page(client, draft, "papers", {"photo": _upload("wrong.png", _png()), "agree": "on"})
    first = Attachment.objects.get()
    _page(client, draft, "papers", {"photo": _upload("right.png", _png((50, 50))), "agree": "on"})
    # The replaced file is gone as soon as the page is saved, not at submission.
    kept = Attachment.objects.get()
    assert kept.filename == "right.png" and kept.pk != first.pk
    assert not default_storage.exists(first.storage_name)
    client.post(f"/en/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    assert Attachment.objects.get() == kept
    # A draft nobody came back to is deleted with its files after its 30 days.
    other = _start(client)
    _page(client, other, "who", WHO)
    _page(client, other, "details", {"town": "芝", "items__0__item": "bed", "items__0__count": "1"})
    _page(client, other, "papers", {"photo": _upload("later.png", _png()), "agree": "on"})
    stale = Attachment.objects.exclude(pk=kept.pk).get()
    Application.objects.filter(status="draft").update(
        draft_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert run_housekeeping()["expired_drafts"] >= 1
    assert not Application.objects.filter(status="draft").exists()
    assert not default_storage.exists(stale.storage_name)
    assert Attachment.objects.get() == kept


# --- a name inside a repeatable group ------------------------------------------------------

RELATIONS = [
    {"value": "spouse", "label": t("配偶者", "Spouse")},
    {"value": "child", "label": t("子", "Child")},
]
HOUSEHOLD: dict[str, Any] = {
    "pages": [
        {
            "id": "members",
            "title": t("世帯", "Household"),
            "questions": [
                {
                    "id": "household",
                    "type": "group",
                    "label": t("世帯員", "Member"),
                    "max_items": 3,
                    "questions": [
                        {"id": "member", "type": "name", "label": t("氏名", "Name")},
                        {
                            "id": "relation",
                            "type": "choice",
                            "label": t("続柄", "Relationship"),
                            "options": RELATIONS,
                        },
                        {
                            "id": "alias",
                            "type": "name",
                            "required": False,
                            "label": t("通称", "Other name used"),
                        },
                    ],
                }
            ],
        }
    ],
    "declaration": t("誤りはありません"),
}
TARO = {
    "family_name": "港",
    "given_name": "太郎",
    "family_name_kana": "みなと",
    "given_name_kana": "ﾀﾛｳ",
}
SAKURA = {
    "family_name": "港",
    "given_name": "さくら",
    "family_name_kana": "ミナト",
    "given_name_kana": "さくら",
}


@pytest.fixture
def household(catalogue: dict[str, Procedure]) -> Procedure:
    procedure = catalogue["juminhyo"]
    procedure.availability = "online"
    procedure.save()
    form_publish(procedure=procedure, definition=HOUSEHOLD)
    return procedure


def test_a_name_may_be_asked_in_each_item_of_a_group() -> None:
    definition = check_definition(HOUSEHOLD)
    assert [c.type for c in definition.pages[0].questions[0].questions] == [
        "name",
        "choice",
        "name",
    ]


def test_a_name_in_a_group_is_an_object_of_four_parts_with_its_kana_normalised() -> None:
    definition = check_definition(HOUSEHOLD)
    data = {
        "household": [
            {"member": TARO, "relation": "spouse"},
            {"member": SAKURA, "relation": "child", "alias": SAKURA},
        ]
    }
    answers, errors, _exit = validate_all(definition, data, "ja")
    assert errors == {}
    assert answers["household"] == [
        {
            "member": {**TARO, "given_name_kana": "タロウ"},  # half-width kana folded
            "relation": "spouse",
            "alias": None,  # optional, not given
        },
        {"member": SAKURA, "relation": "child", "alias": SAKURA},
    ]


@pytest.mark.parametrize(
    ("items", "field"),
    [
        (
            [{"member": {**TARO, "family_name_kana": "港"}, "relation": "spouse"}],
            "household__0__member__family_name_kana",
        ),
        (
            [
                {"member": TARO, "relation": "spouse"},
                {"member": {**SAKURA, "given_name_kana": "Sakura"}, "relation": "child"},
            ],
            "household__1__member__given_name_kana",
        ),
        ([{"relation": "spouse"}], "household__0__member__family_name"),
        (
            [{"member": {**TARO, "given_name": ""}, "relation": "spouse"}],
            "household__0__member__given_name",
        ),
        # answers of the wrong JSON type are refused, not turned into text
        ([{"member": "港 太郎", "relation": "spouse"}], "household__0__member"),
        ([{"member": {**TARO, "nickname": "タロ"}, "relation": "spouse"}], "household__0__member"),
        ([{"member": TARO, "relation": {"value": "spouse"}}], "household__0__relation"),
        ([{"member": TARO, "relation": ["spouse"]}], "household__0__relation"),
        (["港 太郎"], "household"),
        (
            [{"member": TARO, "relation": "spouse", "alias": {**TARO, "given_name_kana": "x"}}],
            "household__0__alias__given_name_kana",
        ),
    ],
)
def test_a_name_in_a_group_is_checked_like_a_name_on_the_form(
    items: list[dict[str, Any]], field: str
) -> None:
    definition = check_definition(HOUSEHOLD)
    _answers, errors, _exit = validate_all(definition, {"household": items}, "en")
    assert field in errors, errors


def test_the_api_takes_names_inside_group_items(
    client: Client, alice: User, household: Procedure
) -> None:
    client.force_login(alice)

    def submit(items: list[dict[str, Any]], key: str) -> Any:
        return client.post(
            "/api/v1/procedures/juminhyo/applications",
            {"answers": {"household": items}},
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    refused = submit([{"member": {**TARO, "family_name_kana": "港"}, "relation": "spouse"}], "h1")
    assert refused.status_code == 422, refused.content
    assert "household__0__member__family_name_kana" in refused.content.decode()
    # an object where text is expected, and text no database can store, at any depth
    wrong = submit([{"member": TARO, "relation": {"x": "spouse"}}], "h3")
    assert wrong.status_code == 422, wrong.content
    assert "household__0__relation" in wrong.content.decode()
    broken = submit([{"member": {**TARO, "given_name": "\ud800"}, "relation": "spouse"}], "h4")
    assert broken.status_code == 422, broken.content
    created = submit([{"member": TARO, "relation": "spouse"}], "h2")
    assert created.status_code == 201, created.content
    application = Application.objects.get(reference=created.json()["reference"])
    assert application.answers["household"][0]["member"]["given_name_kana"] == "タロウ"


MEMBERS_PAGE = {
    "household__count": "2",
    "household__0__member__family_name": "港",
    "household__0__member__given_name": "太郎",
    "household__0__member__family_name_kana": "みなと",
    "household__0__member__given_name_kana": "たろう",
    "household__0__relation": "spouse",
    "household__1__member__family_name": "港",
    "household__1__member__given_name": "さくら",
    "household__1__member__family_name_kana": "ミナト",
    "household__1__member__given_name_kana": "ｻｸﾗ",
    "household__1__relation": "child",
}


def _input_value(body: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    value = re.search(r'value="([^"]*)"', found.group(0)) if found else None
    return value.group(1) if value else None


def test_a_resident_answers_a_name_in_each_group_item_on_the_page(
    resident_client: Callable[[User], Client], alice: User, household: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    assert "household" not in Application.objects.get().answers  # no profile prefill here
    body = client.get(f"/en/procedures/drafts/{draft}/members/").content.decode()
    # Each item asks the name in its own fieldset, labelled like a name on the form.
    assert body.count('<fieldset class="form-field form-field--name">') == 2  # name, alias
    assert '<label class="form-field__label" for="id_household__0__member__family_name_kana">' in (
        body
    )
    assert _page(client, draft, "members", MEMBERS_PAGE).status_code == 302
    saved = Application.objects.get().answers["household"]
    assert saved[0]["member"] == {
        "family_name": "港",
        "given_name": "太郎",
        "family_name_kana": "みなと",
        "given_name_kana": "たろう",
    }
    assert saved[1]["member"]["given_name_kana"] == "サクラ"
    assert saved[1]["relation"] == "child" and saved[1]["alias"] is None
    # The saved names are shown again when the page is opened.
    again = client.get(f"/en/procedures/drafts/{draft}/members/").content.decode()
    assert _input_value(again, "household__1__member__given_name") == "さくら"


def test_a_wrong_reading_in_a_group_item_is_refused_with_the_error_linked(
    resident_client: Callable[[User], Client], alice: User, household: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    wrong = {**MEMBERS_PAGE, "household__1__member__family_name_kana": "Minato"}
    wrong.pop("household__0__member__given_name")
    response = _page(client, draft, "members", wrong)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#id_household__1__member__family_name_kana"' in body  # the error summary
    assert 'href="#id_household__0__member__given_name"' in body  # required
    field = re.search(r'<input[^>]*name="household__1__member__family_name_kana"[^>]*>', body)
    assert field is not None
    assert 'aria-invalid="true"' in field.group(0)
    assert "id_household__1__member__family_name_kana_error" in field.group(0)
    assert "household" not in Application.objects.get().answers


def test_adding_and_removing_items_keeps_the_names_typed(
    resident_client: Callable[[User], Client], alice: User, household: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    more = _page(client, draft, "members", {**MEMBERS_PAGE, "add_item": "household"})
    body = more.content.decode()
    assert more.status_code == 200
    assert _input_value(body, "household__0__member__given_name") == "太郎"
    assert _input_value(body, "household__1__member__given_name_kana") == "ｻｸﾗ"
    assert 'name="household__2__member__family_name"' in body
    assert "household" not in Application.objects.get().answers  # nothing saved yet
    removed = _page(client, draft, "members", {**MEMBERS_PAGE, "remove_item": "household__0"})
    body = removed.content.decode()
    assert _input_value(body, "household__0__member__given_name") == "さくら"  # moved up
    assert _input_value(body, "household__0__member__family_name_kana") == "ミナト"
    assert 'name="household__1__member__family_name"' not in body


def _publish_on_juminhyo(catalogue: dict[str, Procedure], *questions: dict[str, Any]) -> None:
    procedure = catalogue["juminhyo"]
    procedure.availability = "online"
    procedure.save()
    form_publish(procedure=procedure, definition=form(page("only", *questions)))


def test_text_over_its_limit_is_refused_with_a_message_never_cut(
    resident_client: Callable[[User], Client], alice: User, catalogue: dict[str, Procedure]
) -> None:
    _publish_on_juminhyo(catalogue, question("notes", "textarea", "Notes", max_length=20))
    client = resident_client(alice)
    draft = _start(client)
    shown = client.get(f"/en/procedures/drafts/{draft}/only/").content.decode()
    assert "maxlength" not in shown  # a browser would drop the end of a pasted answer
    refused = _page(client, draft, "only", {"notes": "あ" * 21})
    assert refused.status_code == 200
    assert "Enter at most 20 characters. You entered 21: shorten it." in refused.content.decode()
    assert "notes" not in Application.objects.get().answers
    assert _page(client, draft, "only", {"notes": "あ" * 20}).status_code == 302


def test_number_inputs_carry_the_questions_own_limits(
    resident_client: Callable[[User], Client], alice: User, catalogue: dict[str, Procedure]
) -> None:
    _publish_on_juminhyo(catalogue, question("copies", "number", "Copies", min=1, max=5))
    client = resident_client(alice)
    draft = _start(client)
    shown = client.get(f"/en/procedures/drafts/{draft}/only/").content.decode()
    field = re.search(r'<input type="number" name="copies"[^>]*>', shown)
    assert field is not None
    assert 'min="1"' in field.group(0) and 'max="5"' in field.group(0)
    assert (
        "Ensure this value is less than or equal to 5"
        in _page(client, draft, "only", {"copies": "6"}).content.decode()
    )
