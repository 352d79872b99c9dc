"""Japanese era dates (和暦) for display next to the Gregorian date."""

from __future__ import annotations

from datetime import date

# (first day, era name), newest first.
ERAS = [
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
]


def to_wareki(day: date) -> str:
    """``date(2026, 11, 26)`` → ``"令和8年11月26日"`` (the first year is written 元年)."""
    for start, name in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
