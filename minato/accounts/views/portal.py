"""Resident account pages: sign up, verify, sign in and out, profile, deletion, access log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from minato.accounts import selectors, services
from minato.accounts.adapters.postal import format_postal_code
from minato.accounts.adapters.postal import lookup as postal_lookup
from minato.accounts.forms import (
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    ResidentPasswordChangeForm,
    ResidentPasswordResetForm,
    ResidentSetPasswordForm,
    SignUpForm,
)
from minato.accounts.models import User
from minato.accounts.rate_limits import IP_KEY, LOGIN_RATE, sign_in_rate_limited
from minato.notifications.inbox import inbox_for_recipient, inbox_unread_count


def _resident_required(view: Any) -> Any:
    """Signed in as a resident; staff use the console, not the portal account pages."""

    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.kind == User.Kind.GUEST:  # type: ignore[union-attr]
            # A guest applicant has no profile to manage, only their applications.
            return redirect("procedures:my_applications")
        if not request.user.is_resident:  # type: ignore[union-attr]
            messages.info(request, _("Staff accounts are managed in the staff console."))
            return redirect("staff:home")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignUpForm(request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address already has an account, so the form
        # cannot be used to find out who is registered; the owner gets an email instead.
        services.resident_sign_up_or_warn_owner(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        return redirect("accounts:signup_done")
    return render(request, "accounts/portal/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/portal/signup_done.html")


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.resident_email_verify(token=token)
    except services.InvalidVerificationLink:
        return render(request, "accounts/portal/verify_failed.html", status=400)
    messages.success(request, _("Your email address is confirmed."))
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


@require_POST
@_resident_required
@ratelimit(key="user", rate="3/h", method="POST", block=True)
def resend_verification(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.email_verified_at is None:
        services.email_verification_send(user=user)
    messages.success(request, _("We have sent the confirmation email again."))
    return redirect(_safe_next(request, reverse("accounts:profile")))


def _resident(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
@sign_in_rate_limited
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        login(request, form.user)
        return HttpResponseRedirect(_safe_next(request, str(reverse_lazy("accounts:profile"))))
    if form.failure:
        services.sign_in_failed(
            email=form.cleaned_data["email"], console="portal", reason=form.failure
        )
    return render(
        request, "accounts/portal/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal:home")


def _profile_details(user: User, profile: Any) -> dict[str, str]:
    """The resident's details as the profile page shows them: the page's labels come from a
    fragment rendered once per language (core.templatetags.chrome), these are its slots."""
    not_given = _("Not given")
    kana = f"{profile.family_name_kana} {profile.given_name_kana}".strip()
    postal = f"〒{format_postal_code(profile.postal_code)} " if profile.postal_code else ""
    languages = dict(settings.LANGUAGES)
    return {
        "email": user.email,
        "assurance": str(user.get_assurance_level_display()),
        "name": profile.full_name or not_given,
        "kana": kana,
        "birth_date": profile.birth_date.isoformat() if profile.birth_date else not_given,
        "address": f"{postal}{profile.prefecture}{profile.city}{profile.address_line}",
        "phone": profile.phone or not_given,
        "language": str(languages.get(profile.preferred_language, "")),
    }


@_resident_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    resident_profile = selectors.resident_profile_of(user)
    return render(
        request,
        "accounts/portal/profile.html",
        {"details": _profile_details(user, resident_profile)},
    )


@require_http_methods(["GET", "POST"])
@_resident_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    resident_profile = selectors.resident_profile_of(user)
    initial = {name: getattr(resident_profile, name) for name in services.PROFILE_FIELDS}
    if request.method == "POST" and "find_address" in request.POST:
        # Without JavaScript the "Find address" button posts the form: fill in the
        # address from the postal code and show the form again, saving nothing.
        data = request.POST.copy()
        found = postal_lookup(data.get("postal_code", ""))
        if found:
            _fill_address(data, found)
        form = ProfileForm(data)
        form.is_valid()
        if not found:
            form.add_error("postal_code", _("No address was found for this postal code."))
        return render(request, "accounts/portal/profile_edit.html", {"form": form})
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.resident_profile_update(user=user, data=form.cleaned_data)
        except ValidationError as error:
            # The model's own checks (lengths, choices) are the last line; show them too.
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(
                request, _("Your details are saved.") if changes else _("Nothing was changed.")
            )
            return redirect("accounts:profile")
    return render(request, "accounts/portal/profile_edit.html", {"form": form})


def _fill_address(data: Any, found: Any) -> None:
    """Fill prefecture and city from the look-up; keep a street the person already typed
    in that town, otherwise start the address line with the town's name."""
    data["prefecture"], data["city"] = found.prefecture, found.city
    if not data.get("address_line", "").startswith(found.town):
        data["address_line"] = found.town


def postal_lookup_fragment(request: HttpRequest) -> HttpResponse:
    """htmx: the address fields, filled from the postal code typed so far."""
    found = postal_lookup(request.GET.get("postal_code", ""))
    data = request.GET.copy()
    if found:
        _fill_address(data, found)
    form = ProfileForm(initial={k: data.get(k, "") for k in ("prefecture", "city", "address_line")})
    return render(
        request,
        "accounts/portal/_address_fields.html",
        {"form": form, "found": found, "searched": bool(request.GET.get("postal_code"))},
    )


@require_http_methods(["GET", "POST"])
@_resident_required
def delete_account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.resident_delete(user=user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("portal:home")
    return render(request, "accounts/portal/delete.html", {"form": form})


@require_http_methods(["GET", "POST"])
@_resident_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = _resident(request)
    form = ResidentPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            services.user_password_changed(user=user, reason="changed")
        # Keep this session signed in; every other session of the account ends.
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/portal/password_change.html", {"form": form})


@_resident_required
def access_log(request: HttpRequest) -> HttpResponse:
    events = selectors.record_accesses_for_resident(resident_id=_resident(request).pk)
    page = Paginator(events, 20).get_page(request.GET.get("page"))
    departments = selectors.actor_departments(
        {event.actor_id for event in page.object_list if event.actor_id}
    )
    language = request.LANGUAGE_CODE
    labels = selectors.resident_access_labels()
    rows = []
    for event in page.object_list:
        department = departments.get(event.actor_id) if event.actor_id else None
        if department is not None:
            who = _("Staff of %(department)s") % {"department": department.name(language)}
        elif event.actor_label.startswith("service:"):
            who = _("A ward business system")
        else:
            who = _("The ward's system")
        rows.append(
            {
                "when": event.occurred_at,
                "who": who,
                "what": labels.get(event.action, _("Worked on your records")),
            }
        )
    return render(request, "accounts/portal/access_log.html", {"page": page, "rows": rows})


@_resident_required
def inbox(request: HttpRequest) -> HttpResponse:
    recipient_id = _resident(request).pk
    page = Paginator(inbox_for_recipient(recipient_id=recipient_id), 20).get_page(
        request.GET.get("page")
    )
    unread = inbox_unread_count(recipient_id=recipient_id)
    return render(request, "accounts/portal/inbox.html", {"page": page, "unread": unread})


@method_decorator(ratelimit(key=IP_KEY, rate=LOGIN_RATE, method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResidentPasswordResetForm
    template_name = "accounts/portal/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResidentSetPasswordForm
    template_name = "accounts/portal/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def get_success_url(self) -> str:
        # Invited staff set their first password here, then sign in to the console.
        if self.user is not None and self.user.is_staff:  # type: ignore[attr-defined]
            return str(reverse_lazy("staff:login"))
        return str(self.success_url)

    @transaction.atomic
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(user=form.user, reason="reset")
        services.guest_upgrade(user=form.user)
        messages.success(self.request, _("Your password has been changed. Please sign in."))
        return response


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/portal/password_reset_done.html")
