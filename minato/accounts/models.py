"""People and the organisation: users (residents, staff, service accounts), their
identities at each identity provider, resident profiles, departments and staff roles."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save()
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_superuser=True, kind=User.Kind.STAFF)
        return self.create_user(email, password, **fields)


class AssuranceLevel(models.IntegerChoices):
    """How sure we are that the account belongs to the person it names."""

    NONE = 0, _("Not verified")
    EMAIL_VERIFIED = 1, _("Email address verified")
    MY_NUMBER_CARD = 2, _("Verified with My Number Card")


class User(AbstractBaseUser, PermissionsMixin):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        STAFF = "staff", _("Staff")
        SERVICE = "service", _("Service account")
        # Applied without an account, after confirming an email address (see procedures.guest).
        GUEST = "guest", _("Guest")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RESIDENT)
    display_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # The highest level among the person's identities (Identity rows are the record of
    # each). Kept here by the services that change identities, so every request has it
    # with the user it loads anyway: the profile and procedures that need a level read it.
    assurance_level = models.PositiveSmallIntegerField(
        choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"

    @property
    def is_staff(self) -> bool:
        # Django's admin is not mounted; "staff" here means a ward employee.
        return self.kind == self.Kind.STAFF

    @property
    def is_resident(self) -> bool:
        return self.kind == self.Kind.RESIDENT


class Identity(models.Model):
    """One way a person proves who they are: our own email login, and later OpenID Connect
    providers (My Number Card via the Digital Agency, LINE Login). A person may have many."""

    class Provider(models.TextChoices):
        EMAIL = "email", _("Email and password")
        MY_NUMBER_CARD = "mynumber", _("My Number Card (OpenID Connect)")
        LINE = "line", _("LINE Login")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identities")
    provider = models.CharField(max_length=30, choices=Provider.choices)
    # The provider's stable subject identifier ("sub"); for email, the address.
    subject = models.CharField(max_length=255)
    assurance_level = models.PositiveSmallIntegerField(
        choices=AssuranceLevel.choices, default=AssuranceLevel.NONE
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="identity_provider_subject"
            )
        ]
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return f"{self.provider} identity of user {self.user_id}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    LINE = "line", _("LINE")
    PUSH = "push", _("Web push")
    INBOX = "inbox", _("Message inbox on this site")


class ResidentProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    family_name = models.CharField(_("family name"), max_length=50, blank=True)
    given_name = models.CharField(_("given name"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("family name (furigana)"), max_length=50, blank=True)
    given_name_kana = models.CharField(_("given name (furigana)"), max_length=50, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=15, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="ja")
    preferred_channels = models.JSONField(_("preferred channels"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()


class Department(models.Model):
    """A unit of the ward office: a 部 or 支所 (department) or a 課 (section)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        SECTION = "section", _("Section")

    code = models.SlugField(max_length=100, unique=True, allow_unicode=False)
    name_ja = models.CharField(max_length=100)
    name_en = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    handles_resident_records = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_ja

    @property
    def full_name_ja(self) -> str:
        return f"{self.parent.full_name_ja}{self.name_ja}" if self.parent else self.name_ja

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ja


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    SUPERVISOR = "supervisor", _("Supervisor")
    DEPARTMENT_ADMIN = "department_admin", _("Department administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


ROLE_RANK = {Role.CLERK: 1, Role.SUPERVISOR: 2, Role.DEPARTMENT_ADMIN: 3, Role.SYSTEM_ADMIN: 4}


class StaffProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_profile")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.CLERK)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.role} in {self.department.code}"

    def has_role(self, minimum: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(minimum)]


class ApiToken(models.Model):
    """A bearer token for a service account (a business system, another municipality).

    Only the SHA-256 of the token is stored; the token is shown once, when created.
    """

    class Scope(models.TextChoices):
        NOTIFICATIONS_SEND = "notifications:send", _("Send notifications")
        AUDIT_READ = "audit:read", _("Read the audit log")
        APPLICATIONS_READ = "applications:read", _("Pull submitted applications (hand-off)")
        REPORTS_SUBMIT = "reports:submit", _("Post community reports (Open311 api_key)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="api_tokens"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
