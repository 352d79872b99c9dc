from __future__ import annotations

import pytest

from conftest import PASSWORD, current_totp
from minato.accounts.models import User
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, FormVersion
from tests.browser.conftest import AxePage

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_department_admin_adds_a_question_previews_and_publishes(
    axe_page: AxePage, dana: User, catalogue: dict
) -> None:
    page = axe_page.visit("/en/staff/login/")
    page.get_by_label("Email address").fill(dana.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#id_otp_token").fill(current_totp(dana))
    axe_page.follow(page.get_by_role("button", name="Sign in"))
    assert page.url.endswith("/en/staff/")

    axe_page.follow(page.get_by_role("link", name="Procedures and forms"))
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Certificate of residence"))
    axe_page.check()
    axe_page.follow(page.get_by_role("button", name="Start editing the form"))
    axe_page.check()

    # A choice question, its options written one per line.
    axe_page.follow(page.get_by_role("link", name="Add a question to this page"))
    axe_page.check()
    page.get_by_label("Question id").fill("copies")
    # Only the chosen type's settings are shown; choosing another type shows its own.
    assert not page.get_by_label("Options (for choices)").is_visible()
    assert not page.get_by_label("Smallest number allowed").is_visible()
    page.locator("#id_type").select_option("choice")
    assert page.get_by_label("Options (for choices)").is_visible()
    page.get_by_label("Question (Japanese)").fill("必要な通数")
    page.get_by_label("Question (English)").fill("How many copies")
    page.get_by_label("Options (for choices)").fill("one|1通|One copy\ntwo|2通|Two copies")
    axe_page.follow(page.get_by_role("button", name="Save"))
    assert "The question has been added." in page.content()
    axe_page.check()

    # Preview as a resident: the new question is there; answers stay in the preview.
    axe_page.follow(page.get_by_role("link", name="Preview as a resident"))
    assert "/preview/page_1/" in page.url
    axe_page.check()
    page.get_by_label("Question 1").fill("窓口で受け取ります")
    page.get_by_label("Two copies").check()
    axe_page.follow(page.get_by_role("button", name="Continue", exact=True))
    assert "/preview/check-answers/" in page.url
    assert "Two copies" in page.content()
    axe_page.check()
    axe_page.follow(page.get_by_role("link", name="Back to the form builder"))

    axe_page.follow(page.get_by_role("button", name="Publish this form"))
    assert "Version 1 is published" in page.content()
    axe_page.check()
    assert FormVersion.objects.get(procedure__slug="juminhyo").version == 1
    assert not Application.objects.exists()


def test_every_builder_page_of_a_rich_form_is_accessible(
    axe_page: AxePage, sam: User, catalogue: dict
) -> None:
    from minato.procedures.forms import services as builder
    from minato.procedures.tests.form_factories import waste_collection_form

    procedure = catalogue["sodai"]
    form_publish(procedure=procedure, definition=waste_collection_form())
    definition = builder.form_draft_start(procedure=procedure, user=sam).definition
    page = axe_page.visit("/staff/login/")
    page.get_by_label("メールアドレス").fill(sam.email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.locator("#id_otp_token").fill(current_totp(sam))
    axe_page.follow(page.locator("form button[type=submit]"))

    base = "/en/staff/forms/sodai-gomi/"
    axe_page.visit("/en/staff/forms/")
    axe_page.visit("/en/staff/forms/new/")
    axe_page.visit(base)
    axe_page.visit(base + "entry/")
    axe_page.visit(base + "import/")
    axe_page.visit(base + "declaration/")
    axe_page.visit(base + "add-page/")
    axe_page.visit(base + "add-exit/")
    for exit_ in definition.get("exits", []):
        axe_page.visit(f"{base}exits/{exit_['id']}/")
    second = definition["pages"][1]
    axe_page.visit(f"{base}pages/{second['id']}/")
    axe_page.visit(f"{base}pages/{second['id']}/routing/")
    page = axe_page.visit(f"{base}pages/{second['id']}/add-question/")
    axe_page.follow(page.get_by_role("button", name="Save"))  # nothing filled in: errors
    assert page.locator(".error-summary").is_visible()
    axe_page.check()
    for page_definition in definition["pages"]:
        axe_page.visit(f"{base}preview/{page_definition['id']}/")
        for question in page_definition["questions"]:
            path = f"{base}pages/{page_definition['id']}/questions/{question['id']}/"
            axe_page.visit(path)
            if page_definition is not definition["pages"][0]:
                axe_page.visit(path + "condition/")
            for child in question.get("questions", []):
                axe_page.visit(
                    f"{base}pages/{page_definition['id']}/groups/{question['id']}"
                    f"/questions/{child['id']}/"
                )
    axe_page.visit("/ja-easy" + base[3:] + "preview/check-answers/")
