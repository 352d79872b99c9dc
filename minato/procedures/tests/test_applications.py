from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.procedures.applications import services as applications
from minato.procedures.forms.schema import DefinitionError, check_definition
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, Procedure
from minato.procedures.tests.form_factories import form, page, question, waste_collection_form

# A collection day the form accepts whenever the tests run (3 to 60 days ahead).
COLLECTION_DAY = (timezone.localdate() + timedelta(days=10)).isoformat()

pytestmark = pytest.mark.django_db


@pytest.fixture
def sodai(catalogue: dict[str, Procedure]) -> Procedure:
    procedure = catalogue["sodai"]
    form_publish(procedure=procedure, definition=waste_collection_form())
    return procedure


def _start(client: Client) -> str:
    response = client.post("/procedures/sodai-gomi/apply/")
    assert response.status_code == 302
    return response["Location"].rstrip("/").split("/")[-1]


# A repeatable group is posted as <group>__count and <group>__<n>__<question>.
ITEMS = {"items__count": "2", "items__0__item": "bed", "items__0__count": "2"}
ITEMS |= {"items__1__item": "chair", "items__1__count": "1"}
COLLECTION = {"preferred_date": COLLECTION_DAY, "place": "door"}
NAME = {
    "applicant_name__family_name": "港",
    "applicant_name__given_name": "花子",
    "applicant_name__family_name_kana": "みなと",
    "applicant_name__given_name_kana": "はなこ",
}
WHERE = {"postal_code": "105-8511", "address": "芝公園1-5-25", "phone": "03-3578-2111", **NAME}
# The same answers as JSON, as the API takes them.
API_ANSWERS = {
    "home_appliance": "no",
    "items": [{"item": "bed", "count": 2}, {"item": "chair", "count": 1}],
    "preferred_date": COLLECTION_DAY,
    "place": "door",
    "applicant_name": {
        "family_name": "港",
        "given_name": "花子",
        "family_name_kana": "みなと",
        "given_name_kana": "はなこ",
    },
    "postal_code": "105-8511",
    "address": "芝公園1-5-25",
    "phone": "03-3578-2111",
}


def _to_items(client: Client, draft: str) -> None:
    answer = {"home_appliance": "no"}
    assert client.post(f"/procedures/drafts/{draft}/appliances/", answer).status_code == 302


def _complete(client: Client, draft: str) -> None:
    _to_items(client, draft)
    assert client.post(f"/procedures/drafts/{draft}/items/", ITEMS).status_code == 302
    assert client.post(f"/procedures/drafts/{draft}/collection/", COLLECTION).status_code == 302
    assert client.post(f"/procedures/drafts/{draft}/where/", WHERE).status_code == 302


# --- definitions -------------------------------------------------------------------------


def _broken(mutate: Callable[[dict[str, Any]], None]) -> list[str]:
    definition = waste_collection_form()
    mutate(definition)
    with pytest.raises(DefinitionError) as error:
        check_definition(definition)
    return error.value.problems


def test_publishing_refuses_routes_to_unknown_pages() -> None:
    problems = _broken(lambda d: d["pages"][0].update(next="nowhere"))
    assert any("unknown page 'nowhere'" in p for p in problems)


def test_publishing_refuses_loops() -> None:
    problems = _broken(lambda d: d["pages"][3].update(next="items"))
    assert any(p.startswith("loop") for p in problems)


def test_publishing_refuses_unreachable_pages() -> None:
    def orphan(d: dict[str, Any]) -> None:
        d["pages"].append(
            {
                **copy.deepcopy(d["pages"][3]),
                "id": "orphan",
                "questions": [{**d["pages"][3]["questions"][3], "id": "phone2"}],
            }
        )

    assert any("'orphan' can never be reached" in p for p in _broken(orphan))


def test_publishing_refuses_routes_on_questions_not_yet_asked() -> None:
    def later(d: dict[str, Any]) -> None:
        d["pages"][0]["routes"].append(
            {"when": {"question": "phone", "equals": "x"}, "goto": "where"}
        )

    assert any("not asked on or before" in p for p in _broken(later))


def test_publishing_refuses_a_page_whose_questions_can_all_be_hidden() -> None:
    pet = question("pet", "yesno", "Do you have a pet?")
    kind = question("kind", "text", "What kind?", show_if={"question": "pet", "equals": "yes"})
    with pytest.raises(DefinitionError) as refused:
        check_definition(form(page("first", pet), page("second", kind)))
    assert any(
        "page second: every question on it is shown only under a condition" in p
        for p in refused.value.problems
    )
    # Conditions that together cover every answer of a required question leave no page empty.
    none = question("none", "text", "Why not?", show_if={"question": "pet", "equals": "no"})
    check_definition(form(page("first", pet), page("second", kind, none)))


def test_published_versions_are_numbered_and_kept(sodai: Procedure) -> None:
    second = form_publish(procedure=sodai, definition=waste_collection_form())
    assert second.version == 2
    assert sodai.form_versions.count() == 2


# --- the resident journey ----------------------------------------------------------------


def test_a_resident_applies_and_gets_a_reference_by_email(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _complete(client, draft)
    check = client.get(f"/procedures/drafts/{draft}/check/")
    assert "芝公園1-5-25" in check.content.decode()
    refused = client.post(f"/procedures/drafts/{draft}/check/", {})
    assert refused.status_code == 200 and refused.context["declaration_error"]
    done = client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    application = Application.objects.get()
    assert done["Location"] == f"/procedures/applications/{application.reference}/"
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}", application.reference or "")
    assert application.answers["phone"] == "0335782111"
    assert application.answers["postal_code"] == "1058511"
    assert application.form_version.version == 1
    assert application.answers["items"] == [
        {"item": "bed", "count": 2},
        {"item": "chair", "count": 1},
    ]
    assert application.fee_yen == 2 * 2000 + 400  # the fee of each item times how many
    assert application.reference in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action="procedures.application_submitted").exists()
    listing = client.get("/procedures/applications/").content.decode()
    assert application.reference in listing


def test_a_double_submit_makes_one_application(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _complete(client, draft)
    first = client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    second = client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1


def test_an_exit_page_says_the_procedure_is_not_for_them(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    response = client.post(f"/procedures/drafts/{draft}/appliances/", {"home_appliance": "yes"})
    assert response["Location"].endswith("/exit/exit_appliance_recycling/")
    assert "家電" in client.get(response["Location"]).content.decode()
    # The check page cannot be reached from an exit.
    assert client.get(f"/procedures/drafts/{draft}/check/").status_code == 302
    with pytest.raises(applications.NotEligible):
        applications.application_submit(application=Application.objects.get())


def test_pages_cannot_be_skipped_by_url(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    assert (
        client.get(f"/procedures/drafts/{draft}/where/")["Location"]
        == f"/procedures/drafts/{draft}/appliances/"
    )
    before = Application.objects.get().answers  # only the profile's prefill
    skipped = client.post(f"/procedures/drafts/{draft}/where/", {**WHERE, "phone": "09099999999"})
    assert skipped.status_code == 302
    assert Application.objects.get().answers == before
    assert client.get(f"/procedures/drafts/{draft}/check/").status_code == 302


def _back_link(client: Client, path: str) -> str:
    page = client.get(path).content.decode()
    match = re.search(r'<a href="([^"]+)" class="back-link">', page)
    assert match, page
    return match.group(1)


def test_back_goes_to_the_previous_page_of_the_route_and_from_the_first_to_the_start(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _complete(client, draft)
    drafts = f"/procedures/drafts/{draft}"
    assert _back_link(client, f"{drafts}/appliances/") == "/procedures/sodai-gomi/apply/"
    assert _back_link(client, f"{drafts}/items/") == f"{drafts}/appliances/"
    assert _back_link(client, f"{drafts}/where/") == f"{drafts}/collection/"
    assert _back_link(client, f"{drafts}/check/") == f"{drafts}/where/"
    # Changing an answer from the check page goes back there.
    assert _back_link(client, f"{drafts}/items/?change=1") == f"{drafts}/check/"
    assert _back_link(client, f"/en{drafts}/items/") == f"/en{drafts}/appliances/"


def test_each_step_says_how_many_steps_there_are(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _to_items(client, draft)
    page = client.get(f"/en/procedures/drafts/{draft}/items/").content.decode()
    assert "Step 2 of 4" in page
    assert "ステップ 2 / 4" in client.get(f"/procedures/drafts/{draft}/items/").content.decode()


def test_postal_codes_are_shown_with_their_hyphen(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _complete(client, draft)
    assert Application.objects.get().answers["postal_code"] == "1058511"  # stored as digits
    check = client.get(f"/procedures/drafts/{draft}/check/").content.decode()
    assert "105-8511" in check and "1058511" not in check


def test_my_applications_names_a_draft_once_and_offers_to_continue(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    page = client.get("/procedures/applications/").content.decode()
    card = page[page.index('<article class="card">') :]
    assert card.count("下書き") == 1
    assert f'href="/procedures/drafts/{draft}/"' in card and "続きから" in card


def test_a_step_of_a_submitted_application_goes_to_the_application(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _complete(client, draft)
    client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    reference = Application.objects.get().reference
    for step in ("items/", "", "check/", "exit/exit_appliance_recycling/"):
        response = client.get(f"/procedures/drafts/{draft}/{step}")
        assert response.status_code == 302
        assert response["Location"] == f"/procedures/applications/{reference}/"


def test_starting_again_offers_to_continue_or_start_afresh(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    first = _start(client)
    _to_items(client, first)
    start_page = client.get("/procedures/sodai-gomi/apply/").content.decode()
    assert 'value="continue"' in start_page and 'value="fresh"' in start_page
    # 続きから: the same draft, answers kept.
    again = client.post("/procedures/sodai-gomi/apply/", {"start": "continue"})
    assert again["Location"] == f"/procedures/drafts/{first}/"
    assert Application.objects.get().answers["home_appliance"] == "no"
    # 最初から: the old draft is deleted and a new one starts with only the prefill.
    fresh = client.post("/procedures/sodai-gomi/apply/", {"start": "fresh"})
    new = Application.objects.get()
    assert (
        str(new.public_id) != first and fresh["Location"] == f"/procedures/drafts/{new.public_id}/"
    )
    assert "home_appliance" not in new.answers
    assert AuditEvent.objects.filter(action="procedures.draft_discarded").count() == 1


@pytest.mark.parametrize(
    ("page", "data", "field"),
    [
        ("items", {**ITEMS, "items__0__count": "11"}, "items__0__count"),
        ("items", {**ITEMS, "items__1__count": "abc"}, "items__1__count"),
        ("items", {**ITEMS, "items__0__item": "tampered"}, "items__0__item"),
        ("items", {"items__count": "1", "items__0__count": "1"}, "items__0__item"),
        ("items", {**ITEMS, "items__count": "11"}, "items__count"),
        ("collection", {**COLLECTION, "preferred_date": "2026-13-01"}, "preferred_date"),
        ("where", {**WHERE, "phone": "12345"}, "phone"),
        ("where", {**WHERE, "postal_code": "12-345"}, "postal_code"),
        ("where", {**WHERE, "address": "x" * 201}, "address"),
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_saved(
    resident_client: Callable[[User], Client],
    alice: User,
    sodai: Procedure,
    page: str,
    data: dict[str, str],
    field: str,
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _to_items(client, draft)
    if page in ("collection", "where"):
        client.post(f"/procedures/drafts/{draft}/items/", ITEMS)
    if page == "where":
        client.post(f"/procedures/drafts/{draft}/collection/", COLLECTION)
    before = Application.objects.get().answers
    response = client.post(f"/procedures/drafts/{draft}/{page}/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Application.objects.get().answers == before


def test_other_residents_drafts_and_applications_are_invisible(
    resident_client: Callable[[User], Client], alice: User, bob: User, sodai: Procedure
) -> None:
    alice_client = resident_client(alice)
    draft = _start(alice_client)
    _complete(alice_client, draft)
    alice_client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    reference = Application.objects.get().reference
    bob_client = resident_client(bob)
    assert bob_client.get(f"/procedures/drafts/{draft}/items/").status_code == 404
    assert bob_client.get(f"/procedures/applications/{reference}/").status_code == 404
    assert bob_client.post(f"/procedures/applications/{reference}/withdraw/").status_code == 404


def test_expired_drafts_are_gone(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    Application.objects.update(draft_expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/procedures/drafts/{draft}/items/").status_code == 404


def test_withdrawing_before_processing(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    _complete(client, draft)
    client.post(f"/procedures/drafts/{draft}/check/", {"declaration": "agreed"})
    application = Application.objects.get()
    client.post(f"/procedures/applications/{application.reference}/withdraw/")
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert [e.to_status for e in application.events.all()] == ["submitted", "withdrawn"]


# --- the API ---------------------------------------------------------------------------


def _api_post(client: Client, body: dict[str, Any], key: str | None = None) -> Any:
    client.get("/")
    headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        "/api/v1/procedures/sodai-gomi/applications",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_the_form_definition_is_published_in_the_api(client: Client, sodai: Procedure) -> None:
    body = client.get("/api/v1/procedures/sodai-gomi/form").json()
    assert body["version"] == 1 and body["definition"]["pages"][1]["id"] == "items"
    assert client.get("/api/v1/procedures/inu-toroku/form").status_code == 404


def test_the_api_submits_once_per_idempotency_key(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    body = {"answers": API_ANSWERS}
    first = _api_post(client, body, key="apply-1")
    second = _api_post(client, body, key="apply-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] == second.json()["reference"]
    assert Application.objects.count() == 1
    status = client.get(f"/api/v1/applications/{first.json()['reference']}").json()
    assert status["status"] == "submitted" and status["events"][0]["to_status"] == "submitted"


def test_the_api_refuses_invalid_or_ineligible_answers(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    bad = _api_post(client, {"answers": {**API_ANSWERS, "phone": "1"}})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "answers", "phone"]
    exit_ = _api_post(client, {"answers": {"home_appliance": "yes"}})
    assert exit_.status_code == 422
    assert not Application.objects.exists()


def test_service_tokens_cannot_apply_on_someones_behalf(
    client: Client, service_token: str, sodai: Procedure
) -> None:
    response = client.post(
        "/api/v1/procedures/sodai-gomi/applications",
        data=json.dumps({"answers": {}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {service_token}",
    )
    assert response.status_code == 403


def test_answers_are_prefilled_from_the_profile(
    resident_client: Callable[[User], Client], alice: User, sodai: Procedure
) -> None:
    client = resident_client(alice)
    draft = _start(client)
    application = Application.objects.get(public_id=draft)
    assert application.answers == {
        "applicant_name": {
            "family_name": alice.profile.family_name,
            "given_name": alice.profile.given_name,
            "family_name_kana": alice.profile.family_name_kana,
            "given_name_kana": alice.profile.given_name_kana,
        },
        "postal_code": "1058511",
        "address": "港区芝公園1-5-25",
        "phone": "0335782111",
    }
    page = client.get(f"/procedures/drafts/{draft}/appliances/")
    assert page.status_code == 200
    _to_items(client, draft)
    client.post(f"/procedures/drafts/{draft}/items/", ITEMS)
    client.post(f"/procedures/drafts/{draft}/collection/", COLLECTION)
    where = client.get(f"/procedures/drafts/{draft}/where/").content.decode()
    assert 'value="0335782111"' in where


def test_an_api_submission_takes_a_bounded_number_of_statements(
    client: Client, alice: User, sodai: Procedure
) -> None:
    """A guard for the submission benchmark (docs/benchmarks.md): one INSERT of the
    application (no draft re-read), no catalogue prefetches, no hand-off look-up when the
    procedure has no endpoint. Here the test task backend also delivers the email inline
    (8 of the statements); in production that is one INSERT into the task queue. Rendering
    the message looks once for a text staff wrote for it (notifications' message texts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/procedures/sodai-gomi/applications",
            {"answers": API_ANSWERS},
            content_type="application/json",
            headers={"Idempotency-Key": "statements-1"},
        )
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) <= 27, "\n".join(statements)
    assert sum(s.startswith('INSERT INTO "procedures_application"') for s in statements) == 1
    assert not any(s.startswith('SELECT "procedures_handoffendpoint"') for s in statements)


def test_a_resident_confirms_their_email_before_applying(
    resident_client: Callable[[User], Client], sodai: Procedure
) -> None:
    from minato.accounts import services as account_services

    newcomer = account_services.resident_sign_up(email="newcomer@example.jp", password=PASSWORD)
    client = resident_client(newcomer)
    refused = client.post("/en/procedures/sodai-gomi/apply/")
    assert refused.status_code == 403
    assert "Confirm your email address first" in refused.content.decode()
    assert not Application.objects.exists()
    api = client.post(
        "/api/v1/procedures/sodai-gomi/applications",
        {"answers": API_ANSWERS},
        content_type="application/json",
    )
    assert api.status_code == 403 and "Confirm your email address" in api.json()["detail"]
    with pytest.raises(applications.EmailNotConfirmed), transaction.atomic():
        applications.application_create_and_submit(
            procedure=sodai,
            form_version=sodai.form_versions.get(),
            applicant=newcomer,
            answers=API_ANSWERS,
        )
    # Once confirmed, the same resident applies.
    account_services.resident_email_verify(
        token=account_services.email_verification_token(newcomer)
    )
    assert client.post("/procedures/sodai-gomi/apply/").status_code == 302
