"""The resident's page for how the ward reaches them: the order of their channels, LINE
linking, the topics and areas they hear about, and quiet hours."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minato.accounts.models import Channel, User
from minato.accounts.services import resident_profile_update
from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.notifications import services
from minato.notifications.adapters import enabled_channels
from minato.notifications.models import LineAccount, Preference, Topic
from minato.notifications.push_subscriptions import push_browser_count

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
CHILDREN = 3
# The oldest child whose birth month is kept: child-rearing news goes up to 17 years.
CHILD_YEARS = 18


class BirthMonthField(forms.CharField):
    """A month as the browser's month input sends it (YYYY-MM); the first of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2024-05"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            year, month = text.split("-")
            if len(year) != 4:
                raise ValueError(text)
            born = date(int(year), int(month), 1)
        except ValueError:
            raise forms.ValidationError(
                _("Write the year and month, for example 2024-05.")
            ) from None
        today = timezone.localdate()
        if born > today or born.year < today.year - CHILD_YEARS:
            raise forms.ValidationError(
                _("Give the month of a child born in the last %(years)s years.")
                % {"years": CHILD_YEARS}
            )
        return born

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class PreferencesForm(AccessibleForm):
    first = forms.ChoiceField(label=gettext_lazy("First choice"))
    second = forms.ChoiceField(label=gettext_lazy("Second choice"), required=False)
    third = forms.ChoiceField(label=gettext_lazy("Third choice"), required=False)
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("News I want"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Messages about your own applications and bookings always come."),
    )
    areas = forms.MultipleChoiceField(
        label=gettext_lazy("Areas"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave empty for news from the whole ward."),
    )
    child_1, child_2, child_3 = (
        BirthMonthField(
            label=label,
            required=False,
            help_text=gettext_lazy(
                "For child-rearing news by age (check-ups, vaccinations, nursery). Only the "
                "year and month are kept."
            )
            if number == 1
            else "",
        )
        for number, label in enumerate(
            [
                gettext_lazy("A child's birth month"),
                gettext_lazy("Another child's birth month"),
                gettext_lazy("Another child's birth month (third)"),
            ],
            start=1,
        )
    )
    quiet_from = forms.TimeField(label=gettext_lazy("Quiet from"), required=False, widget=TIME)
    quiet_until = forms.TimeField(label=gettext_lazy("Quiet until"), required=False, widget=TIME)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = [
            (value, label) for value, label in Channel.choices if value in enabled_channels()
        ]
        self.fields["first"].choices = offered  # type: ignore[attr-defined]
        for name in ("second", "third"):
            self.fields[name].choices = [("", _("None")), *offered]  # type: ignore[attr-defined]
        self.fields["quiet_until"].help_text = gettext_lazy(
            "LINE, push and SMS wait until then; emergencies do not. Email and the inbox are "
            "never held."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_from") is None) != (data.get("quiet_until") is None):
            self.add_error("quiet_until", _("Give both times, or neither."))
        return data

    def children(self) -> list[date]:
        months = [self.cleaned_data.get(f"child_{n}") for n in range(1, CHILDREN + 1)]
        return sorted({month for month in months if month})

    def channels(self) -> list[str]:
        chosen = [self.cleaned_data.get(name) for name in ("first", "second", "third")]
        return list(dict.fromkeys(channel for channel in chosen if channel))


def _resident(request: HttpRequest) -> Any:
    if request.user.kind != User.Kind.RESIDENT:  # type: ignore[union-attr]
        raise Http404
    return request.user


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = _resident(request)
    preference = Preference.objects.filter(user=user).first()
    order = [channel for channel, _address in services.channel_order(user)]
    chosen = list(getattr(user.profile, "preferred_channels", []) or []) or order
    initial = {
        "first": chosen[0] if chosen else "email",
        "second": chosen[1] if len(chosen) > 1 else "",
        "third": chosen[2] if len(chosen) > 2 else "",
        "topics": preference.topics if preference else list(services.DEFAULT_TOPICS),
        "areas": preference.areas if preference else [],
        "quiet_from": preference.quiet_from if preference else None,
        "quiet_until": preference.quiet_until if preference else None,
        **{
            f"child_{number}": child.born_on
            for number, child in enumerate(
                preference.children.all()[:CHILDREN] if preference else [], start=1
            )
        },
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        resident_profile_update(user=user, data={"preferred_channels": form.channels()})
        services.preference_save(
            user=user,
            topics=form.cleaned_data["topics"],
            areas=form.cleaned_data["areas"],
            quiet_from=form.cleaned_data["quiet_from"],
            quiet_until=form.cleaned_data["quiet_until"],
            children=form.children(),
        )
        messages.success(request, _("Saved. It applies from now on."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/portal/preferences.html",
        {
            "form": form,
            "line_enabled": "line" in enabled_channels(),
            "line_account": LineAccount.objects.filter(user=user).first(),
            "reaching": order[0] if order else "",
            "push_enabled": "push" in enabled_channels(),
            "vapid_public_key": django_settings.WEBPUSH_VAPID_PUBLIC_KEY,
            "push_browsers": push_browser_count(user_id=user.pk),
        },
        status=400 if form.errors else 200,
    )
