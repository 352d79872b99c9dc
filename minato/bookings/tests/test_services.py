"""Booking, waiting lists, lotteries and offers: the rules and the audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from minato.accounts.models import User
from minato.accounts.services import resident_profile_update
from minato.bookings import draw, services
from minato.bookings.models import Booking, Lottery, Offering, Session
from minato.bookings.tests.factories import make_facility, make_lottery, make_offering, make_session
from minato.core.models import AuditEvent
from minato.payments import selectors as payment_selectors
from minato.payments import services as payment_services
from minato.payments.payables import for_payer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = Booking.Status


@pytest.fixture
def room(departments: dict[str, Any]) -> Offering:
    return make_offering(make_facility(departments["shiba"]))


def _resident(n: int, **profile: Any) -> User:
    from conftest import _resident as make

    return make(f"resident{n}@example.jp", **profile)


def test_a_free_place_is_booked_at_once_and_audited(room: Offering, alice: User) -> None:
    session = make_session(room, capacity=2)
    booking = services.booking_create(session=session, person=alice)
    assert booking.status == S.CONFIRMED and booking.fee_yen is None
    session.refresh_from_db()
    assert session.taken == 1
    event = AuditEvent.objects.get(action="bookings.booked")
    assert event.subject_id == alice.pk and event.department_id == room.department_id
    assert "予約が確定しました" in mail.outbox[-1].subject


def test_the_last_place_goes_once_and_then_the_session_is_full(
    room: Offering, alice: User, bob: User
) -> None:
    session = make_session(room, capacity=1)
    services.booking_create(session=session, person=alice)
    with pytest.raises(services.SessionFull):
        services.booking_create(session=session, person=bob)
    assert Booking.objects.filter(session=session).count() == 1


def test_a_double_submit_books_once(room: Offering, alice: User) -> None:
    session = make_session(room, capacity=3)
    services.booking_create(session=session, person=alice)
    with pytest.raises(services.BookingError, match="already booked"):
        services.booking_create(session=session, person=alice)
    session.refresh_from_db()
    assert session.taken == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_in": timedelta(hours=-1)}, "already started"),
        ({"closed": True}, "closed"),
        ({"unpublished": True}, "not open"),
    ],
)
def test_past_closed_and_unpublished_sessions_cannot_be_booked(
    room: Offering, alice: User, change: dict[str, Any], message: str
) -> None:
    session = make_session(room, starts_in=change.get("starts_in", timedelta(days=2)))
    if change.get("closed"):
        Session.objects.filter(pk=session.pk).update(is_closed=True, closed_reason="点検")
        session.refresh_from_db()
    if change.get("unpublished"):
        Offering.objects.filter(pk=room.pk).update(is_published=False)
        session.refresh_from_db()
    with pytest.raises(services.BookingError, match=message):
        services.booking_create(session=session, person=alice)
    assert not Booking.objects.exists()


def test_one_person_holds_no_more_places_than_the_limit(room: Offering, alice: User) -> None:
    Offering.objects.filter(pk=room.pk).update(per_person_limit=2)
    room.refresh_from_db()
    sessions = [make_session(room, starts_in=timedelta(days=d)) for d in (2, 3, 4)]
    services.booking_create(session=sessions[0], person=alice)
    services.booking_create(session=sessions[1], person=alice)
    with pytest.raises(services.BookingError, match="the most one person may"):
        services.booking_create(session=sessions[2], person=alice)


def test_residents_only_and_age_limits_are_checked(
    departments: dict[str, Any], alice: User, bob: User
) -> None:
    facility = make_facility(departments["shiba"])
    residents = make_offering(facility, slug="residents", residents_only=True)
    with pytest.raises(services.BookingError, match="live in Minato"):
        services.booking_create(session=make_session(residents), person=bob)
    assert services.booking_create(session=make_session(residents), person=alice)
    seniors = make_offering(facility, slug="seniors", min_age=65)
    with pytest.raises(services.BookingError, match="at least 65"):
        services.booking_create(session=make_session(seniors), person=alice)
    with pytest.raises(services.BookingError, match="date of birth"):
        services.booking_create(session=make_session(seniors), person=bob)


def test_an_unconfirmed_email_cannot_book(room: Offering) -> None:
    from minato.accounts.services import resident_sign_up

    person = resident_sign_up(email="new@example.jp", password="a-long-passphrase-1")
    with pytest.raises(services.BookingError, match="Confirm your email"):
        services.booking_create(session=make_session(room), person=person)


def test_a_fee_is_worked_out_from_the_rate_class(
    departments: dict[str, Any], alice: User, bob: User
) -> None:
    hall = make_offering(
        make_facility(departments["shiba"]),
        fee_resident_yen=1200,
        fee_other_yen=2400,
        revenue_account_code="13-01-02-01",
        revenue_account_name="使用料 施設使用料",
    )
    session = make_session(hall, capacity=2)
    mine = services.booking_create(session=session, person=alice)
    theirs = services.booking_create(session=session, person=bob)
    assert (mine.status, mine.fee_yen, theirs.fee_yen) == (S.OFFERED, 1200, 2400)
    assert mine.confirm_by is not None and mine.confirm_by <= session.starts_at
    payable = for_payer("bookings.booking", mine.reference, alice)
    assert payable is not None and payable.payable and payable.amount_yen == 1200
    assert for_payer("bookings.booking", mine.reference, bob) is None


def test_a_cancelled_place_is_offered_to_the_first_person_waiting(
    room: Offering, alice: User, bob: User
) -> None:
    session = make_session(room, capacity=1)
    booked = services.booking_create(session=session, person=alice)
    waiting = services.waitlist_join(session=session, person=bob)
    assert waiting.status == S.WAITING
    services.booking_cancel(booking=booked, person=alice)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED and waiting.confirm_by is not None
    assert "確保しました" in mail.outbox[-1].subject
    services.booking_confirm(booking=waiting, person=bob)
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert (waiting.status, session.taken) == (S.CONFIRMED, 1)


def test_nobody_may_wait_while_places_are_left(room: Offering, alice: User) -> None:
    with pytest.raises(services.BookingError, match="places left"):
        services.waitlist_join(session=make_session(room, capacity=2), person=alice)


def test_cancelling_after_the_deadline_earns_points_and_enough_points_bar_lotteries(
    room: Offering, lottery_room: Offering, alice: User, bob: User, dana: User, settings: Any
) -> None:
    settings.BOOKINGS_PENALTY_SUSPEND_AT = 3
    late = services.booking_create(
        session=make_session(room, starts_in=timedelta(hours=5)), person=alice
    )
    with pytest.raises(services.BookingError, match="not your booking"):
        services.booking_cancel(booking=late, person=bob)
    services.booking_cancel(booking=late, person=alice)
    assert [(p.reason, p.points) for p in services.active_penalties(alice)] == [("late_cancel", 1)]
    assert services.lotteries_suspended_until(alice) is None
    # A no-show (recorded once the session has started) adds two: three bar lotteries.
    missed = services.booking_create(
        session=make_session(room, starts_in=timedelta(hours=2)), person=alice
    )
    with pytest.raises(services.BookingError, match="started"):
        services.attendance_record(booking=missed, attended=False, staff=dana)
    Session.objects.filter(pk=missed.session_id).update(
        starts_at=timezone.now() - timedelta(minutes=30)
    )
    services.attendance_record(booking=missed, attended=False, staff=dana)
    until = services.lotteries_suspended_until(alice)
    assert until is not None
    session = make_session(lottery_room, starts_in=timedelta(days=30))
    make_lottery(lottery_room, [session])
    session.refresh_from_db()
    with pytest.raises(services.BookingError, match="cannot enter lotteries until"):
        services.lottery_enter(session=session, person=alice)
    # The no-show was a mistake: recording that they came removes its points.
    services.attendance_record(booking=missed, attended=True, staff=dana)
    assert services.lotteries_suspended_until(alice) is None
    assert services.lottery_enter(session=session, person=alice)
    assert AuditEvent.objects.filter(action="bookings.penalised", subject_id=alice.pk).count() == 2
    assert AuditEvent.objects.filter(action="bookings.penalty_removed").count() == 1


def test_a_session_that_has_started_cannot_be_cancelled(room: Offering, alice: User) -> None:
    booking = services.booking_create(session=make_session(room), person=alice)
    Session.objects.filter(pk=booking.session_id).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(services.BookingError, match="already started"):
        services.booking_cancel(booking=booking, person=alice)


def test_an_offer_not_confirmed_in_time_goes_to_the_next_person(
    room: Offering, alice: User, bob: User
) -> None:
    session = make_session(room, capacity=1)
    booked = services.booking_create(session=session, person=alice)
    waiting = services.waitlist_join(session=session, person=bob)
    services.booking_cancel(booking=booked, person=alice)
    Booking.objects.filter(pk=waiting.pk).update(confirm_by=timezone.now() - timedelta(minutes=1))
    assert services.offers_settle() == 1
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert waiting.status == S.EXPIRED and session.taken == 0


def test_a_paid_offer_becomes_a_booking(departments: dict[str, Any], alice: User) -> None:
    hall = make_offering(
        make_facility(departments["shiba"]),
        fee_resident_yen=1200,
        revenue_account_code="13-01-02-01",
    )
    booking = services.booking_create(session=make_session(hall), person=alice)
    payable = for_payer("bookings.booking", booking.reference, alice)
    assert payable is not None
    payment = payment_services.payment_begin(payable=payable)
    from minato.payments.providers import sandbox

    sandbox.checkout_choose(checkout_id=payment.provider_reference, outcome="success")
    payment_services.payment_refresh(payment=payment)
    assert services.offers_settle() == 1
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


# --- Lotteries -------------------------------------------------------------------------------


@pytest.fixture
def lottery_room(departments: dict[str, Any]) -> Offering:
    return make_offering(
        make_facility(departments["shiba"], slug="shiba-hall"),
        slug="hall",
        mode=Offering.Mode.LOTTERY,
    )


def test_entries_are_taken_only_while_the_window_is_open(
    lottery_room: Offering, alice: User
) -> None:
    session = make_session(lottery_room, starts_in=timedelta(days=30))
    lottery = make_lottery(
        lottery_room, [session], closes_in=timedelta(hours=-1), draw_at=timezone.now()
    )
    session.refresh_from_db()
    with pytest.raises(services.BookingError, match="not taking entries"):
        services.lottery_enter(session=session, person=alice)
    assert lottery.seed_sha256 == draw.seed_hash(lottery.seed)


def test_a_lottery_session_cannot_be_booked_before_the_draw(
    lottery_room: Offering, alice: User
) -> None:
    session = make_session(lottery_room, starts_in=timedelta(days=30))
    make_lottery(lottery_room, [session])
    session.refresh_from_db()
    with pytest.raises(services.BookingError, match="enter the lottery"):
        services.booking_create(session=session, person=alice)


def test_entries_per_person_are_capped(lottery_room: Offering, alice: User) -> None:
    Offering.objects.filter(pk=lottery_room.pk).update(per_person_limit=1)
    lottery_room.refresh_from_db()
    sessions = [make_session(lottery_room, starts_in=timedelta(days=d)) for d in (30, 31)]
    make_lottery(lottery_room, sessions)
    for session in sessions:
        session.refresh_from_db()
    services.lottery_enter(session=sessions[0], person=alice)
    with pytest.raises(services.BookingError, match="entries in this lottery"):
        services.lottery_enter(session=sessions[1], person=alice)


def test_the_draw_offers_places_to_the_winners_once_and_can_be_rerun_by_anyone(
    lottery_room: Offering, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    session = make_session(lottery_room, starts_in=timedelta(days=30), capacity=2)
    lottery = make_lottery(lottery_room, [session], closes_in=timedelta(minutes=5))
    session.refresh_from_db()
    people = [alice, *(_resident(n) for n in range(5))]
    for person in people:
        services.lottery_enter(session=session, person=person)
    assert services.lotteries_draw_due() == 0  # not yet time
    Lottery.objects.filter(pk=lottery.pk).update(
        entries_close_at=timezone.now() - timedelta(minutes=2),
        draw_at=timezone.now() - timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lotteries_draw_due() == 1
    lottery.refresh_from_db()
    session.refresh_from_db()
    entries = list(Booking.objects.filter(lottery=lottery).order_by("draw_rank"))
    assert [b.status for b in entries] == [S.OFFERED] * 2 + [S.WAITING] * 4
    assert session.taken == 2
    # Anyone re-running the published lists with the published seed gets the same ranks.
    from minato.bookings import selectors

    rerun = draw.draw(
        lottery.seed,
        [draw.Entry(*row) for row in selectors.lottery_published_entries(lottery)],
        dict(selectors.lottery_published_sessions(lottery)),
    )
    assert {r.number: r.rank for r in rerun} == {b.entry_number: b.draw_rank for b in entries}
    # Drawing again changes nothing.
    assert services.lottery_draw(lottery=lottery) == {"entries": 0, "won": 0}
    assert [b.status for b in Booking.objects.filter(lottery=lottery).order_by("draw_rank")] == [
        b.status for b in entries
    ]
    subjects = {m.subject for m in mail.outbox[-6:]}
    assert subjects == {"【港区】抽選に当選しました", "【港区】抽選の結果のお知らせ"}
    # One audit event for the draw, whose digest of every rank the chain protects.
    drawn = AuditEvent.objects.get(action="bookings.lottery_drawn")
    assert drawn.changes["results_sha256"][1] == services.results_digest(lottery)
    Booking.objects.filter(pk=entries[0].pk).update(draw_rank=99)
    assert drawn.changes["results_sha256"][1] != services.results_digest(lottery)
    # Telling them again (a retried task) tells nobody twice.
    sent = len(mail.outbox)
    first, last = entries[0].pk, entries[-1].pk
    told = services.lottery_results_announce(
        lottery_id=lottery.pk, first_pk=min(first, last), last_pk=max(first, last)
    )
    assert told == 0 and len(mail.outbox) == sent


def test_entrants_whom_no_task_told_are_told_by_housekeeping(
    lottery_room: Offering, alice: User, bob: User
) -> None:
    session = make_session(lottery_room, starts_in=timedelta(days=30), capacity=1)
    lottery = make_lottery(lottery_room, [session], closes_in=timedelta(minutes=5))
    session.refresh_from_db()
    services.lottery_enter(session=session, person=alice)
    services.lottery_enter(session=session, person=bob)
    services.lottery_draw(lottery=lottery, now=lottery.draw_at)  # its tasks never ran
    assert not Booking.objects.exclude(announced_at=None).exists()
    Lottery.objects.filter(pk=lottery.pk).update(drawn_at=timezone.now() - timedelta(hours=1))
    from minato.bookings import housekeeping

    assert housekeeping.run() == {"lottery_results_told": 2}
    assert housekeeping.run() == {"lottery_results_told": 0}
    subjects = sorted(m.subject for m in mail.outbox[-2:])
    assert subjects == sorted(["【港区】抽選に当選しました", "【港区】抽選の結果のお知らせ"])


def test_a_winner_who_does_not_confirm_loses_the_place_to_the_next_in_the_draw(
    lottery_room: Offering, alice: User, bob: User
) -> None:
    session = make_session(lottery_room, starts_in=timedelta(days=30), capacity=1)
    lottery = make_lottery(lottery_room, [session], closes_in=timedelta(minutes=5))
    session.refresh_from_db()
    services.lottery_enter(session=session, person=alice)
    services.lottery_enter(session=session, person=bob)
    services.lottery_draw(lottery=lottery, now=lottery.draw_at)
    winner, second = Booking.objects.filter(lottery=lottery).order_by("draw_rank")
    Booking.objects.filter(pk=winner.pk).update(confirm_by=timezone.now() - timedelta(seconds=1))
    services.offers_settle()
    winner.refresh_from_db()
    second.refresh_from_db()
    assert (winner.status, second.status) == (S.EXPIRED, S.OFFERED)


def test_residents_get_the_lotterys_extra_weight(
    lottery_room: Offering, alice: User, bob: User
) -> None:
    session = make_session(lottery_room, starts_in=timedelta(days=30))
    make_lottery(lottery_room, [session], resident_weight=3)
    session.refresh_from_db()
    assert services.lottery_enter(session=session, person=alice).weight == 3
    assert services.lottery_enter(session=session, person=bob).weight == 1


def test_staff_record_attendance(room: Offering, alice: User, dana: User) -> None:
    booking = services.booking_create(session=make_session(room), person=alice)
    services.attendance_record(booking=booking, attended=True, staff=dana)
    booking.refresh_from_db()
    assert booking.status == S.ATTENDED and booking.checked_in_at is not None
    event = AuditEvent.objects.get(action="bookings.checked_in")
    assert (event.actor_id, event.subject_id) == (dana.pk, alice.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_many_people_asking_at_once_for_the_last_place_one_gets_it(
    departments: dict[str, Any],
) -> None:
    import threading

    from django.db import connections

    room = make_offering(make_facility(departments["shiba"]))
    session = make_session(room, capacity=1)
    people = [_resident(n) for n in range(12)]
    start = threading.Barrier(len(people))
    outcomes: list[str] = []

    def ask(person: User) -> None:
        try:
            start.wait()
            services.booking_create(session=session, person=person)
            outcomes.append("booked")
        except services.SessionFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["full"] * 11
    session.refresh_from_db()
    assert session.taken == 1
    assert Booking.objects.filter(session=session).count() == 1


def test_age_is_counted_on_the_day_of_the_session(room: Offering, alice: User) -> None:
    resident_profile_update(user=alice, data={"birth_date": date(2016, 1, 1)})
    alice.refresh_from_db()
    Offering.objects.filter(pk=room.pk).update(max_age=12)
    room.refresh_from_db()
    assert services.booking_create(session=make_session(room), person=alice)


def test_confirmed_bookings_are_reminded_once_the_day_before(
    room: Offering, alice: User, bob: User
) -> None:
    tomorrow = services.booking_create(
        session=make_session(room, starts_in=timedelta(hours=20)), person=alice
    )
    services.booking_create(session=make_session(room, starts_in=timedelta(days=3)), person=bob)
    sent = len(mail.outbox)
    assert services.reminders_send() == 1
    assert services.reminders_send() == 0
    assert len(mail.outbox) == sent + 1
    assert mail.outbox[-1].to == [alice.email] and "明日のご予約" in mail.outbox[-1].subject
    tomorrow.refresh_from_db()
    assert tomorrow.reminded_at is not None


def test_a_supervisor_closes_a_session_everyone_is_told_and_paid_fees_come_back(
    departments: dict[str, Any], alice: User, bob: User, dana: User, charlie: User
) -> None:
    hall = make_offering(
        make_facility(departments["shiba"]),
        fee_resident_yen=1200,
        revenue_account_code="14-01-01-03",
    )
    session = make_session(hall, capacity=1)
    paid = services.booking_create(session=session, person=alice)
    waiting = services.waitlist_join(session=session, person=bob)
    payable = for_payer("bookings.booking", paid.reference, alice)
    assert payable is not None
    payment = payment_services.payment_begin(payable=payable)
    from minato.payments.models import Refund
    from minato.payments.providers import sandbox

    sandbox.checkout_choose(checkout_id=payment.provider_reference, outcome="success")
    payment_services.payment_refresh(payment=payment)
    with pytest.raises(services.BookingError, match="supervisor"):
        services.session_close(session=session, reason="点検", staff=charlie)
    with pytest.raises(services.BookingError, match="reason"):
        services.session_close(session=session, reason=" ", staff=dana)
    cancelled = services.session_close(session=session, reason="空調設備の点検のため", staff=dana)
    assert {b.pk for b in cancelled} == {paid.pk, waiting.pk}
    session.refresh_from_db()
    assert session.is_closed and session.taken == 0
    assert Booking.objects.filter(session=session, status=S.CANCELLED).count() == 2
    refund = Refund.objects.get()
    assert refund.amount_yen == 1200 and refund.payment_id == payment.pk
    told = [m for m in mail.outbox if "施設の都合" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted([alice.email, bob.email])
    assert AuditEvent.objects.filter(action="bookings.cancelled_by_ward").count() == 2
    with pytest.raises(services.BookingError, match="already closed"):
        services.session_close(session=session, reason="again", staff=dana)


def _paid_hall_booking(departments: dict[str, Any], person: User, starts_in: timedelta) -> Booking:
    hall = make_offering(
        make_facility(departments["shiba"]),
        fee_resident_yen=1200,
        revenue_account_code="14-01-01-03",
    )
    booking = services.booking_create(
        session=make_session(hall, capacity=1, starts_in=starts_in), person=person
    )
    from minato.payments.providers import sandbox

    payable = for_payer("bookings.booking", booking.reference, person)
    assert payable is not None
    payment = payment_services.payment_begin(payable=payable)
    sandbox.checkout_choose(checkout_id=payment.provider_reference, outcome="success")
    payment_services.payment_refresh(payment=payment)
    services.offers_settle()
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    return booking


def test_cancelling_a_paid_booking_before_the_deadline_refunds_it_in_full_once(
    departments: dict[str, Any], alice: User
) -> None:
    from minato.payments.models import Refund

    booking = _paid_hall_booking(departments, alice, timedelta(days=3))
    services.booking_cancel(booking=booking, person=alice)
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED and booking.session.taken == 0
    refund = Refund.objects.get()
    assert refund.amount_yen == 1200 and refund.requested_by is None
    # Asked of the provider; its webhook finishes it. Counted as given back from now.
    assert refund.status != Refund.Status.FAILED
    assert not payment_selectors.is_paid(purpose="bookings.booking", object_ref=booking.reference)
    with pytest.raises(services.BookingError, match="no longer"):
        services.booking_cancel(booking=booking, person=alice)
    assert Refund.objects.count() == 1
    assert not alice.booking_penalties.exists()


def test_cancelling_a_paid_booking_after_the_deadline_gives_no_refund(
    departments: dict[str, Any], alice: User
) -> None:
    from minato.payments.models import Refund

    booking = _paid_hall_booking(departments, alice, timedelta(hours=10))
    services.booking_cancel(booking=booking, person=alice)
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    assert not Refund.objects.exists()
    assert alice.booking_penalties.count() == 1


def test_a_booking_paid_at_the_counter_is_cancelled_at_the_counter(
    departments: dict[str, Any], alice: User, dana: User
) -> None:
    hall = make_offering(
        make_facility(departments["shiba"]),
        fee_resident_yen=1200,
        revenue_account_code="14-01-01-03",
    )
    booking = services.booking_create(session=make_session(hall, capacity=1), person=alice)
    payable = for_payer("bookings.booking", booking.reference, alice)
    assert payable is not None
    payment_services.counter_payment_record(
        payable=payable, staff=dana, method="card", terminal_transaction_id="T-0001"
    )
    services.offers_settle()
    with pytest.raises(services.BookingError, match="counter"):
        services.booking_cancel(booking=booking, person=alice)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_a_person_cannot_hold_two_places_at_overlapping_times(
    departments: dict[str, Any], alice: User
) -> None:
    facility = make_facility(departments["shiba"])
    room = make_offering(facility)
    course = make_offering(facility, slug="course", kind=Offering.Kind.COURSE)
    first = make_session(room, starts_in=timedelta(days=3), hours=2)
    services.booking_create(session=first, person=alice)
    overlapping = make_session(course, starts_in=timedelta(days=3, hours=1), capacity=5)
    with pytest.raises(services.BookingError, match="already have a booking at that time"):
        services.booking_create(session=overlapping, person=alice)
    assert overlapping.bookings.count() == 0
    # Back to back is fine.
    after = make_session(course, starts_in=timedelta(days=3, hours=2), capacity=5)
    assert services.booking_create(session=after, person=alice).status == S.CONFIRMED
