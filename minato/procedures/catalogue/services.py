"""Writes for the procedure catalogue. Every change is validated, indexed and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minato.core import audit
from minato.core import search_text as search
from minato.core.translated import localized, validate_translated
from minato.procedures.models import Category, LifeEvent, Procedure

CATALOGUE_FIELDS = [
    "name",
    "summary",
    "eligibility",
    "documents",
    "fee_type",
    "fee_amount_yen",
    "fee_note",
    "payment_timing",
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


def default_payment_timing(*, fee_type: str, availability: str) -> str:
    """When a fee is usually paid: an assessed fee once approved (its amount is known only
    after review), the fee of a procedure not done online at the counter, any other when
    applying (before processing)."""
    if fee_type == Procedure.FeeType.ASSESSED:
        return Procedure.PaymentTiming.AFTER_APPROVAL
    if availability != Procedure.Availability.ONLINE and fee_type != Procedure.FeeType.NONE:
        return Procedure.PaymentTiming.AT_COUNTER
    return Procedure.PaymentTiming.BEFORE_PROCESSING


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
    if (
        procedure.fee_type == Procedure.FeeType.ASSESSED
        and procedure.payment_timing == Procedure.PaymentTiming.BEFORE_PROCESSING
    ):
        raise ValidationError(
            {
                "payment_timing": _(
                    "A fee set after review cannot be paid before processing: choose once "
                    "approved, or at the counter."
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
    """Create or update a catalogue entry; returns it. Raises ValidationError on bad data.

    An empty ``payment_timing`` means the usual one for the fee (``default_payment_timing``);
    a new entry without one gets it too, an existing entry keeps its own."""
    procedure = Procedure.objects.select_for_update().filter(slug=slug).first()
    created = procedure is None
    if procedure is None:
        procedure = Procedure(slug=slug)
    before = {} if created else audit.snapshot(procedure, CATALOGUE_FIELDS)
    data = dict(data)
    timing = data.pop("payment_timing", None)
    for name, value in data.items():
        setattr(procedure, name, value)
    if timing:
        procedure.payment_timing = timing
    elif created or timing == "":
        procedure.payment_timing = default_payment_timing(
            fee_type=procedure.fee_type, availability=procedure.availability
        )
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
