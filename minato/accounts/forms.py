from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts.adapters.postal import normalise_postal_code
from minato.accounts.models import ApiToken, Channel, Department, Role, User
from minato.accounts.services import SignInFailure
from minato.accounts.validators import (
    normalise_kana,
    normalise_phone,
    validate_kana,
    validate_phone,
)
from minato.core.forms import AccessibleForm, AccessibleFormMixin
from minato.notifications.services import notify

LANGUAGE_CHOICES = settings.LANGUAGES


class SignUpForm(AccessibleForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        help_text=_("At least 10 characters. Avoid common words and your email address."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for messages"), choices=LANGUAGE_CHOICES, initial="ja"
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, email = cleaned.get("password"), cleaned.get("email")
        if password:
            try:
                password_validation.validate_password(password, User(email=email or ""))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class LoginForm(AccessibleForm):
    """Resident sign-in. Every refusal shows one message, whatever the reason: a page that
    told "wrong password" from "right password, wrong page" would confirm passwords."""

    invalid_login = _("The email address or password is not correct.")

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        # Why the credentials were refused (services.SignInFailure), for the audit log.
        self.failure: str | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            user = authenticate(self.request, username=email.lower(), password=password)
            self.failure = self.refusal(user, cleaned)
            if self.failure is not None:
                raise forms.ValidationError(self.invalid_login, code="invalid_login")
            self.user = user  # type: ignore[assignment]
        return cleaned

    def refusal(self, user: Any, cleaned: dict[str, Any]) -> str | None:
        """Why ``user`` (None: wrong address or password) may not sign in here, or None."""
        if user is None:
            return SignInFailure.CREDENTIALS
        if user.is_staff:
            return SignInFailure.WRONG_CONSOLE
        return None


class StaffLoginForm(LoginForm):
    """Staff sign-in: password and the authenticator's code, checked together. A wrong
    password, a right password with a wrong code, and a right password without an enrolled
    device get the same message, the same status and the same checks."""

    invalid_login = _("The email address, password or code is not correct.")
    device: TOTPDevice | None = None

    otp_token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def refusal(self, user: Any, cleaned: dict[str, Any]) -> str | None:
        staff = user if user is not None and user.is_staff else None
        # The code is checked on every attempt, with the same query whether or not the
        # password was right (None finds no device), so that nothing but the answer differs.
        devices = list(
            TOTPDevice.objects.filter(user_id=staff.pk if staff else None, confirmed=True)
        )
        code = cleaned.get("otp_token") or ""
        self.device = next((device for device in devices if device.verify_token(code)), None)
        if user is None:
            return SignInFailure.CREDENTIALS
        if staff is None:
            return SignInFailure.WRONG_CONSOLE
        if not devices:
            # Enrolment happens only through the invitation link, never after a password.
            return SignInFailure.NO_SECOND_FACTOR
        if self.device is None:
            return SignInFailure.SECOND_FACTOR
        return None


class OtpCodeField(forms.RegexField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            regex=r"^\d{6}$",
            label=_("Six-digit code from your authenticator app"),
            error_messages={"invalid": _("Enter the six digits shown in the app.")},
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            **kwargs,
        )


class StaffInvitationForm(AccessibleFormMixin, SetPasswordForm):  # type: ignore[type-arg]
    """An invited staff member chooses a password and confirms the authenticator app that
    the page enrols, with one of its codes."""

    otp_token = OtpCodeField()

    def __init__(self, user: User, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        self.device = device
        super().__init__(user, *args, **kwargs)

    def clean_otp_token(self) -> str:
        code: str = self.cleaned_data["otp_token"]
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                _("The code is not correct. Check the time on your phone and try again."),
                code="wrong_code",
            )
        return code


KANA_MAX_LENGTH = 50


class ProfileForm(AccessibleForm):
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name_kana = forms.CharField(
        label=_("Family name (furigana)"), max_length=50, required=False, validators=[validate_kana]
    )
    given_name_kana = forms.CharField(
        label=_("Given name (furigana)"), max_length=50, required=False, validators=[validate_kana]
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("For example 1985-04-01."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=False,
        help_text=_(
            "Seven digits, for example 105-8511. Use “Find address” to fill in the address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    prefecture = forms.CharField(
        label=_("Prefecture"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    city = forms.CharField(
        label=_("City, ward, town or village"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    address_line = forms.CharField(
        label=_("Rest of the address"),
        max_length=200,
        required=False,
        help_text=_("Town, block and building, for example 芝公園1-5-25."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for messages"), choices=LANGUAGE_CHOICES
    )
    preferred_channels = forms.MultipleChoiceField(
        label=_("How we contact you"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Email is used until the other channels are available."),
    )

    def clean_postal_code(self) -> str:
        raw = self.cleaned_data.get("postal_code", "")
        if not raw:
            return ""
        code = normalise_postal_code(raw)
        if not code:
            raise forms.ValidationError(
                _("Enter a seven-digit postal code, such as 105-8511."), code="invalid_postal_code"
            )
        return code

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def _clean_kana(self, name: str) -> str:
        # Normalising can lengthen the text (one ㌀ becomes four katakana): check after.
        value = normalise_kana(self.cleaned_data.get(name, ""))
        if len(value) > KANA_MAX_LENGTH:
            raise forms.ValidationError(
                _("Enter at most %(max)s characters.") % {"max": KANA_MAX_LENGTH}, code="max_length"
            )
        return value

    def clean_family_name_kana(self) -> str:
        return self._clean_kana("family_name_kana")

    def clean_given_name_kana(self) -> str:
        return self._clean_kana("given_name_kana")


class DeleteAccountForm(AccessibleForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("I understand that my account cannot be restored."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


class ResidentPasswordResetForm(AccessibleFormMixin, PasswordResetForm):
    """Django's reset flow, with the email sent through the notifications service."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.urls import reverse

        from minato.accounts.services import absolute_url

        path = reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]])
        notify(
            recipient=context["user"],
            template_key="accounts/password_reset",
            context={"reset_url": absolute_url(path)},
            reference="accounts.password_reset",
        )


class ResidentSetPasswordForm(AccessibleFormMixin, SetPasswordForm):  # type: ignore[type-arg]
    pass


class ResidentSearchForm(AccessibleForm):
    q = forms.CharField(label=_("Email address or name"), max_length=100, min_length=2)


# The platform's records start long after 2000 and the filter must never overflow a date.
AUDIT_DATE_RANGE = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2999, 12, 31))]


class AuditFilterForm(AccessibleForm):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("For example accounts. or accounts.profile_updated"),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    actor_id = forms.IntegerField(label=_("Actor id"), required=False, min_value=1, max_value=2**62)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=AUDIT_DATE_RANGE,
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=AUDIT_DATE_RANGE,
    )


class ApiTokenForm(AccessibleForm):
    name = forms.CharField(
        label=_("What the token is for"),
        max_length=100,
        help_text=_("For example: 住民記録システム連携 (resident records system link)."),
    )
    service_email = forms.EmailField(
        label=_("Service account email"),
        help_text=_("The system's account; it is created if it does not exist yet."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    department = forms.ModelChoiceField(
        label=_("Limit to a department (optional)"),
        required=False,
        queryset=Department.objects.order_by("code"),
        help_text=_("A token limited to a department reads only that department's audit events."),
    )

    def clean_service_email(self) -> str:
        email = self.cleaned_data["service_email"].lower()
        existing = User.objects.filter(email=email).first()
        if existing is not None and existing.kind != User.Kind.SERVICE:
            raise forms.ValidationError(
                _("This address belongs to a person, not a service account."), code="not_service"
            )
        return email


class ResidentPasswordChangeForm(AccessibleFormMixin, PasswordChangeForm):  # type: ignore[type-arg]
    pass


class StaffRoleForm(AccessibleForm):
    role = forms.ChoiceField(label=_("Role"))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())

    def __init__(
        self, *args: Any, roles: list[Role], department_ids: set[int] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]  # type: ignore[attr-defined]
        departments = Department.objects.order_by("code")
        if department_ids is not None:
            departments = departments.filter(pk__in=department_ids)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class StaffInviteForm(StaffRoleForm):
    email = forms.EmailField(label=_("Work email address"), max_length=254)
    display_name = forms.CharField(label=_("Name"), max_length=150)
    field_order = ["email", "display_name", "department", "role"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("This email address already has an account."), code="duplicate"
            )
        return email
