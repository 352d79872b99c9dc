"""The daily settlement report (日次決済照合): what each provider says it settled on a day,
against what the platform recorded, per provider and per revenue account code (歳入科目).

Differences are flagged, never fixed here: paid at the provider but not here, recorded here
but unknown to the provider, and amount differences. Counter payments have no provider to
ask; they are listed and totalled for checking against the terminal's daily slip.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minato.core import spreadsheets
from minato.payments import payables, providers, selectors
from minato.payments.models import Payment, Refund
from minato.payments.providers.base import ProviderError, SettlementLine

FLAGS = {
    "": _("Matches"),
    "missing_here": _("Paid at the provider, not recorded here"),
    "missing_at_provider": _("Recorded here, unknown to the provider"),
    "amount_mismatch": _("Amounts differ"),
    "counter": _("Counter: check against the terminal's slip"),
    "provider_unreachable": _("The provider could not be asked"),
}
# Japanese flag names for the CSV, which goes to the finance department as it is.
CSV_FLAGS = {
    "": "一致",
    "missing_here": "当方未計上",
    "missing_at_provider": "事業者記録なし",
    "amount_mismatch": "金額相違",
    "counter": "窓口（端末の日計表と照合）",
    "provider_unreachable": "事業者照会不能",
}


@dataclass
class Row:
    provider: str
    account_code: str
    kind: str  # payment or refund
    reference: str  # ours (the receipt number), empty when we have no record
    provider_reference: str
    amount_here: int | None
    amount_provider: int | None
    flag: str
    department_id: int | None = None
    # What was paid for, and, when its fee has changed since (an application returned and
    # resubmitted with other answers), what it costs now: refund or collect the difference.
    purpose: str = ""
    object_ref: str = ""
    fee_now: int | None = None
    account_name: str = ""

    @property
    def flag_label(self) -> str:
        return str(FLAGS[self.flag])

    @property
    def fee_changed(self) -> bool:
        return self.fee_now is not None


@dataclass
class Total:
    account_name: str = ""
    payments: int = 0
    payments_yen: int = 0
    refunds_yen: int = 0

    @property
    def net_yen(self) -> int:
        return self.payments_yen - self.refunds_yen


@dataclass
class Report:
    day: date
    rows: list[Row] = field(default_factory=list)
    totals: dict[tuple[str, str], Total] = field(default_factory=dict)

    @property
    def mismatches(self) -> list[Row]:
        return [row for row in self.rows if row.flag not in ("", "counter")]

    @property
    def fee_changes(self) -> list[Row]:
        return [row for row in self.rows if row.fee_changed]


def _provider_rows(name: str, day: date) -> list[Row]:
    try:
        lines: list[SettlementLine] = providers.get(name).settlement(day)
    except ProviderError:
        return [Row(name, "", "payment", "", "", None, None, "provider_unreachable")]
    rows: list[Row] = []
    # Providers name a payment by its checkout or by its transaction; match on either.
    payments: dict[str, Payment] = {}
    for paid in selectors.succeeded_on(day=day, provider=name):
        payments[paid.provider_reference] = paid
        if paid.provider_transaction_id:
            payments[paid.provider_transaction_id] = paid
    refunds: dict[str, Refund] = {}
    # Without the provider's id a refund cannot be matched; each is listed on its own.
    unreferenced: list[Refund] = []
    for recorded in selectors.refunds_on(day=day, provider=name):
        if recorded.provider_reference:
            refunds[recorded.provider_reference] = recorded
        else:
            unreferenced.append(recorded)
    matched: set[int] = set()
    unmatched: list[SettlementLine] = []
    for line in lines:
        payment: Payment | None
        if line.kind == "payment":
            payment = payments.get(line.provider_reference) or payments.get(line.transaction_id)
            if payment is None or payment.pk in matched:
                unmatched.append(line)
                continue
            matched.add(payment.pk)
            rows.append(_row(name, payment, line.amount_yen, "payment", payment.amount_yen))
        else:
            refund = refunds.pop(line.transaction_id) if line.transaction_id in refunds else None
            if refund is None:
                unmatched.append(line)
                continue
            rows.append(
                _row(
                    name,
                    refund.payment,
                    line.amount_yen,
                    "refund",
                    refund.amount_yen,
                    refund.provider_reference,
                )
            )
    # Recorded here, but the provider does not list them.
    rows += [
        _row(name, p, None, "payment", p.amount_yen)
        for p in {p.pk: p for p in payments.values()}.values()
        if p.pk not in matched
    ]
    rows += [
        _row(name, r.payment, None, "refund", r.amount_yen, r.provider_reference)
        for r in [*refunds.values(), *unreferenced]
    ]
    # Settled by the provider, but not recorded here as paid that day.
    known = {
        key: p
        for p in Payment.objects.filter(provider=name).filter(
            Q(
                provider_reference__in=[
                    ln.provider_reference for ln in unmatched if ln.provider_reference
                ]
            )
            | Q(
                provider_transaction_id__in=[
                    ln.transaction_id for ln in unmatched if ln.transaction_id
                ]
            )
        )
        for key in (p.provider_reference, p.provider_transaction_id)
        if key
    }
    for line in unmatched:
        found = known.get(line.provider_reference) or known.get(line.transaction_id)
        rows.append(
            Row(
                name,
                found.account_code if found else "",
                line.kind,
                found.reference if found else "",
                line.provider_reference or line.transaction_id,
                None,
                line.amount_yen,
                "missing_here",
                found.department_id if found else None,
                account_name=found.account_name if found else "",
            )
        )
    return rows


def _row(
    name: str, payment: Payment, theirs: int | None, kind: str, ours: int, ref: str = ""
) -> Row:
    flag = "missing_at_provider" if theirs is None else "" if theirs == ours else "amount_mismatch"
    return Row(
        name,
        payment.account_code,
        kind,
        payment.reference,
        ref or payment.provider_reference,
        ours,
        theirs,
        flag,
        payment.department_id,
        payment.purpose,
        payment.object_ref,
        account_name=payment.account_name,
    )


def _mark_fee_changes(rows: list[Row]) -> None:
    """Set ``fee_now`` on the payment rows whose thing now costs something else (one query
    per kind of thing). A changed fee is not a settlement difference: the provider and we
    agree on what was paid; the department refunds or collects the difference."""
    refs: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row.kind == "payment" and row.purpose and row.amount_here is not None:
            refs[row.purpose].add(row.object_ref)
    for purpose, object_refs in refs.items():
        kind = payables.kind(purpose)
        if kind is None:
            continue
        now = kind.current_amounts(sorted(object_refs))
        for row in rows:
            if row.purpose != purpose or row.kind != "payment" or row.amount_here is None:
                continue
            amount = now.get(row.object_ref)
            if amount is not None and amount != row.amount_here:
                row.fee_now = amount


def settlement_report(*, day: date, department_ids: set[int] | None = None) -> Report:
    """The report for one day (Japan time). With ``department_ids``, only rows of those
    departments (rows that match no payment of ours are shown only to everyone-seeing staff)."""
    report = Report(day=day)
    for name in providers.names():
        report.rows += _provider_rows(name, day)
    report.rows += [
        Row(
            providers.COUNTER,
            p.account_code,
            "payment",
            p.reference,
            p.provider_reference,
            p.amount_yen,
            None,
            "counter",
            p.department_id,
            p.purpose,
            p.object_ref,
            account_name=p.account_name,
        )
        for p in selectors.succeeded_on(day=day, provider=providers.COUNTER)
    ]
    report.rows += [
        Row(
            providers.COUNTER,
            r.payment.account_code,
            "refund",
            r.payment.reference,
            r.provider_reference,
            r.amount_yen,
            None,
            "counter",
            r.payment.department_id,
            account_name=r.payment.account_name,
        )
        for r in selectors.refunds_on(day=day, provider=providers.COUNTER)
    ]
    if department_ids is not None:
        report.rows = [row for row in report.rows if row.department_id in department_ids]
    _mark_fee_changes(report.rows)
    totals: dict[tuple[str, str], Total] = defaultdict(Total)
    for row in report.rows:
        if row.amount_here is None:
            continue
        total = totals[(row.provider, row.account_code)]
        total.account_name = total.account_name or row.account_name
        if row.kind == "payment":
            total.payments += 1
            total.payments_yen += row.amount_here
        else:
            total.refunds_yen += row.amount_here
    report.totals = dict(sorted(totals.items()))
    return report


class _SafeWriter:
    """A CSV writer whose every cell goes through ``spreadsheets.cell``: references and
    transaction ids come from providers and terminals, and finance opens the file in Excel."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\r\n")

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([spreadsheets.cell(value) for value in row])


def report_csv(report: Report, *, encoding: str = "utf-8-sig") -> bytes:
    """The report as CSV for Excel: UTF-8 with BOM (``utf-8-sig``) or Shift_JIS (``cp932``).
    First the totals per provider and account code, then every row, mismatches flagged, and
    the current fee where it changed after the payment."""
    buffer = io.StringIO()
    writer = _SafeWriter(buffer)
    day = report.day.isoformat()
    writer.writerow(
        ["日付", "決済事業者", "歳入科目コード", "歳入科目", "件数", "収納額", "返金額", "差引額"]
    )
    for (provider, code), total in report.totals.items():
        writer.writerow(
            [
                day,
                provider,
                code,
                total.account_name,
                total.payments,
                total.payments_yen,
                total.refunds_yen,
                total.net_yen,
            ]
        )
    writer.writerow([])
    writer.writerow(
        [
            "日付",
            "決済事業者",
            "歳入科目コード",
            "種別",
            "領収番号",
            "事業者参照番号",
            "金額（当方）",
            "金額（事業者）",
            "照合結果",
            "現在の手数料（支払後に変更）",
        ]
    )
    for row in report.rows:
        writer.writerow(
            [
                day,
                row.provider,
                row.account_code,
                "収納" if row.kind == "payment" else "返金",
                row.reference,
                row.provider_reference,
                "" if row.amount_here is None else row.amount_here,
                "" if row.amount_provider is None else row.amount_provider,
                CSV_FLAGS[row.flag],
                "" if row.fee_now is None else row.fee_now,
            ]
        )
    return buffer.getvalue().encode(encoding, errors="replace")
