"""What can be paid for: each kind of thing (an application, later a booking) says how much,
what for, which department and revenue account, whose it is, and whether it can be paid now.

The platform always works the amount out here; it is never taken from the client. To take
payments for a new kind of thing, write a class like ``ApplicationPayables`` and add it to
``KINDS`` (see docs/modules/payments.md, "How to take payments for something new").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minato.accounts import permissions
from minato.core.translated import localized
from minato.payments import account_codes
from minato.payments.models import AssessedFee


@dataclass(frozen=True)
class Payable:
    purpose: str
    object_ref: str
    title: str
    description: str
    amount_yen: int | None
    account_code: str
    department_id: int
    payer_id: int | None
    fee_type: str
    # Empty when it can be paid now; otherwise why not (shown to the person).
    blocked_reason: Any = ""
    # Blocked only because an assessed fee is paid after approval: staff may still take it
    # at the counter. Every other reason (withdrawn, rejected, too large) blocks staff too.
    awaiting_approval: bool = False
    # The page of the thing itself (the application), for links back.
    resident_url: str = ""
    staff_url: str = ""

    @property
    def payable(self) -> bool:
        return not self.blocked_reason and bool(self.amount_yen)


class PayableKind(Protocol):
    purpose: str

    def for_payer(self, object_ref: str, user: Any) -> Payable | None: ...

    def for_staff(self, object_ref: str, staff: Any) -> Payable | None: ...

    def current_amounts(self, object_refs: list[str]) -> dict[str, int | None]:
        """What each thing costs now (its fee may change after it was paid), for reports;
        one query or a few, whatever the number of references."""
        ...


# Statuses in which an application's fixed or per-item fee can be paid; an assessed fee is
# paid after approval (事後決済).
PAYABLE_STATUSES = {"submitted", "received", "in_review", "approved", "completed"}
APPROVED_STATUSES = {"approved", "completed"}
# The most one payment may be: a fee worked out from per-item prices × quantities could
# otherwise exceed what the database's integer column (and any provider) takes.
MAX_AMOUNT_YEN = 2_000_000_000


class ApplicationPayables:
    purpose = "procedures.application"

    def _load(self, object_ref: str) -> Any:
        # procedures offers no staff selector for one application by reference; this is a
        # read of one row and its procedure, scoped by the caller below.
        from minato.procedures.models import Application

        return (
            Application.objects.filter(reference=object_ref.upper()[:8])
            .exclude(status="draft")
            .select_related("procedure")
            .first()
        )

    def _amount(self, application: Any, assessed: AssessedFee | None) -> int | None:
        procedure = application.procedure
        if procedure.fee_type == "assessed":
            return assessed.amount_yen if assessed else None
        if procedure.fee_type == "none":
            return None
        fixed = procedure.fee_amount_yen if procedure.fee_type == "fixed" else None
        return application.fee_yen or fixed  # type: ignore[no-any-return]

    def _payable(self, application: Any) -> Payable:
        procedure = application.procedure
        fee_type = procedure.fee_type
        blocked: Any = ""
        awaiting_approval = False
        assessed = (
            AssessedFee.objects.filter(
                purpose=self.purpose, object_ref=application.reference
            ).first()
            if fee_type == "assessed"
            else None
        )
        amount = self._amount(application, assessed)
        if fee_type == "none":
            blocked = _("This procedure is free.")
        elif application.status not in PAYABLE_STATUSES:
            blocked = _("This application can no longer be paid for.")
        elif fee_type == "assessed" and amount is None:
            blocked = _("The ward has not set the fee yet.")
        elif not amount:
            blocked = _("There is no fee to pay for this application.")
        elif amount > MAX_AMOUNT_YEN:
            blocked = _(
                "The fee is larger than can be paid here (at most ¥2,000,000,000). "
                "Contact the ward's office."
            )
        elif fee_type == "assessed" and application.status not in APPROVED_STATUSES:
            blocked = _("You can pay once your application is approved.")
            awaiting_approval = True
        name_ja = localized(procedure.name, "ja")
        code = account_codes.for_procedure(procedure.slug)
        return Payable(
            purpose=self.purpose,
            object_ref=application.reference,
            title=localized(procedure.name),
            description=f"{name_ja} 手数料（申請番号 {application.reference}）",
            amount_yen=amount,
            account_code=code.code,
            department_id=application.department_id,
            payer_id=application.applicant_id,
            fee_type=fee_type,
            blocked_reason=blocked,
            awaiting_approval=awaiting_approval,
            resident_url=reverse("procedures:application_detail", args=[application.reference]),
            staff_url=reverse("staff:procedures:detail", args=[application.reference]),
        )

    def for_payer(self, object_ref: str, user: Any) -> Payable | None:
        application = self._load(object_ref)
        if application is None or application.applicant_id != user.pk:
            return None
        return self._payable(application)

    def for_staff(self, object_ref: str, staff: Any) -> Payable | None:
        application = self._load(object_ref)
        if application is None or not permissions.can_see_department(
            staff, application.department_id
        ):
            return None
        return self._payable(application)

    def current_amounts(self, object_refs: list[str]) -> dict[str, int | None]:
        from minato.procedures.models import Application

        refs = [ref.upper()[:8] for ref in object_refs]
        assessed = {
            fee.object_ref: fee
            for fee in AssessedFee.objects.filter(purpose=self.purpose, object_ref__in=refs)
        }
        return {
            str(application.reference): self._amount(
                application, assessed.get(str(application.reference))
            )
            for application in Application.objects.filter(reference__in=refs)
            .exclude(status="draft")
            .select_related("procedure")
            .only("reference", "fee_yen", "procedure__fee_type", "procedure__fee_amount_yen")
        }


KINDS: dict[str, PayableKind] = {kind.purpose: kind for kind in [ApplicationPayables()]}


def for_payer(purpose: str, object_ref: str, user: Any) -> Payable | None:
    kind = KINDS.get(purpose)
    if kind is None or not getattr(user, "is_authenticated", False):
        return None
    return kind.for_payer(object_ref, user)


def for_staff(purpose: str, object_ref: str, staff: Any) -> Payable | None:
    kind = KINDS.get(purpose)
    return kind.for_staff(object_ref, staff) if kind is not None else None
