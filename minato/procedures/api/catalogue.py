"""/api/v1/procedures: the catalogue for other systems (search like the portal's) and
each procedure's current form."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from minato.core.api.pagination import LimitOffset
from minato.core.api.schemas import responses
from minato.procedures.catalogue import selectors as catalogue_selectors
from minato.procedures.forms import selectors as form_selectors
from minato.procedures.models import Procedure

router = Router(tags=["procedures"])

Translated = dict[str, str]


class ProcedureOut(Schema):
    slug: str
    name: Translated
    summary: Translated
    department: str = Field(..., alias="department.code")
    categories: list[str]
    life_events: list[str]
    eligibility: Translated
    documents: list[Translated]
    fee_type: str
    fee_amount_yen: int | None
    fee_note: Translated
    payment_timing: str = Field(
        ...,
        description="When a fee is paid: `before_processing` (online when applying), "
        "`after_approval` (online once approved) or `at_counter` (in person); "
        "meaningless when `fee_type` is `none`",
    )
    processing_days: int | None
    legal_basis: str
    availability: str
    offline_reason: Translated
    updated_at: Any

    @staticmethod
    def resolve_categories(obj: Procedure) -> list[str]:
        return [category.code for category in obj.categories.all()]

    @staticmethod
    def resolve_life_events(obj: Procedure) -> list[str]:
        return [event.code for event in obj.life_events.all()]


class CatalogueQuery(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="Words in any language; kana/kanji and width variants match.",
    )
    category: str = Field("", max_length=50, pattern=r"^[-a-z0-9_]*$")
    life_event: str = Field("", max_length=50, pattern=r"^[-a-z0-9_]*$")


@router.get(
    "/procedures",
    response=responses({200: list[ProcedureOut]}),
    auth=None,
    summary="List and search the procedure catalogue",
)
@paginate(LimitOffset)
def procedure_list(request: HttpRequest, filters: Query[CatalogueQuery]) -> Any:
    return catalogue_selectors.procedures_search(
        query=filters.q, category=filters.category, life_event=filters.life_event
    )


@router.get(
    "/procedures/{slug}",
    response=responses({200: ProcedureOut}),
    auth=None,
    summary="One procedure",
)
def procedure_detail(request: HttpRequest, slug: Path[str]) -> Any:
    procedure = catalogue_selectors.published_procedures().filter(slug=slug[:80]).first()
    if procedure is None:
        raise HttpError(404, "No published procedure has this slug")
    return procedure


class FormOut(Schema):
    procedure: str
    version: int
    published_at: datetime
    definition: dict[str, Any]


@router.get(
    "/procedures/{slug}/form",
    response=responses({200: FormOut}),
    auth=None,
    summary="The current published form definition of a procedure",
)
def procedure_form(request: HttpRequest, slug: Path[str]) -> Any:
    procedure = catalogue_selectors.published_procedures().filter(slug=slug[:80]).first()
    form_version = form_selectors.current_form_version(procedure) if procedure else None
    if procedure is None or form_version is None:
        raise HttpError(404, "This procedure has no online form")
    return {
        "procedure": procedure.slug,
        "version": form_version.version,
        "published_at": form_version.published_at,
        "definition": form_version.definition,
    }
