"""The plan's indicators and operational ones, computed live from platform data.

Each indicator has a definition (name, unit, where its figure comes from, the plan's target)
and a monthly series for the last twelve months, newest last. The residents' feelings the
plan measures by survey (満足度, 区政情報が届いている, 効率的な区政運営) show the plan's last
published figure, labelled as such, until a survey of the platform measures them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minato.core.models import AuditEvent
from minato.insight.models import Incident, Voice
from minato.insight.surveys import selectors as survey_selectors
from minato.notifications.models import LineAccount
from minato.opendata import selectors as opendata_selectors
from minato.payments.models import Payment
from minato.procedures.catalogue import selectors as catalogue_selectors

MONTHS = 12


@dataclass
class Indicator:
    key: str
    name: Any
    unit: str  # "%", "count"
    source: Any
    plan: bool  # one of the plan's outcome indicators (成果指標)
    target: float | None = None
    target_note: Any = ""
    higher_is_better: bool = True
    value: float | None = None
    value_note: Any = ""
    series: Sequence[tuple[date, float | None]] = field(default_factory=list)

    @property
    def chart(self) -> str:
        """The series as SVG polyline points in a 240 × 64 box (empty without two figures)."""
        known = [(i, v) for i, (_month, v) in enumerate(self.series) if v is not None]
        if len(known) < 2:
            return ""
        top = max(max(v for _i, v in known), self.target or 0) or 1
        step = 240 / max(len(self.series) - 1, 1)
        return " ".join(f"{i * step:.1f},{60 - 56 * v / top:.1f}" for i, v in known)

    @property
    def met(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


def _months(today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    out = []
    year, month = first.year, first.month
    for _i in range(MONTHS):
        out.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def _by_month(queryset, field_name: str, **aggregates) -> dict[date, dict[str, int]]:  # type: ignore[no-untyped-def]
    start = _months()[0]
    rows = (
        queryset.filter(**{f"{field_name}__date__gte": start})
        .annotate(month=TruncMonth(field_name, tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(**aggregates)
        .order_by("month")
    )
    return {_as_date(row["month"]): row for row in rows}


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def online_applications() -> Indicator:
    """Applications made online: those submitted by the resident (not recorded by a clerk at
    a counter), from the audit trail's submissions."""
    staff = get_user_model().objects.filter(kind="staff").values("pk")
    rows = _by_month(
        AuditEvent.objects.filter(action="procedures.application_submitted"),
        "occurred_at",
        total=Count("id"),
        counter=Count("id", filter=Q(actor_id__in=staff)),
    )
    series = [
        (m, _share(rows[m]["total"] - rows[m]["counter"], rows[m]["total"]) if m in rows else None)
        for m in _months()
    ]
    return Indicator(
        key="online_applications",
        name=_("Applications made online"),
        unit="%",
        source=_("Submitted applications; those a clerk recorded at a counter are not online."),
        plan=False,
        series=series,
        value=_latest(series),
    )


def online_procedures() -> Indicator:
    share = catalogue_selectors.online_share()
    return Indicator(
        key="online_procedures",
        name=_("Procedures that can be done online"),
        unit="%",
        source=_("Published procedures the law allows online (initiative 1)."),
        plan=False,
        target=100.0,
        target_note=_("Every procedure the law allows"),
        value=share.percent if share.eligible else None,
    )


def online_payments() -> Indicator:
    rows = _by_month(
        Payment.objects.filter(status="succeeded"),
        "succeeded_at",
        total=Count("id"),
        online=Count("id", filter=Q(channel="online")),
    )
    series = [
        (m, _share(rows[m]["online"], rows[m]["total"]) if m in rows else None) for m in _months()
    ]
    return Indicator(
        key="online_payments",
        name=_("Fees paid online"),
        unit="%",
        source=_(
            "Payments through the platform (all cashless): the share paid online rather than at "
            "a counter's terminal. Cash taken at counters is not recorded here."
        ),
        plan=False,
        series=series,
        value=_latest(series),
    )


def open_data_downloads() -> Indicator:
    counts = {
        _as_date(row.month): row.downloads
        for row in opendata_selectors.monthly_downloads(months=MONTHS)
    }
    series = [(m, float(counts.get(m, 0))) for m in _months()]
    return Indicator(
        key="open_data_downloads",
        name=_("Open-data downloads per month"),
        unit="count",
        source=_("Downloads from the open-data catalogue, bots excluded."),
        plan=True,
        target=float(opendata_selectors.MONTHLY_DOWNLOADS_TARGET),
        target_note=_("Monthly average by the end of FY2026"),
        series=series,
        value=_latest(series),
    )


def line_reach() -> Indicator:
    residents = get_user_model().objects.filter(kind="resident", is_active=True).count()
    following = LineAccount.objects.filter(is_following=True)
    linked = _by_month(following, "created_at", count=Count("id"))
    before = following.filter(created_at__date__lt=_months()[0]).count()
    series = []
    running = before
    for month in _months():
        running += linked.get(month, {}).get("count", 0)
        series.append((month, float(running)))
    return Indicator(
        key="line_reach",
        name=_("Residents reachable by LINE"),
        unit="count",
        source=_("Residents' accounts linked to the ward's LINE account and still following it."),
        plan=False,
        value=float(following.count()),
        value_note=_("of %(residents)s residents with an account") % {"residents": residents},
        series=series,
    )


def serious_incidents() -> Indicator:
    months = _months()
    serious = Incident.objects.filter(
        severity=Incident.Severity.SERIOUS, occurred_on__gte=months[0]
    )
    per_month = Counter(day.replace(day=1) for day in serious.values_list("occurred_on", flat=True))
    series = [(m, float(per_month.get(m, 0))) for m in months]
    fiscal_start = _fiscal_year_start()
    return Indicator(
        key="serious_incidents",
        name=_("Serious security incidents"),
        unit="count",
        source=_("Incidents the CISO declared serious, this fiscal year."),
        plan=True,
        target=0.0,
        target_note=_("None"),
        higher_is_better=False,
        value=float(
            Incident.objects.filter(
                severity=Incident.Severity.SERIOUS, occurred_on__gte=fiscal_start
            ).count()
        ),
        series=series,
    )


def voices_received() -> Indicator:
    rows = _by_month(Voice.objects.all(), "received_at", count=Count("id"))
    series = [(m, float(rows.get(m, {}).get("count", 0))) for m in _months()]
    return Indicator(
        key="voices_received",
        name=_("Residents' voices received"),
        unit="count",
        source=_("Voices from the portal, LINE and imported call-centre and paper records."),
        plan=False,
        series=series,
        value=_latest(series),
    )


# The plan's survey indicators: (key, name, FY2023 figure, target by the end of FY2026).
SURVEY_INDICATORS = [
    (
        "satisfaction_digital",
        _("Residents satisfied with convenient life through technology (policy 24)"),
        40.2,
        43.5,
    ),
    (
        "information_reaches",
        _("Residents who feel the ward's information reaches them"),
        70.0,
        80.0,
    ),
    ("efficient_administration", _("Residents who feel the ward is run efficiently"), 41.0, 55.0),
]


def survey_indicators() -> list[Indicator]:
    """The survey indicators from the newest survey that measured them, with the 95 %
    interval; the plan's published figure, labelled as such, until a survey has."""
    measured = survey_selectors.latest_estimates()
    out = []
    for key, name, last, target in SURVEY_INDICATORS:
        indicator = Indicator(
            key=key,
            name=name,
            unit="%",
            source=_("港区DX推進計画: the ward's resident survey (last published figure)."),
            plan=True,
            target=target,
            target_note=_("By the end of FY2026"),
            value=last,
            value_note=_("Figure published in the plan, not measured by this platform yet"),
        )
        if key in measured:
            survey, estimate = measured[key]
            low, high = estimate.interval or (0.0, 0.0)
            indicator.value = round(100 * (estimate.share or 0), 1)
            indicator.source = _("The platform's survey: %(title)s.") % {
                "title": survey.title.get("ja", "")
            }
            indicator.value_note = _(
                "%(answers)s answers; 95%% confidence interval %(low)s–%(high)s%%"
            ) % {
                "answers": estimate.answered,
                "low": f"{100 * low:.1f}",
                "high": f"{100 * high:.1f}",
            }
        out.append(indicator)
    return out


def _fiscal_year_start(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _latest(series: Sequence[tuple[date, float | None]]) -> float | None:
    # The month that has ended last: the current month is still filling up.
    completed = [value for month, value in series[:-1] if value is not None]
    return completed[-1] if completed else (series[-1][1] if series else None)


def all_indicators() -> list[Indicator]:
    return [
        *survey_indicators(),
        open_data_downloads(),
        serious_incidents(),
        online_procedures(),
        online_applications(),
        online_payments(),
        line_reach(),
        voices_received(),
    ]


def cache_key(language: str) -> str:
    return f"insight:indicators:{language}"


def current(language: str | None = None) -> list[Indicator]:
    """``all_indicators()`` as of at most ``INSIGHT_INDICATORS_SECONDS`` ago (60): the public
    page, its CSV and the API are read far more often than the figures change, and one
    computation takes a dozen queries."""
    language = language or get_language() or settings.LANGUAGE_CODE
    found = cache.get(cache_key(language))
    if found is None:
        found = [
            replace(
                indicator,
                name=str(indicator.name),
                source=str(indicator.source),
                target_note=str(indicator.target_note),
                value_note=str(indicator.value_note),
            )
            for indicator in all_indicators()
        ]
        cache.set(cache_key(language), found, settings.INSIGHT_INDICATORS_SECONDS)
    return found


def forget() -> None:
    """Drop the cached figures (after a change staff expect to see at once)."""
    cache.delete_many([cache_key(code) for code, _name in settings.LANGUAGES])


def csv_rows(indicators: list[Indicator]) -> list[list[Any]]:
    months = _months()
    rows: list[list[Any]] = [
        [
            "indicator",
            "name",
            "unit",
            "plan_indicator",
            "target",
            "value",
            *[m.strftime("%Y-%m") for m in months],
        ]
    ]
    for indicator in indicators:
        by_month = dict(indicator.series)
        rows.append(
            [
                indicator.key,
                str(indicator.name),
                indicator.unit,
                "yes" if indicator.plan else "no",
                "" if indicator.target is None else indicator.target,
                "" if indicator.value is None else indicator.value,
                *["" if by_month.get(m) is None else by_month[m] for m in months],
            ]
        )
    return rows
