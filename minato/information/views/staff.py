"""The console's notices: list, write, publish, withdraw (``staff:information:…``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minato.accounts import permissions
from minato.accounts.models import Department, Role
from minato.accounts.selectors import departments_visible_to
from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.information import selectors, services
from minato.information.models import CONTENT_LANGUAGES, Notice
from minato.information.services import NoticeError

LANGUAGE_LABELS = {
    "ja": gettext_lazy("Japanese"),
    "en": gettext_lazy("English"),
    "ja-easy": gettext_lazy("Easy Japanese"),
    "zh": gettext_lazy("Chinese"),
    "ko": gettext_lazy("Korean"),
}
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _suffix(language: str) -> str:
    return language.replace("-", "_")


def _staff(request: HttpRequest) -> Any:
    if not permissions.has_role(request.user, Role.CLERK):
        raise PermissionDenied
    return request.user


def _notice_or_404(user: Any, public_id: Any) -> Notice:
    notice = selectors.notices_for_staff(user).filter(public_id=public_id).first()
    if notice is None:
        raise Http404
    return notice


class NoticeForm(AccessibleForm):
    department = forms.ModelChoiceField(
        label=gettext_lazy("Published by"), queryset=Department.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Notice.Kind.choices)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Notice.Category.choices)
    areas = forms.MultipleChoiceField(
        label=gettext_lazy("Areas"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: the whole ward."),
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Show from"),
        widget=DATETIME,
        help_text=gettext_lazy("A time in the future schedules it."),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Show until"),
        required=False,
        widget=DATETIME,
        help_text=gettext_lazy("Leave empty to keep it until it is withdrawn."),
    )
    event_starts_at = forms.DateTimeField(
        label=gettext_lazy("Event date and time"), required=False, widget=DATETIME
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
