"""What can be paid for: each kind of thing (an application, later a booking) says how much,
what for, which department and revenue account, whose it is, and whether it can be paid now.

Payments knows no kind itself. The domain apps that take payments sit above it (decision
0008): each writes a class with the ``PayableKind`` methods and names it in the setting
``PAYMENTS_PAYABLE_KINDS`` (dotted paths, like ``PAYMENTS_PROVIDERS``); for applications it is
``minato.procedures.payables.ApplicationPayables``. The platform always works the amount out
there; it is never taken from the client (see docs/modules/payments.md, "How to take
payments for something new").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from minato.accounts.permissions import has_confirmed_email


@dataclass(frozen=True)
class Payable:
    purpose: str
    object_ref: str
    title: str
    description: str
    amount_yen: int | None
    # 歳入科目: the revenue account the money is booked to, a property of the thing paid for.
    account_code: str
    account_name: str
    department_id: int
    payer_id: int | None
    fee_type: str
    # Empty when it can be paid now; otherwise why not (shown to the person).
    blocked_reason: Any = ""
    # Blocked online only because of when it is paid (not approved yet, or paid in person):
    # staff may still take it at the counter. Every other reason (withdrawn, rejected, too
    # large) blocks staff too.
    counter_allowed: bool = False
    # The page of the thing itself (the application, the booking), for links back, and what
    # those links say (empty: "Back to the application").
    resident_url: str = ""
    staff_url: str = ""
    back_label: Any = ""

    @property
    def payable(self) -> bool:
        return not self.blocked_reason and bool(self.amount_yen)

    @property
    def counter_payable(self) -> bool:
        """Whether staff may take it at the counter now."""
        return bool(self.amount_yen) and (not self.blocked_reason or self.counter_allowed)


class PayableKind(Protocol):
    purpose: str

    def for_payer(self, object_ref: str, user: Any) -> Payable | None: ...

    def for_staff(self, object_ref: str, staff: Any) -> Payable | None: ...

    def current_amounts(self, object_refs: list[str]) -> dict[str, int | None]:
        """What each thing costs now (its fee may change after it was paid), for reports;
        one query or a few, whatever the number of references."""
        ...


# The most one payment may be: a fee worked out from per-item prices × quantities could
# otherwise exceed what the database's integer column (and any provider) takes.
MAX_AMOUNT_YEN = 2_000_000_000


@cache
def _kinds(paths: tuple[str, ...]) -> dict[str, PayableKind]:
    kinds: dict[str, PayableKind] = {}
    for path in paths:
        made: PayableKind = import_string(path)()
        if made.purpose in kinds:
            raise ImproperlyConfigured(
                f"PAYMENTS_PAYABLE_KINDS: two kinds have the purpose {made.purpose!r}"
            )
        kinds[made.purpose] = made
    return kinds


def kinds() -> dict[str, PayableKind]:
    """The registered kinds by purpose (read from the setting at call time, loaded once)."""
    return _kinds(tuple(settings.PAYMENTS_PAYABLE_KINDS))


def kind(purpose: str) -> PayableKind | None:
    return kinds().get(purpose)


def for_payer(purpose: str, object_ref: str, user: Any) -> Payable | None:
    """What this person may pay for ``object_ref``; None when it is not theirs. A resident
    who has not confirmed their email address sees it, but cannot pay yet: receipts and
    refunds go to that address."""
    found = kind(purpose)
    if found is None or not getattr(user, "is_authenticated", False):
        return None
    payable = found.for_payer(object_ref, user)
    if payable is not None and not payable.blocked_reason and not has_confirmed_email(user):
        return replace(
            payable,
            blocked_reason=_(
                "Confirm your email address before paying: open the link we emailed you "
                "when you created your account."
            ),
        )
    return payable


def for_staff(purpose: str, object_ref: str, staff: Any) -> Payable | None:
    found = kind(purpose)
    return found.for_staff(object_ref, staff) if found is not None else None
