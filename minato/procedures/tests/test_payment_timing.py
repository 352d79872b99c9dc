"""When a procedure's fee is paid (``Procedure.payment_timing``), and how the workflow, the
console, the API and the resident's pages keep to it (issue 8, point 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from minato.accounts.models import Role, User
from minato.payments import payables as payment_kinds
from minato.payments import services as payments
from minato.procedures.applications import workflow
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, Procedure
from minato.procedures.payables import PURPOSE
from minato.procedures.tests.factories import make_procedure
from minato.procedures.tests.form_factories import form, page, question

pytestmark = pytest.mark.django_db

PAY_NOW = "/payments/pay/procedures.application/"


@pytest.fixture
def supervisor(departments: dict[str, Any]) -> User:
    from conftest import _staff

    return _staff("supervisor@city.minato.example", departments["kumin"], Role.SUPERVISOR)


def _procedure(departments: dict[str, Any], slug: str, **overrides: Any) -> Procedure:
    """A procedure of 区民課 (where charlie works) with a fixed fee of 300 yen."""
    return make_procedure(
        slug,
        departments["kumin"],
        **{"fee_type": "fixed", "fee_amount_yen": 300, **overrides},
    )


def _application(procedure: Procedure, applicant: User, *, status: str, ref: str) -> Application:
    version = procedure.form_versions.first() or form_publish(
        procedure=procedure, definition=form(page("p", question("q")))
    )
    return Application.objects.create(
        procedure=procedure,
        form_version=version,
        applicant=applicant,
        department_id=procedure.department_id,
        status=status,
        reference=ref,
        fee_yen=procedure.fee_amount_yen,
    )


def _move(application: Application, action: str, staff: User) -> Application:
    """Move it as ``staff`` would in the English console (refusals are in English)."""
    application.refresh_from_db()
    with translation.override("en"):
        return workflow.application_transition(
            application=application,
            action=action,
            staff=staff,
            expected_version=application.version,
        )


def _pay_at_counter(application: Application, staff: User, terminal_id: str = "T-1") -> None:
    payable = payment_kinds.for_staff(PURPOSE, str(application.reference), staff)
    assert payable is not None
    payments.counter_payment_record(
        payable=payable, staff=staff, method="card", terminal_transaction_id=terminal_id
    )


# --- Pay before processing -----------------------------------------------------------------


def test_staff_cannot_start_reviewing_an_application_whose_fee_is_unpaid(
    departments: dict[str, Any], alice: User, charlie: User
) -> None:
    # given an application whose fee is paid when applying, received but not paid
    procedure = _procedure(departments, "kofu", payment_timing="before_processing")
    application = _application(procedure, alice, status="submitted", ref="KOFU2345")
    _move(application, "receive", charlie)
    # when a clerk starts the review, then it is refused with the reason
    with pytest.raises(workflow.PaymentRequired, match="fee has not been paid"):
        _move(application, "review", charlie)
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED


def test_an_application_paid_on_applying_is_processed_once_paid(
    departments: dict[str, Any], alice: User, charlie: User, supervisor: User
) -> None:
    # given an unpaid application whose fee is paid when applying
    procedure = _procedure(departments, "kofu", payment_timing="before_processing")
    application = _application(procedure, alice, status="submitted", ref="KOFU2345")
    _move(application, "receive", charlie)
    # when the fee is paid
    _pay_at_counter(application, charlie)
    # then it goes through to completion
    for action, staff in (
        ("review", charlie),
        ("send_for_approval", charlie),
        ("approve", supervisor),
        ("complete", charlie),
    ):
        application = _move(application, action, staff)
    assert application.status == Application.Status.COMPLETED


def test_the_console_says_why_an_action_is_held_and_does_not_offer_it(
    departments: dict[str, Any],
    alice: User,
    charlie: User,
    staff_client: Callable[[User], Client],
) -> None:
    # given a received application whose fee is unpaid and due before processing
    procedure = _procedure(departments, "kofu", payment_timing="before_processing")
    application = _application(procedure, alice, status="received", ref="KOFU2345")
    # when the clerk opens it in the console
    body = staff_client(charlie).get(f"/en/staff/applications/{application.reference}/")
    html = body.content.decode()
    # then "Start review" is not offered and a warning says why
    assert 'value="review"' not in html
    assert "Start review: the fee has not been paid yet" in html


def test_the_api_refuses_a_move_the_unpaid_fee_holds_with_a_problem(
    departments: dict[str, Any],
    alice: User,
    charlie: User,
    staff_client: Callable[[User], Client],
) -> None:
    # given a received application whose fee is unpaid and due before processing
    procedure = _procedure(departments, "kofu", payment_timing="before_processing")
    application = _application(procedure, alice, status="received", ref="KOFU2345")
    client = staff_client(charlie)
    client.get("/")
    # when the clerk starts the review through the API
    response = client.post(
        f"/api/v1/staff/applications/{application.reference}/transitions",
        data=json.dumps({"action": "review", "version": application.version}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    # then it answers 409 problem+json with the reason (in the API's language, Japanese)
    # and a code for programs, and nothing changes
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "payment_required"
    assert "審査を始める：手数料がまだ支払われていません" in problem["detail"]
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED


# --- Pay after approval --------------------------------------------------------------------


def test_an_application_paid_after_approval_is_completed_only_once_paid(
    departments: dict[str, Any],
    alice: User,
    charlie: User,
    supervisor: User,
    resident_client: Callable[[User], Client],
) -> None:
    # given an application of a procedure whose fee is paid once approved, in review
    procedure = _procedure(departments, "kyoka", payment_timing="after_approval")
    application = _application(procedure, alice, status="in_review", ref="KYOKA234")
    page_url = f"/en/procedures/applications/{application.reference}/"
    assert PAY_NOW not in resident_client(alice).get(page_url).content.decode()
    # when a supervisor approves it, then the applicant may pay but staff cannot complete yet
    _move(application, "approve", supervisor)
    assert PAY_NOW in resident_client(alice).get(page_url).content.decode()
    with pytest.raises(workflow.PaymentRequired):
        _move(application, "complete", charlie)
    # once paid it is completed, and the applicant is no longer offered "Pay now"
    _pay_at_counter(application, charlie)
    application = _move(application, "complete", charlie)
    assert application.status == Application.Status.COMPLETED
    assert PAY_NOW not in resident_client(alice).get(page_url).content.decode()


def test_an_assessed_fee_is_set_then_paid_before_completion(
    departments: dict[str, Any], alice: User, charlie: User, supervisor: User
) -> None:
    # given an approved application whose fee staff assess after review
    procedure = _procedure(departments, "doro", fee_type="assessed", fee_amount_yen=None)
    assert procedure.payment_timing == Procedure.PaymentTiming.AFTER_APPROVAL
    application = _application(procedure, alice, status="approved", ref="DORO2345")
    # when nobody has set the fee yet, then it cannot be completed either
    with pytest.raises(workflow.PaymentRequired, match="fee has not been set"):
        _move(application, "complete", charlie)
    payable = payment_kinds.for_staff(PURPOSE, "DORO2345", charlie)
    assert payable is not None
    payments.assessed_fee_set(payable=payable, amount_yen=5000, staff=charlie)
    _pay_at_counter(application, charlie)
    assert _move(application, "complete", charlie).status == Application.Status.COMPLETED


# --- Pay at the counter --------------------------------------------------------------------


def test_a_fee_paid_at_the_counter_is_never_offered_online_and_is_recorded_before_completing(
    departments: dict[str, Any],
    alice: User,
    charlie: User,
    resident_client: Callable[[User], Client],
) -> None:
    # given an approved application whose fee is paid at the counter
    procedure = _procedure(departments, "inkan", payment_timing="at_counter")
    application = _application(procedure, alice, status="approved", ref="INKAN234")
    # then the applicant is told to pay at the counter, with no "Pay now"
    html = (
        resident_client(alice)
        .get(f"/en/procedures/applications/{application.reference}/")
        .content.decode()
    )
    assert PAY_NOW not in html and "paid at the ward's counter" in html
    assert payment_kind_for(alice, application).payable is False
    # and staff record the counter payment before completing
    with pytest.raises(workflow.PaymentRequired, match="Record the counter payment"):
        _move(application, "complete", charlie)
    _pay_at_counter(application, charlie)
    assert _move(application, "complete", charlie).status == Application.Status.COMPLETED


def payment_kind_for(user: User, application: Application) -> Any:
    found = payment_kinds.for_payer(PURPOSE, str(application.reference), user)
    assert found is not None
    return found


# --- What the resident sees ----------------------------------------------------------------


@pytest.mark.parametrize("status", ["completed", "withdrawn", "rejected"])
def test_a_finished_application_never_offers_pay_now(
    status: str,
    departments: dict[str, Any],
    alice: User,
    resident_client: Callable[[User], Client],
) -> None:
    # given an unpaid application that is finished
    procedure = _procedure(departments, "kofu", payment_timing="before_processing")
    application = _application(procedure, alice, status=status, ref="DONE2345")
    # when the applicant opens it, then there is no "Pay now"
    html = (
        resident_client(alice)
        .get(f"/en/procedures/applications/{application.reference}/")
        .content.decode()
    )
    assert PAY_NOW not in html
    assert payment_kind_for(alice, application).payable is False


def test_the_procedure_and_application_pages_say_when_to_pay(
    departments: dict[str, Any], alice: User, resident_client: Callable[[User], Client]
) -> None:
    # given a procedure whose fee is paid once approved, and an application of it
    procedure = _procedure(departments, "kyoka", payment_timing="after_approval")
    application = _application(procedure, alice, status="submitted", ref="KYOKA234")
    client = resident_client(alice)
    # then both pages say when the fee is paid, in the page's language
    for path in (
        f"/en/procedures/{procedure.slug}/",
        f"/en/procedures/applications/{application.reference}/",
    ):
        assert "pay the fee once your application is approved" in client.get(path).content.decode()
    japanese = client.get(f"/procedures/{procedure.slug}/").content.decode()
    assert "承認された後に" in japanese


# --- The rule per procedure ----------------------------------------------------------------


def test_each_fee_type_gets_a_sensible_payment_timing_unless_one_is_given(
    departments: dict[str, Any],
) -> None:
    def timing(slug: str, **overrides: Any) -> str:
        return _procedure(departments, slug, **overrides).payment_timing

    assert timing("fixed-online") == "before_processing"
    assert timing("assessed", fee_type="assessed", fee_amount_yen=None) == "after_approval"
    assert timing("fixed-counter", availability="not_yet_online") == "at_counter"
    assert timing("given", payment_timing="after_approval") == "after_approval"


def test_an_assessed_fee_cannot_be_paid_before_processing(departments: dict[str, Any]) -> None:
    # the amount is only known after review
    with pytest.raises(ValidationError) as refused:
        _procedure(
            departments,
            "assessed",
            fee_type="assessed",
            fee_amount_yen=None,
            payment_timing="before_processing",
        )
    assert "payment_timing" in refused.value.message_dict


def test_a_department_admin_sets_when_the_fee_is_paid_in_the_catalogue_entry(
    departments: dict[str, Any], dana: User, staff_client: Callable[[User], Client]
) -> None:
    # given a procedure of dana's department paid before processing
    procedure = _procedure(departments, "kofu", payment_timing="before_processing")
    client = staff_client(dana)
    entry = client.get(f"/en/staff/forms/{procedure.slug}/entry/").content.decode()
    assert 'name="payment_timing"' in entry
    # when dana makes it paid at the counter
    response = client.post(
        f"/staff/forms/{procedure.slug}/entry/",
        {
            "name_ja": "証明書の交付",
            "summary_ja": "証明書を交付します。",
            "department": departments["kumin"].pk,
            "fee_type": "fixed",
            "fee_amount_yen": "300",
            "revenue_account_code": "13-02-01-01",
            "revenue_account_name": "使用料及手数料 手数料 総務手数料",
            "payment_timing": "at_counter",
            "availability": "not_yet_online",
            "is_published": "on",
        },
    )
    # then it is saved
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.payment_timing == "at_counter"
