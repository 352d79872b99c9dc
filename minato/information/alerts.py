"""Emergency alerts: one form, every channel (issue 11).

A clerk or a supervisor of the department writes an alert (what happens, where, until when,
what to do, in Japanese and, when there is time, English and やさしい日本語). A supervisor
issues it: a clerk's draft waits for one ("submitted"); a supervisor's own draft is issued at
once — the fast path, for the minutes that matter, and audited as such. Issuing:

- publishes an emergency notice (the portal page, its banner on every portal page, the
  feeds and the API) — an update corrects that notice, a cancellation withdraws it;
- sends it through the notification hub to everyone who hears about disasters in the areas,
  quiet hours ignored (a drill marked as one; a technical test goes nowhere but CAP);
- adds a CAP 1.2 message to the public feed (``/cap/alerts.atom``), validated against the
  OASIS schema before anything is written: an invalid alert is refused, not half-issued.

If email or LINE is down, the hub retries; the portal and CAP do not depend on them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from minato.accounts import permissions
from minato.accounts.models import Role
from minato.core import audit
from minato.core.areas import Area
from minato.information import cap, services
from minato.information.models import Alert, Notice
from minato.information.services import NoticeError
from minato.notifications import broadcasts

ALERT_LANGUAGES = ["ja", "en", "ja-easy"]
FIELDS = ["department", "event", "mode", "areas", "content", "expires_at"]
AUDITED_FIELDS = [name if name != "department" else "department_id" for name in FIELDS]
# CAP <urgency>, <severity>, <certainty> and <responseType> for each kind of alert.
CAP_TERMS: dict[str, tuple[str, str, str, str]] = {
    Alert.Event.EVACUATION_ELDERLY: ("Expected", "Severe", "Likely", "Evacuate"),
    Alert.Event.EVACUATION_ORDER: ("Immediate", "Severe", "Likely", "Evacuate"),
    Alert.Event.EMERGENCY_SAFETY: ("Immediate", "Extreme", "Observed", "Shelter"),
    Alert.Event.SHELTERS_OPEN: ("Expected", "Moderate", "Likely", "Prepare"),
    Alert.Event.OTHER: ("Unknown", "Unknown", "Unknown", "Monitor"),
}
DRILL_MARK = {"ja": "【訓練】", "en": "[DRILL] ", "ja-easy": "【くんれん】"}
# CAP <note> has no language of its own: both of the ward's main ones.
DRILL_NOTE = "訓練です。This is a drill."
CANCELLED_MARK = {"ja": "【解除】", "en": "[CANCELLED] ", "ja-easy": "【おわり】"}


class AlertError(Exception):
    """An alert action that is not allowed; the message says why, for staff."""


def can_write(user: Any, department_id: int | None) -> bool:
    return permissions.works_in(user, department_id)


def can_issue(user: Any, alert: Alert) -> bool:
    return permissions.has_role(user, Role.SUPERVISOR) and permissions.can_see_department(
        user, alert.department_id
    )


def _clean_content(content: dict[str, Any]) -> dict[str, dict[str, str]]:
    cleaned: dict[str, dict[str, str]] = {}
    for language in ALERT_LANGUAGES:
        text = content.get(language) or {}
        parts = {
            part: str(text.get(part, "")).strip()
            for part in ("headline", "description", "instruction")
        }
        if not any(parts.values()):
            continue
        if not parts["headline"] or not parts["description"]:
            raise AlertError(_("Each language needs a headline and what is happening."))
        if len(parts["headline"]) > 160 or len(parts["description"]) > 2000:
            raise AlertError(_("The headline or the text is too long."))
        cleaned[language] = parts
    if "ja" not in cleaned:
        raise AlertError(_("Write the alert in Japanese first."))
    return cleaned


def _validate(values: dict[str, Any]) -> None:
    if values["event"] not in Alert.Event.values:
        raise AlertError(_("Choose what the alert is about."))
    if values["mode"] not in Alert.Mode.values:
        raise AlertError(_("Choose whether it is real, a drill or a technical test."))
    if not isinstance(values["areas"], list) or set(values["areas"]) - set(Area.values):
        raise AlertError(_("Choose areas from the list."))
    if values["expires_at"] is None or values["expires_at"] <= timezone.now():
        raise AlertError(_("The alert must end in the future."))


@transaction.atomic
def alert_save(*, staff: Any, alert: Alert | None, values: dict[str, Any]) -> Alert:
    """Write a first alert (``alert`` None) or change a draft."""
    created = alert is None
    if alert is None:
        alert = Alert(created_by=staff)
        before: dict[str, Any] = {}
    else:
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.state == Alert.State.ISSUED:
            raise AlertError(_("An issued alert is changed by an update."))
        before = audit.snapshot(alert, AUDITED_FIELDS)
        values = {**{name: getattr(alert, name) for name in FIELDS}, **values}
    if alert.previous_id is not None:
        values = {**values, **_inherited(alert.previous)}  # type: ignore[arg-type]
    if not can_write(staff, values["department"].pk):
        raise AlertError(_("You can only write alerts for your own departments."))
    _validate(values)
    values = {**values, "content": _clean_content(values["content"])}
    for name in FIELDS:
        setattr(alert, name, values[name])
    alert.state = Alert.State.DRAFT
    alert.save()
    changes = audit.diff(before, audit.snapshot(alert, AUDITED_FIELDS))
    audit.record(
        action="information.alert_created" if created else "information.alert_changed",
        obj=alert,
        department_id=alert.department_id,
        changes=changes,
    )
    return alert


def _inherited(previous: Alert) -> dict[str, Any]:
    return {"department": previous.department, "mode": previous.mode}


@transaction.atomic
def alert_follow_up(
    *, staff: Any, previous: Alert, message_type: str, values: dict[str, Any]
) -> Alert:
    """Write an update or a cancellation of an issued alert (a new draft that references
    it); it goes like the first, through a supervisor."""
    previous = Alert.objects.select_for_update().get(pk=previous.pk)
    superseded = Alert.objects.filter(previous=previous, state=Alert.State.ISSUED).exists()
    if previous.state != Alert.State.ISSUED or superseded:
        raise AlertError(_("Only the latest issued alert can be updated or cancelled."))
    if previous.message_type == Alert.MessageType.CANCEL:
        raise AlertError(_("This alert has been cancelled."))
    if message_type not in (Alert.MessageType.UPDATE, Alert.MessageType.CANCEL):
        raise AlertError(_("Choose an update or a cancellation."))
    if not can_write(staff, previous.department_id):
        raise AlertError(_("You can only write alerts for your own departments."))
    values = {
        "department": previous.department,
        "event": previous.event,
        "mode": previous.mode,
        "areas": previous.areas,
        "content": previous.content,
        "expires_at": previous.expires_at,
        **values,
        # What it follows decides these: a drill is not cancelled for real, nor the other
        # way round, and the notice stays its department's.
        **_inherited(previous),
    }
    if message_type == Alert.MessageType.CANCEL:
        values["expires_at"] = max(values["expires_at"], timezone.now() + timedelta(hours=1))
    _validate(values)
    alert = Alert.objects.create(
        **{**values, "content": _clean_content(values["content"])},
        message_type=message_type,
        previous=previous,
        created_by=staff,
    )
    audit.record(
        action=f"information.alert_{message_type.lower()}_created",
        obj=alert,
        department_id=alert.department_id,
        changes={"previous": [None, str(previous.public_id)]},
    )
    return alert


@transaction.atomic
def alert_submit(*, staff: Any, alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state != Alert.State.DRAFT:
        raise AlertError(_("Only a draft can be submitted."))
    if not can_write(staff, alert.department_id):
        raise AlertError(_("You can only write alerts for your own departments."))
    alert.state = Alert.State.SUBMITTED
    alert.save(update_fields=["state", "updated_at"])
    audit.record(
        action="information.alert_submitted",
        obj=alert,
        department_id=alert.department_id,
        changes={"state": [Alert.State.DRAFT, Alert.State.SUBMITTED]},
    )
    return alert


def _marked(alert: Alert, language: str, text: str) -> str:
    if alert.message_type == Alert.MessageType.CANCEL:
        text = CANCELLED_MARK[language] + text
    if alert.mode == Alert.Mode.EXERCISE:
        text = DRILL_MARK[language] + text
    return text


def _text(text: dict[str, str]) -> str:
    return "\n\n".join(part for part in (text["description"], text["instruction"]) if part)


def _notice_content(alert: Alert) -> dict[str, dict[str, str]]:
    return {
        language: {
            "title": _marked(alert, language, text["headline"])[:200],
            "body": _text(text),
        }
        for language, text in alert.content.items()
    }


def _publish_notice(staff: Any, alert: Alert) -> Notice:
    previous_notice = alert.previous.notice if alert.previous else None
    values = {
        "department": alert.department,
        "kind": Notice.Kind.EMERGENCY,
        "category": Notice.Category.DISASTER,
        "areas": alert.areas,
        "content": _notice_content(alert),
        "starts_at": alert.issued_at,
        "ends_at": alert.expires_at,
        "event_starts_at": None,
        "event_place": "",
    }
    if alert.message_type == Alert.MessageType.CANCEL:
        # Out of the banner and off signage at once, but readable for a day (the 【解除】
        # message and the CAP <web> of the whole chain link to it).
        values["kind"] = Notice.Kind.NEWS
        values["ends_at"] = timezone.now() + timedelta(days=1)
    if previous_notice is not None and previous_notice.status == Notice.Status.PUBLISHED:
        return services.notice_save(staff=staff, notice=previous_notice, values=values)
    notice = services.notice_save(staff=staff, notice=None, values=values)
    return services.notice_publish(staff=staff, notice=notice)


def _broadcast(staff: Any, alert: Alert) -> None:
    with override("ja"):
        title = f"{alert.get_message_type_display()}: {alert}"
    link = reverse("information:notice", args=[alert.notice.public_id]) if alert.notice else ""
    content = {
        language: {
            "subject": _marked(alert, language, text["headline"]),
            "body": _text(text) + (f"\n\n{settings.SITE_URL}{link}" if link else ""),
        }
        for language, text in alert.content.items()
    }
    broadcast = broadcasts.broadcast_emergency(
        staff=staff,
        department=alert.department,
        title=title,
        areas=alert.areas,
        content=content,
        reference=f"information.alert:{alert.public_id}",
        # A drill should not wake anyone: it waits for their quiet hours to end.
        ignore_quiet_hours=alert.mode == Alert.Mode.ACTUAL,
    )
    alert.broadcast_id = broadcast.public_id


@transaction.atomic
def alert_issue(*, staff: Any, alert: Alert) -> Alert:
    """Issue it: a supervisor of the department, for a clerk's submitted alert or their own
    draft (the fast path). Everything below happens in one transaction; the CAP message is
    validated first, so an alert that would not be valid CAP is refused and nothing goes."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.state == Alert.State.ISSUED:
        raise AlertError(_("This alert has already been issued."))
    if not can_issue(staff, alert):
        raise AlertError(_("A supervisor of the department issues alerts."))
    _validate({name: getattr(alert, name) for name in FIELDS})  # e.g. its end has passed
    fast_path = alert.state == Alert.State.DRAFT
    if fast_path and alert.created_by_id != staff.pk:
        raise AlertError(_("Someone else's draft is issued after they submit it."))
    if (
        alert.previous_id
        and Alert.objects.filter(previous_id=alert.previous_id, state=Alert.State.ISSUED)
        .exclude(pk=alert.pk)
        .exists()
    ):
        raise AlertError(_("The alert this one follows has been updated since."))
    alert.issued_at = timezone.now().replace(microsecond=0)
    alert.issued_by = staff
    try:
        cap.to_valid_xml(cap_alert(alert))
    except cap.CapValidationError as exc:
        raise AlertError(
            _("This alert would not be valid CAP: %(problems)s")
            % {"problems": "; ".join(exc.problems)}
        ) from exc
    old_state = alert.state
    alert.state = Alert.State.ISSUED
    if alert.mode != Alert.Mode.TEST:
        try:
            alert.notice = _publish_notice(staff, alert)
        except NoticeError as exc:
            raise AlertError(str(exc)) from exc
    alert.save()
    if alert.mode != Alert.Mode.TEST:
        # Nobody gets the earlier message after this one: what of it still waits is withdrawn.
        for earlier in alert.chain:
            if earlier.broadcast_id is not None:
                broadcasts.broadcast_withdraw_waiting(
                    staff=staff, broadcast_public_id=earlier.broadcast_id
                )
        try:
            _broadcast(staff, alert)
        except broadcasts.BroadcastError as exc:
            raise AlertError(str(exc)) from exc
        alert.save(update_fields=["broadcast_id", "updated_at"])
    audit.record(
        action="information.alert_issued",
        obj=alert,
        department_id=alert.department_id,
        changes={
            "state": [old_state, Alert.State.ISSUED],
            "fast_path": [None, fast_path],
            "mode": [None, alert.mode],
            "message_type": [None, alert.message_type],
        },
    )
    return alert


# --- CAP -----------------------------------------------------------------------------------


def cap_identifier(alert: Alert) -> str:
    return f"jp.tokyo.minato.alert.{alert.public_id.hex}"


def _cap_area(alert: Alert, language: str) -> cap.CapArea:
    with override(language):
        names = alert.area_labels
    description = "、".join(names) if language != "en" else ", ".join(names)
    ward = settings.MUNICIPALITY_NAME.get(language, settings.MUNICIPALITY_NAME["ja"])
    return cap.CapArea(
        area_desc=f"{ward} {description}".strip() if names else ward,
        # 全国地方公共団体コード of Minato (with check digit): the ward, or part of it.
        geocodes=(("LGCode", "131032"),),
    )


def cap_alert(alert: Alert) -> cap.CapAlert:
    """The alert as a CAP 1.2 message: one <info> per language written."""
    urgency, severity, certainty, response = CAP_TERMS[alert.event]
    if alert.message_type == Alert.MessageType.CANCEL:
        urgency, severity, certainty, response = "Past", "Minor", "Observed", "AllClear"
    sent = alert.issued_at or timezone.now().replace(microsecond=0)
    web = settings.SITE_URL + (
        reverse("information:notice", args=[alert.notice.public_id]) if alert.notice else "/"
    )
    infos = []
    # Japanese first, whatever order the database keeps the keys in (jsonb sorts them).
    for language in [code for code in ALERT_LANGUAGES if code in alert.content]:
        text = alert.content[language]
        with override(language):
            event = str(Alert.Event(alert.event).label)
        sender_name = settings.MUNICIPALITY_NAME.get(language, settings.MUNICIPALITY_NAME["ja"])
        infos.append(
            cap.CapInfo(
                language=cap.CAP_LANGUAGES[language],
                category=("Safety",),
                event=event,
                urgency=urgency,
                severity=severity,
                certainty=certainty,
                response_type=(response,),
                headline=_marked(alert, language, text["headline"])[:160],
                description=text["description"],
                instruction=text["instruction"],
                sender_name=sender_name,
                web=web,
                effective=sent,
                expires=alert.expires_at.replace(microsecond=0),
                areas=(_cap_area(alert, language),),
            )
        )
    return cap.CapAlert(
        identifier=cap_identifier(alert),
        sender=settings.CAP_SENDER,
        sent=sent,
        status=alert.mode,
        msg_type=alert.message_type,
        references=tuple(
            cap.CapReference(
                sender=settings.CAP_SENDER,
                identifier=cap_identifier(earlier),
                sent=earlier.issued_at,
            )
            for earlier in alert.chain
            if earlier.issued_at is not None
        ),
        note=DRILL_NOTE if alert.mode == Alert.Mode.EXERCISE else "",
        infos=tuple(infos),
    )
