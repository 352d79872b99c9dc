"""Hourly clean-up for the navigator (run by ``minato.core.housekeeping``)."""

from __future__ import annotations

from minato.navigator.guide.services import checklists_delete_expired
from minato.navigator.queues.services import tickets_close_past_days
from minato.navigator.visits.services import visits_delete_expired


def run() -> dict[str, int]:
    return {
        # private links past their time, with their visits (answers are personal data)
        "checklists_deleted": checklists_delete_expired(),
        # visits past their 30 days (their details copy the profile)
        "visits_deleted": visits_delete_expired(),
        # the daily reset, in case the periodic job did not run
        "tickets_expired": tickets_close_past_days(),
    }
