"""Emergency alerts: one form to the portal, the notification hub and the CAP feed; a
supervisor issues (a clerk's alert after they submit it, their own at once); updates and
cancellations reference the original; drills are marked and tests stay in CAP."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from minato.accounts.models import Department, ResidentProfile, User
from minato.core.models import AuditEvent
from minato.information import alerts, cap
from minato.information.alerts import AlertError
from minato.information.models import Alert, Notice
from minato.notifications.fake_line import FakeLine
from minato.notifications.models import Broadcast, LineAccount, Preference
from minato.notifications.tests.conftest import fake_line  # noqa: F401

pytestmark = pytest.mark.django_db
CAP = f"{{{cap.CAP_NAMESPACE}}}"


def _resident(number: int, *, areas: list[str], quiet: bool = False) -> User:
    user = User.objects.create(email=f"r{number}@example.jp", kind=User.Kind.RESIDENT)
    ResidentProfile.objects.create(user=user, preferred_channels=["line"])
    LineAccount.objects.create(user=user, line_user_id=f"U{number:032x}")
    now = timezone.localtime()
    Preference.objects.create(
        user=user,
        topics=["disaster"],
        areas=areas,
        quiet_from=(now - timedelta(hours=1)).time() if quiet else None,
        quiet_until=(now + timedelta(hours=1)).time() if quiet else None,
    )
    return user


def _values(department: Department, **overrides: Any) -> dict[str, Any]:
    return {
        "department": department,
        "event": Alert.Event.EVACUATION_ORDER,
        "mode": Alert.Mode.ACTUAL,
        "areas": ["shiba"],
        "content": {
            "ja": {
                "headline": "芝地区に避難指示",
                "description": "古川が氾濫するおそれがあります。",
                "instruction": "芝公園など近くの避難場所へ移動してください。",
            },
            "en": {
                "headline": "Evacuation order for Shiba",
                "description": "The Furukawa river may flood.",
                "instruction": "Go to the nearest evacuation site.",
            },
        },
        "expires_at": timezone.now() + timedelta(hours=6),
        **overrides,
    }


def _cap_of(client: Client, alert: Alert) -> ET.Element:
    response = client.get(f"/cap/alerts/{alert.public_id}.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/cap+xml"
    assert cap.validate(response.content) == []
    return ET.fromstring(response.content)  # noqa: S314 (our own document)


def test_a_clerks_alert_issued_by_a_supervisor_reaches_the_portal_residents_and_cap(
    client: Client,
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
) -> None:
    in_shiba = _resident(1, areas=["shiba"], quiet=True)  # asleep: an emergency goes anyway
    _resident(2, areas=["azabu"])
    alert = alerts.alert_save(staff=charlie, alert=None, values=_values(departments["kumin"]))
    with pytest.raises(AlertError):
        alerts.alert_issue(staff=charlie, alert=alert)  # a clerk does not issue
    with pytest.raises(AlertError):
        alerts.alert_issue(staff=supervisor, alert=alert)  # not submitted yet
    alerts.alert_submit(staff=charlie, alert=alert)
    alerts.alert_issue(staff=supervisor, alert=alert)
    alert.refresh_from_db()
    assert alert.state == Alert.State.ISSUED and alert.issued_by == supervisor

    # The portal: an emergency notice and the banner on every page.
    assert alert.notice is not None and alert.notice.kind == Notice.Kind.EMERGENCY
    home = client.get("/")
    assert "芝地区に避難指示" in home.text and "emergency-banner" in home.text
    assert "Evacuation order for Shiba" in client.get("/en/notices/").text
    # The hub: Shiba's resident, in their quiet hours, by LINE; not Azabu's.
    broadcast = Broadcast.objects.get(public_id=alert.broadcast_id)
    assert broadcast.is_emergency and broadcast.approved_by == supervisor
    [multicast] = fake_line.sent
    line_id = LineAccount.objects.get(user=in_shiba).line_user_id
    assert multicast.to == [line_id] and "芝地区に避難指示" in multicast.texts[0]
    # CAP: valid, Actual, one info per language, the LG code of Minato.
    root = _cap_of(client, alert)
    assert root.findtext(f"{CAP}status") == "Actual" and root.findtext(f"{CAP}msgType") == "Alert"
    languages = [info.findtext(f"{CAP}language") for info in root.findall(f"{CAP}info")]
    assert languages == ["ja-JP", "en-US"]
    assert root.find(f"{CAP}info/{CAP}area/{CAP}geocode/{CAP}value").text == "131032"  # type: ignore[union-attr]
    index = client.get("/cap/alerts.atom")
    assert f"/cap/alerts/{alert.public_id}.xml" in index.text
    fast = AuditEvent.objects.get(action="information.alert_issued")
    assert fast.changes["fast_path"] == [None, False]


def test_a_supervisor_issues_their_own_alert_at_once_and_cannot_skip_a_clerk(
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
) -> None:
    own = alerts.alert_save(staff=supervisor, alert=None, values=_values(departments["kumin"]))
    alerts.alert_issue(staff=supervisor, alert=own)
    assert Alert.objects.get(pk=own.pk).state == Alert.State.ISSUED
    event = AuditEvent.objects.get(action="information.alert_issued")
    assert event.changes["fast_path"] == [None, True]
    clerks = alerts.alert_save(staff=charlie, alert=None, values=_values(departments["kumin"]))
    with pytest.raises(AlertError):
        alerts.alert_issue(staff=supervisor, alert=clerks)
    assert Alert.objects.get(pk=clerks.pk).state == Alert.State.DRAFT


def test_an_update_and_a_cancellation_reference_the_alerts_before_them(
    client: Client,
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    supervisor: User,
) -> None:
    _resident(1, areas=["shiba"])
    first = alerts.alert_save(staff=supervisor, alert=None, values=_values(departments["kumin"]))
    alerts.alert_issue(staff=supervisor, alert=first)
    first.refresh_from_db()
    content = _values(departments["kumin"])["content"]
    content["ja"]["headline"] = "芝地区・麻布地区に避難指示"
    update = alerts.alert_follow_up(
        staff=supervisor,
        previous=first,
        message_type=Alert.MessageType.UPDATE,
        values={"areas": ["shiba", "azabu"], "content": content},
    )
    alerts.alert_issue(staff=supervisor, alert=update)
    update.refresh_from_db()
    assert update.notice == first.notice  # the same notice, corrected
    assert "麻布" in Notice.objects.get(pk=first.notice.pk).content["ja"]["title"]  # type: ignore[union-attr]
    with pytest.raises(AlertError):  # only the latest can be followed up
        alerts.alert_follow_up(
            staff=supervisor, previous=first, message_type=Alert.MessageType.CANCEL, values={}
        )
    cancel = alerts.alert_follow_up(
        staff=supervisor, previous=update, message_type=Alert.MessageType.CANCEL, values={}
    )
    alerts.alert_issue(staff=supervisor, alert=cancel)
    cancel.refresh_from_db()
    root = _cap_of(client, cancel)
    assert root.findtext(f"{CAP}msgType") == "Cancel"
    references = (root.findtext(f"{CAP}references") or "").split()
    assert [reference.split(",")[1] for reference in references] == [
        alerts.cap_identifier(first),
        alerts.cap_identifier(update),
    ]
    # Out of the banner, but the notice stays readable (the messages link to it), marked.
    notice = Notice.objects.get(pk=first.notice.pk)  # type: ignore[union-attr]
    assert notice.status == Notice.Status.PUBLISHED and notice.kind == Notice.Kind.NEWS
    assert notice.content["ja"]["title"].startswith("【解除】")
    assert "emergency-banner" not in client.get("/notices/").text
    assert client.get(f"/notices/{notice.public_id}/").status_code == 200
    assert len(fake_line.sent) == 3 and fake_line.sent[-1].texts[0].startswith("【解除】")


def test_a_drill_is_marked_everywhere_and_a_technical_test_goes_only_to_cap(
    client: Client,
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    supervisor: User,
) -> None:
    _resident(1, areas=[])
    drill = alerts.alert_save(
        staff=supervisor,
        alert=None,
        values=_values(departments["kumin"], mode=Alert.Mode.EXERCISE),
    )
    alerts.alert_issue(staff=supervisor, alert=drill)
    drill.refresh_from_db()
    assert drill.notice is not None and drill.notice.content["ja"]["title"].startswith("【訓練】")
    assert fake_line.sent[0].texts[0].startswith("【訓練】")
    root = _cap_of(client, drill)
    assert root.findtext(f"{CAP}status") == "Exercise" and root.findtext(f"{CAP}note")

    test = alerts.alert_save(
        staff=supervisor, alert=None, values=_values(departments["kumin"], mode=Alert.Mode.TEST)
    )
    alerts.alert_issue(staff=supervisor, alert=test)
    test.refresh_from_db()
    assert test.notice is None and test.broadcast_id is None
    assert len(fake_line.sent) == 1 and not mail.outbox
    assert _cap_of(client, test).findtext(f"{CAP}status") == "Test"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "end in the future"),
        ({"content": {"en": {"headline": "x", "description": "y"}}}, "Japanese first"),
        ({"content": {"ja": {"headline": "見出しだけ"}}}, "a headline and what is happening"),
        ({"areas": ["atlantis"]}, "areas"),
        ({"event": "meteor"}, "what the alert is about"),
    ],
)
def test_bad_alerts_are_refused_and_nothing_is_saved(
    departments: dict[str, Department], charlie: User, overrides: dict[str, Any], problem: str
) -> None:
    with translation.override("en"), pytest.raises(AlertError, match=problem):
        alerts.alert_save(
            staff=charlie, alert=None, values=_values(departments["kumin"], **overrides)
        )
    assert not Alert.objects.exists()


def test_unknown_or_unissued_alerts_are_not_in_the_cap_feed(
    client: Client, departments: dict[str, Department], charlie: User
) -> None:
    draft = alerts.alert_save(staff=charlie, alert=None, values=_values(departments["kumin"]))
    assert client.get(f"/cap/alerts/{draft.public_id}.xml").status_code == 404
    assert str(draft.public_id) not in client.get("/cap/alerts.atom").text


def test_in_the_console_a_clerk_writes_and_submits_and_a_supervisor_issues(
    staff_client: Any,
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    charlie: User,
    supervisor: User,
) -> None:
    from django.urls import reverse

    clerk = staff_client(charlie)
    form = {
        "department": departments["kumin"].pk,
        "event": "evacuation_order",
        "mode": "Actual",
        "areas": ["shiba"],
        "expires_at": (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "headline_ja": "芝地区に避難指示",
        "description_ja": "古川が氾濫するおそれがあります。",
        "instruction_ja": "",
    }
    refused = clerk.post(reverse("staff:information:alert_new"), {**form, "headline_ja": ""})
    assert refused.status_code == 400 and not Alert.objects.exists()
    clerk.post(reverse("staff:information:alert_new"), form)
    alert = Alert.objects.get()
    page = clerk.get(reverse("staff:information:alert", args=[alert.public_id]))
    issue = reverse("staff:information:alert_issue", args=[alert.public_id])
    assert issue not in page.text  # a clerk has no button to issue it
    clerk.post(reverse("staff:information:alert_submit", args=[alert.public_id]))
    boss = staff_client(supervisor)
    assert issue in boss.get(reverse("staff:information:alert", args=[alert.public_id])).text
    boss.post(issue)
    alert.refresh_from_db()
    assert alert.state == Alert.State.ISSUED
    follow_up = boss.get(
        reverse("staff:information:alert_new"),
        {"follows": str(alert.public_id), "type": "Cancel"},
    )
    assert follow_up.status_code == 200 and "芝地区に避難指示" in follow_up.text
    bad = boss.get(reverse("staff:information:alert_new"), {"follows": "not-a-uuid"})
    assert bad.status_code == 404


def test_a_cancellation_withdraws_what_of_the_first_alert_has_not_gone_yet(
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from minato.notifications import batches
    from minato.notifications.models import Notification

    _resident(1, areas=["shiba"])
    held: list[str] = []
    monkeypatch.setattr(batches, "enqueue", lambda *keys, run_after=None: held.extend(keys))
    first = alerts.alert_save(staff=supervisor, alert=None, values=_values(departments["kumin"]))
    alerts.alert_issue(staff=supervisor, alert=first)  # its batch waits, not yet sent
    first.refresh_from_db()
    cancel = alerts.alert_follow_up(
        staff=supervisor, previous=first, message_type=Alert.MessageType.CANCEL, values={}
    )
    alerts.alert_issue(staff=supervisor, alert=cancel)
    original = Notification.objects.get(dedupe_key=f"broadcast:{first.broadcast_id}")
    assert original.status == Notification.Status.CANCELLED
    assert batches.batch_deliver(held[0]) == "skipped"  # nobody gets the order after the 【解除】


def test_a_follow_up_keeps_the_mode_and_an_abandoned_draft_does_not_block_a_cancellation(
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    supervisor: User,
) -> None:
    first = alerts.alert_save(staff=supervisor, alert=None, values=_values(departments["kumin"]))
    alerts.alert_issue(staff=supervisor, alert=first)
    first.refresh_from_db()
    abandoned = alerts.alert_follow_up(
        staff=supervisor, previous=first, message_type=Alert.MessageType.UPDATE, values={}
    )
    cancel = alerts.alert_follow_up(
        staff=supervisor,
        previous=first,
        message_type=Alert.MessageType.CANCEL,
        values={"mode": Alert.Mode.TEST},  # a real alert is not cancelled by a test
    )
    assert cancel.mode == Alert.Mode.ACTUAL
    alerts.alert_issue(staff=supervisor, alert=cancel)
    with pytest.raises(AlertError):  # the update drafted earlier is now out of date
        alerts.alert_issue(staff=supervisor, alert=abandoned)


def test_issuing_an_alert_whose_end_has_passed_is_refused_not_an_error(
    departments: dict[str, Department], charlie: User, supervisor: User
) -> None:
    alert = alerts.alert_save(staff=charlie, alert=None, values=_values(departments["kumin"]))
    alerts.alert_submit(staff=charlie, alert=alert)
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with translation.override("en"), pytest.raises(AlertError, match="end in the future"):
        alerts.alert_issue(staff=supervisor, alert=alert)
    assert Alert.objects.get(pk=alert.pk).state == Alert.State.SUBMITTED
    assert not Notice.objects.exists()


def test_a_drill_waits_for_quiet_hours_and_an_actual_alert_does_not(
    fake_line: FakeLine,  # noqa: F811
    departments: dict[str, Department],
    supervisor: User,
) -> None:
    _resident(1, areas=["shiba"], quiet=True)
    drill = alerts.alert_save(
        staff=supervisor,
        alert=None,
        values=_values(departments["kumin"], mode=Alert.Mode.EXERCISE),
    )
    alerts.alert_issue(staff=supervisor, alert=drill)
    assert fake_line.sent == []  # held until the quiet hours end
    actual = alerts.alert_save(staff=supervisor, alert=None, values=_values(departments["kumin"]))
    alerts.alert_issue(staff=supervisor, alert=actual)
    assert len(fake_line.sent) == 1
