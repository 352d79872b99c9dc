"""Bookings as things to pay for: the payable kind bookings registers with payments
(``PAYMENTS_PAYABLE_KINDS``; decision 0008). A place offered with a fee (won in a lottery,
offered from the waiting list, or held first-come) is paid before its ``confirm_by``; the
worker's ``offers_settle`` then marks it booked. The amount is the fee the booking was given
for its rate class when the place was offered, never one from the client.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minato.accounts import permissions
from minato.bookings.models import Booking
from minato.core.translated import localized
from minato.payments.payables import Payable

PURPOSE = "bookings.booking"


class BookingPayables:
    purpose = PURPOSE

    def _load(self, object_ref: str) -> Booking | None:
        return (
            Booking.objects.filter(reference=object_ref.upper()[:8])
            .select_related("session__offering")
            .first()
        )

    def _payable(self, booking: Booking) -> Payable:
        offering = booking.session.offering
        blocked: Any = ""
        if not booking.fee_yen:
            blocked = _("This booking is free.")
        elif booking.status != Booking.Status.OFFERED:
            blocked = _("This booking can no longer be paid for.")
        elif booking.confirm_by is not None and booking.confirm_by < timezone.now():
            blocked = _("The time to pay for this place has passed.")
        starts = timezone.localtime(booking.session.starts_at)
        return Payable(
            purpose=self.purpose,
            object_ref=booking.reference,
            title=localized(offering.name),
            description=(
                f"{localized(offering.name, 'ja')} {starts:%Y-%m-%d %H:%M} 使用料"
                f"（予約番号 {booking.reference}）"
            ),
            amount_yen=booking.fee_yen,
            account_code=offering.revenue_account_code,
            account_name=offering.revenue_account_name,
            department_id=offering.department_id,
            payer_id=booking.person_id,
            fee_type="fixed" if booking.fee_yen else "none",
            blocked_reason=blocked,
            resident_url=reverse("bookings:detail", args=[booking.reference]),
            staff_url=reverse("staff:bookings:booking", args=[booking.reference]),
            back_label=_("Back to the booking"),
        )

    def for_payer(self, object_ref: str, user: Any) -> Payable | None:
        booking = self._load(object_ref)
        if booking is None or booking.person_id != user.pk:
            return None
        return self._payable(booking)

    def for_staff(self, object_ref: str, staff: Any) -> Payable | None:
        booking = self._load(object_ref)
        if booking is None or not permissions.can_see_department(
            staff, booking.session.offering.department_id
        ):
            return None
        return self._payable(booking)

    def current_amounts(self, object_refs: list[str]) -> dict[str, int | None]:
        refs = [ref.upper()[:8] for ref in object_refs]
        return dict(Booking.objects.filter(reference__in=refs).values_list("reference", "fee_yen"))
