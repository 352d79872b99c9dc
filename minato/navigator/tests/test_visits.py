"""Counter visits (書かない窓口): prepared from a checklist, opened by a clerk from the QR
code or the code, corrected, printed and finished — every staff step audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone, translation

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.navigator.guide import services as guide_services
from minato.navigator.models import Checklist, Visit
from minato.navigator.tests.factories import make_guide, moving_in_definition
from minato.navigator.visits import selectors, services
from minato.navigator.visits.pdf import visit_forms_pdf

pytestmark = pytest.mark.django_db


def _checklist(owner: Any = None, **answers: str) -> Checklist:
    data = {
        "moved_on": timezone.localdate().isoformat(),
        "moved_from": "japan",
        "online_tenshutsu": "no",
        "dog": "no",
    }
    data.update(answers)
    checklist, _ = guide_services.checklist_create(guide=make_guide(), answers=data, owner=owner)
    return checklist


def test_a_visit_is_filled_from_the_profile_and_the_answers(alice: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    assert visit.details["family_name"] == alice.profile.family_name
    assert visit.details["moved_on"] == timezone.localdate().isoformat()
    assert visit.details["moved_from"] == "国内"


def test_preparing_twice_gives_the_same_visit(alice: User) -> None:
    checklist = _checklist(alice)
    assert (
        services.visit_prepare(checklist=checklist).pk
        == services.visit_prepare(checklist=checklist).pk
    )


def test_a_clerk_opens_a_visit_from_its_qr_code_or_its_code(alice: User, charlie: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    assert selectors.visit_from_scan(charlie, services.qr_payload(visit)) == visit
    assert selectors.visit_from_scan(charlie, visit.code.lower()) == visit


def test_a_forged_or_altered_qr_code_opens_nothing(alice: User, charlie: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    forged = services.QR_PREFIX + signing.TimestampSigner(salt="another").sign(str(visit.public_id))
    assert selectors.visit_from_scan(charlie, forged) is None
    payload = services.qr_payload(visit)
    assert selectors.visit_from_scan(charlie, payload[:-2] + "xx") is None


def test_an_expired_visit_opens_nothing(alice: User, charlie: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    payload = services.qr_payload(visit)
    Visit.objects.filter(pk=visit.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert selectors.visit_from_scan(charlie, payload) is None
    assert selectors.visit_from_scan(charlie, visit.code) is None


def test_staff_without_resident_records_cannot_open_visits(alice: User, erin: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    assert selectors.visit_from_scan(erin, visit.code) is None
    assert selectors.staff_visit(erin, visit.public_id) is None


def test_a_resident_cannot_read_a_visit_from_its_qr_code(alice: User, bob: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    assert selectors.visit_from_scan(bob, services.qr_payload(visit)) is None


def test_opening_correcting_printing_and_finishing_are_audited_for_the_resident(
    alice: User, charlie: User
) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    department = charlie.staff_profile.department_id
    services.visit_open(visit=visit, department_id=department)
    services.visit_correct(
        visit=visit, details={"family_name": "港", "given_name": "花子"}, department_id=department
    )
    services.visit_printed(visit=visit, department_id=department)
    services.visit_complete(visit=visit, department_id=department)
    events = AuditEvent.objects.filter(subject_id=alice.pk, action__startswith="navigator.visit_")
    assert {event.action for event in events} >= {
        "navigator.visit_opened",
        "navigator.visit_corrected",
        "navigator.visit_printed",
        "navigator.visit_completed",
    }
    corrected = events.get(action="navigator.visit_corrected")
    assert "花子" not in str(corrected.changes)


def test_unknown_or_too_long_details_are_refused_and_change_nothing(alice: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    with pytest.raises(services.VisitError):
        services.visit_correct(visit=visit, details={"salary": "1"}, department_id=None)
    with pytest.raises(services.VisitError):
        services.visit_correct(visit=visit, details={"family_name": "長" * 201}, department_id=None)
    visit.refresh_from_db()
    assert visit.details["family_name"] == alice.profile.family_name


def test_a_finished_visit_cannot_be_changed(alice: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice))
    services.visit_complete(visit=visit, department_id=None)
    with pytest.raises(services.VisitError):
        services.visit_correct(visit=visit, details={"family_name": "港"}, department_id=None)


def test_a_checklist_without_counter_items_has_no_visit() -> None:
    checklist = _checklist()
    checklist.items = [item for item in checklist.items if item["where"] != "counter"]
    checklist.save(update_fields=["items"])
    with pytest.raises(services.VisitError):
        services.visit_prepare(checklist=checklist)


def test_the_forms_pdf_has_a_page_per_counter_procedure(alice: User) -> None:
    visit = services.visit_prepare(checklist=_checklist(alice, moved_from="abroad"))
    items = [item for item in visit.checklist.items if item["where"] == "counter"]
    content = visit_forms_pdf(visit=visit, items=items, labels={"moved_on": "住み始めた日"})
    assert content.startswith(b"%PDF")
    assert content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 1
    assert b"<script" not in content


def _answers_today() -> dict[str, str]:
    return {
        "moved_on": timezone.localdate().isoformat(),
        "moved_from": "japan",
        "online_tenshutsu": "no",
        "dog": "no",
    }


def _counter_intake(catalogue: dict[str, Any]) -> Any:
    """印鑑登録 (a counter procedure of the test catalogue) with a counter intake form, and a
    guide whose counter item records it from the visit."""
    from minato.procedures.forms.services import form_publish
    from minato.procedures.tests.form_factories import form, page, question

    form_publish(
        procedure=catalogue["inkan"],
        definition=form(
            page(
                "person",
                question("name", "name", "Name", required=True, prefill="name"),
                question("moved_on", "date", "Moving-in day", required=True),
            )
        ),
    )
    definition = moving_in_definition()
    definition["items"][0]["procedure"] = "inkan-toroku"
    definition["items"][0]["prefill"] = {"moved_on": "moved_on"}
    return make_guide(slug="tennyu-intake", definition=definition)


def test_a_counter_procedure_is_recorded_as_an_application_once(
    alice: User, catalogue: dict[str, Any]
) -> None:
    from minato.procedures.models import Application

    guide = _counter_intake(catalogue)
    checklist, _ = guide_services.checklist_create(
        guide=guide,
        answers=_answers_today(),
        owner=alice,
    )
    visit = services.visit_prepare(checklist=checklist)
    services.visit_correct(visit=visit, details={"given_name": "花代"}, department_id=None)
    reference = services.visit_item_record(visit=visit, key="tennyu", department_id=None)
    application = Application.objects.get(reference=reference)
    assert application.applicant == alice
    assert application.status == Application.Status.SUBMITTED
    assert application.answers["name"]["given_name"] == "花代"
    assert application.answers["moved_on"] == timezone.localdate().isoformat()
    again = services.visit_item_record(visit=visit, key="tennyu", department_id=None)
    assert again == reference and Application.objects.count() == 1
    assert AuditEvent.objects.filter(action="navigator.visit_recorded", subject_id=alice.pk)


def test_a_visit_without_an_account_keeps_the_paper_form_as_the_record(
    catalogue: dict[str, Any],
) -> None:
    guide = _counter_intake(catalogue)
    checklist, _ = guide_services.checklist_create(
        guide=guide,
        answers=_answers_today(),
    )
    visit = services.visit_prepare(checklist=checklist)
    with translation.override("en"), pytest.raises(services.VisitError, match="paper form"):
        services.visit_item_record(visit=visit, key="tennyu", department_id=None)


def test_missing_details_are_named_and_nothing_is_recorded(
    alice: User, catalogue: dict[str, Any]
) -> None:
    from minato.procedures.models import Application

    guide = _counter_intake(catalogue)
    checklist, _ = guide_services.checklist_create(
        guide=guide,
        answers=_answers_today(),
        owner=alice,
    )
    visit = services.visit_prepare(checklist=checklist)
    services.visit_correct(visit=visit, details={"moved_on": "soon"}, department_id=None)
    with pytest.raises(services.VisitError, match="moved_on"):
        services.visit_item_record(visit=visit, key="tennyu", department_id=None)
    assert not Application.objects.filter(applicant=alice).exclude(status="draft").exists()


def test_expired_visits_are_deleted_by_housekeeping(alice: User) -> None:
    from minato.navigator import housekeeping

    visit = services.visit_prepare(checklist=_checklist(alice))
    Visit.objects.filter(pk=visit.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert housekeeping.run()["visits_deleted"] == 1
    assert not Visit.objects.exists()
