"""/api/v1 endpoints for accounts: the signed-in resident, postal codes, departments, audit."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from minato.accounts import permissions, selectors, services
from minato.accounts.adapters.postal import lookup as postal_lookup
from minato.accounts.api_auth import AUTH, require_resident, require_scope
from minato.accounts.models import ApiToken, Channel, Department, User
from minato.accounts.validators import normalise_phone, validate_kana, validate_phone
from minato.core import selectors as core_selectors
from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import InputSchema, record_date_filter, responses

router = Router(tags=["accounts"])

LanguageCode = str


class ProfileOut(Schema):
    id: UUID
    email: str
    email_verified: bool
    assurance_level: int
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date | None
    postal_code: str
    prefecture: str
    city: str
    address_line: str
    phone: str
    preferred_language: str
    preferred_channels: list[str]


class ProfilePatch(InputSchema):
    family_name: str | None = Field(None, max_length=50)
    given_name: str | None = Field(None, max_length=50)
    family_name_kana: str | None = Field(None, max_length=50)
    given_name_kana: str | None = Field(None, max_length=50)
    birth_date: date | None = None
    postal_code: str | None = Field(None, pattern=r"^\d{7}$")
    prefecture: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=50)
    address_line: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=20)
    preferred_language: str | None = Field(None, pattern=r"^(ja|en|ja-easy)$")
    preferred_channels: list[str] | None = Field(None, max_length=4)


def _profile_out(user: User) -> dict[str, Any]:
    profile = selectors.resident_profile_of(user)
    return {
        "id": user.public_id,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
        "assurance_level": user.assurance_level,
        **{name: getattr(profile, name) for name in services.PROFILE_FIELDS},
    }


@router.get(
    "/me",
    response=responses({200: ProfileOut}),
    auth=AUTH,
    summary="The signed-in resident's profile",
)
def me(request: HttpRequest) -> dict[str, Any]:
    return _profile_out(require_resident(request, "Only a signed-in resident has a profile"))


@router.patch(
    "/me",
    response=responses({200: ProfileOut}),
    auth=AUTH,
    summary="Update the signed-in resident's profile",
)
def me_update(request: HttpRequest, payload: ProfilePatch) -> dict[str, Any]:
    user = require_resident(request, "Only a signed-in resident has a profile")
    data = payload.model_dump(exclude_unset=True)
    for name in ("family_name_kana", "given_name_kana"):
        if data.get(name):
            try:
                validate_kana(data[name])
            except DjangoValidationError as exc:
                raise HttpError(422, f"{name}: {exc.messages[0]}") from None
    if data.get("phone"):
        try:
            validate_phone(data["phone"])
        except DjangoValidationError as exc:
            raise HttpError(422, f"phone: {exc.messages[0]}") from None
        data["phone"] = normalise_phone(data["phone"])
    if data.get("preferred_channels") is not None:
        unknown = set(data["preferred_channels"]) - set(Channel.values)
        if unknown:
            raise HttpError(422, f"preferred_channels: unknown {sorted(unknown)}")
    # None means "clear" for text fields.
    data = {k: ("" if v is None and k not in ("birth_date",) else v) for k, v in data.items()}
    if data.get("preferred_channels") == "":
        data["preferred_channels"] = []
    if data.get("preferred_language") == "":
        data["preferred_language"] = "ja"
    try:
        services.resident_profile_update(user=user, data=data)
    except DjangoValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from None
    return _profile_out(user)


class PostalAddressOut(Schema):
    postal_code: str
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str


@router.get(
    "/postal-codes/{code}",
    response=responses({200: PostalAddressOut}),
    auth=None,
    summary="Look up an address from a Japanese postal code",
)
def postal_code(request: HttpRequest, code: Path[str]) -> Any:
    found = postal_lookup(code)
    if found is None:
        raise HttpError(404, "No address has this postal code")
    return found


class DepartmentOut(Schema):
    code: str
    name_ja: str
    name_en: str
    kind: str
    parent_code: str | None = Field(None, alias="parent.code")


@router.get(
    "/departments",
    response=responses({200: list[DepartmentOut]}),
    auth=None,
    summary="The ward's departments and sections",
)
@paginate(LimitOffset)
def departments(request: HttpRequest) -> Any:
    return Department.objects.select_related("parent").order_by("code")


class AuditEventOut(Schema):
    sequence: int | None = Field(
        description="The event's place in the hash chain; null for about a second after it "
        "is written, until the worker seals it into the chain (ADR 0005)."
    )
    sealed: bool
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    subject_id: int | None
    department_id: int | None
    changes: dict[str, Any]
    request_id: str
    hash: str
    prev_hash: str

    @staticmethod
    def resolve_sequence(event: Any) -> int | None:
        return event.sequence if event.is_sealed else None

    @staticmethod
    def resolve_sealed(event: Any) -> bool:
        return bool(event.is_sealed)


class AuditQuery(Schema):
    action: str = Field("", max_length=100)
    object_type: str = Field("", max_length=100)
    actor_id: int | None = Field(None, ge=1, le=2**62)
    date_from: date | None = record_date_filter("Events on or after this day (Japan time)")
    date_to: date | None = record_date_filter("Events on or before this day (Japan time)")


@router.get(
    "/audit-events",
    response=responses({200: list[AuditEventOut]}),
    auth=AUTH,
    summary="Browse the audit log (scope audit:read, or a department admin's session)",
)
@paginate(LimitOffset)
def audit_events(request: HttpRequest, filters: Query[AuditQuery]) -> Any:
    token = require_scope(request, ApiToken.Scope.AUDIT_READ)
    if token is not None:
        department_ids = None if token.department_id is None else {token.department_id}
    else:
        if not permissions.can_browse_audit(request.user):
            raise HttpError(403, "Only department and system administrators may read the audit log")
        department_ids = permissions.visible_department_ids(request.user)
    return core_selectors.audit_events(department_ids=department_ids, **filters.model_dump())
