"""PreparedLookup gives exactly the objects the ORM gives, and reads the database each time."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minato.accounts.backends import USER_WITH_PROFILE
from minato.accounts.models import ResidentProfile, StaffProfile, User

pytestmark = pytest.mark.django_db


def _state(user: User | None) -> dict[str, Any]:
    assert user is not None
    state: dict[str, Any] = {
        f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields
    }
    for relation, model in (("profile", ResidentProfile), ("staff_profile", StaffProfile)):
        cached = User._meta.get_field(relation).is_cached(user)  # type: ignore[union-attr]
        state[f"{relation} loaded"] = cached
        related = getattr(user, relation, None) if cached else None
        state[relation] = (
            {f.attname: getattr(related, f.attname) for f in model._meta.concrete_fields}
            if related is not None
            else None
        )
    return state


def _orm(pk: int) -> User:
    return User.objects.select_related("profile", "staff_profile").get(pk=pk)


def test_it_loads_a_resident_and_a_staff_member_as_the_orm_does(alice: User, charlie: User) -> None:
    for person in (alice, charlie):
        with CaptureQueriesContext(connection) as queries:
            loaded = USER_WITH_PROFILE.get(person.pk)
        assert len(queries) == 1
        assert _state(loaded) == _state(_orm(person.pk))
        # The related objects are there without another query.
        with CaptureQueriesContext(connection) as more:
            assert loaded is not None
            getattr(loaded, "profile", None), getattr(loaded, "staff_profile", None)
        assert len(more) == 0


def test_it_reads_the_database_every_time_and_knows_missing_rows(alice: User) -> None:
    assert USER_WITH_PROFILE.get(alice.pk) is not None
    User.objects.filter(pk=alice.pk).update(display_name="changed", is_active=False)
    again = USER_WITH_PROFILE.get(alice.pk)
    assert again is not None and again.display_name == "changed" and not again.is_active
    assert USER_WITH_PROFILE.get(2**31 - 1) is None
