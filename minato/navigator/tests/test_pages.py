"""The resident's pages and the console, through the test client."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.navigator.models import Checklist, Office, Ticket, Visit
from minato.navigator.queues import services as queue_services
from minato.navigator.tests.factories import make_guide, make_office
from minato.procedures.forms.services import form_publish
from minato.procedures.models import Application
from minato.procedures.tests.form_factories import waste_collection_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(departments: dict[str, Any]) -> Office:
    return make_office(departments["kumin"])


def _answer_all(client: Client, *, dog: str = "yes") -> Any:
    make_guide()
    moved_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    steps = [
        ("moved_on", {"answer": moved_on}),
        ("moved_from", {"answer": "japan"}),
        ("online_tenshutsu", {"answer": "no"}),
        ("dog", {"answer": dog}),
    ]
    response = None
    for question, data in steps:
        response = client.post(reverse("navigator:question", args=["tennyu", question]), data)
        assert response.status_code == 302, response.content[:500]
    assert response is not None and response["Location"].endswith("/check/")
    return client.post(reverse("navigator:check", args=["tennyu"]))


def test_a_guest_answers_and_gets_a_checklist_behind_a_private_link(client: Client) -> None:
    response = _answer_all(client)
    assert response.status_code == 302
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "転入届" in body and "みなと保健所" in body
    # The link is the key: no shared cache may keep the page.
    assert "no-store" in page["Cache-Control"]
    assert Checklist.objects.get().owner is None


def test_a_question_further_on_redirects_to_the_first_unanswered(client: Client) -> None:
    make_guide()
    response = client.get(reverse("navigator:question", args=["tennyu", "dog"]))
    assert response.status_code == 302
    assert response["Location"].endswith("/moved_on/")


def test_a_bad_answer_gets_a_message_and_changes_nothing(client: Client) -> None:
    make_guide()
    response = client.post(
        reverse("navigator:question", args=["tennyu", "moved_on"]), {"answer": "soon"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert client.session.get("navigator:answers:tennyu", {}) == {}


def test_an_unknown_guide_or_token_is_404(client: Client) -> None:
    make_guide()
    assert client.get(reverse("navigator:guide", args=["nothing"])).status_code == 404
    assert client.get(reverse("navigator:checklist", args=["x" * 32])).status_code == 404


def test_ticking_off_works_without_javascript(client: Client) -> None:
    location = _answer_all(client)["Location"]
    response = client.post(location, {"action": "done", "item": "dog"})
    assert response.status_code == 302
    assert Checklist.objects.get().done == ["dog"]


def test_a_signed_in_resident_saves_the_checklist_to_my_page(
    resident_client: Any, alice: User
) -> None:
    client = resident_client(alice)
    checklist_url = _answer_all(client)["Location"]
    assert "/mine/" in checklist_url  # made while signed in: saved at once
    mine = client.get(reverse("navigator:mine"))
    assert "転入" in mine.content.decode()


def test_bob_cannot_open_alices_saved_checklist(
    resident_client: Any, alice: User, bob: User
) -> None:
    _answer_all(resident_client(alice))
    checklist = Checklist.objects.get()
    response = resident_client(bob).get(
        reverse("navigator:my_checklist", args=[checklist.public_id])
    )
    assert response.status_code == 404


def test_an_online_item_starts_its_form_with_the_answers_filled(
    resident_client: Any, alice: User, catalogue: dict[str, Any]
) -> None:
    form_publish(procedure=catalogue["sodai"], definition=waste_collection_form())
    client = resident_client(alice)
    location = _answer_all(client)["Location"]
    page = client.get(location).content.decode()
    assert 'value="start"' in page
    response = client.post(location, {"action": "start", "item": "garbage"})
    assert response.status_code == 302
    draft = Application.objects.get(applicant=alice)
    assert draft.answers["preferred_date"] == Checklist.objects.get().answers["moved_on"]


def test_preparing_a_visit_shows_its_qr_code_and_code(client: Client) -> None:
    location = _answer_all(client)["Location"]
    response = client.post(location, {"action": "visit"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    visit = Visit.objects.get()
    assert visit.code in page and "<svg" in page


def test_the_clerk_finds_the_visit_with_its_forms_filled(
    client: Client, staff_client: Any, charlie: User
) -> None:
    location = _answer_all(client)["Location"]
    client.post(location, {"action": "visit"})
    visit = Visit.objects.get()
    console = staff_client(charlie)
    response = console.post(reverse("staff:navigator:visit_scan"), {"code": visit.code})
    assert response.status_code == 302
    page = console.get(response["Location"])
    assert page.status_code == 200
    assert "転入届" in page.content.decode()
    pdf = console.get(reverse("staff:navigator:visit_pdf", args=[visit.public_id]))
    assert pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="navigator.visit_printed").exists()


def test_a_clerk_of_another_department_cannot_open_visits(
    client: Client, staff_client: Any, erin: User
) -> None:
    location = _answer_all(client)["Location"]
    client.post(location, {"action": "visit"})
    visit = Visit.objects.get()
    console = staff_client(erin)
    assert console.get(reverse("staff:navigator:visit", args=[visit.public_id])).status_code == 403


def test_the_clerk_corrects_a_detail_and_a_bad_one_changes_nothing(
    client: Client, staff_client: Any, charlie: User
) -> None:
    location = _answer_all(client)["Location"]
    client.post(location, {"action": "visit"})
    visit = Visit.objects.get()
    console = staff_client(charlie)
    url = reverse("staff:navigator:visit", args=[visit.public_id])
    data = {**visit.details, "family_name": "港"}
    assert console.post(url, data).status_code == 302
    visit.refresh_from_db()
    assert visit.details["family_name"] == "港"
    response = console.post(url, {**data, "family_name": "長" * 300})
    assert response.status_code == 422
    visit.refresh_from_db()
    assert visit.details["family_name"] == "港"


def test_a_resident_takes_a_ticket_from_the_office_page(
    resident_client: Any, alice: User, office: Office
) -> None:
    client = resident_client(alice)
    url = reverse("navigator:office", args=[office.slug])
    response = client.post(url, {"queue": "ido", "when": "now"})
    assert response.status_code == 302
    again = client.post(url, {"queue": "ido", "when": "now"})
    assert again["Location"] == response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "A001" in page


def test_taking_a_ticket_from_a_phone_needs_an_account(client: Client, office: Office) -> None:
    url = reverse("navigator:office", args=[office.slug])
    response = client.post(url, {"queue": "ido", "when": "now"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Ticket.objects.exists()


def test_the_kiosk_prints_a_ticket_without_an_account(client: Client, office: Office) -> None:
    pressed = client.post(reverse("navigator:kiosk", args=[office.slug]), {"queue": "shomei"})
    assert pressed.status_code == 302
    response = client.get(pressed["Location"])
    page = response.content.decode()
    # Shown on the kiosk's own page by a short-lived token: no address of the ticket, no
    # cancel button, and the screen goes back to the buttons by itself.
    assert response.status_code == 200 and "B001" in page and "<svg" in page
    assert "no-store" in response["Cache-Control"]
    assert "data-return-after" in page
    assert str(Ticket.objects.get().public_id) not in page.split("<svg")[0]
    assert "Cancel" not in page and "取り消す" not in page


def test_only_the_offices_networks_may_print_tickets(
    client: Client, office: Office, settings: Any
) -> None:
    settings.NAVIGATOR_KIOSK_NETWORKS = ["10.20.0.0/16"]
    url = reverse("navigator:kiosk", args=[office.slug])
    assert client.post(url, {"queue": "ido"}).status_code == 422
    assert not Ticket.objects.exists()
    assert client.post(url, {"queue": "ido"}, REMOTE_ADDR="10.20.3.4").status_code == 302
    assert Ticket.objects.count() == 1


def test_a_phones_ticket_is_cancelled_by_its_holder_only(
    resident_client: Any, alice: User, bob: User, office: Office
) -> None:
    ticket = queue_services.ticket_issue(
        queue=office.queues.get(slug="ido"), channel=Ticket.Channel.REMOTE, person=alice
    )
    url = reverse("navigator:ticket", args=[ticket.public_id])
    resident_client(bob).post(url)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    resident_client(alice).post(url)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CANCELLED


def test_a_ticket_taken_from_the_visit_page_carries_the_visit(
    resident_client: Any, alice: User, office: Office
) -> None:
    client = resident_client(alice)
    location = _answer_all(client)["Location"]
    visit_page = client.get(client.post(location, {"action": "visit"})["Location"])
    link = re.search(
        r'href="(/navigator/counters/shiba/\?visit=[^"]+)"', visit_page.content.decode()
    )
    assert link is not None
    office_page = client.get(link.group(1).replace("&amp;", "&"))
    payload = re.search(r'name="visit" value="([^"]+)"', office_page.content.decode())
    assert payload is not None
    client.post(
        reverse("navigator:office", args=[office.slug]),
        {"queue": "ido", "when": "now", "visit": payload.group(1)},
    )
    assert Ticket.objects.get(person=alice).visit == Visit.objects.get()


def test_the_kiosk_refuses_an_unknown_counter(client: Client, office: Office) -> None:
    response = client.post(reverse("navigator:kiosk", args=[office.slug]), {"queue": "nope"})
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_the_ticket_state_follows_the_calls(client: Client, office: Office) -> None:
    queue = office.queues.get(slug="ido")
    first = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    second = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    url = reverse("navigator:ticket_state", args=[office.slug, second.public_id])
    assert client.get(url).json()["ahead"] == 1
    queue_services.ticket_call(ticket=first, desk=office.desks.get(number=2), staff=None)
    assert client.get(url).json()["ahead"] == 0
    display = client.get(reverse("navigator:office_state", args=[office.slug])).json()
    assert display["calls"][0]["label"] == "A001" and display["calls"][0]["desk"] == 2


def test_the_hall_display_shows_the_calls(client: Client, office: Office) -> None:
    queue = office.queues.get(slug="ido")
    ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    queue_services.ticket_call(ticket=ticket, desk=office.desks.get(number=3), staff=None)
    page = client.get(reverse("navigator:display", args=[office.slug])).content.decode()
    assert "A001" in page and "3番窓口" in page


def test_a_clerk_calls_serves_and_transfers_from_the_console(
    staff_client: Any, charlie: User, office: Office
) -> None:
    queue = office.queues.get(slug="ido")
    ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    console = staff_client(charlie)
    url = reverse("staff:navigator:counter", args=[office.slug])
    console.post(url, {"action": "desk", "desk": "2"})
    console.post(url, {"action": "next", "queue": "ido"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLED and ticket.desk.number == 2
    action = reverse("staff:navigator:ticket_action", args=[ticket.public_id])
    console.post(action, {"action": "transfer", "to": "shomei"})
    ticket.refresh_from_db()
    assert ticket.queue.slug == "shomei" and ticket.status == Ticket.Status.WAITING
    page = console.get(url).content.decode()
    assert "A001" in page


def test_a_clerk_of_another_department_cannot_run_the_counters(
    staff_client: Any, erin: User, office: Office
) -> None:
    queue = office.queues.get(slug="ido")
    ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    console = staff_client(erin)
    assert console.get(reverse("staff:navigator:counter", args=[office.slug])).status_code == 404
    response = console.post(
        reverse("staff:navigator:ticket_action", args=[ticket.public_id]), {"action": "call"}
    )
    assert response.status_code == 404


def test_the_statistics_page(staff_client: Any, charlie: User, office: Office) -> None:
    queue_services.ticket_issue(queue=office.queues.get(slug="ido"), channel=Ticket.Channel.KIOSK)
    page = staff_client(charlie).get(reverse("staff:navigator:statistics", args=[office.slug]))
    assert page.status_code == 200
    assert re.search(r">1<", page.content.decode())


def test_a_system_admin_edits_a_guide_and_bad_json_is_refused(staff_client: Any, sam: User) -> None:
    guide = make_guide()
    console = staff_client(sam)
    url = reverse("staff:navigator:guide_edit", args=[guide.slug])
    response = console.post(url, {"name_ja": "転入", "definition": "{not json"})
    assert response.status_code == 422
    response = console.post(url, {"name_ja": "転入", "definition": '{"questions": []}'})
    assert response.status_code == 422
    response = console.post(url, {"name_ja": "転入", "definition": "[" * 100_000})
    assert response.status_code == 422
    guide.refresh_from_db()
    assert guide.version == 1


def test_clerks_and_department_admins_cannot_edit_guides(
    staff_client: Any, charlie: User, dana: User
) -> None:
    guide = make_guide()
    url = reverse("staff:navigator:guide_edit", args=[guide.slug])
    assert staff_client(charlie).get(url).status_code == 403
    assert staff_client(dana).get(url).status_code == 403


def test_every_portal_page_renders_in_three_languages(client: Client, office: Office) -> None:
    make_guide()
    for prefix in ("", "/en", "/ja-easy"):
        for path in (
            "/navigator/",
            "/navigator/tennyu/",
            "/navigator/counters/",
            f"/navigator/counters/{office.slug}/",
            f"/navigator/counters/{office.slug}/kiosk/",
        ):
            assert client.get(prefix + path).status_code == 200, prefix + path


def test_the_clerk_records_a_counter_procedure_from_the_visit_page(
    resident_client: Any, alice: User, staff_client: Any, charlie: User
) -> None:
    location = _answer_all(resident_client(alice))["Location"]
    resident_client(alice).post(location, {"action": "visit"})
    visit = Visit.objects.get()
    console = staff_client(charlie)
    url = reverse("staff:navigator:visit", args=[visit.public_id])
    # The test guide's counter item names no procedure: the paper form is the record.
    response = console.post(url, {"action": "record", "item": "tennyu"}, follow=True)
    assert response.status_code == 200
    assert "署名した書面が届出の記録になります" in response.content.decode()
    assert not visit.applications


def test_the_hall_display_state_holds_no_ticket_ids(client: Client, office: Office) -> None:
    queue = office.queues.get(slug="ido")
    called = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    waiting = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    queue_services.ticket_call(ticket=called, desk=office.desks.get(number=1), staff=None)
    for url in (reverse("navigator:office_state", args=[office.slug]), "/api/v1/counters/shiba"):
        body = client.get(url).content.decode()
        # A ticket's id opens its page, where it can be cancelled: never published.
        assert str(called.public_id) not in body and str(waiting.public_id) not in body
        assert "A001" in body


def test_a_ticket_taken_from_the_line_account_is_counted_as_line(
    resident_client: Any, alice: User, office: Office
) -> None:
    client = resident_client(alice)
    listing = client.get(reverse("navigator:offices") + "?via=line").content.decode()
    assert f"/navigator/counters/{office.slug}/?via=line" in listing
    page = client.get(reverse("navigator:office", args=[office.slug]) + "?via=line")
    assert 'name="via" value="line"' in page.content.decode()
    client.post(
        reverse("navigator:office", args=[office.slug]),
        {"queue": "ido", "when": "now", "via": "line"},
    )
    assert Ticket.objects.get(person=alice).channel == Ticket.Channel.LINE


def test_a_kiosk_token_shows_its_ticket_only_briefly(client: Client, office: Office) -> None:
    from django.core.cache import cache

    pressed = client.post(reverse("navigator:kiosk", args=[office.slug]), {"queue": "ido"})
    assert "A001" in client.get(pressed["Location"]).content.decode()
    assert "A001" not in client.get(pressed["Location"] + "x").content.decode()
    cache.clear()  # a minute later: the token has expired
    assert "A001" not in client.get(pressed["Location"]).content.decode()
