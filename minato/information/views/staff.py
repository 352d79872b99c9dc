"""The console's notices: list, write, publish, withdraw (``staff:information:…``)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import Department, Role
from minato.accounts.selectors import departments_visible_to
from minato.core.areas import Area
from minato.core.forms import DATETIME_LOCAL, LANGUAGE_LABELS, AccessibleForm, areas_field
from minato.information import alerts, selectors, services
from minato.information.models import CONTENT_LANGUAGES, Alert, Notice
from minato.information.services import NoticeError


def _suffix(language: str) -> str:
    return language.replace("-", "_")


def _staff(request: HttpRequest) -> Any:
    if not permissions.has_role(request.user, Role.CLERK):
        raise PermissionDenied
    return request.user


def _notice_or_404(user: Any, public_id: Any) -> Notice:
    return get_object_or_404(selectors.notices_for_staff(user), public_id=public_id)


class NoticeForm(AccessibleForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Published by"), queryset=Department.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Notice.Kind.choices)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Notice.Category.choices)
    areas = areas_field()
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Show from"),
        widget=DATETIME_LOCAL,
        help_text=gettext_lazy("A time in the future schedules it."),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Show until"),
        required=False,
        widget=DATETIME_LOCAL,
        help_text=gettext_lazy("Leave empty to keep it until it is withdrawn."),
    )
    event_starts_at = forms.DateTimeField(
        label=gettext_lazy("Event date and time"), required=False, widget=DATETIME_LOCAL
    )
    event_place = forms.CharField(label=gettext_lazy("Event place"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user)  # type: ignore[attr-defined]
        for language in CONTENT_LANGUAGES:
            label = LANGUAGE_LABELS[language]
            required = language == "ja"
            self.fields[f"title_{_suffix(language)}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": label},
                max_length=services.TITLE_LENGTH,
                required=required,
            )
            self.fields[f"body_{_suffix(language)}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": label},
                max_length=services.BODY_LENGTH,
                required=required,
                widget=forms.Textarea,
            )

    @staticmethod
    def initial_of(notice: Notice) -> dict[str, Any]:
        local = {
            name: timezone.localtime(value) if value else None
            for name in ("starts_at", "ends_at", "event_starts_at")
            for value in [getattr(notice, name)]
        }
        return {
            "department": notice.department,
            "kind": notice.kind,
            "category": notice.category,
            "areas": notice.areas,
            "event_place": notice.event_place,
            **local,
            **{
                f"{part}_{_suffix(language)}": notice.content.get(language, {}).get(part, "")
                for language in CONTENT_LANGUAGES
                for part in ("title", "body")
            },
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in services.FIELDS if name in data},
            "content": {
                language: {
                    "title": data[f"title_{_suffix(language)}"],
                    "body": data[f"body_{_suffix(language)}"],
                }
                for language in CONTENT_LANGUAGES
            },
        }


def notice_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    page = Paginator(selectors.notices_for_staff(user), 30).get_page(request.GET.get("page"))
    return render(request, "information/staff/notices.html", {"page": page})


def notice_edit(request: HttpRequest, public_id: Any = None) -> HttpResponse:
    user = _staff(request)
    notice = _notice_or_404(user, public_id) if public_id else None
    if notice is not None:
        initial = NoticeForm.initial_of(notice)
    else:
        profile = permissions.staff_profile_of(user)
        initial = {
            "department": profile.department if profile else None,
            "kind": Notice.Kind.NEWS,
            "starts_at": timezone.localtime().replace(second=0, microsecond=0),
        }
    form = NoticeForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.notice_save(staff=user, notice=notice, values=form.values())
        except NoticeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:information:notice", public_id=saved.public_id)
    return render(
        request,
        "information/staff/notice_form.html",
        {"form": form, "notice": notice},
        status=400 if form.errors else 200,
    )


def notice(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _staff(request)
    found = _notice_or_404(user, public_id)
    return render(
        request,
        "information/staff/notice.html",
        {
            "notice": found,
            "texts": [
                (code, LANGUAGE_LABELS[code], found.content[code]) for code in found.languages
            ],
            "can_publish": services.can_publish(user, found),
            "can_write": services.can_write(user, found.department_id),
        },
    )


def _act(request: HttpRequest, public_id: Any, action: str) -> HttpResponse:
    user = _staff(request)
    found = _notice_or_404(user, public_id)
    try:
        if action == "publish":
            services.notice_publish(staff=user, notice=found)
            messages.success(request, _("Published."))
        else:
            services.notice_withdraw(staff=user, notice=found)
            messages.success(request, _("Withdrawn: it no longer shows anywhere."))
    except NoticeError as exc:
        messages.error(request, str(exc))
    return redirect("staff:information:notice", public_id=found.public_id)


@require_POST
def notice_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _act(request, public_id, "publish")


@require_POST
def notice_withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _act(request, public_id, "withdraw")


# --- Emergency alerts -----------------------------------------------------------------------


def _alert_or_404(user: Any, public_id: Any) -> Alert:
    return get_object_or_404(selectors.alerts_for_staff(user), public_id=public_id)


class AlertForm(AccessibleForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Issued by"), queryset=Department.objects.none()
    )
    event = forms.ChoiceField(label=gettext_lazy("What it is about"), choices=Alert.Event.choices)
    mode = forms.ChoiceField(
        label=gettext_lazy("Real or drill"),
        choices=Alert.Mode.choices,
        help_text=gettext_lazy(
            "A drill reaches residents marked as a drill; a technical test goes only to the "
            "CAP feed."
        ),
    )
    areas = areas_field()
    expires_at = forms.DateTimeField(label=gettext_lazy("Until"), widget=DATETIME_LOCAL)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(user)  # type: ignore[attr-defined]
        for language in alerts.ALERT_LANGUAGES:
            label = LANGUAGE_LABELS[language]
            required = language == "ja"
            suffix = _suffix(language)
            self.fields[f"headline_{suffix}"] = forms.CharField(
                label=_("Headline (%(language)s)") % {"language": label},
                max_length=160,
                required=required,
            )
            self.fields[f"description_{suffix}"] = forms.CharField(
                label=_("What is happening (%(language)s)") % {"language": label},
                max_length=2000,
                required=required,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"instruction_{suffix}"] = forms.CharField(
                label=_("What to do (%(language)s)") % {"language": label},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @staticmethod
    def initial_of(alert: Alert) -> dict[str, Any]:
        return {
            "department": alert.department,
            "event": alert.event,
            "mode": alert.mode,
            "areas": alert.areas,
            "expires_at": timezone.localtime(alert.expires_at),
            **{
                f"{part}_{_suffix(language)}": alert.content.get(language, {}).get(part, "")
                for language in alerts.ALERT_LANGUAGES
                for part in ("headline", "description", "instruction")
            },
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in alerts.FIELDS if name in data},
            "content": {
                language: {
                    part: data[f"{part}_{_suffix(language)}"]
                    for part in ("headline", "description", "instruction")
                }
                for language in alerts.ALERT_LANGUAGES
            },
        }


def alert_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    page = Paginator(selectors.alerts_for_staff(user), 30).get_page(request.GET.get("page"))
    return render(request, "information/staff/alerts.html", {"page": page})


def alert_edit(request: HttpRequest, public_id: Any = None) -> HttpResponse:
    """Write a first alert or change a draft; ``?follows=<id>&type=Update|Cancel`` writes an
    update or a cancellation of an issued one."""
    user = _staff(request)
    alert = _alert_or_404(user, public_id) if public_id else None
    follows = None
    message_type = request.GET.get("type", "")
    if alert is None and request.GET.get("follows"):
        try:
            follows = _alert_or_404(user, uuid.UUID(request.GET["follows"]))
        except ValueError:
            raise Http404 from None
    if alert is not None:
        initial = AlertForm.initial_of(alert)
    elif follows is not None:
        initial = AlertForm.initial_of(follows)
    else:
        profile = permissions.staff_profile_of(user)
        initial = {
            "department": profile.department if profile else None,
            "mode": Alert.Mode.ACTUAL,
            "expires_at": (timezone.localtime() + timedelta(hours=6)).replace(
                second=0, microsecond=0
            ),
        }
    form = AlertForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            if follows is not None:
                saved = alerts.alert_follow_up(
                    staff=user, previous=follows, message_type=message_type, values=form.values()
                )
            else:
                saved = alerts.alert_save(staff=user, alert=alert, values=form.values())
        except alerts.AlertError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved. Check it, then issue it or ask a supervisor."))
            return redirect("staff:information:alert", public_id=saved.public_id)
    return render(
        request,
        "information/staff/alert_form.html",
        {"form": form, "alert": alert, "follows": follows, "message_type": message_type},
        status=400 if form.errors else 200,
    )


def alert(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _staff(request)
    found = _alert_or_404(user, public_id)
    superseded = Alert.objects.filter(previous=found, state=Alert.State.ISSUED).exists()
    latest = found.state == Alert.State.ISSUED and not superseded
    return render(
        request,
        "information/staff/alert.html",
        {
            "alert": found,
            "texts": [
                (code, LANGUAGE_LABELS[code], found.content[code])
                for code in alerts.ALERT_LANGUAGES
                if code in found.content
            ],
            "can_issue": alerts.can_issue(user, found),
            "is_author": found.created_by_id == user.pk,
            "can_follow_up": latest
            and found.message_type != Alert.MessageType.CANCEL
            and alerts.can_write(user, found.department_id),
        },
    )


@require_POST
def alert_submit(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _staff(request)
    found = _alert_or_404(user, public_id)
    try:
        alerts.alert_submit(staff=user, alert=found)
        messages.success(request, _("Sent to the supervisors of the department."))
    except alerts.AlertError as exc:
        messages.error(request, str(exc))
    return redirect("staff:information:alert", public_id=found.public_id)


@require_POST
def alert_issue(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _staff(request)
    found = _alert_or_404(user, public_id)
    try:
        alerts.alert_issue(staff=user, alert=found)
        messages.success(
            request, _("Issued: on the portal, to residents in the areas and in the CAP feed.")
        )
    except alerts.AlertError as exc:
        messages.error(request, str(exc))
    return redirect("staff:information:alert", public_id=found.public_id)


# --- Signage screens -----------------------------------------------------------------------


class DisplayForm(AccessibleForm):
    name = forms.CharField(
        label=gettext_lazy("Where the screen is"),
        max_length=100,
        help_text=gettext_lazy("For example: 芝地区総合支所 1階ロビー"),
    )
    group = forms.ChoiceField(
        label=gettext_lazy("What it shows"),
        choices=[("ward", gettext_lazy("The whole ward")), *Area.choices],
    )


def display_list(request: HttpRequest) -> HttpResponse:
    """Every registered screen, online or not, and (supervisors) a form to add one."""
    user = _staff(request)
    manage = services.can_manage_displays(user)
    form = DisplayForm(request.POST or None) if manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                display = services.display_create(
                    staff=user, name=form.cleaned_data["name"], group=form.cleaned_data["group"]
                )
            except NoticeError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Registered. Open this address on the screen: %(url)s")
                    % {"url": display_url(display)},
                )
                return redirect("staff:information:displays")
    return render(
        request,
        "information/staff/displays.html",
        {
            "displays": [
                (display, online, display_url(display))
                for display, online in selectors.displays_with_status()
            ],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def display_url(display: Any) -> str:
    path = reverse("signage:screen", args=[display.group])
    return f"{settings.SITE_URL}{path}?{urlencode({'display': display.key})}"
