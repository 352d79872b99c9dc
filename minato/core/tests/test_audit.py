from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from minato.core import audit
from minato.core.models import PENDING_BASE, AuditChainHead, AuditEvent


def _events(n: int, *, sealed: bool = True) -> list[AuditEvent]:
    events = [
        audit.record(
            action="test.thing_done", object_type="test", object_id=i, changes={"n": [None, i]}
        )
        for i in range(n)
    ]
    if sealed:
        audit.seal()
        return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("sequence"))
    return events


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_record_writes_an_unsealed_event_without_touching_the_head() -> None:
    head_before = AuditChainHead.objects.get_or_create(id=1)[0]
    first, second = _events(2, sealed=False)
    assert first.sequence >= PENDING_BASE and second.sequence > first.sequence
    assert (first.hash, first.prev_hash) == ("", "")
    assert not first.is_sealed and "unsealed" in str(first)
    stored = AuditEvent.objects.get(pk=first.pk)
    assert (stored.sequence, stored.action, stored.changes) == (
        first.sequence,
        "test.thing_done",
        {"n": [None, 0]},
    )
    head = AuditChainHead.objects.get(id=1)
    assert (head.last_sequence, head.last_hash) == (
        head_before.last_sequence,
        head_before.last_hash,
    )
    # Readers ordering newest first see pending events first.
    assert list(AuditEvent.objects.order_by("-sequence")[:2]) == [second, first]


@pytest.mark.django_db
def test_record_is_one_statement() -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        audit.record(action="test.cheap", object_type="test")
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("INSERT INTO")


@pytest.mark.django_db
def test_record_many_writes_several_events_in_one_statement_that_seal_like_any_other() -> None:
    from django.test.utils import CaptureQueriesContext

    audit.record(action="test.before", object_type="test")
    with CaptureQueriesContext(connection) as queries:
        written = audit.record_many(
            [{"action": "test.batch", "object_type": "test", "object_id": i} for i in range(5)]
        )
    assert len(queries) == 1
    assert audit.record_many([]) == []
    # each event got its own row id and provisional sequence, in the order given
    assert len({event.pk for event in written}) == 5
    assert [event.pk for event in written] == sorted(event.pk for event in written)
    assert all(event.sequence >= PENDING_BASE for event in written)
    stored = AuditEvent.objects.filter(action="test.batch").order_by("id")
    assert [event.object_id for event in stored] == ["0", "1", "2", "3", "4"]
    assert len({event.sequence for event in stored}) == 5
    assert audit.seal() == 6
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_seal_chains_events_in_id_order_and_moves_the_head() -> None:
    pending = _events(3, sealed=False)
    assert audit.seal() == 3
    assert audit.seal() == 0
    events = list(AuditEvent.objects.filter(pk__in=[e.pk for e in pending]).order_by("id"))
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get(id=1)
    assert (head.last_sequence, head.last_hash) == (3, events[2].hash)
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_seal_works_in_batches_and_appends_to_an_existing_chain() -> None:
    _events(3)
    _events(5, sealed=False)
    assert audit.seal(batch_size=2) == 5
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
    ]
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_a_rolled_back_event_never_reaches_the_chain() -> None:
    _events(1)

    @transaction.atomic
    def fails() -> None:
        audit.record(action="test.rolled_back", object_type="test")
        raise RuntimeError

    with pytest.raises(RuntimeError):
        fails()
    _events(1)
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert list(audit.verify_chain()) == []
    assert AuditChainHead.objects.get(id=1).last_sequence == 2


@pytest.mark.django_db
def test_events_form_an_unbroken_chain() -> None:
    events = _events(3)
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_audit_events_cannot_be_updated_or_deleted_through_the_orm() -> None:
    event = _events(1, sealed=False)[0]
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
def test_verify_reports_a_sealed_row_whose_seal_was_removed() -> None:
    events = _events(3)
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET hash = '', prev_hash = '' WHERE id = %s",
        [events[1].pk],
    )
    problems = {(p.sequence, p.kind) for p in audit.verify_chain()}
    assert (events[1].sequence, "edited") in problems
    assert (events[2].sequence, "gap") in problems
    # Sealing again does not launder it: the row keeps its old place, so it is not pending.
    assert audit.seal() == 0


@pytest.mark.django_db
def test_tampering_with_an_unsealed_event_before_sealing_is_not_detected() -> None:
    """The documented window (decision 0005): until an event is sealed, the chain does not
    protect it. Someone who can write to the database in that second can change it, and the
    sealer will chain the changed row. audit_verify bounds the window, not its contents."""
    event = _events(1, sealed=False)[0]
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s",
        ["test.forged_before_sealing", event.pk],
    )
    audit.seal()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.forged_before_sealing"
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_verify_reports_events_left_unsealed_too_long() -> None:
    event = _events(1, sealed=False)[0]
    assert list(audit.verify_chain(unsealed_grace=timedelta(minutes=1))) == []
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET occurred_at = %s WHERE id = %s",
        [event.occurred_at - timedelta(minutes=5), event.pk],
    )
    problems = list(audit.verify_chain(unsealed_grace=timedelta(minutes=1)))
    assert [p.kind for p in problems] == ["unsealed"]
    assert list(audit.verify_chain()) == []  # no grace given: pending rows are not judged


@pytest.mark.django_db
def test_audit_verify_command_seals_first() -> None:
    _events(2, sealed=False)
    call_command("audit_verify")
    assert not AuditEvent.objects.filter(hash="").exists()


@pytest.mark.django_db
def test_audit_verify_command_without_sealing_reports_stale_events() -> None:
    event = _events(1, sealed=False)[0]
    call_command("audit_verify", "--no-seal")  # recent: fine
    _raw(
        f"UPDATE {AuditEvent._meta.db_table} SET occurred_at = %s WHERE id = %s",
        [event.occurred_at - timedelta(minutes=5), event.pk],
    )
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify", "--no-seal", "--unsealed-grace", "60")


@pytest.mark.django_db
def test_audit_seal_command() -> None:
    _events(2, sealed=False)
    call_command("audit_seal")
    assert not AuditEvent.objects.filter(hash="").exists()
    assert list(audit.verify_chain()) == []


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
def test_concurrent_writers_and_sealers_keep_the_chain_valid() -> None:
    """Writers in many transactions, some committing late, some rolling back, while two
    sealers run: every committed event ends up sealed exactly once and the chain verifies."""
    errors: list[BaseException] = []
    start = threading.Barrier(6)
    stop_sealing = threading.Event()

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(40):
                with transaction.atomic():
                    audit.record(
                        action="test.concurrent", object_type="test", object_id=n * 100 + i
                    )
                    if i % 7 == 0:
                        # Hold the transaction open while others commit (and get sealed).
                        threading.Event().wait(0.02)
                    if i % 11 == 5:
                        transaction.set_rollback(True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def sealer() -> None:
        try:
            start.wait()
            while not stop_sealing.is_set():
                audit.seal(batch_size=7, wait=False)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    for thread in writers + sealers:
        thread.start()
    for thread in writers:
        thread.join()
    stop_sealing.set()
    for thread in sealers:
        thread.join()
    assert errors == []
    audit.seal()
    committed = AuditEvent.objects.filter(action="test.concurrent")
    expected = 4 * sum(1 for i in range(40) if i % 11 != 5)
    assert committed.count() == expected
    assert not AuditEvent.objects.filter(hash="").exists()
    assert list(audit.verify_chain()) == []
    assert (
        sorted(committed.values_list("sequence", flat=True))
        == list(range(1, AuditChainHead.objects.get(id=1).last_sequence + 1))[-expected:]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two open transactions")
def test_an_event_committed_after_a_higher_id_was_sealed_joins_the_chain_later() -> None:
    """PostgreSQL hands out ids before commit: the event with the lower id, committed last,
    is sealed in a later batch, after the higher id, and the chain still verifies."""
    inserted, sealed_other = threading.Event(), threading.Event()
    late: list[AuditEvent] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                late.append(audit.record(action="test.late", object_type="test"))
                inserted.set()
                assert sealed_other.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inserted.wait(10)
    early = audit.record(action="test.early", object_type="test")  # autocommit: committed now
    assert early.pk > late[0].pk
    assert audit.seal() == 1  # the late one is not visible yet
    sealed_other.set()
    thread.join()
    assert audit.seal() == 1
    by_action = {
        e.action: e for e in AuditEvent.objects.filter(action__in=["test.early", "test.late"])
    }
    assert by_action["test.late"].sequence == by_action["test.early"].sequence + 1
    assert by_action["test.late"].prev_hash == by_action["test.early"].hash
    assert list(audit.verify_chain()) == []


def test_diff_redacts_secret_fields() -> None:
    changes = audit.diff({"password": "a", "name": "x"}, {"password": "b", "name": "y"})
    assert changes == {"password": [audit.REDACTED, audit.REDACTED], "name": ["x", "y"]}
