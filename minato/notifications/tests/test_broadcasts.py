"""Broadcasts: the segment, the two-person rule, scheduling and cancelling, LINE multicast
batches with fixed retry keys, and a fan-out whose worker dies part-way through."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from minato.accounts.models import Department, ResidentProfile, User
from minato.core.models import AuditEvent
from minato.notifications import batches, broadcasts, housekeeping
from minato.notifications.broadcasts import BroadcastError, Segment
from minato.notifications.fake_line import FakeLine
from minato.notifications.models import (
    Broadcast,
    ChildBirthMonth,
    LineAccount,
    Notification,
    Preference,
    Topic,
)

pytestmark = pytest.mark.django_db
S = Notification.Status
B = Broadcast.Status


def resident(
    number: int,
    *,
    language: str = "ja",
    channels: tuple[str, ...] = ("line",),
    topics: list[str] | None = None,
    areas: list[str] | None = None,
    children: list[date] | None = None,
) -> User:
    user = User.objects.create(email=f"r{number}@example.jp", kind=User.Kind.RESIDENT)
    ResidentProfile.objects.create(
        user=user, preferred_language=language, preferred_channels=list(channels)
    )
    if "line" in channels:
        LineAccount.objects.create(user=user, line_user_id=f"U{number:032x}")
    if topics is not None or areas is not None or children:
        preference = Preference.objects.create(
            user=user, topics=topics or [Topic.DISASTER], areas=areas or []
        )
        for born in children or []:
            ChildBirthMonth.objects.create(preference=preference, born_on=born)
    return user


def hold_batches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Batches are created but not delivered: their keys are collected instead."""
    held: list[str] = []
    monkeypatch.setattr(batches, "enqueue", lambda *keys, run_after=None: held.extend(keys))
    return held


def draft(author: User, department: Department, **values: Any) -> Broadcast:
    return broadcasts.broadcast_save(
        staff=author,
        broadcast=None,
        values={
            "department": department,
            "title": "台風接近",
            "topic": Topic.DISASTER,
            "areas": [],
            "languages": [],
            "child_age_bands": [],
            "content": {
                "ja": {"subject": "台風が近づいています", "body": "早めに避難の準備を。"},
                "en": {"subject": "A typhoon is coming", "body": "Get ready to evacuate."},
            },
            "is_emergency": False,
            "scheduled_for": None,
            **values,
        },
    )


def approved(author: User, approver: User, department: Department, **values: Any) -> Broadcast:
    broadcast = draft(author, department, **values)
    broadcasts.broadcast_submit(staff=author, broadcast=broadcast)
    broadcasts.broadcast_approve(staff=approver, broadcast=broadcast)
    broadcast.refresh_from_db()
    return broadcast


def test_the_segment_is_topic_area_language_and_children_ages(
    departments: dict[str, Department],
) -> None:
    today = date(2026, 12, 5)
    no_choice = resident(1)  # hears about disasters by default, everywhere
    childcare_shiba = resident(2, topics=["childcare"], areas=["shiba"])
    childcare_all = resident(3, topics=["childcare"], language="en", children=[date(2024, 6, 1)])
    resident(4, topics=["childcare"], areas=["azabu"], children=[date(2025, 1, 1)])
    toddler = resident(5, topics=["childcare"], children=[date(2023, 12, 1)])  # 3 this month

    def who(**segment: Any) -> set[int]:
        values = {"areas": [], "languages": [], "child_age_bands": [], **segment}
        return set(broadcasts.audience(Segment(**values), today=today).values_list("pk", flat=True))

    assert who(topic="disaster") == {no_choice.pk}
    assert who(topic="childcare", areas=["shiba"]) == {
        childcare_shiba.pk,
        childcare_all.pk,
        toddler.pk,
    }
    assert who(topic="childcare", languages=["en"]) == {childcare_all.pk}
    infant = User.objects.get(email="r4@example.jp")
    assert who(topic="childcare", child_age_bands=["0-2"]) == {childcare_all.pk, infant.pk}
    assert who(topic="childcare", child_age_bands=["3-5"]) == {toddler.pk}


def test_the_author_cannot_approve_and_a_supervisor_of_the_department_must(
    departments: dict[str, Department], charlie: User, erin: User, supervisor: User
) -> None:
    resident(1)
    broadcast = draft(charlie, departments["kumin"])
    with pytest.raises(BroadcastError):
        broadcasts.broadcast_approve(staff=supervisor, broadcast=broadcast)  # not submitted
    broadcasts.broadcast_submit(staff=charlie, broadcast=broadcast)
    broadcast.refresh_from_db()
    assert broadcast.status == B.SUBMITTED and broadcast.recipient_count == 1
    for not_allowed in (charlie, erin):
        with pytest.raises(BroadcastError):
            broadcasts.broadcast_approve(staff=not_allowed, broadcast=broadcast)
    with pytest.raises(BroadcastError):
        broadcasts.broadcast_save(
            staff=charlie, broadcast=broadcast, values={"department": departments["kumin"]}
        )
    broadcasts.broadcast_return(staff=supervisor, broadcast=broadcast, reason="英語の件名を")
    broadcast.refresh_from_db()
    assert broadcast.status == B.DRAFT and broadcast.returned_reason == "英語の件名を"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"notifications.broadcast_submitted", "notifications.broadcast_draft"} <= actions


def test_a_supervisor_who_wrote_it_cannot_approve_their_own(
    departments: dict[str, Department], supervisor: User
) -> None:
    resident(1)
    broadcast = draft(supervisor, departments["kumin"])
    broadcasts.broadcast_submit(staff=supervisor, broadcast=broadcast)
    with pytest.raises(BroadcastError):
        broadcasts.broadcast_approve(staff=supervisor, broadcast=broadcast)


def test_a_supervisor_who_changed_or_submitted_a_draft_cannot_approve_it(
    departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    resident(1)
    broadcast = draft(charlie, departments["kumin"])
    broadcasts.broadcast_save(staff=supervisor, broadcast=broadcast, values={"title": "書き換え"})
    broadcasts.broadcast_submit(staff=charlie, broadcast=broadcast)
    with pytest.raises(BroadcastError):
        broadcasts.broadcast_approve(staff=supervisor, broadcast=broadcast)
    other = draft(charlie, departments["kumin"])
    broadcasts.broadcast_submit(staff=supervisor, broadcast=other)
    with pytest.raises(BroadcastError):
        broadcasts.broadcast_approve(staff=supervisor, broadcast=other)


def test_bad_drafts_are_refused(departments: dict[str, Department], charlie: User) -> None:
    with pytest.raises(BroadcastError):
        draft(charlie, departments["kumin"], content={"en": {"subject": "x", "body": "y"}})
    with pytest.raises(BroadcastError):
        draft(charlie, departments["kumin"], topic="gossip")
    with pytest.raises(BroadcastError):
        draft(charlie, departments["kankyo"])  # not their department
    with pytest.raises(BroadcastError):
        draft(charlie, departments["kumin"], scheduled_for=timezone.now() - timedelta(hours=1))
    broadcast = draft(charlie, departments["kumin"], topic=Topic.TAX)
    with pytest.raises(BroadcastError):  # nobody chose taxes: nothing would be sent
        broadcasts.broadcast_submit(staff=charlie, broadcast=broadcast)
    assert Broadcast.objects.count() == 1


def test_an_approved_broadcast_goes_by_line_multicast_and_email_in_each_language(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(batches.BATCH_SIZES, "line", 2)
    line_ja = [resident(n) for n in range(1, 6)]
    resident(6, language="en")
    by_email = resident(7, channels=("email",), language="ja-easy")  # falls back to ja
    broadcast = approved(charlie, supervisor, departments["kumin"])
    assert broadcast.status == B.SENT and broadcast.recipient_count == 7
    multicasts = [sent for sent in fake_line.sent if sent.kind == "multicast"]
    assert sorted(len(sent.to) for sent in multicasts) == [1, 1, 2, 2]
    assert len({sent.retry_key for sent in multicasts}) == 4
    assert all(uuid.UUID(sent.retry_key) for sent in multicasts)
    reached = Counter(user for sent in multicasts for user in sent.to)
    expected = {account.line_user_id for account in LineAccount.objects.all()}
    assert set(reached) == expected and set(reached.values()) == {1}
    english = next(sent for sent in multicasts if sent.to == [f"U{6:032x}"])
    assert "A typhoon is coming" in english.texts[0]
    [email] = [message for message in mail.outbox if message.to == [by_email.email]]
    assert email.subject == "台風が近づいています"
    counts = broadcasts.delivery_counts(broadcast)
    assert counts["status"] == {S.DELIVERED: 7}
    assert counts["channel"] == {"line": 6, "email": 1}
    assert len(line_ja) == 5


def test_a_scheduled_broadcast_waits_for_its_time_and_can_be_cancelled(
    fake_line: FakeLine, departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    resident(1)
    later = timezone.now() + timedelta(hours=2)
    broadcast = approved(charlie, supervisor, departments["kumin"], scheduled_for=later)
    assert broadcast.status == B.SCHEDULED
    assert broadcasts.broadcasts_send_due() == 0
    Broadcast.objects.filter(pk=broadcast.pk).update(
        scheduled_for=timezone.now() - timedelta(seconds=1)
    )
    assert broadcasts.broadcasts_send_due() == 1
    broadcast.refresh_from_db()
    assert broadcast.status == B.SENT and len(fake_line.sent) == 1

    other = approved(charlie, supervisor, departments["kumin"], scheduled_for=later)
    broadcasts.broadcast_cancel(staff=charlie, broadcast=other)
    other.refresh_from_db()
    assert other.status == B.CANCELLED and other.cancelled_by == charlie
    with pytest.raises(BroadcastError):
        broadcasts.broadcast_cancel(staff=charlie, broadcast=broadcast)  # already sent
    assert len(fake_line.sent) == 1


def test_cancelling_after_the_fan_out_withdraws_what_has_not_gone(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resident(1, channels=("line", "email"))
    resident(2, channels=("line", "email"))
    held = hold_batches(monkeypatch)
    broadcast = approved(charlie, supervisor, departments["kumin"])
    assert broadcast.status == B.SENT  # every delivery created, none handed over yet
    assert broadcasts.broadcast_cancel(staff=charlie, broadcast=broadcast) == 2
    [key] = held
    assert batches.batch_deliver(key) == "skipped"
    assert fake_line.sent == []
    # A batch already being sent when it was cancelled is neither retried nor moved to
    # another channel when it fails.
    Notification.objects.update(status=S.QUEUED)
    rows = batches._mark_sending(key, timezone.now())
    failed = batches.outbox.Sent(ok=False, error="LINE answered 500")
    batches._record(key, rows, {row.pk: failed for row in rows})
    assert set(Notification.objects.values_list("status", flat=True)) == {S.CANCELLED}
    assert Notification.objects.count() == 2


def test_leaving_the_topic_before_the_batch_goes_withdraws_the_message(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staying = resident(1, topics=["disaster"])
    leaving = resident(2, topics=["disaster"])
    # Hold the batch: it is created but not yet delivered when the resident unsubscribes.
    held = hold_batches(monkeypatch)
    approved(charlie, supervisor, departments["kumin"])
    Preference.objects.filter(user=leaving).update(topics=["events"])
    [key] = held
    assert batches.batch_deliver(key) == S.DELIVERED
    [multicast] = fake_line.sent
    assert multicast.to == [LineAccount.objects.get(user=staying).line_user_id]
    assert Notification.objects.get(recipient=leaving).status == S.CANCELLED


@pytest.mark.parametrize("is_emergency", [False, True])
def test_quiet_hours_hold_a_message_back_until_they_end_unless_it_is_an_emergency(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
    is_emergency: bool,
) -> None:
    awake = resident(1, topics=["disaster"])
    asleep = resident(2, topics=["disaster"])
    now = timezone.localtime()
    Preference.objects.filter(user=asleep).update(
        quiet_from=(now - timedelta(hours=1)).time(), quiet_until=(now + timedelta(hours=1)).time()
    )
    held = hold_batches(monkeypatch)
    approved(charlie, supervisor, departments["kumin"], is_emergency=is_emergency)
    [key] = held
    assert batches.batch_deliver(key) == S.DELIVERED
    [multicast] = fake_line.sent
    line_ids = dict(LineAccount.objects.values_list("user_id", "line_user_id"))
    if is_emergency:
        assert sorted(multicast.to) == sorted(line_ids.values())
        return
    assert multicast.to == [line_ids[awake.pk]]
    waiting = Notification.objects.get(recipient=asleep)
    assert waiting.status == S.RETRYING and waiting.batch_key == "" and waiting.attempts == 0
    assert waiting.next_attempt_at is not None
    assert abs(waiting.next_attempt_at - (now + timedelta(hours=1))) < timedelta(minutes=1)


def test_someone_whose_choices_were_cleared_after_the_fan_out_hears_only_default_topics(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staying = resident(1, topics=["events"])
    cleared = resident(2, topics=["events"])
    held = hold_batches(monkeypatch)
    approved(charlie, supervisor, departments["kumin"], topic=Topic.EVENTS)
    Preference.objects.filter(user=cleared).delete()
    [key] = held
    assert batches.batch_deliver(key) == S.DELIVERED
    [multicast] = fake_line.sent
    assert multicast.to == [LineAccount.objects.get(user=staying).line_user_id]
    assert Notification.objects.get(recipient=cleared).status == S.CANCELLED


def test_someone_who_unlinked_line_after_the_fan_out_gets_it_by_email(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staying = resident(1, channels=("line", "email"))
    leaving = resident(2, channels=("line", "email"))
    held = hold_batches(monkeypatch)
    approved(charlie, supervisor, departments["kumin"])
    LineAccount.objects.filter(user=leaving).delete()
    [key] = held
    batches.batch_deliver(key)
    [multicast] = fake_line.sent
    assert multicast.to == [LineAccount.objects.get(user=staying).line_user_id]
    assert [message.to for message in mail.outbox if message.to == [leaving.email]]


def test_a_rejected_multicast_falls_back_to_each_persons_email(
    fake_line: FakeLine, departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    people = [resident(n, channels=("line", "email")) for n in (1, 2)]
    fake_line.fail_next = [400]
    approved(charlie, supervisor, departments["kumin"])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    assert Notification.objects.filter(channel="line", status=S.FAILED).count() == 2
    assert Notification.objects.filter(channel="email", status=S.DELIVERED).count() == 2


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler in the code under test sees it."""


def run_worker(*, limit: int = 1000) -> int:
    """Run the database queue's ready tasks in this process, as ``run_worker`` does."""
    from django_tasks_db.models import DBTaskResult

    done = 0
    while done < limit:
        task = DBTaskResult.objects.ready().order_by("enqueued_at").first()
        if task is None:
            return done
        task.claim("test-worker")
        result = task.task_result
        try:
            value = task.task.call(*result.args, **result.kwargs)
        except Exception as exc:
            task.set_failed(exc)
        else:
            task.set_successful(value)
        done += 1
    return done


def test_a_worker_killed_mid_fan_out_and_mid_send_leaves_nobody_with_two_messages(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(broadcasts, "CHUNK_SIZE", 3)
    monkeypatch.setitem(batches.BATCH_SIZES, "line", 2)
    people = [resident(n) for n in range(1, 11)]
    broadcast = approved(charlie, supervisor, departments["kumin"])
    assert broadcast.status == B.SCHEDULED  # the fan-out waits in the queue

    # The worker dies while creating the second chunk's deliveries (after the first chunk
    # committed): that chunk's rows and tasks roll back with it.
    real_enqueue = batches.enqueue
    calls = {"n": 0}

    def dying_enqueue(*keys: str, run_after: Any = None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise WorkerKilled
        real_enqueue(*keys, run_after=run_after)

    monkeypatch.setattr(batches, "enqueue", dying_enqueue)
    from django_tasks_db.models import DBTaskResult

    fan_out = DBTaskResult.objects.ready().get()
    fan_out.claim("worker-1")
    with pytest.raises(WorkerKilled):
        broadcasts.broadcast_fan_out(broadcast.pk)
    broadcast.refresh_from_db()
    assert broadcast.status == B.SENDING and broadcast.fanout_cursor == people[2].pk
    assert Notification.objects.count() == 3
    monkeypatch.setattr(batches, "enqueue", real_enqueue)

    # The first chunk's batches go; the worker dies again after LINE accepted the first
    # multicast and before recording it.
    real_record = batches._record
    deaths = {"n": 0}

    def dying_record(*args: Any) -> str:
        if deaths["n"] == 0:
            deaths["n"] += 1
            raise WorkerKilled
        return real_record(*args)

    monkeypatch.setattr(batches, "_record", dying_record)
    with pytest.raises(WorkerKilled):
        run_worker()
    monkeypatch.setattr(batches, "_record", real_record)
    run_worker()

    # A fresh worker: the stalled fan-out is noticed and resumed; the dead batch's claim
    # times out and it is sent again with the same retry key (LINE answers 409); the other
    # batch of the dead task, never started, is found stranded and sent.
    long_ago = timezone.now() - timedelta(days=1)
    Broadcast.objects.filter(pk=broadcast.pk).update(updated_at=long_ago)
    Notification.objects.filter(status=S.SENDING).update(updated_at=long_ago)
    stranded = Notification.objects.filter(status=S.QUEUED)
    assert stranded.count() == 1
    stranded.update(created_at=long_ago)
    DBTaskResult.objects.all().delete()  # the dead worker's claimed tasks are gone for good
    assert broadcasts.broadcasts_send_due() == 1
    run_worker()
    assert Notification.objects.filter(status=S.SENDING).count() == 2  # the dead batch
    assert housekeeping.run()["notifications_requeued"] == 3
    run_worker()

    broadcast.refresh_from_db()
    assert broadcast.status == B.SENT and broadcast.recipient_count == 10
    assert Notification.objects.count() == 10
    assert set(Notification.objects.values_list("status", flat=True)) == {S.DELIVERED}
    accepted = Counter(user for sent in fake_line.sent for user in sent.to)
    assert len(accepted) == 10 and set(accepted.values()) == {1}


def test_a_resident_gives_childrens_birth_months_and_child_rearing_news_finds_them(
    resident_client: Any, alice: User
) -> None:
    from django.urls import reverse

    client = resident_client(alice)
    url = reverse("notifications:preferences")
    form = {"first": "email", "topics": ["childcare"], "child_1": "2099-01"}
    refused = client.post(url, form)
    assert refused.status_code == 400 and not ChildBirthMonth.objects.exists()
    this_month = timezone.localdate().strftime("%Y-%m")
    saved = client.post(url, {**form, "child_1": this_month, "child_2": "2020-04"})
    assert saved.status_code == 302
    assert sorted(c.born_on.year for c in ChildBirthMonth.objects.all()) == [
        2020,
        timezone.localdate().year,
    ]
    segment = Segment(topic="childcare", areas=[], languages=[], child_age_bands=["0-2"])
    assert list(broadcasts.audience(segment)) == [alice]
    page = client.get(url)
    assert this_month in page.text and "2020-04" in page.text
    event = AuditEvent.objects.filter(action="notifications.preferences_changed").last()
    assert event is not None and event.changes["children"] == [0, 2]
    assert "2020" not in str(event.changes)


def test_an_emergency_broadcast_is_a_supervisors_and_ignores_the_two_person_rule(
    fake_line: FakeLine,
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
) -> None:
    in_shiba = resident(1, topics=["disaster"], areas=["shiba"])
    resident(2, topics=["disaster"], areas=["azabu"])
    content = {"ja": {"subject": "避難指示", "body": "避難してください。"}}
    with pytest.raises(BroadcastError):
        broadcasts.broadcast_emergency(
            staff=charlie,
            department=departments["kumin"],
            title="避難指示",
            areas=["shiba"],
            content=content,
            reference="information.alert:test",
        )
    assert not Broadcast.objects.exists()
    sent = broadcasts.broadcast_emergency(
        staff=supervisor,
        department=departments["kumin"],
        title="避難指示",
        areas=["shiba"],
        content=content,
        reference="information.alert:test",
    )
    sent.refresh_from_db()
    assert sent.is_emergency and sent.status == B.SENT and sent.recipient_count == 1
    [multicast] = fake_line.sent
    assert multicast.to == [LineAccount.objects.get(user=in_shiba).line_user_id]
    event = AuditEvent.objects.get(action="notifications.broadcast_emergency")
    assert event.changes["reference"] == [None, "information.alert:test"]
