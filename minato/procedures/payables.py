"""Applications as things to pay for: the payable kind procedures registers with payments
(``PAYMENTS_PAYABLE_KINDS`` in settings; decision 0008).

Procedures sits above payments: it uses payments' ``payables`` interface and ``selectors``,
and payments never imports procedures. The amount is worked out here from the application
and its procedure, never taken from the client; the revenue account (歳入科目) is the
procedure's own, and when it can be paid online follows the procedure's ``payment_timing``
(the staff workflow waits for the payment the same way: ``applications.workflow``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minato.accounts import permissions
from minato.core.translated import localized
from minato.payments import selectors as payment_selectors
from minato.payments.payables import MAX_AMOUNT_YEN, Payable
from minato.procedures.models import Application, Procedure

# The purpose payments stores with every payment for an application.
PURPOSE = "procedures.application"

# The statuses in which a fee can be paid online, by when the procedure's fee is paid. A
# returned, withdrawn, rejected or completed application is never offered "Pay now".
OPEN_STATUSES = {"submitted", "received", "in_review", "awaiting_approval", "approved"}
PAYABLE_STATUSES: dict[str, set[str]] = {
    Procedure.PaymentTiming.BEFORE_PROCESSING: OPEN_STATUSES,
    Procedure.PaymentTiming.AFTER_APPROVAL: {"approved"},
    Procedure.PaymentTiming.AT_COUNTER: set(),
}


def _reference(object_ref: str) -> str:
    return object_ref.upper()[:8]


def _amount(application: Application, assessed: int | None) -> int | None:
    procedure = application.procedure
    if procedure.fee_type == "assessed":
        return assessed
    if procedure.fee_type == "none":
        return None
    fixed = procedure.fee_amount_yen if procedure.fee_type == "fixed" else None
    return application.fee_yen or fixed


def _assessed(application: Application) -> int | None:
    if application.procedure.fee_type != "assessed":
        return None
    reference = str(application.reference)
    return payment_selectors.assessed_fees(purpose=PURPOSE, object_refs=[reference]).get(reference)


def amount_due(application: Application) -> int | None:
    """The application's fee in yen, as payments would charge it (None: none, or an assessed
    fee not set yet)."""
    return _amount(application, _assessed(application))


def is_paid(application: Application) -> bool:
    return payment_selectors.is_paid(purpose=PURPOSE, object_ref=str(application.reference))


class ApplicationPayables:
    purpose = PURPOSE

    def _load(self, object_ref: str) -> Application | None:
        return (
            Application.objects.filter(reference=_reference(object_ref))
            .exclude(status=Application.Status.DRAFT)
            .select_related("procedure")
            .first()
        )

    def _payable(self, application: Application) -> Payable:
        procedure = application.procedure
        fee_type = procedure.fee_type
        timing = procedure.payment_timing
        reference = str(application.reference)
        blocked: Any = ""
        counter_allowed = False
        amount = amount_due(application)
        if fee_type == "none":
            blocked = _("This procedure is free.")
        elif application.status not in OPEN_STATUSES:
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
        elif application.status not in PAYABLE_STATUSES[timing]:
            # Not online (yet); staff may still take it at the counter.
            counter_allowed = True
            if timing == Procedure.PaymentTiming.AT_COUNTER:
                blocked = _("This fee is paid at the ward's counter, not online.")
            else:
                blocked = _("You can pay once your application is approved.")
        name_ja = localized(procedure.name, "ja")
        return Payable(
            purpose=self.purpose,
            object_ref=reference,
            title=localized(procedure.name),
            description=f"{name_ja} 手数料（申請番号 {reference}）",
            amount_yen=amount,
            account_code=procedure.revenue_account_code,
            account_name=procedure.revenue_account_name,
            department_id=application.department_id,
            payer_id=application.applicant_id,
            fee_type=fee_type,
            blocked_reason=blocked,
            counter_allowed=counter_allowed,
            resident_url=reverse("procedures:application_detail", args=[reference]),
            staff_url=reverse("staff:procedures:detail", args=[reference]),
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
        refs = [_reference(ref) for ref in object_refs]
        assessed = payment_selectors.assessed_fees(purpose=self.purpose, object_refs=refs)
        return {
            str(application.reference): _amount(
                application, assessed.get(str(application.reference))
            )
            for application in Application.objects.filter(reference__in=refs)
            .exclude(status=Application.Status.DRAFT)
            .select_related("procedure")
            .only("reference", "fee_yen", "procedure__fee_type", "procedure__fee_amount_yen")
        }
