"""Business days of a Japanese ward office: no weekends, no national holidays (jpholiday,
which ships the holiday rules), and no year-end closure (29 December – 3 January)."""

from __future__ import annotations

from datetime import date, timedelta

import jpholiday


def is_business_day(day: date) -> bool:
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (the day of submission is day 0)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current
