"""Hourly clean-up for bookings (run by ``minato.core.housekeeping``)."""

from __future__ import annotations

from minato.bookings.services import lottery_results_announce_stranded


def run() -> dict[str, int]:
    # entrants of a drawn lottery whom no task told (the task lost with its worker)
    return {"lottery_results_told": lottery_results_announce_stranded()}
