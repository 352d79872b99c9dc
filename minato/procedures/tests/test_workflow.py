from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import PASSWORD
from minato.accounts import services as account_services
from minato.accounts.models import Role, User
from minato.core.business_days import add_business_days
from minato.core.models import AuditEvent
from minato.payments import payables as payment_kinds
from minato.payments import services as payments
from minato.procedures.applications import services as applications
from minato.procedures.applications import workflow
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application, Procedure
from minato.procedures.payables import PURPOSE
from minato.procedures.tests.form_factories import waste_collection_form

# A collection day the form accepts whenever the tests run (3 to 60 days ahead).
COLLECTION_DAY = (timezone.localdate() + timedelta(days=10)).isoformat()

pytestmark = pytest.mark.django_db

ANSWERS = {
    "home_appliance": "no",
    "items": [{"item": "bed", "count": 2}],
    "preferred_date": COLLECTION_DAY,
    "place": "door",
    "applicant_name": {
        "family_name": "港",
        "given_name": "アリス",
        "family_name_kana": "みなと",
        "given_name_kana": "ありす",
    },
    "postal_code": "1058511",
    "address": "芝公園1-5-25",
    "phone": "0335782111",
}


@pytest.fixture
def submitted(
    catalogue: dict[str, Procedure], alice: User, departments: dict, charlie: User
) -> Application:
    procedure = catalogue["sodai"]
    # The test catalogue files 粗大ごみ under 環境課; move it to 区民課 where the personas work.
    Procedure.objects.filter(pk=procedure.pk).update(department=departments["kumin"])
    procedure.refresh_from_db()
    version = form_publish(procedure=procedure, definition=waste_collection_form())
    application = applications.application_create_and_submit(
        procedure=procedure, form_version=version, applicant=alice, answers=ANSWERS
    )
    # Its fee is paid when applying (test_payment_timing.py tests what waits for it).
    payable = payment_kinds.for_staff(PURPOSE, str(application.reference), charlie)
    assert payable is not None
    payments.counter_payment_record(
        payable=payable, staff=charlie, method="card", terminal_transaction_id="T-1"
    )
    return application


def _act(client: Client, application: Application, action: str, message: str = "") -> None:
    application.refresh_from_db()
    client.post(
        f"/staff/applications/{application.reference}/act/",
        {"action": action, "version": application.version, "message": message},
    )


def test_business_days_skip_weekends_holidays_and_the_new_year_closure() -> None:
    assert add_business_days(date(2026, 11, 2), 1) == date(2026, 11, 4)  # 11/3 文化の日
    assert add_business_days(date(2026, 11, 6), 1) == date(2026, 11, 9)  # Friday → Monday
    assert add_business_days(date(2026, 12, 28), 1) == date(2027, 1, 4)  # 年末年始


def test_submission_sets_the_due_date_from_processing_days(submitted: Application) -> None:
    # Counted from the day of submission in Japan, whatever the UTC date is.
    submitted_on = timezone.localdate(submitted.submitted_at)
    assert submitted.due_date == add_business_days(submitted_on, 7)


def test_the_full_cycle_with_a_return_for_correction(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    dana: User,
    alice: User,
) -> None:
    clerk = staff_client(charlie)
    _act(clerk, submitted, "receive")
    _act(clerk, submitted, "review")
    _act(clerk, submitted, "return", message="電話番号が違うようです。")
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.RETURNED
    assert "電話番号が違う" in mail.outbox[-1].body
    # The resident corrects a page and resubmits; the reference stays.
    resident = resident_client(alice)
    page = resident.post(
        f"/procedures/drafts/{submitted.public_id}/where/",
        {
            "postal_code": "1058511",
            "address": "芝公園1-5-25",
            "phone": "09012345678",
            **{f"applicant_name__{k}": v for k, v in ANSWERS["applicant_name"].items()},
        },
    )
    assert page.status_code == 302
    done = resident.post(
        f"/procedures/drafts/{submitted.public_id}/check/", {"declaration": "agreed"}
    )
    assert done["Location"] == f"/procedures/applications/{submitted.reference}/"
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.answers["phone"] == "09012345678"
    _act(clerk, submitted, "receive")
    _act(clerk, submitted, "review")
    _act(clerk, submitted, "approve")  # a clerk may not approve
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.IN_REVIEW
    _act(staff_client(dana), submitted, "approve")
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.APPROVED
    statuses = [e.to_status for e in submitted.events.all()]
    assert statuses == [
        "submitted",
        "received",
        "in_review",
        "returned",
        "submitted",
        "received",
        "in_review",
        "approved",
    ]
    assert AuditEvent.objects.filter(
        action="procedures.application_approved", actor_id=dana.pk
    ).exists()


def test_a_stale_version_is_refused(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    clerk = staff_client(charlie)
    old_version = submitted.version
    _act(clerk, submitted, "receive")
    clerk.post(
        f"/staff/applications/{submitted.reference}/act/",
        {"action": "review", "version": old_version},
    )
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.RECEIVED


@pytest.fixture
def supervisor(departments: dict) -> User:
    from conftest import _staff

    return _staff("supervisor@city.minato.example", departments["kumin"], Role.SUPERVISOR)


def test_rejecting_needs_a_message_and_the_console_says_so_in_its_language(
    staff_client: Callable[[User], Client], submitted: Application, supervisor: User
) -> None:
    # given an application in review
    client = staff_client(supervisor)
    _act(client, submitted, "receive")
    _act(client, submitted, "review")
    # when a supervisor rejects it without a message
    submitted.refresh_from_db()
    page = client.post(
        f"/staff/applications/{submitted.reference}/act/",
        {"action": "reject", "version": submitted.version, "message": "  "},
        follow=True,
    ).content.decode()
    # then nothing changes, and the Japanese console says why in Japanese
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.IN_REVIEW
    assert "その操作はできませんでした：申請者へのメッセージを書いてください" in page


def test_returning_without_a_message_sends_a_default_text_in_the_readers_language(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    alice: User,
) -> None:
    # given an application in review, and an applicant who reads English
    alice.profile.preferred_language = "en"
    alice.profile.save()
    clerk = staff_client(charlie)
    _act(clerk, submitted, "receive")
    _act(clerk, submitted, "review")
    # when a clerk returns it without writing a message
    _act(clerk, submitted, "return")
    # then it is returned, the email carries the default text in English, and each page
    # shows it in its own language (it is stored as "no message", not as one language's text)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.RETURNED
    assert "Check your answers, correct what is needed and submit again." in mail.outbox[-1].body
    assert submitted.events.last().message == ""  # type: ignore[union-attr]
    resident = resident_client(alice)
    english = resident.get(f"/en/procedures/applications/{submitted.reference}/")
    japanese = resident.get(f"/procedures/applications/{submitted.reference}/")
    assert (
        "Check your answers, correct what is needed and submit again." in english.content.decode()
    )
    assert (
        "回答を確認し、必要なところを直して、もう一度申請してください。"
        in japanese.content.decode()
    )


def test_the_timelines_show_states_in_the_pages_language(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    alice: User,
) -> None:
    # given an application that was received
    clerk = staff_client(charlie)
    _act(clerk, submitted, "receive")
    # when staff and the applicant read its history on Japanese pages
    staff_page = clerk.get(f"/staff/applications/{submitted.reference}/").content.decode()
    resident_page = (
        resident_client(alice)
        .get(f"/procedures/applications/{submitted.reference}/")
        .content.decode()
    )
    # then the states are the translated labels, never the codes
    for page in (staff_page, resident_page):
        assert "申請済み → 受付済み" in page
        assert "submitted →" not in page and "→ received" not in page


def test_a_clerk_sends_a_reviewed_application_for_a_supervisors_approval(
    staff_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    supervisor: User,
) -> None:
    # given an application a clerk has reviewed
    clerk = staff_client(charlie)
    _act(clerk, submitted, "receive")
    _act(clerk, submitted, "review")
    assert (
        'value="send_for_approval"'
        in clerk.get(f"/staff/applications/{submitted.reference}/").content.decode()
    )
    # when the clerk sends it for approval
    _act(clerk, submitted, "send_for_approval")
    # then it waits for a supervisor, shows so in the queue, and the supervisor approves it
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.AWAITING_APPROVAL
    waiting = clerk.get("/staff/applications/?status=awaiting_approval").content.decode()
    assert submitted.reference in waiting and "承認待ち" in waiting
    assert (
        'value="approve"'
        not in clerk.get(f"/staff/applications/{submitted.reference}/").content.decode()
    )
    _act(staff_client(supervisor), submitted, "approve")
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.APPROVED
    assert AuditEvent.objects.filter(
        action="procedures.application_awaiting_approval", actor_id=charlie.pk
    ).exists()


def test_staff_of_other_departments_cannot_see_or_act(
    staff_client: Callable[[User], Client], submitted: Application, erin: User
) -> None:
    client = staff_client(erin)
    assert client.get(f"/staff/applications/{submitted.reference}/").status_code == 403
    assert submitted.reference not in client.get("/staff/applications/").content.decode()
    assert (
        client.post(
            f"/staff/applications/{submitted.reference}/act/",
            {"action": "receive", "version": submitted.version},
        ).status_code
        == 403
    )


def test_the_queue_filters_and_its_query_count_does_not_grow(
    staff_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    catalogue: dict[str, Procedure],
    alice: User,
) -> None:
    client = staff_client(charlie)
    assert (
        submitted.reference in client.get("/staff/applications/?status=submitted").content.decode()
    )
    assert (
        submitted.reference
        not in client.get("/staff/applications/?status=approved").content.decode()
    )
    from django.core.cache import cache

    cache.clear()  # both requests render the filter form (it is cached for a minute)
    with CaptureQueriesContext(connection) as one:
        client.get("/staff/applications/")
    for _ in range(5):
        applications.application_create_and_submit(
            procedure=submitted.procedure,
            form_version=submitted.form_version,
            applicant=alice,
            answers=ANSWERS,
        )
    cache.clear()
    with CaptureQueriesContext(connection) as six:
        client.get("/staff/applications/")
    assert len(six.captured_queries) == len(one.captured_queries)
    with CaptureQueriesContext(connection) as cached:
        client.get("/staff/applications/")
    assert len(cached.captured_queries) < len(six.captured_queries)


def test_assignment_stays_within_the_department(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User, erin: User
) -> None:
    client = staff_client(charlie)
    client.post(
        f"/staff/applications/{submitted.reference}/assign/",
        {"assignee": erin.pk, "version": submitted.version},
    )
    submitted.refresh_from_db()
    assert submitted.assignee_id is None
    client.post(
        f"/staff/applications/{submitted.reference}/assign/",
        {"assignee": charlie.pk, "version": submitted.version},
    )
    submitted.refresh_from_db()
    assert submitted.assignee_id == charlie.pk


def test_internal_notes_are_not_shown_to_the_applicant(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    alice: User,
) -> None:
    staff_client(charlie).post(
        f"/staff/applications/{submitted.reference}/note/", {"body": "本人確認済み"}
    )
    assert (
        "本人確認済み"
        not in resident_client(alice)
        .get(f"/procedures/applications/{submitted.reference}/")
        .content.decode()
    )


def test_export_csv_for_excel_in_utf8_with_bom_and_shift_jis(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    client = staff_client(charlie)
    utf8 = client.get("/staff/applications/export/?format=csv").content
    assert utf8.startswith("\ufeff".encode())
    assert "芝公園1-5-25" in utf8.decode("utf-8-sig")
    sjis = client.get("/staff/applications/export/?format=sjis").content
    assert "芝公園1-5-25" in sjis.decode("cp932")
    data = json.loads(client.get("/staff/applications/export/?format=json").content)
    assert data[0]["reference"] == submitted.reference


def test_clerks_see_a_supervisor_only_action_nowhere(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User, dana: User
) -> None:
    clerk = staff_client(charlie)
    _act(clerk, submitted, "receive")
    _act(clerk, submitted, "review")
    page = clerk.get(f"/staff/applications/{submitted.reference}/").content.decode()
    assert 'value="approve"' not in page and 'value="return"' in page
    supervisor = account_services.staff_create(
        email="sup@city.minato.example",
        password=PASSWORD,
        display_name="sup",
        department=charlie.staff_profile.department,
        role=Role.SUPERVISOR,
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=supervisor, name="t", confirmed=True)
    assert (
        'value="approve"'
        in staff_client(supervisor)
        .get(f"/staff/applications/{submitted.reference}/")
        .content.decode()
    )


def test_staff_use_the_queue_and_transitions_through_the_api(
    staff_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    erin: User,
    resident_client: Callable[[User], Client],
    alice: User,
) -> None:
    client = staff_client(charlie)
    client.get("/")
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    queue = client.get("/api/v1/staff/applications?status=submitted").json()
    assert [item["reference"] for item in queue["items"]] == [submitted.reference]
    assert queue["items"][0]["procedure"] == "sodai-gomi"
    url = f"/api/v1/staff/applications/{submitted.reference}/transitions"
    ok = client.post(
        url,
        data=json.dumps({"action": "receive", "version": queue["items"][0]["version"]}),
        content_type="application/json",
        **csrf,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "received"
    stale = client.post(
        url,
        data=json.dumps({"action": "review", "version": 0}),
        content_type="application/json",
        **csrf,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    refused = client.post(
        url,
        data=json.dumps(
            {
                "action": "complete",
                "version": client.get("/api/v1/staff/applications").json()["items"][0]["version"],
            }
        ),
        content_type="application/json",
        **csrf,
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "not_allowed"
    other = staff_client(erin)
    assert other.get("/api/v1/staff/applications").json()["count"] == 0
    assert resident_client(alice).get("/api/v1/staff/applications").status_code == 403


def test_a_long_queue_is_counted_only_up_to_a_cap(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User, alice: User
) -> None:
    from unittest import mock

    for _ in range(2):
        applications.application_create_and_submit(
            procedure=submitted.procedure,
            form_version=submitted.form_version,
            applicant=alice,
            answers=ANSWERS,
        )
    with mock.patch("minato.procedures.views.staff.QUEUE_COUNT_CAP", 2):
        page = staff_client(charlie).get("/en/staff/applications/")
    assert "More than 2 applications" in page.content.decode()
    assert page.context["rows"].count("<tr>") == 3


def test_the_queue_filters_by_dates_and_assignee(
    staff_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    dana: User,
    departments: dict,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from conftest import _staff
    from minato.accounts.models import Role

    colleague = _staff("colleague@city.minato.example", departments["kumin"], Role.CLERK)
    client = staff_client(charlie)
    today = timezone.localdate(submitted.submitted_at)
    tomorrow = (today + timedelta(days=1)).isoformat()

    def listed(query: str) -> bool:
        return submitted.reference in client.get(f"/staff/applications/?{query}").content.decode()

    def api_listed(query: str) -> bool:
        items = client.get(f"/api/v1/staff/applications?{query}").json()["items"]
        return submitted.reference in [item["reference"] for item in items]

    assert listed(f"submitted_from={today}&submitted_to={today}")
    assert not listed(f"submitted_from={tomorrow}")
    assert api_listed(f"submitted_from={today}") and not api_listed(
        f"submitted_to={today - timedelta(days=1)}"
    )
    workflow.application_assign(
        application=submitted, assignee=charlie, staff=charlie, expected_version=submitted.version
    )
    assert listed(f"assignee={charlie.pk}") and not listed(f"assignee={colleague.pk}")
    assert api_listed(f"assignee={charlie.pk}") and not api_listed(f"assignee={colleague.pk}")
    # Only staff of the visible departments can be chosen.
    choices = client.get("/staff/applications/").content.decode()
    assert "colleague@city.minato.example" in choices and dana.email not in choices
    # Someone outside the visible departments is not a choice: the filter is ignored.
    page = client.get("/staff/applications/?submitted_from=not-a-date")
    assert page.status_code == 200


def test_an_export_with_every_filter_set_is_audited(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    from minato.core.models import AuditEvent

    day = submitted.submitted_at.date().isoformat() if submitted.submitted_at else ""
    query = (
        f"status=submitted&procedure=sodai-gomi&submitted_from={day}&submitted_to={day}"
        f"&assignee={charlie.pk}&mine=on&unassigned=on&overdue=on"
    )
    client = staff_client(charlie)
    for fmt in ("csv", "sjis", "json"):
        response = client.get(f"/staff/applications/export/?{query}&format={fmt}")
        assert response.status_code == 200, fmt
    event = AuditEvent.objects.filter(action="procedures.applications_exported").last()
    assert event is not None and event.changes["filters"][1]["assignee"] == charlie.pk


def test_the_queue_escapes_what_it_shows(
    staff_client: Callable[[User], Client], submitted: Application, charlie: User
) -> None:
    # The rows are built as HTML in Python: text from the data must still be escaped.
    Procedure.objects.filter(pk=submitted.procedure_id).update(
        name={"ja": "<script>alert(1)</script>", "en": "<b>x</b>"}
    )
    charlie.display_name = "<img src=x onerror=alert(1)>"
    charlie.save()
    workflow.application_assign(
        application=submitted, assignee=charlie, staff=charlie, expected_version=submitted.version
    )
    body = staff_client(charlie).get("/staff/applications/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<img src=x" not in body and "&lt;img src=x" in body


def test_staff_and_business_system_reads_of_an_application_show_in_the_applicants_access_log(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    client: Client,
    submitted: Application,
    charlie: User,
    alice: User,
    bob: User,
    service_token: str,
) -> None:
    clerk = staff_client(charlie)
    assert clerk.get(f"/staff/applications/{submitted.reference}/").status_code == 200
    assert clerk.get(f"/staff/applications/{submitted.reference}/?print=1").status_code == 200
    pulled = client.get(
        "/api/v1/handoff/applications", HTTP_AUTHORIZATION=f"Bearer {service_token}"
    )
    assert pulled.status_code == 200 and pulled.json()["items"]
    purposes = sorted(
        event.changes["purpose"][1]
        for event in AuditEvent.objects.filter(
            action="procedures.application_viewed", subject_id=alice.pk
        )
    )
    assert purposes == ["console", "handoff_pull", "print"]
    log = resident_client(alice).get("/en/accounts/access-log/").content.decode()
    assert log.count("Looked at your application") == 3
    assert "Staff of Residents Division" in log and "A ward business system" in log
    assert "Looked at your application" not in (
        resident_client(bob).get("/en/accounts/access-log/").content.decode()
    )


def test_the_applicant_sees_an_assignment_but_not_an_internal_note(
    staff_client: Callable[[User], Client],
    resident_client: Callable[[User], Client],
    submitted: Application,
    charlie: User,
    alice: User,
) -> None:
    clerk = staff_client(charlie)
    clerk.post(
        f"/staff/applications/{submitted.reference}/assign/",
        {"assignee": charlie.pk, "version": submitted.version},
    )
    clerk.post(f"/staff/applications/{submitted.reference}/note/", {"body": "電話で確認済み"})
    submitted.refresh_from_db()
    assert submitted.assignee == charlie and submitted.notes.count() == 1
    log = resident_client(alice).get("/en/accounts/access-log/").content.decode()
    assert "Assigned your application to staff" in log
    assert "note" not in log.lower() and "電話で確認済み" not in log
    assert charlie.display_name not in log
