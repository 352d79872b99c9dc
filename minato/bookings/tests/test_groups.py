"""Registered groups: the registration rules, the ward's check, renewal, and what a group
gets (priority in lotteries, rooms further ahead, its own limit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from minato.accounts.models import User
from minato.bookings import services
from minato.bookings.models import Booking, Group, Offering
from minato.bookings.tests.factories import make_facility, make_lottery, make_offering, make_session
from minato.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _members(in_ward: int, elsewhere: int = 0) -> list[tuple[str, bool]]:
    return [(f"会員{n}", True) for n in range(in_ward)] + [
        (f"区外会員{n}", False) for n in range(elsewhere)
    ]


def _registered(alice: User, departments: dict[str, Any], dana: User, **extra: Any) -> Group:
    group = services.group_register(
        representative=alice,
        name="芝公園町会",
        group_class=extra.get("group_class", Group.GroupClass.CHOKAI),
        department=departments["shiba"],
        members=_members(8, 2),
    )
    return services.group_decide(group=group, staff=dana, approve=True)


@pytest.mark.parametrize(
    ("members", "message"),
    [(_members(9), "at least 10 members"), (_members(6, 4), "70%")],
)
def test_a_group_needs_ten_members_of_whom_seventy_percent_live_in_the_ward(
    alice: User, departments: dict[str, Any], members: list[tuple[str, bool]], message: str
) -> None:
    with pytest.raises(services.BookingError, match=message):
        services.group_register(
            representative=alice,
            name="テスト団体",
            group_class="residents",
            department=departments["shiba"],
            members=members,
        )
    assert not Group.objects.exists()


def test_the_ward_registers_a_group_for_a_year_and_tells_the_representative(
    alice: User, departments: dict[str, Any], dana: User, erin: User
) -> None:
    group = services.group_register(
        representative=alice,
        name="芝公園町会",
        group_class="chokai",
        department=departments["shiba"],
        members=_members(7, 3),
    )
    assert group.status == Group.Status.PENDING
    with pytest.raises(services.BookingError, match="another office"):
        services.group_decide(group=group, staff=erin, approve=True)
    with pytest.raises(services.BookingError, match="why"):
        services.group_decide(group=group, staff=dana, approve=False)
    services.group_decide(group=group, staff=dana, approve=True)
    group.refresh_from_db()
    assert group.registered_until == timezone.localdate() + timedelta(days=365)
    assert "団体登録の審査結果" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action="bookings.group_decided", subject_id=alice.pk).exists()
    # Renewing sends it to be checked again with the current members.
    services.group_renew(group=group, representative=alice, members=_members(12))
    group.refresh_from_db()
    assert group.status == Group.Status.PENDING and group.members.count() == 12


def test_group_entries_come_before_individuals_in_the_draw(
    alice: User, bob: User, departments: dict[str, Any], dana: User
) -> None:
    group = _registered(alice, departments, dana)
    hall = make_offering(make_facility(departments["shiba"]), mode=Offering.Mode.LOTTERY)
    session = make_session(hall, starts_in=timedelta(days=30), capacity=1)
    lottery = make_lottery(hall, [session], closes_in=timedelta(minutes=5))
    session.refresh_from_db()
    individual = services.lottery_enter(session=session, person=bob)
    for_group = services.lottery_enter(session=session, person=alice, group=group)
    assert (for_group.tier, individual.tier) == (0, 1)
    services.lottery_draw(lottery=lottery, now=lottery.draw_at)
    for_group.refresh_from_db()
    assert for_group.status == Booking.Status.OFFERED and for_group.draw_rank == 1


def test_rooms_can_be_booked_further_ahead_by_class_and_groups_have_their_own_limit(
    alice: User, bob: User, departments: dict[str, Any], dana: User
) -> None:
    group = _registered(alice, departments, dana)
    room = make_offering(make_facility(departments["shiba"]), per_person_limit=1)
    far = make_session(room, starts_in=timedelta(days=100))
    with pytest.raises(services.BookingError, match="2 months ahead"):
        services.booking_create(session=far, person=bob)
    booking = services.booking_create(session=far, person=alice, group=group)
    assert booking.group == group
    with pytest.raises(services.BookingError, match="the most one group may"):
        services.booking_create(
            session=make_session(room, starts_in=timedelta(days=20)), person=alice, group=group
        )
    with pytest.raises(services.BookingError, match="represent"):
        services.booking_create(session=make_session(room), person=bob, group=group)


def test_a_resident_registers_a_group_and_books_for_it_from_the_pages(
    resident_client: Callable[[User], Client],
    staff_client: Callable[[User], Client],
    alice: User,
    dana: User,
    departments: dict[str, Any],
) -> None:
    from minato.accounts import services as account_services

    # The branch office's 協働推進課 checks groups of its area.
    office = account_services.department_upsert(
        code="shiba.kyodo-suishin",
        name_ja="協働推進課",
        name_en="Collaboration Promotion Division",
        kind="section",
        parent=departments["shiba"],
        handles_resident_records=False,
    )
    client = resident_client(alice)
    form = {
        "name": "芝公園町会",
        "group_class": "chokai",
        "area": "shiba",
        "members_in_ward": "\n".join(f"会員{n}" for n in range(9)),
        "members_elsewhere": "区外の会員",
    }
    too_few = client.post("/en/bookings/groups/new/", {**form, "members_elsewhere": ""})
    assert too_few.status_code == 200 and "at least 10 members" in too_few.content.decode()
    response = client.post("/en/bookings/groups/new/", form)
    group = Group.objects.get()
    assert response.status_code == 302 and group.department == office
    staff = staff_client(dana)
    assert "芝公園町会" in staff.get("/staff/bookings/groups/").content.decode()
    decided = staff.post(f"/staff/bookings/groups/{group.public_id}/", {"decision": "approve"})
    assert decided.status_code == 302
    room = make_offering(make_facility(departments["shiba"]))
    session = make_session(room)
    page = client.get(f"/en/bookings/{room.slug}/").content.decode()
    assert "Book for" in page and "芝公園町会" in page
    client.post(
        f"/en/bookings/{room.slug}/sessions/{session.public_id}/",
        {"action": "book", "group": str(group.public_id)},
    )
    assert Booking.objects.get().group == group
    forged = client.post(
        f"/en/bookings/{room.slug}/sessions/{session.public_id}/",
        {"action": "book", "group": "not-a-uuid"},
    )
    assert forged.status_code == 404
