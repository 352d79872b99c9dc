"""Writing, publishing and withdrawing notices: who may, what is refused, what is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from minato.accounts.models import Department, User
from minato.core.models import AuditEvent
from minato.information import selectors, services
from minato.information.models import Notice
from minato.information.services import NoticeError
from minato.information.tests.factories import notice_values, published_notice

pytestmark = pytest.mark.django_db


def test_a_clerk_writes_and_publishes_news_and_every_step_is_audited(
    departments: dict[str, Department], charlie: User
) -> None:
    notice = services.notice_save(
        staff=charlie, notice=None, values=notice_values(departments["kumin"])
    )
    assert notice.status == Notice.Status.DRAFT
    assert list(selectors.notices_current()) == []  # a draft shows nowhere
    services.notice_publish(staff=charlie, notice=notice)
    assert list(selectors.notices_current()) == [notice]
    services.notice_withdraw(staff=charlie, notice=notice)
    assert list(selectors.notices_current()) == []
    actions = list(
        AuditEvent.objects.filter(object_type="information.notice", object_id=str(notice.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "information.notice_created",
        "information.notice_published",
        "information.notice_withdrawn",
    ]


def test_an_emergency_notice_is_published_by_a_supervisor_only(
    departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    notice = services.notice_save(
        staff=charlie,
        notice=None,
        values=notice_values(departments["kumin"], kind=Notice.Kind.EMERGENCY),
    )
    with pytest.raises(NoticeError):
        services.notice_publish(staff=charlie, notice=notice)
    services.notice_publish(staff=supervisor, notice=notice)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED and notice.published_by == supervisor


def test_staff_write_only_for_their_own_departments(
    departments: dict[str, Department], erin: User, charlie: User
) -> None:
    with pytest.raises(NoticeError):
        services.notice_save(staff=erin, notice=None, values=notice_values(departments["kumin"]))
    notice = published_notice(charlie, departments["kumin"])
    with pytest.raises(NoticeError):
        services.notice_withdraw(staff=erin, notice=notice)
    assert Notice.objects.get().status == Notice.Status.PUBLISHED


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"content": {"en": {"title": "Only English", "body": "x"}}}, "Japanese"),
        ({"content": {"ja": {"title": "題名だけ", "body": ""}}}, "both a title and a text"),
        ({"content": {"ja": {"title": "t", "body": "b"}, "fr": {"title": "t", "body": "b"}}}, "fr"),
        ({"areas": ["nowhere"]}, "areas"),
        ({"category": "weather"}, "category"),
        ({"ends_at": timezone.now() - timedelta(days=2)}, "after the start"),
    ],
)
def test_bad_notices_are_refused_and_nothing_is_saved(
    departments: dict[str, Department], charlie: User, overrides: dict[str, object], problem: str
) -> None:
    with translation.override("en"), pytest.raises(NoticeError, match=problem):
        services.notice_save(
            staff=charlie, notice=None, values=notice_values(departments["kumin"], **overrides)
        )
    assert not Notice.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="information.").exists()


def test_what_shows_now_follows_start_end_and_area(
    departments: dict[str, Department], charlie: User
) -> None:
    now = timezone.now()
    kumin = departments["kumin"]
    current = published_notice(charlie, kumin)
    published_notice(charlie, kumin, starts_at=now + timedelta(days=1))  # scheduled
    ended = published_notice(charlie, kumin, starts_at=now - timedelta(days=3))
    ended.ends_at = now - timedelta(days=1)
    ended.save()
    shiba = published_notice(charlie, kumin, areas=["shiba"])
    azabu = published_notice(charlie, kumin, areas=["azabu"], kind=Notice.Kind.EVENT)
    assert set(selectors.notices_current()) == {current, shiba, azabu}
    assert set(selectors.notices_current(area="shiba")) == {current, shiba}
    assert set(selectors.notices_current(kind="event")) == {azabu}
    # An ended notice stays readable at its address; a scheduled one does not yet.
    assert selectors.notice_public(ended.public_id) == ended
    scheduled = Notice.objects.get(starts_at__gt=now)
    assert selectors.notice_public(scheduled.public_id) is None


def test_a_correction_to_a_published_notice_is_audited_with_what_changed(
    departments: dict[str, Department], charlie: User
) -> None:
    notice = published_notice(charlie, departments["kumin"])
    assert notice.corrected_at is None
    content = {**notice.content, "ja": {"title": "年末年始の窓口(訂正)", "body": "訂正しました。"}}
    services.notice_save(staff=charlie, notice=notice, values={"content": content})
    event = AuditEvent.objects.get(action="information.notice_changed")
    assert "content" in event.changes
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED and "訂正" in notice.content["ja"]["title"]
    assert notice.corrected_at is not None  # readers see when it was updated


def test_a_clerk_cannot_turn_a_published_notice_into_an_emergency_or_withdraw_one(
    departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    news = published_notice(charlie, departments["kumin"])
    with pytest.raises(NoticeError):
        services.notice_save(staff=charlie, notice=news, values={"kind": Notice.Kind.EMERGENCY})
    assert Notice.objects.get(pk=news.pk).kind == Notice.Kind.NEWS
    emergency = published_notice(supervisor, departments["kumin"], kind=Notice.Kind.EMERGENCY)
    with pytest.raises(NoticeError):
        services.notice_withdraw(staff=charlie, notice=emergency)
    with pytest.raises(NoticeError):
        services.notice_save(staff=charlie, notice=emergency, values={"areas": ["shiba"]})
    services.notice_withdraw(staff=supervisor, notice=emergency)
