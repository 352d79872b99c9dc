"""Hourly clean-up for insight (run by ``minato.core.housekeeping``)."""

from __future__ import annotations

from minato.insight.analysis.services import runs_fail_stranded


def run() -> dict[str, int]:
    return {
        # an analysis whose worker died: marked failed, so a new one can be asked for
        "analyses_failed": runs_fail_stranded(),
    }
