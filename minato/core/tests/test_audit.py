from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from minato.core import audit
from minato.core.models import AuditEvent


def _events(n: int) -> list[AuditEvent]:
    return [
        audit.record(
            action="test.thing_done", object_type="test", object_id=i, changes={"n": [None, i]}
        )
        for i in range(n)
    ]


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_events_form_an_unbroken_chain() -> None:
    events = _events(3)
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_audit_events_cannot_be_updated_or_deleted_through_the_orm() -> None:
    event = _events(1)[0]
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.django_db
def test_verify_reports_an_edited_row() -> None:
    events = _events(3)
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s",
        ["test.forged", events[1].pk],
    )
    problems = list(audit.verify_chain())
    assert [(p.sequence, p.kind) for p in problems] == [(events[1].sequence, "edited")]


@pytest.mark.django_db
def test_verify_reports_a_deleted_row() -> None:
    events = _events(3)
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    kinds = {p.kind for p in audit.verify_chain()}
    assert {"gap", "broken-link"} <= kinds


@pytest.mark.django_db
def test_verify_reports_a_deleted_tail() -> None:
    events = _events(2)
    _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[-1].pk])
    assert [p.kind for p in audit.verify_chain()] == ["tail-missing"]


@pytest.mark.django_db
def test_verify_reports_an_inserted_row() -> None:
    events = _events(2)
    forged = AuditEvent(
        sequence=events[1].sequence,
        occurred_at=events[1].occurred_at,
        actor_label="system",
        action="test.inserted",
        object_type="test",
        prev_hash=events[0].hash,
        hash="f" * 64,
    )
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET sequence = sequence + 1 WHERE id = %s",
        [events[1].pk],
    )
    forged.save()
    kinds = {p.kind for p in audit.verify_chain()}
    assert "edited" in kinds


@pytest.mark.django_db
def test_audit_verify_command_fails_on_a_broken_chain() -> None:
    events = _events(2)
    call_command("audit_verify")
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET changes = %s WHERE id = %s",
        ['{"n": [null, 99]}', events[0].pk],
    )
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify")


def test_diff_redacts_secret_fields() -> None:
    changes = audit.diff({"password": "a", "name": "x"}, {"password": "b", "name": "y"})
    assert changes == {"password": [audit.REDACTED, audit.REDACTED], "name": ["x", "y"]}
