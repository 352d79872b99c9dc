"""Console pages for messages: broadcasts to a segment of residents (written by one member of
staff, approved by a supervisor of the department who did not write it, sent now or at a
set time, cancelled until they have gone), and the texts of the platform's messages (staff's
versions per language and channel, checked when saved, previewed, earlier ones restorable)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import Department, Role
from minato.accounts.selectors import departments_visible_to
from minato.core.areas import Area
from minato.core.forms import DATETIME_LOCAL, LANGUAGE_LABELS, AccessibleForm, areas_field
from minato.notifications import broadcasts, message_templates
from minato.notifications.broadcasts import BroadcastError, Segment
from minato.notifications.models import (
    Broadcast,
    ChildAgeBand,
    MessageTemplate,
    Notification,
    Topic,
)

# Broadcasts are written in the site's languages; a resident reading another gets Japanese.
BROADCAST_LANGUAGES = ["ja", "en", "ja-easy"]
CHANNEL_LABELS = {
    "": gettext_lazy("Every channel"),
    "email": gettext_lazy("Email"),
    "line": gettext_lazy("LINE"),
    "push": gettext_lazy("Web push"),
    "sms": gettext_lazy("SMS"),
    "inbox": gettext_lazy("Message inbox"),
}


def _staff(request: HttpRequest) -> Any:
    if not permissions.has_role(request.user, Role.CLERK):
        raise PermissionDenied
    return request.user


def _visible_broadcasts(user: Any) -> QuerySet[Broadcast]:
    return permissions.in_visible_departments(
        Broadcast.objects.select_related("department", "created_by", "approved_by"), user
    )


def _broadcast_or_404(user: Any, public_id: Any) -> Broadcast:
    broadcast = _visible_broadcasts(user).filter(public_id=public_id).first()
    if broadcast is None:
        raise Http404
    return broadcast


# --- Broadcasts -----------------------------------------------------------------------------


class BroadcastForm(AccessibleForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Sent by"), queryset=Department.objects.none()
    )
    title = forms.CharField(
        label=gettext_lazy("Name (for staff)"),
        max_length=200,
        help_text=gettext_lazy("Residents do not see it. For example: 12月 乳幼児健診のお知らせ"),
    )
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=Topic.choices)
    areas = areas_field()
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Residents who read"),
        choices=[(code, LANGUAGE_LABELS[code]) for code in BROADCAST_LANGUAGES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every language."),
    )
    child_age_bands = forms.MultipleChoiceField(
        label=gettext_lazy("Only families with a child aged"),
        choices=ChildAgeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("From the birth months residents gave. None ticked: anyone."),
    )
    is_emergency = forms.BooleanField(
        label=gettext_lazy("Emergency: send even in residents' quiet hours"), required=False
    )
    scheduled_for = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        required=False,
        widget=DATETIME_LOCAL,
        help_text=gettext_lazy("Leave empty to send as soon as it is approved."),
    )
    subject_ja = forms.CharField(label=gettext_lazy("Subject (Japanese)"), max_length=300)
    body_ja = forms.CharField(
        label=gettext_lazy("Message (Japanese)"), max_length=4500, widget=forms.Textarea
    )
    subject_en = forms.CharField(
        label=gettext_lazy("Subject (English)"), max_length=300, required=False
    )
    body_en = forms.CharField(
        label=gettext_lazy("Message (English)"),
        max_length=4500,
        required=False,
        widget=forms.Textarea,
    )
    subject_easy = forms.CharField(
        label=gettext_lazy("Subject (Easy Japanese)"), max_length=300, required=False
    )
    body_easy = forms.CharField(
        label=gettext_lazy("Message (Easy Japanese)"),
        max_length=4500,
        required=False,
        widget=forms.Textarea,
        help_text=gettext_lazy(
            "Without an English or Easy Japanese text, those residents get the Japanese one."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user)  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(broadcast: Broadcast) -> dict[str, Any]:
        content = broadcast.content
        return {
            "department": broadcast.department,
            "title": broadcast.title,
            "topic": broadcast.topic,
            "areas": broadcast.areas,
            "languages": broadcast.languages,
            "child_age_bands": broadcast.child_age_bands,
            "is_emergency": broadcast.is_emergency,
            "scheduled_for": broadcast.scheduled_for,
            **{
                f"{part}_{suffix}": content.get(language, {}).get(part, "")
                for language, suffix in (("ja", "ja"), ("en", "en"), ("ja-easy", "easy"))
                for part in ("subject", "body")
            },
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in broadcasts.FIELDS if name in data},
            "content": {
                language: {"subject": data[f"subject_{suffix}"], "body": data[f"body_{suffix}"]}
                for language, suffix in (("ja", "ja"), ("en", "en"), ("ja-easy", "easy"))
            },
        }


def broadcast_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    page = Paginator(_visible_broadcasts(user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/staff/broadcasts.html", {"page": page})


def broadcast_edit(request: HttpRequest, public_id: Any = None) -> HttpResponse:
    user = _staff(request)
    broadcast = _broadcast_or_404(user, public_id) if public_id else None
    if broadcast is not None and broadcast.status != Broadcast.Status.DRAFT:
        return redirect("staff:notifications:broadcast", public_id=broadcast.public_id)
    if broadcast is not None:
        initial = BroadcastForm.initial_of(broadcast)
    else:
        profile = permissions.staff_profile_of(user)
        initial = {"topic": Topic.EVENTS, "department": profile.department if profile else None}
    form = BroadcastForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = broadcasts.broadcast_save(staff=user, broadcast=broadcast, values=form.values())
        except BroadcastError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved as a draft. Check it, then ask for approval."))
            return redirect("staff:notifications:broadcast", public_id=saved.public_id)
    return render(
        request,
        "notifications/staff/broadcast_form.html",
        {"form": form, "broadcast": broadcast},
        status=400 if form.errors else 200,
    )


def broadcast(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _staff(request)
    found = _broadcast_or_404(user, public_id)
    segment = Segment.of(found)
    live = found.status in (Broadcast.Status.DRAFT, Broadcast.Status.SUBMITTED)
    by_language = broadcasts.audience_by_language(segment) if live else {}
    previews = [
        {
            "language": LANGUAGE_LABELS.get(language, language),
            "code": language,
            "subject": text["subject"],
            "body": text["body"],
        }
        for language, text in found.content.items()
    ]
    return render(
        request,
        "notifications/staff/broadcast.html",
        {
            "broadcast": found,
            "previews": previews,
            "count_now": sum(by_language.values()) if live else None,
            "by_language": [
                (LANGUAGE_LABELS.get(code, code), count)
                for code, count in sorted(by_language.items())
            ],
            "areas": [Area(area).label for area in found.areas if area in Area.values],
            "languages": [LANGUAGE_LABELS.get(code, code) for code in found.languages],
            "bands": [ChildAgeBand(band).label for band in found.child_age_bands],
            "counts": None if live else _labelled(broadcasts.delivery_counts(found)),
            "can_write": broadcasts.can_write(user, found.department_id),
            "can_approve": broadcasts.can_approve(user, found),
            "cancellable": found.status in broadcasts.CANCELLABLE
            or (
                found.status == Broadcast.Status.SENT
                and broadcasts.waiting_deliveries(found).exists()
            ),
            "return_form": ReturnForm(),
        },
    )


def _labelled(counts: dict[str, dict[str, int]]) -> dict[str, list[tuple[str, int]]]:
    statuses = dict(Notification.Status.choices)
    return {
        "status": [(str(statuses.get(key, key)), n) for key, n in counts["status"].items()],
        "channel": [(str(CHANNEL_LABELS.get(key, key)), n) for key, n in counts["channel"].items()],
    }


class ReturnForm(AccessibleForm):
    reason = forms.CharField(
        label=gettext_lazy("What needs changing"), max_length=300, widget=forms.Textarea
    )


def _act(request: HttpRequest, public_id: Any, action: str) -> HttpResponse:
    user = _staff(request)
    found = _broadcast_or_404(user, public_id)
    try:
        if action == "submit":
            broadcasts.broadcast_submit(staff=user, broadcast=found)
            messages.success(request, _("Sent for approval."))
        elif action == "approve":
            broadcasts.broadcast_approve(staff=user, broadcast=found)
            messages.success(request, _("Approved. It is being sent, or will be at its time."))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say what needs changing."))
                return redirect("staff:notifications:broadcast", public_id=public_id)
            broadcasts.broadcast_return(
                staff=user, broadcast=found, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Sent back to its author."))
        elif action == "cancel":
            withdrawn = broadcasts.broadcast_cancel(staff=user, broadcast=found)
            messages.success(
                request,
                _("Cancelled. %(count)s messages not yet sent were withdrawn.")
                % {"count": withdrawn},
            )
    except BroadcastError as exc:
        messages.error(request, str(exc))
    return redirect("staff:notifications:broadcast", public_id=public_id)


@require_POST
def broadcast_submit(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _act(request, public_id, "submit")


@require_POST
def broadcast_approve(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _act(request, public_id, "approve")


@require_POST
def broadcast_return(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _act(request, public_id, "return")


@require_POST
def broadcast_cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _act(request, public_id, "cancel")


# --- Message texts --------------------------------------------------------------------------


def can_edit_templates(user: Any) -> bool:
    """The texts are the whole ward's (sign-up, payments, bookings …): system
    administrators change them; other staff read and preview."""
    return permissions.has_role(user, Role.SYSTEM_ADMIN)


class TemplateForm(AccessibleForm):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[(code, LANGUAGE_LABELS[code]) for code in message_templates.TEMPLATE_LANGUAGES],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How it is sent"),
        required=False,  # "" is "every channel"
        choices=[(code, CHANNEL_LABELS[code]) for code in message_templates.TEMPLATE_CHANNELS],
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=message_templates.BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


def template_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    edited = {
        key: count
        for key, count in MessageTemplate.objects.order_by()
        .values_list("key")
        .annotate(count=Count("pk"))
    }
    keys = [
        {
            "key": key,
            "app": key.partition("/")[0],
            "name": key.partition("/")[2],
            "languages": sorted(built_in.files),
            "versions": edited.get(key, 0),
        }
        for key, built_in in message_templates.built_ins().items()
    ]
    return render(request, "notifications/staff/templates.html", {"keys": keys})


def template_edit(request: HttpRequest, app: str, name: str) -> HttpResponse:
    user = _staff(request)
    key = f"{app}/{name}"
    built_in = message_templates.built_ins().get(key)
    if built_in is None:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    language = source.get("language", "ja")
    channel = source.get("channel", "")
    if language not in message_templates.TEMPLATE_LANGUAGES:
        language = "ja"
    if channel not in message_templates.TEMPLATE_CHANNELS:
        channel = ""
    current = message_templates.current(key=key, language=language, channel=channel)
    default_subject, default_body = built_in.text(language)
    initial = {
        "language": language,
        "channel": channel,
        "subject": current.subject if current else default_subject,
        "body": current.body if current else default_body,
    }
    restore = source.get("restore", "")
    if restore.isdigit() and request.method == "GET":
        earlier = MessageTemplate.objects.filter(key=key, pk=restore).first()
        if earlier is not None:
            initial.update(subject=earlier.subject, body=earlier.body)
    form = TemplateForm(request.POST or None, initial=initial)
    preview = None
    can_edit = can_edit_templates(user)
    if request.method == "POST":
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            try:
                message_templates.validate(key=key, subject=subject, body=body)
                if "preview" in request.POST:
                    preview = message_templates.render_text(
                        subject, body, message_templates.sample_context(key)
                    )
                else:
                    if not can_edit:
                        raise PermissionDenied
                    saved = message_templates.template_save(
                        staff=user,
                        key=key,
                        language=form.cleaned_data["language"],
                        channel=form.cleaned_data["channel"],
                        subject=subject,
                        body=body,
                    )
                    messages.success(
                        request, _("Saved as version %(version)s.") % {"version": saved.version}
                    )
                    return redirect(
                        f"{request.path}?language={saved.language}&channel={saved.channel}"
                    )
            except message_templates.InvalidTemplate as exc:
                form.add_error("body", str(exc))
    elif current or built_in.files.get(language):
        preview = message_templates.render_text(
            initial["subject"], initial["body"], message_templates.sample_context(key)
        )
    versions = MessageTemplate.objects.filter(
        key=key, language=language, channel=channel
    ).select_related("created_by")
    return render(
        request,
        "notifications/staff/template.html",
        {
            "key": key,
            "form": form,
            "preview": preview,
            "placeholders": sorted(built_in.placeholders),
            "versions": versions,
            "language_label": LANGUAGE_LABELS[language],
            "channel_label": CHANNEL_LABELS[channel],
            "language": language,
            "channel": channel,
            "can_edit": can_edit,
            "has_built_in": language in built_in.files,
        },
        status=400 if form.errors else 200,
    )
