"""The no-code form builder: permissions, every edit, stale edits, publishing, import and
export, the preview, and the audit trail."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from minato.accounts import services as account_services
from minato.accounts.models import Department, Role, User
from minato.core.models import AuditEvent
from minato.procedures.forms import services as builder
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, FormDraft, FormVersion, Procedure

pytestmark = pytest.mark.django_db

BASE = "/staff/forms/juminhyo/"


def _tr(ja: str, en: str, easy: str) -> dict[str, str]:
    return {"ja": ja, "en": en, "ja-easy": easy}


# A small form of the builder's own, so these tests do not follow the demo forms' changes.
FORM: dict[str, Any] = {
    "pages": [
        {
            "id": "items",
            "title": _tr(
                "出すものを選んでください", "What do you want collected?", "なにを だしますか"
            ),
            "questions": [
                {
                    "id": "item",
                    "type": "choice",
                    "label": _tr("品目", "Item", "もの"),
                    "options": [
                        {"value": "bed", "label": _tr("ベッド", "Bed", "ベッド"), "fee_yen": 1000},
                        {"value": "sofa", "label": _tr("ソファ", "Sofa", "ソファ"), "fee_yen": 800},
                        {
                            "value": "appliance4",
                            "label": _tr("家電4品目", "TV or fridge", "かでん"),
                        },
                    ],
                },
                {
                    "id": "count",
                    "type": "number",
                    "min": 1,
                    "max": 10,
                    "quantity": True,
                    "label": _tr("個数", "How many", "いくつ"),
                },
            ],
            "routes": [
                {
                    "when": {"question": "item", "equals": "appliance4"},
                    "goto": "exit_appliance_recycling",
                }
            ],
            "next": "where",
        },
        {
            "id": "where",
            "title": _tr("収集場所", "Where", "どこ"),
            "questions": [
                {
                    "id": "postal_code",
                    "type": "postal_code",
                    "label": _tr("郵便番号", "Postal code", "ゆうびん"),
                },
                {"id": "address", "type": "text", "label": _tr("住所", "Address", "じゅうしょ")},
                {"id": "phone", "type": "phone", "label": _tr("電話番号", "Phone", "でんわ")},
            ],
        },
    ],
    "exits": [
        {
            "id": "exit_appliance_recycling",
            "title": _tr(
                "粗大ごみではありません", "Not oversized waste", "そだいごみでは ありません"
            ),
            "body": _tr(
                "販売店に申し込んでください。", "Ask the shop.", "おみせに きいて ください。"
            ),
        }
    ],
    "declaration": _tr("記入内容に誤りはありません。", "This is correct.", "ただしいです。"),
}


@pytest.fixture
def procedure(catalogue: dict[str, Procedure]) -> Procedure:
    """住民票: filed under 区民課, inside dana's 芝地区総合支所."""
    return catalogue["juminhyo"]


@pytest.fixture
def draft(procedure: Procedure, dana: User) -> FormDraft:
    form_publish(procedure=procedure, definition=FORM)
    return builder.form_draft_start(procedure=procedure, user=dana)


@pytest.fixture
def admin(staff_client: Callable[[User], Client], dana: User) -> Client:
    return staff_client(dana)


@pytest.fixture
def other_admin(departments: dict[str, Department]) -> User:
    """The department admin of 環境リサイクル支援部: not dana's department."""
    user = account_services.staff_create(
        email="olga@city.minato.example",
        password=PASSWORD,
        display_name="olga",
        department=departments["kankyo_dept"],
        role=Role.DEPARTMENT_ADMIN,
    )
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def _t(ja: str, en: str = "") -> dict[str, str]:
    return {"ja": ja, "en": en} if en else {"ja": ja}


def _definition(draft: FormDraft) -> dict[str, Any]:
    draft.refresh_from_db()
    return draft.definition


def _post(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    """POST with the draft's current version, as the page the editor saw would."""
    current = FormDraft.objects.get(procedure__slug="juminhyo")
    return client.post(BASE + path, {"version": current.version, **(data or {})})


# What the confirmation page's "Yes, remove it" button sends with a removal.
CONFIRMED = {"confirmed": "yes"}


def test_removing_asks_for_confirmation_first_and_changes_nothing_until_then(
    admin: Client, draft: FormDraft
) -> None:
    before = FormDraft.objects.get(pk=draft.pk)
    response = _post(admin, "pages/where/questions/phone/remove/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Phone" in page or "電話番号" in page
    assert 'name="confirmed" value="yes"' in page
    after = FormDraft.objects.get(pk=draft.pk)
    assert (after.definition, after.version) == (before.definition, before.version)
    _post(admin, "pages/where/questions/phone/remove/", CONFIRMED)
    phones = [
        q["id"] for q in FormDraft.objects.get(pk=draft.pk).definition["pages"][1]["questions"]
    ]
    assert "phone" not in phones


def _shown_settings(page: str) -> list[str]:
    """The ``data-for-types`` of the settings boxes the question form shows (not hidden)."""
    return re.findall(r'data-for-types="([^"]+)">', page)


def test_the_question_editor_shows_only_the_chosen_types_settings(
    admin: Client, draft: FormDraft
) -> None:
    choice = admin.get(BASE + "pages/items/questions/item/").content.decode()
    assert _shown_settings(choice) == ["choice multichoice"]
    number = admin.get(BASE + "pages/items/questions/count/").content.decode()
    assert _shown_settings(number) == ["number"]
    # Without JavaScript: "Show the settings for this type" redisplays what was typed for
    # the new type, and saves nothing.
    before = FormDraft.objects.get(pk=draft.pk).version
    switched = _post(
        admin,
        "pages/items/questions/count/",
        {**_question_data(id="count", type="text", label_ja="個数"), "show_settings": "1"},
    )
    page = switched.content.decode()
    assert _shown_settings(page) == ["text textarea"] and 'value="個数"' in page
    assert "error-summary" not in page
    assert FormDraft.objects.get(pk=draft.pk).version == before


def _question_data(**overrides: Any) -> dict[str, Any]:
    data = {"id": "reason", "type": "text", "label_ja": "理由", "label_en": "Reason"}
    data.update(overrides)
    return data


def _page(definition: dict[str, Any], page_id: str) -> dict[str, Any]:
    return next(page for page in definition["pages"] if page["id"] == page_id)


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


# --- Permissions ---------------------------------------------------------------------------


def test_a_clerk_cannot_open_the_form_builder(
    staff_client: Callable[[User], Client], charlie: User, draft: FormDraft
) -> None:
    clerk = staff_client(charlie)
    assert clerk.get("/staff/forms/").status_code == 403
    assert clerk.get(BASE).status_code == 403
    assert _post(clerk, "declaration/", {"declaration_ja": "変更"}).status_code == 403
    assert _definition(draft)["declaration"] == FORM["declaration"]


def test_an_admin_of_another_department_cannot_see_or_edit_its_forms(
    staff_client: Callable[[User], Client], other_admin: User, draft: FormDraft
) -> None:
    client = staff_client(other_admin)
    assert "juminhyo" not in client.get("/staff/forms/").content.decode()
    assert client.get(BASE).status_code == 404
    assert _post(client, "declaration/", {"declaration_ja": "変更"}).status_code == 404
    assert client.get(BASE + "export/").status_code == 404
    assert _definition(draft)["declaration"] == FORM["declaration"]


def test_a_department_admin_lists_only_their_departments_procedures(
    admin: Client, catalogue: dict[str, Procedure]
) -> None:
    page = admin.get("/staff/forms/").content.decode()
    assert "juminhyo" in page and "inkan-toroku" in page
    assert "sodai-gomi" not in page  # 環境課, another department


def test_a_system_admin_can_edit_any_procedure(
    staff_client: Callable[[User], Client], sam: User, catalogue: dict[str, Procedure]
) -> None:
    client = staff_client(sam)
    assert client.post("/staff/forms/sodai-gomi/").status_code == 302
    assert FormDraft.objects.filter(procedure__slug="sodai-gomi").exists()


def test_the_builder_is_linked_from_the_console_menu_for_admins_only(
    staff_client: Callable[[User], Client], dana: User, charlie: User
) -> None:
    assert 'href="/staff/forms/"' in staff_client(dana).get("/staff/").content.decode()
    assert 'href="/staff/forms/"' not in staff_client(charlie).get("/staff/").content.decode()


# --- Starting a draft ----------------------------------------------------------------------


def test_starting_copies_the_latest_published_version(admin: Client, procedure: Procedure) -> None:
    form_publish(procedure=procedure, definition=FORM)
    admin.post(BASE)
    draft = FormDraft.objects.get(procedure=procedure)
    assert draft.definition == builder.normalise(FORM)
    assert AuditEvent.objects.filter(action="procedures.form_draft_started").count() == 1


def test_a_procedure_without_a_form_starts_from_an_empty_one_page_form(
    admin: Client, procedure: Procedure
) -> None:
    admin.post(BASE)
    definition = FormDraft.objects.get(procedure=procedure).definition
    assert len(definition["pages"]) == 1
    assert builder.form_draft_problems(definition=definition) == []
    assert "Start editing" not in admin.get("/en" + BASE).content.decode()


# --- Pages ---------------------------------------------------------------------------------


def test_adding_a_page_puts_it_at_the_end_and_on_the_way(admin: Client, draft: FormDraft) -> None:
    response = _post(
        admin,
        "add-page/",
        {
            "page_id": "contact",
            "title_ja": "連絡先",
            "question_id": "email",
            "question_type": "email",
            "question_ja": "メールアドレス",
        },
    )
    assert response.status_code == 302
    definition = _definition(draft)
    assert _ids(definition["pages"]) == ["items", "where", "contact"]
    assert _page(definition, "where")["next"] == "contact"
    assert _page(definition, "contact")["questions"][0]["type"] == "email"


def test_renaming_a_page_keeps_the_routes_to_it(admin: Client, draft: FormDraft) -> None:
    _post(admin, "pages/where/", {"page_id": "address", "title_ja": "収集場所"})
    definition = _definition(draft)
    assert _page(definition, "items")["next"] == "address"
    assert _page(definition, "address")["title"] == {"ja": "収集場所"}


def test_removing_a_page_joins_its_neighbours(admin: Client, draft: FormDraft) -> None:
    _post(
        admin,
        "add-page/",
        {
            "page_id": "contact",
            "title_ja": "連絡先",
            "question_id": "email",
            "question_type": "email",
            "question_ja": "メールアドレス",
        },
    )
    _post(admin, "pages/where/remove/", CONFIRMED)
    definition = _definition(draft)
    assert _ids(definition["pages"]) == ["items", "contact"]
    assert _page(definition, "items")["next"] == "contact"


def test_the_only_page_cannot_be_removed(admin: Client, procedure: Procedure) -> None:
    admin.post(BASE)
    response = _post(admin, "pages/page_1/remove/", CONFIRMED)
    assert response.status_code == 302
    assert len(FormDraft.objects.get(procedure=procedure).definition["pages"]) == 1


def test_pages_move_up_and_down(admin: Client, draft: FormDraft) -> None:
    _post(admin, "pages/where/move/", {"direction": "up"})
    assert _ids(_definition(draft)["pages"]) == ["where", "items"]
    _post(admin, "pages/where/move/", {"direction": "down"})
    assert _ids(_definition(draft)["pages"]) == ["items", "where"]


# --- Questions -----------------------------------------------------------------------------


def test_adding_a_choice_question_with_options_written_one_per_line(
    admin: Client, draft: FormDraft
) -> None:
    response = _post(
        admin,
        "pages/where/add-question/",
        _question_data(
            id="floor",
            type="choice",
            required="on",
            options="low|1〜2階|1st–2nd floor\nhigh|3階以上|3rd floor or higher||500",
        ),
    )
    assert response.status_code == 302
    question = _page(_definition(draft), "where")["questions"][-1]
    assert question["id"] == "floor"
    assert question["options"] == [
        {"value": "low", "label": {"ja": "1〜2階", "en": "1st–2nd floor"}},
        {"value": "high", "label": {"ja": "3階以上", "en": "3rd floor or higher"}, "fee_yen": 500},
    ]


def test_a_badly_written_option_line_is_refused_with_its_line_number(
    admin: Client, draft: FormDraft
) -> None:
    response = _post(
        admin,
        "pages/where/add-question/",
        _question_data(type="choice", options="low|低い\nonly-a-value"),
    )
    assert response.status_code == 200
    assert "Line 2" in response.content.decode() or "2行" in response.content.decode()
    assert "reason" not in _ids(_page(_definition(draft), "where")["questions"])


def test_editing_a_question_keeps_its_condition_and_renames_references(
    admin: Client, draft: FormDraft
) -> None:
    response = _post(
        admin,
        "pages/items/questions/item/",
        _question_data(
            id="kind",
            type="choice",
            required="on",
            label_ja="品目",
            options="bed|ベッド\nappliance4|家電4品目",
        ),
    )
    assert response.status_code == 302
    definition = _definition(draft)
    items = _page(definition, "items")
    assert items["questions"][0]["id"] == "kind"
    assert len(items["questions"][0]["options"]) == 2
    assert items["routes"][0]["when"]["question"] == "kind"


def test_removing_and_moving_questions(admin: Client, draft: FormDraft) -> None:
    _post(admin, "pages/items/questions/count/move/", {"direction": "up"})
    assert _ids(_page(_definition(draft), "items")["questions"]) == ["count", "item"]
    _post(admin, "pages/items/questions/count/remove/", CONFIRMED)
    assert _ids(_page(_definition(draft), "items")["questions"]) == ["item"]
    _post(admin, "pages/items/questions/item/remove/", CONFIRMED)  # the last one stays
    assert _ids(_page(_definition(draft), "items")["questions"]) == ["item"]


def test_group_children_are_added_edited_moved_and_removed(admin: Client, draft: FormDraft) -> None:
    _post(admin, "pages/items/add-question/", _question_data(id="extras", type="group"))
    group = "pages/items/groups/extras/"
    _post(admin, group + "add-question/", _question_data(id="what"))
    _post(admin, group + "add-question/", _question_data(id="size", type="number"))
    _post(admin, group + "questions/size/", _question_data(id="size", type="number", max="5"))
    _post(admin, group + "questions/size/move/", {"direction": "up"})
    children = _page(_definition(draft), "items")["questions"][-1]["questions"]
    assert _ids(children) == ["size", "what"]
    assert children[0]["max"] == 5
    _post(admin, group + "questions/what/remove/", CONFIRMED)
    assert _ids(_page(_definition(draft), "items")["questions"][-1]["questions"]) == ["size"]


def test_a_group_can_ask_a_name_but_not_a_file_or_a_declaration(
    admin: Client, draft: FormDraft
) -> None:
    _post(admin, "pages/items/add-question/", _question_data(id="household", type="group"))
    group = "pages/items/groups/household/"
    offered = admin.get(BASE + group + "add-question/").content.decode()
    assert 'value="name"' in offered
    assert 'value="file"' not in offered and 'value="declaration"' not in offered
    _post(admin, group + "add-question/", _question_data(id="member", type="name"))
    refused = _post(admin, group + "add-question/", _question_data(id="sign", type="declaration"))
    assert refused.status_code == 200  # not one of the choices in a group
    children = _page(_definition(draft), "items")["questions"][-1]["questions"]
    assert [(child["id"], child["type"]) for child in children] == [("member", "name")]
    assert builder.form_draft_problems(definition=_definition(draft)) == []


def test_a_condition_is_typed_like_the_answer_it_compares(admin: Client, draft: FormDraft) -> None:
    _post(
        admin, "pages/where/questions/address/condition/", {"when_question": "count", "equals": "2"}
    )
    show_if = _page(_definition(draft), "where")["questions"][1]["show_if"]
    assert show_if == {"question": "count", "equals": 2}
    _post(admin, "pages/where/questions/address/condition/", {"when_question": ""})
    assert "show_if" not in _page(_definition(draft), "where")["questions"][1]


def test_a_condition_on_an_option_that_does_not_exist_is_refused(
    admin: Client, draft: FormDraft
) -> None:
    response = _post(
        admin,
        "pages/where/questions/address/condition/",
        {"when_question": "item", "equals": "piano"},
    )
    assert response.status_code == 200
    assert "bed" in response.content.decode()  # the message lists the values to use
    assert "show_if" not in _page(_definition(draft), "where")["questions"][1]


# --- Routes, exits, declaration ------------------------------------------------------------


def test_routes_and_the_next_page_are_set(admin: Client, draft: FormDraft) -> None:
    response = _post(
        admin,
        "pages/items/routing/",
        {
            "route-TOTAL_FORMS": "2",
            "route-INITIAL_FORMS": "0",
            "route-0-question": "item",
            "route-0-equals": "bed",
            "route-0-goto": "exit_appliance_recycling",
            "route-1-question": "",
            "route-1-equals": "",
            "route-1-goto": "",
            "next_page": "",
        },
    )
    assert response.status_code == 302
    items = _page(_definition(draft), "items")
    assert items["routes"] == [
        {"when": {"question": "item", "equals": "bed"}, "goto": "exit_appliance_recycling"}
    ]
    assert "next" not in items  # None: "check your answers" (left out as the default)


def test_a_half_filled_route_is_refused(admin: Client, draft: FormDraft) -> None:
    response = _post(
        admin,
        "pages/items/routing/",
        {
            "route-TOTAL_FORMS": "1",
            "route-INITIAL_FORMS": "0",
            "route-0-question": "item",
            "route-0-equals": "",
            "route-0-goto": "",
            "next_page": "where",
        },
    )
    assert response.status_code == 200
    assert _page(_definition(draft), "items")["routes"][0]["when"]["equals"] == "appliance4"


def test_exit_pages_are_added_renamed_and_removed(admin: Client, draft: FormDraft) -> None:
    _post(
        admin,
        "add-exit/",
        {"exit_id": "exit_business", "title_ja": "事業者の方へ", "body_ja": "事業系ごみです。"},
    )
    assert _ids(_definition(draft)["exits"]) == ["exit_appliance_recycling", "exit_business"]
    _post(
        admin,
        "exits/exit_appliance_recycling/",
        {"exit_id": "exit_recycling", "title_ja": "家電リサイクル", "body_ja": "販売店へ"},
    )
    definition = _definition(draft)
    assert _page(definition, "items")["routes"][0]["goto"] == "exit_recycling"
    _post(admin, "exits/exit_business/remove/", CONFIRMED)
    assert _ids(_definition(draft)["exits"]) == ["exit_recycling"]


def test_the_declaration_is_edited_in_three_languages(admin: Client, draft: FormDraft) -> None:
    _post(
        admin,
        "declaration/",
        {
            "declaration_ja": "相違ありません。",
            "declaration_en": "It is true.",
            "declaration_easy": "ほんとうです。",
        },
    )
    assert _definition(draft)["declaration"] == {
        "ja": "相違ありません。",
        "en": "It is true.",
        "ja-easy": "ほんとうです。",
    }


# --- Optimistic locking --------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_changes_nothing(admin: Client, draft: FormDraft) -> None:
    seen = draft.version
    _post(admin, "declaration/", {"declaration_ja": "最初の変更"})
    response = admin.post(
        BASE + "declaration/",
        {"version": seen, "declaration_ja": "古い画面からの変更"},
        follow=True,
    )
    assert "Someone else changed this form" in response.content.decode() or (
        "ほかの" in response.content.decode()
    )
    assert _definition(draft)["declaration"] == {"ja": "最初の変更"}


def test_a_stale_publish_is_refused(admin: Client, draft: FormDraft) -> None:
    before = FormVersion.objects.filter(procedure=draft.procedure).count()
    admin.post(BASE + "publish/", {"version": draft.version - 1})
    assert FormVersion.objects.filter(procedure=draft.procedure).count() == before


# --- Publishing ----------------------------------------------------------------------------


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    definition = copy.deepcopy(FORM)
    change(definition)
    return definition


def _goto_nowhere(definition: dict[str, Any]) -> None:
    definition["pages"][0]["next"] = "nowhere"


def _unreachable(definition: dict[str, Any]) -> None:
    definition["pages"].append(
        {
            "id": "orphan",
            "title": _t("孤立"),
            "questions": [{"id": "q", "type": "text", "label": _t("質問")}],
        }
    )


def _loop(definition: dict[str, Any]) -> None:
    definition["pages"][1]["next"] = "items"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_goto_nowhere, "goes to unknown page 'nowhere'"),
        (_unreachable, "page 'orphan' can never be reached"),
        (_loop, "loop: items → where → items"),
    ],
)
def test_publishing_is_refused_with_the_problems_listed(
    admin: Client,
    draft: FormDraft,
    change: Callable[[dict[str, Any]], None],
    problem: str,
) -> None:
    FormDraft.objects.filter(pk=draft.pk).update(definition=_broken(change))
    before = FormVersion.objects.filter(procedure=draft.procedure).count()
    response = _post(admin, "publish/")
    assert response.status_code == 200
    assert escape(problem) in response.content.decode()
    assert FormVersion.objects.filter(procedure=draft.procedure).count() == before


def test_publishing_makes_a_new_version_and_leaves_the_old_one_unchanged(
    admin: Client, draft: FormDraft
) -> None:
    first = FormVersion.objects.get(procedure=draft.procedure)
    _post(admin, "declaration/", {"declaration_ja": "新しい宣言"})
    response = _post(admin, "publish/")
    assert response.status_code == 302
    latest = FormVersion.objects.filter(procedure=draft.procedure).order_by("-version").first()
    assert latest is not None and latest.version == first.version + 1
    assert latest.definition["declaration"] == {"ja": "新しい宣言"}
    first.refresh_from_db()
    assert first.definition == FORM
    assert FormDraft.objects.filter(pk=draft.pk).exists()  # still the editable copy
    assert AuditEvent.objects.filter(action="procedures.form_published").count() == 2


# --- Import and export ---------------------------------------------------------------------


def test_export_then_import_gives_the_same_definition(
    admin: Client, draft: FormDraft, staff_client: Callable[[User], Client], sam: User
) -> None:
    response = admin.get(BASE + "export/")
    assert response["Content-Disposition"] == 'attachment; filename="juminhyo-draft.json"'
    exported = response.content
    assert "required" not in json.loads(exported)["pages"][0]["questions"][0]  # compact
    # Another municipality (here, another procedure) imports it as its template.
    other = staff_client(sam)
    other.post("/staff/forms/inkan-toroku/")
    target = FormDraft.objects.get(procedure__slug="inkan-toroku")
    other.post(
        "/staff/forms/inkan-toroku/import/",
        {"version": target.version, "file": SimpleUploadedFile("form.json", exported)},
    )
    target.refresh_from_db()
    assert target.definition == _definition(draft)
    assert other.get("/staff/forms/inkan-toroku/export/").content == exported


def test_a_published_version_can_be_exported(admin: Client, draft: FormDraft) -> None:
    response = admin.get(BASE + "export/?version=1")
    assert json.loads(response.content) == builder.normalise(FORM)
    assert admin.get(BASE + "export/?version=9").status_code == 404


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"pages": []}', "not a form definition"),
        ('{"pages": "' + "x" * builder.MAX_IMPORT_BYTES + '"}', "too large"),
    ],
)
def test_a_bad_import_gives_a_message_and_changes_nothing(
    admin: Client, draft: FormDraft, text: str, message: str
) -> None:
    before = _definition(draft)
    version = draft.version
    response = admin.post("/en" + BASE + "import/", {"version": version, "text": text})
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.definition == before and draft.version == version


# --- Preview -------------------------------------------------------------------------------


def test_the_preview_shows_the_residents_page_and_creates_nothing(
    admin: Client, draft: FormDraft
) -> None:
    _post(admin, "declaration/", {"declaration_ja": "未公開の宣言"})
    response = admin.get(BASE + "preview/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "出すものを選んでください" in page and 'name="item"' in page
    response = admin.post(BASE + "preview/items/", {"item": "bed", "count": "2"})
    assert response["Location"].endswith("/preview/where/")
    response = admin.post(
        BASE + "preview/where/",
        {"postal_code": "105-8511", "address": "芝公園1-5-25", "phone": "03-3578-2111"},
        follow=True,
    )
    page = response.content.decode()
    assert "未公開の宣言" in page  # the working copy, not the published version
    assert "ベッド" in page
    assert Application.objects.count() == 0


def test_the_preview_follows_routes_to_an_exit_page(admin: Client, draft: FormDraft) -> None:
    admin.get(BASE + "preview/")
    response = admin.post(BASE + "preview/items/", {"item": "appliance4", "count": "1"})
    assert response["Location"].endswith("/preview/exit/exit_appliance_recycling/")
    assert admin.get(response["Location"]).status_code == 200


def test_find_address_in_the_preview_fills_the_address_and_stays_on_the_page(
    admin: Client, procedure: Procedure, dana: User
) -> None:
    form = copy.deepcopy(FORM)
    form["pages"][1]["questions"][0]["address_question"] = "address"
    form_publish(procedure=procedure, definition=form)
    builder.form_draft_start(procedure=procedure, user=dana)
    admin.get(BASE + "preview/")
    response = admin.post(
        BASE + "preview/where/", {"postal_code": "105-8511", "find_address": "postal_code"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="港区芝公園' in page and "error-summary" not in page


def test_the_preview_goes_back_through_its_own_pages_to_the_builder(
    admin: Client, draft: FormDraft
) -> None:
    admin.get(BASE + "preview/")
    admin.post(BASE + "preview/items/", {"item": "bed", "count": "2"})
    first = admin.get(BASE + "preview/items/").content.decode()
    second = admin.get(BASE + "preview/where/").content.decode()
    assert f'<a href="{BASE}" class="back-link">' in first
    assert f'<a href="{BASE}preview/items/" class="back-link">' in second


def test_the_preview_is_shown_in_each_language(admin: Client, draft: FormDraft) -> None:
    assert (
        "What do you want collected?" in admin.get("/en" + BASE + "preview/items/").content.decode()
    )
    assert "なにを だしますか" in admin.get("/ja-easy" + BASE + "preview/items/").content.decode()


# --- Catalogue entries ---------------------------------------------------------------------


def _entry(**overrides: Any) -> dict[str, Any]:
    data = {
        "slug": "jido-teate",
        "name_ja": "児童手当の申請",
        "name_en": "Child allowance",
        "summary_ja": "児童手当を申請します。",
        "department": "",
        "fee_type": "none",
        "availability": "not_yet_online",
        "allows_guest": "on",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_a_department_admin_adds_a_procedure_in_their_department(
    admin: Client, departments: dict[str, Department]
) -> None:
    response = admin.post("/staff/forms/new/", _entry(department=departments["kumin"].pk))
    assert response.status_code == 302
    procedure = Procedure.objects.get(slug="jido-teate")
    assert procedure.allows_guest and procedure.name["en"] == "Child allowance"
    assert AuditEvent.objects.filter(
        action="procedures.procedure_created", object_id=str(procedure.pk)
    ).exists()


def test_a_new_entry_starts_hidden_and_not_yet_online(admin: Client) -> None:
    page = admin.get("/staff/forms/new/").content.decode()
    assert re.search(r'<option value="not_yet_online" selected>', page)
    assert not re.search(r'name="is_published"[^>]*checked', page)


def test_an_entry_cannot_say_online_before_its_form_is_published(
    admin: Client, procedure: Procedure, departments: dict[str, Department]
) -> None:
    online = _entry(department=departments["kumin"].pk, availability="online")
    refused = admin.post("/en/staff/forms/new/", online)
    assert refused.status_code == 200
    assert "has no published form yet" in refused.content.decode()
    assert not Procedure.objects.filter(slug="jido-teate").exists()
    # Once a form is published, it can be online.
    form_publish(procedure=procedure, definition=FORM)
    fee = {
        "fee_type": "fixed",
        "fee_amount_yen": "300",
        "revenue_account_code": "13-02-01-01",
        "revenue_account_name": "使用料及手数料 手数料 総務手数料",
        "payment_timing": "before_processing",
    }
    edited = admin.post(BASE + "entry/", {**online, **fee})
    assert edited.status_code == 302
    procedure.refresh_from_db()
    assert procedure.availability == "online"


def test_a_department_admin_cannot_file_a_procedure_under_another_department(
    admin: Client, departments: dict[str, Department]
) -> None:
    response = admin.post("/staff/forms/new/", _entry(department=departments["kankyo"].pk))
    assert response.status_code == 200
    assert not Procedure.objects.filter(slug="jido-teate").exists()


def test_editing_an_entry_keeps_its_categories_and_records_the_guest_setting(
    admin: Client, procedure: Procedure, departments: dict[str, Department]
) -> None:
    procedure.categories.add(*Procedure.objects.get(slug="sodai-gomi").categories.all())
    response = admin.post(
        BASE + "entry/",
        _entry(
            slug="ignored",
            department=departments["kumin"].pk,
            fee_type="fixed",
            fee_amount_yen="300",
            revenue_account_code="13-02-01-01",
            revenue_account_name="使用料及手数料 手数料 総務手数料 戸籍住民基本台帳手数料",
            name_ja="住民票の写しの請求",
        ),
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.name["ja"] == "住民票の写しの請求" and procedure.allows_guest
    assert procedure.categories.count() == 1
    assert procedure.revenue_account_code == "13-02-01-01"
    assert AuditEvent.objects.filter(
        action="procedures.procedure_updated", changes__has_key="allows_guest"
    ).exists()


def test_a_fee_without_its_revenue_account_is_refused(
    admin: Client, departments: dict[str, Department]
) -> None:
    # given a new procedure with a fee but no revenue account (歳入科目)
    data = _entry(department=departments["kumin"].pk, fee_type="fixed", fee_amount_yen="300")
    # when it is saved
    response = admin.post("/en/staff/forms/new/", data)
    # then nothing is saved and the page says what is missing
    assert response.status_code == 200
    assert "Give the revenue account the fee is booked to." in response.content.decode()
    assert not Procedure.objects.filter(slug="jido-teate").exists()


# --- Audit ---------------------------------------------------------------------------------


def test_every_edit_is_audited_with_the_version_it_made(admin: Client, draft: FormDraft) -> None:
    _post(admin, "pages/items/questions/count/move/", {"direction": "up"})
    _post(admin, "declaration/", {"declaration_ja": "宣言"})
    _post(admin, "pages/where/questions/phone/remove/", CONFIRMED)
    events = AuditEvent.objects.filter(action__startswith="procedures.form_draft_").order_by("id")
    assert [e.action for e in events] == [
        "procedures.form_draft_started",
        "procedures.form_draft_question_moved",
        "procedures.form_draft_declaration_set",
        "procedures.form_draft_question_removed",
    ]
    assert events.last().changes["version"] == [2, 3]  # type: ignore[union-attr]
    assert all(e.department_id == draft.procedure.department_id for e in events)


def test_a_choice_question_needs_options(admin: Client, draft: FormDraft) -> None:
    response = _post(admin, "pages/where/add-question/", _question_data(type="choice"))
    assert response.status_code == 200
    assert "reason" not in _ids(_page(_definition(draft), "where")["questions"])
