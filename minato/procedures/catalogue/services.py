"""Writes for the procedure catalogue. Every change is validated, indexed and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minato.core import audit
from minato.core.translated import localized, validate_translated
from minato.procedures.catalogue import search
from minato.procedures.models import Category, LifeEvent, Procedure

CATALOGUE_FIELDS = [
    "name",
    "summary",
    "eligibility",
    "documents",
    "fee_type",
    "fee_amount_yen",
    "fee_note",
    "revenue_account_code",
    "revenue_account_name",
    "processing_days",
    "legal_basis",
    "availability",
    "offline_reason",
    "keywords",
    "allows_guest",
    "is_published",
    "department_id",
]


def _index(procedure: Procedure) -> None:
    """Fill the search columns from every language's text and the Japanese reading."""
    texts: list[str] = [procedure.slug, procedure.keywords]
    for field in (procedure.name, procedure.summary):
        texts.extend(str(value) for value in field.values())
    procedure.search_text = search.normalise(" ".join(texts))
    japanese = " ".join(
        [localized(procedure.name, "ja"), procedure.keywords, localized(procedure.summary, "ja")]
    )
    procedure.search_reading = search.reading(japanese)


def _check(procedure: Procedure) -> None:
    if procedure.availability == Procedure.Availability.COUNTER_BY_LAW:
        try:
            validate_translated(procedure.offline_reason)
        except ValidationError:
            raise ValidationError(
                {"offline_reason": "A procedure kept offline by law must say why (in Japanese)."}
            ) from None
    if procedure.fee_type != Procedure.FeeType.NONE and not (
        procedure.revenue_account_code and procedure.revenue_account_name
    ):
        raise ValidationError(
            {
                "revenue_account_code": _(
                    "A procedure with a fee needs the revenue account it is booked to: "
                    "its code and its name."
                )
            }
        )
    for document in procedure.documents:
        validate_translated(document)
    procedure.full_clean(exclude=["categories", "life_events"])


@transaction.atomic
def procedure_upsert(
    *, slug: str, data: dict[str, Any], category_codes: list[str], life_event_codes: list[str]
) -> Procedure:
    """Create or update a catalogue entry; returns it. Raises ValidationError on bad data."""
    procedure = Procedure.objects.select_for_update().filter(slug=slug).first()
    created = procedure is None
    if procedure is None:
        procedure = Procedure(slug=slug)
    before = {} if created else audit.snapshot(procedure, CATALOGUE_FIELDS)
    for name, value in data.items():
        setattr(procedure, name, value)
    _check(procedure)
    _index(procedure)
    procedure.save()
    procedure.categories.set(Category.objects.filter(code__in=category_codes))
    procedure.life_events.set(LifeEvent.objects.filter(code__in=life_event_codes))
    changes = audit.diff(
        before, audit.snapshot(procedure, CATALOGUE_FIELDS), fields=CATALOGUE_FIELDS
    )
    if changes:
        audit.record(
            action="procedures.procedure_created" if created else "procedures.procedure_updated",
            obj=procedure,
            department_id=procedure.department_id,
            changes=changes,
        )
    return procedure


@transaction.atomic
def taxonomy_upsert(
    *, model: type[Category] | type[LifeEvent], code: str, name: dict[str, str], sort_order: int
) -> Category | LifeEvent:
    validate_translated(name)
    item, created = model.objects.update_or_create(
        code=code, defaults={"name": name, "sort_order": sort_order}
    )
    if created:
        audit.record(
            action=f"procedures.{model.__name__.lower()}_created",
            obj=item,
            changes={"code": [None, code]},
        )
    return item
