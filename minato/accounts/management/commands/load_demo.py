"""Load the demo: Minato's organisation, one staff member per role, residents, a token.

Idempotent: running it again changes nothing that is already there. The TOTP secrets and
the API token are fixed and printed so a tester can sign in; never run this in production
(production settings set DEMO_DATA_ALLOWED=False and the command refuses).
"""

from __future__ import annotations

from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts import services
from minato.accounts.models import ApiToken, Department, Role, User
from minato.accounts.organisation import iter_units
from minato.core.context import acting_as

DEMO_PASSWORD = "minato-demo-2026"  # noqa: S105 - printed on purpose for the demo
DEMO_API_TOKEN = "mnt_demo_service_token_for_local_testing_only"  # noqa: S105

# (email, display name, department code, role, TOTP key in hex)
DEMO_STAFF = [
    (
        "clerk@city.minato.example",
        "芝 区民課 職員",
        "shiba.kumin",
        Role.CLERK,
        "3132333435363738393031323334353637383930",
    ),
    (
        "supervisor@city.minato.example",
        "芝 区民課 係長",
        "shiba.kumin",
        Role.SUPERVISOR,
        "3232333435363738393031323334353637383930",
    ),
    # 粗大ごみ applications go to みなとリサイクル清掃事務所, not to 区民課: the README's
    # 粗大ごみ walkthrough is done with these two.
    (
        "recycle-clerk@city.minato.example",
        "リサイクル清掃事務所 職員",
        "kankyo-risaikuru-shien.minato-risaikuru-seiso",
        Role.CLERK,
        "3532333435363738393031323334353637383930",
    ),
    (
        "recycle-supervisor@city.minato.example",
        "リサイクル清掃事務所 係長",
        "kankyo-risaikuru-shien.minato-risaikuru-seiso",
        Role.SUPERVISOR,
        "3632333435363738393031323334353637383930",
    ),
    (
        "dept-admin@city.minato.example",
        "芝地区総合支所 管理者",
        "shiba",
        Role.DEPARTMENT_ADMIN,
        "3332333435363738393031323334353637383930",
    ),
    (
        "sysadmin@city.minato.example",
        "情報政策課 システム管理者",
        "kikaku-keiei.joho-seisaku",
        Role.SYSTEM_ADMIN,
        "3432333435363738393031323334353637383930",
    ),
]

DEMO_RESIDENTS = [
    (
        "hanako@example.jp",
        {
            "family_name": "港",
            "given_name": "花子",
            "family_name_kana": "みなと",
            "given_name_kana": "はなこ",
            "birth_date": date(1985, 4, 1),
            "postal_code": "1058511",
            "prefecture": "東京都",
            "city": "港区",
            "address_line": "芝公園1-5-25",
            "phone": "0335782111",
            "preferred_language": "ja",
            "preferred_channels": ["email"],
        },
    ),
    (
        "john@example.com",
        {
            "family_name": "Smith",
            "given_name": "John",
            "family_name_kana": "スミス",
            "given_name_kana": "ジョン",
            "birth_date": date(1990, 7, 14),
            "postal_code": "1060032",
            "prefecture": "東京都",
            "city": "港区",
            "address_line": "六本木6-10-1",
            "phone": "09012345678",
            "preferred_language": "en",
            "preferred_channels": ["email"],
        },
    ),
    (
        "taro@example.jp",
        {
            "family_name": "芝",
            "given_name": "太郎",
            "family_name_kana": "しば",
            "given_name_kana": "たろう",
            "birth_date": date(1948, 11, 3),
            "postal_code": "1080074",
            "prefecture": "東京都",
            "city": "港区",
            "address_line": "高輪3-1-1",
            "preferred_language": "ja-easy",
            "preferred_channels": ["email"],
        },
    ),
]


class Command(BaseCommand):
    help = "Load demo data (organisation, staff per role, residents, API token); idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError("Demo data is disabled in these settings (DEMO_DATA_ALLOWED).")
        with acting_as(actor_label="system:load_demo"), transaction.atomic():
            departments = self._departments()
            staff_lines = self._staff(departments)
            resident_lines = self._residents()
            token_line = self._token()
            module_lines = self._other_modules()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(departments)} departments."))
        self.stdout.write(
            f"\nStaff console {settings.SITE_URL}/staff/ (password for all: {DEMO_PASSWORD})"
        )
        for line in staff_lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"\nResident portal {settings.SITE_URL}/ (password: {DEMO_PASSWORD})")
        for line in resident_lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"\nAPI bearer token (scopes notifications:send, audit:read): {token_line}"
        )
        for line in module_lines:
            self.stdout.write(line)

    def _other_modules(self) -> list[str]:
        """Each domain app may ship ``<app>/demo.py`` with ``load() -> str``; accounts does not
        import them (imports flow the other way), it discovers them."""
        lines = []
        for app in apps.get_app_configs():
            if not app.name.startswith("minato.") or app.name == "minato.accounts":
                continue
            try:
                module = import_module(f"{app.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.demo":
                    raise
                continue
            lines.append(f"{app.label}: {module.load()}")
        return lines

    def _departments(self) -> dict[str, Department]:
        created: dict[str, Department] = {}
        for unit, parent in iter_units():
            created[unit.code] = services.department_upsert(
                code=unit.code,
                name_ja=unit.name_ja,
                name_en=unit.name_en,
                kind=unit.kind,
                parent=created[parent.code] if parent else None,
                handles_resident_records=unit.handles_resident_records,
            )
        return created

    def _staff(self, departments: dict[str, Department]) -> list[str]:
        lines = []
        for email, name, code, role, key in DEMO_STAFF:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = services.staff_create(
                    email=email,
                    password=DEMO_PASSWORD,
                    display_name=name,
                    department=departments[code],
                    role=role,
                )
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="demo", defaults={"key": key, "confirmed": True}
            )
            import base64

            secret = base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
            lines.append(f"{role.label:<26} {email:<34} TOTP secret {secret}")
        return lines

    def _residents(self) -> list[str]:
        lines = []
        for email, profile in DEMO_RESIDENTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = services.resident_sign_up(
                    email=email,
                    password=DEMO_PASSWORD,
                    preferred_language=str(profile["preferred_language"]),
                )
                services.resident_email_verify(token=services.email_verification_token(user))
                services.resident_profile_update(user=user, data=profile)
            lines.append(email)
        return lines

    def _token(self) -> str:
        service = services.service_account_get_or_create(
            email="business-system@city.minato.example", display_name="Demo business system"
        )
        if not ApiToken.objects.filter(token_hash=services.hash_token(DEMO_API_TOKEN)).exists():
            services.api_token_create(
                user=service,
                name="demo",
                token=DEMO_API_TOKEN,
                scopes=[ApiToken.Scope.NOTIFICATIONS_SEND, ApiToken.Scope.AUDIT_READ],
            )
        return DEMO_API_TOKEN
