"""The counters: numbering, calling, the actions staff take, notifications and the waits."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from minato.accounts.models import User
from minato.core.models import AuditEvent
from minato.navigator.models import Office, Ticket
from minato.navigator.queues import selectors, services
from minato.navigator.tests.factories import make_office
from minato.notifications.models import Notification

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def office(departments: dict[str, Any]) -> Office:
    return make_office(departments["kumin"])


def _queue(office: Office, slug: str = "ido") -> Any:
    return office.queues.get(slug=slug)


def _desk(office: Office, number: int = 1) -> Any:
    return office.desks.get(number=number)


def test_tickets_are_numbered_from_one_in_each_line_with_its_letter(office: Office) -> None:
    first = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    second = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    other = services.ticket_issue(queue=_queue(office, "shomei"), channel=Ticket.Channel.STAFF)
    assert [first.label, second.label, other.label] == ["A001", "A002", "B001"]


def test_numbers_start_again_the_next_day(office: Office) -> None:
    services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    tomorrow = timezone.now() + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    assert ticket.label == "A001"


def test_the_daily_reset_expires_yesterdays_tickets(office: Office) -> None:
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        assert services.tickets_close_past_days() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.EXPIRED


def test_a_double_tap_from_a_phone_gives_the_same_ticket(office: Office, alice: User) -> None:
    first = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.REMOTE, person=alice)
    again = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.REMOTE, person=alice)
    assert first.pk == again.pk
    assert Ticket.objects.count() == 1


def test_calling_the_next_person_follows_the_order_of_the_line(office: Office) -> None:
    first = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    called = services.ticket_call_next(queue=_queue(office), desk=_desk(office), staff=None)
    assert called is not None and called.pk == first.pk
    assert called.status == Ticket.Status.CALLED and called.desk is not None
    assert called.desk.number == 1


def test_nobody_is_called_from_an_empty_line(office: Office) -> None:
    assert services.ticket_call_next(queue=_queue(office), desk=_desk(office), staff=None) is None


def test_a_ticket_is_called_by_one_counter_only(office: Office) -> None:
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    services.ticket_call(ticket=ticket, desk=_desk(office, 1), staff=None)
    with pytest.raises(services.TicketError):
        services.ticket_call(ticket=ticket, desk=_desk(office, 2), staff=None)
    ticket.refresh_from_db()
    assert ticket.desk is not None and ticket.desk.number == 1


def test_recall_absent_and_calling_again_later(office: Office) -> None:
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
    recalled = services.ticket_recall(ticket=ticket, staff=None)
    assert recalled.call_count == 2
    absent = services.ticket_absent(ticket=ticket, staff=None)
    assert absent.status == Ticket.Status.ABSENT
    again = services.ticket_call(ticket=ticket, desk=_desk(office, 2), staff=None)
    assert again.status == Ticket.Status.CALLED and again.call_count == 3


def test_a_transferred_ticket_keeps_its_number_and_its_place(office: Office) -> None:
    early = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    later = services.ticket_issue(queue=_queue(office, "shomei"), channel=Ticket.Channel.KIOSK)
    services.ticket_call(ticket=early, desk=_desk(office), staff=None)
    moved = services.ticket_transfer(ticket=early, to_queue=_queue(office, "shomei"), staff=None)
    assert moved.label == "A001" and moved.status == Ticket.Status.WAITING
    called = services.ticket_call_next(
        queue=_queue(office, "shomei"), desk=_desk(office), staff=None
    )
    assert called is not None and called.pk == early.pk
    assert later.status == Ticket.Status.WAITING


def test_a_ticket_cannot_be_transferred_to_another_office(
    office: Office, departments: dict[str, Any]
) -> None:
    other = make_office(departments["kumin"], slug="azabu")
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    with pytest.raises(services.TicketError):
        services.ticket_transfer(ticket=ticket, to_queue=_queue(other), staff=None)


def test_done_finishes_only_a_ticket_being_served(office: Office) -> None:
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    with pytest.raises(services.TicketError):
        services.ticket_done(ticket=ticket, staff=None)
    services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
    assert services.ticket_done(ticket=ticket, staff=None).status == Ticket.Status.DONE


def test_every_change_is_audited_with_the_person_as_subject(office: Office, alice: User) -> None:
    ticket = services.ticket_issue(
        queue=_queue(office), channel=Ticket.Channel.REMOTE, person=alice
    )
    services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
    services.ticket_done(ticket=ticket, staff=None)
    actions = list(
        AuditEvent.objects.filter(subject_id=alice.pk, action__startswith="navigator.ticket")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "navigator.ticket_issued",
        "navigator.ticket_called",
        "navigator.ticket_done",
    ]


def test_a_resident_is_told_when_their_turn_is_near_and_when_called(
    office: Office, alice: User
) -> None:
    queue = _queue(office)
    queue.notify_ahead = 1
    queue.save(update_fields=["notify_ahead"])
    for _ in range(3):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    mine = services.ticket_issue(queue=queue, channel=Ticket.Channel.REMOTE, person=alice)
    services.ticket_call_next(queue=queue, desk=_desk(office), staff=None)
    assert not Notification.objects.filter(template_key="navigator/turn_near").exists()
    services.ticket_call_next(queue=queue, desk=_desk(office), staff=None)
    near = Notification.objects.get(template_key="navigator/turn_near")
    assert near.recipient_id == alice.pk
    services.ticket_call_next(queue=queue, desk=_desk(office), staff=None)
    services.ticket_call_next(queue=queue, desk=_desk(office), staff=None)
    called = Notification.objects.get(template_key="navigator/called")
    assert called.recipient_id == alice.pk
    assert any("A004" in message.subject for message in mail.outbox)
    mine.refresh_from_db()
    assert mine.status == Ticket.Status.CALLED


def test_position_and_estimate_follow_the_line(office: Office) -> None:
    queue = _queue(office)
    tickets = [services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK) for _ in range(3)]
    state = selectors.ticket_state(tickets[2])
    assert state["ahead"] == 2
    assert state["estimated_minutes"] == 2 * queue.service_minutes
    services.ticket_call_next(queue=queue, desk=_desk(office), staff=None)
    state = selectors.ticket_state(tickets[2])
    assert state["ahead"] == 1


def test_a_slot_ticket_joins_the_line_at_its_time(office: Office, alice: User) -> None:
    queue = _queue(office)
    now = datetime(2026, 12, 7, 9, 10, tzinfo=TOKYO)
    with mock.patch("django.utils.timezone.now", return_value=now):
        slots = selectors.open_slots(queue)
        assert slots[0] == datetime(2026, 12, 7, 9, 30, tzinfo=TOKYO)
        ticket = services.ticket_issue(
            queue=queue, channel=Ticket.Channel.REMOTE, person=alice, slot_start=slots[0]
        )
        assert selectors.ticket_state(ticket)["ahead"] is None
        assert services.ticket_call_next(queue=queue, desk=_desk(office), staff=None) is None
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(minutes=25)):
        called = services.ticket_call_next(queue=queue, desk=_desk(office), staff=None)
    assert called is not None and called.pk == ticket.pk


def test_a_full_slot_is_refused(office: Office, alice: User, bob: User) -> None:
    queue = _queue(office)
    queue.slot_capacity = 1
    queue.save(update_fields=["slot_capacity"])
    now = datetime(2026, 12, 7, 9, 10, tzinfo=TOKYO)
    with mock.patch("django.utils.timezone.now", return_value=now):
        slot = selectors.open_slots(queue)[0]
        services.ticket_issue(
            queue=queue, channel=Ticket.Channel.REMOTE, person=alice, slot_start=slot
        )
        with pytest.raises(services.TicketError):
            services.ticket_issue(
                queue=queue, channel=Ticket.Channel.REMOTE, person=bob, slot_start=slot
            )


@override_settings(NAVIGATOR_KEEP_OFFICE_HOURS=True)
def test_no_ticket_is_issued_outside_opening_hours(office: Office) -> None:
    evening = datetime(2026, 12, 7, 18, 0, tzinfo=TOKYO)  # a Monday
    with (
        mock.patch("django.utils.timezone.now", return_value=evening),
        pytest.raises(services.TicketError),
    ):
        services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    morning = datetime(2026, 12, 7, 9, 0, tzinfo=TOKYO)
    with mock.patch("django.utils.timezone.now", return_value=morning):
        assert services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)


def test_the_waits_count_people_in_line_and_the_estimate(office: Office) -> None:
    for _ in range(4):
        services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    waits = selectors.waits()
    ido = next(q for q in waits[0]["queues"] if q["queue"] == "ido")
    assert ido == {
        "queue": "ido",
        "name": ido["name"],
        "waiting": 4,
        "estimated_wait_minutes": 40,
    }


def test_the_estimate_uses_measured_service_times_once_there_are_enough(office: Office) -> None:
    queue = _queue(office)
    start = timezone.now()
    for minute in range(3):
        with mock.patch(
            "django.utils.timezone.now", return_value=start + timedelta(minutes=minute * 3)
        ):
            ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
            services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
        with mock.patch(
            "django.utils.timezone.now", return_value=start + timedelta(minutes=minute * 3 + 2)
        ):
            services.ticket_done(ticket=ticket, staff=None)
    state = selectors.office_state(office)
    assert next(q for q in state["queues"] if q["slug"] == "ido")["minutes_per_person"] == 2.0


def test_the_office_state_is_cached_until_a_change(
    office: Office, django_assert_max_num_queries: Any
) -> None:
    services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    selectors.office_state(office)
    with django_assert_max_num_queries(0):
        selectors.office_state(office)


def test_statistics_by_hour_and_counter(office: Office) -> None:
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
    services.ticket_done(ticket=ticket, staff=None)
    stats = selectors.statistics_of(office, timezone.localdate())
    assert stats["rows"][0]["issued"] == 1 and stats["rows"][0]["served"] == 1


def _resident(number: int) -> User:
    return User.objects.create_user(email=f"r{number}@example.jp", password="x" * 12)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_many_tickets_issued_at_once_get_unique_gapless_numbers(
    departments: dict[str, Any],
) -> None:
    office = make_office(departments["kumin"])
    queue = _queue(office)
    start = threading.Barrier(16)
    errors: list[BaseException] = []

    def take() -> None:
        try:
            start.wait()
            services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Ticket.objects.filter(queue=queue).values_list("number", flat=True))
    assert numbers == list(range(1, 17))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_desks_calling_at_once_call_two_different_people(
    departments: dict[str, Any],
) -> None:
    office = make_office(departments["kumin"])
    queue = _queue(office)
    for _ in range(2):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    start = threading.Barrier(6)
    called: list[Any] = []

    def call(number: int) -> None:
        try:
            start.wait()
            ticket = services.ticket_call_next(
                queue=queue, desk=office.desks.get(number=number % 3 + 1), staff=None
            )
            called.append(ticket.pk if ticket else None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = [pk for pk in called if pk is not None]
    assert len(taken) == 2 and len(set(taken)) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_a_double_tap_at_the_same_moment_gives_one_ticket(departments: dict[str, Any]) -> None:
    office = make_office(departments["kumin"])
    queue = _queue(office)
    person = _resident(1)
    start = threading.Barrier(8)
    got: list[int] = []

    def tap() -> None:
        try:
            start.wait()
            got.append(
                services.ticket_issue(queue=queue, channel=Ticket.Channel.REMOTE, person=person).pk
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(got)) == 1
    assert Ticket.objects.filter(person=person).count() == 1


def test_a_tickets_poll_is_answered_from_the_cached_state_as_from_the_database(
    office: Office, django_assert_max_num_queries: Any
) -> None:
    queue = _queue(office)
    first = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    second = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    services.ticket_call(ticket=first, desk=_desk(office, 2), staff=None)
    selectors.office_state(office)
    for ticket in (first, second):
        ticket = selectors.ticket_by_public_id(ticket.public_id)
        assert ticket is not None
        with django_assert_max_num_queries(0):
            fast = selectors.ticket_state_fast(office.slug, str(ticket.public_id))
        assert fast == selectors.ticket_state(ticket)


def test_a_finished_ticket_is_not_in_the_cached_state(office: Office) -> None:
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
    services.ticket_done(ticket=ticket, staff=None)
    selectors.office_state(office)
    assert selectors.ticket_state_fast(office.slug, str(ticket.public_id)) is None


def test_calling_an_absent_ticket_while_its_holder_has_a_new_one_is_refused(
    office: Office, alice: User
) -> None:
    queue = _queue(office)
    old = services.ticket_issue(queue=queue, channel=Ticket.Channel.REMOTE, person=alice)
    services.ticket_call(ticket=old, desk=_desk(office), staff=None)
    services.ticket_absent(ticket=old, staff=None)
    services.ticket_issue(queue=queue, channel=Ticket.Channel.REMOTE, person=alice)
    with pytest.raises(services.TicketError):
        services.ticket_call(ticket=old, desk=_desk(office), staff=None)
    old.refresh_from_db()
    assert old.status == Ticket.Status.ABSENT


def test_a_ticket_of_an_earlier_day_cannot_be_called_and_expires(office: Office) -> None:
    ticket = services.ticket_issue(queue=_queue(office), channel=Ticket.Channel.KIOSK)
    services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
    services.ticket_absent(ticket=ticket, staff=None)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=1)):
        with pytest.raises(services.TicketError):
            services.ticket_call(ticket=ticket, desk=_desk(office), staff=None)
        assert services.tickets_close_past_days() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.EXPIRED
