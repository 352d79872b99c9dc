"""Personas shared by every test (healthchecks-style):

- alice: a resident with a verified email and a full profile;
- bob: another resident, who must never see alice's data;
- charlie: a clerk in 芝地区総合支所 区民課 (handles resident records), with TOTP;
- dana: department admin of 芝地区総合支所, with TOTP;
- erin: a clerk in 環境課 (no resident records, other department), with TOTP;
- sam: system administrator in 情報政策課, with TOTP;
- a service account with a token carrying every scope.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minato.accounts import services
from minato.accounts.models import ApiToken, Department, Role, User

PASSWORD = "correct-horse-battery-9"  # noqa: S105


# (key, code, name_ja, name_en, kind, parent key, handles resident records)
TEST_DEPARTMENTS = [
    ("shiba", "shiba", "芝地区総合支所", "Shiba Branch Office", "department", None, False),
    ("kumin", "shiba.kumin", "区民課", "Residents Division", "section", "shiba", True),
    ("kankyo_dept", "kankyo", "環境リサイクル支援部", "Environment", "department", None, False),
    ("kankyo", "kankyo.kankyo", "環境課", "Environment Division", "section", "kankyo_dept", False),
    ("joho", "kikaku.joho", "情報政策課", "Information Policy", "section", None, False),
]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (rate-limit counters, cached fragments, the
    page chrome, the anonymous pages each process keeps, the disaster-mode switch and the
    shelters the check-in form keeps) and in Japanese."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from minato.core import page_cache
    from minato.core.templatetags import chrome
    from minato.information import disaster, shelters

    # A request to a /en/ or /ja-easy/ page leaves that language active in the thread, and
    # reverse() in the next test of the worker would build its URLs in it.
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    chrome.clear()
    page_cache.clear()
    disaster.forget()
    shelters.forget_cached_shelters()


@pytest.fixture
def departments(db: None) -> dict[str, Department]:
    created: dict[str, Department] = {}
    for key, code, name_ja, name_en, kind, parent, handles_records in TEST_DEPARTMENTS:
        created[key] = services.department_upsert(
            code=code,
            name_ja=name_ja,
            name_en=name_en,
            kind=kind,
            parent=created[parent] if parent else None,
            handles_resident_records=handles_records,
        )
    return created


def _resident(email: str, **profile: object) -> User:
    user = services.resident_sign_up(email=email, password=PASSWORD)
    services.resident_email_verify(token=services.email_verification_token(user))
    if profile:
        services.resident_profile_update(user=user, data=profile)
    user.refresh_from_db()
    return user


@pytest.fixture
def alice(db: None) -> User:
    return _resident(
        "alice@example.jp",
        family_name="港",
        given_name="アリス",
        family_name_kana="みなと",
        given_name_kana="ありす",
        birth_date=date(1990, 1, 2),
        postal_code="1058511",
        prefecture="東京都",
        city="港区",
        address_line="芝公園1-5-25",
        phone="0335782111",
    )


@pytest.fixture
def bob(db: None) -> User:
    return _resident("bob@example.com", family_name="Brown", given_name="Bob")


def _staff(email: str, department: Department, role: str) -> User:
    user = services.staff_create(
        email=email, password=PASSWORD, display_name=email, department=department, role=role
    )
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


@pytest.fixture
def charlie(departments: dict[str, Department]) -> User:
    return _staff("charlie@city.minato.example", departments["kumin"], Role.CLERK)


@pytest.fixture
def supervisor(departments: dict[str, Department]) -> User:
    """A supervisor of 区民課, where charlie is a clerk."""
    return _staff("sue@city.minato.example", departments["kumin"], Role.SUPERVISOR)


@pytest.fixture
def dana(departments: dict[str, Department]) -> User:
    return _staff("dana@city.minato.example", departments["shiba"], Role.DEPARTMENT_ADMIN)


@pytest.fixture
def erin(departments: dict[str, Department]) -> User:
    return _staff("erin@city.minato.example", departments["kankyo"], Role.CLERK)


@pytest.fixture
def sam(departments: dict[str, Department]) -> User:
    return _staff("sam@city.minato.example", departments["joho"], Role.SYSTEM_ADMIN)


def current_totp(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def staff_client() -> Callable[[User], Client]:
    """A client signed in to the staff console with password and TOTP."""

    def sign_in(user: User) -> Client:
        client = Client()
        response = client.post(
            "/staff/login/",
            {"email": user.email, "password": PASSWORD, "otp_token": current_totp(user)},
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


@pytest.fixture
def resident_client() -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def service_token(db: None) -> str:
    service = services.service_account_get_or_create(
        email="system@city.minato.example", display_name="Test system"
    )
    _token, plaintext = services.api_token_create(
        user=service, name="test", scopes=list(ApiToken.Scope.values)
    )
    return plaintext


@pytest.fixture
def catalogue(departments: dict[str, Department]) -> dict[str, Any]:
    from minato.procedures.tests.factories import build_catalogue

    return build_catalogue(departments)
