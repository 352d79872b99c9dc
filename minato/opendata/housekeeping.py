"""Hourly clean-up for the open-data catalogue (run by ``minato.core.housekeeping``)."""

from __future__ import annotations

from minato.opendata.services import live_versions_prune


def run() -> dict[str, int]:
    # generated versions of live resources beyond the newest few
    return {"live_versions_pruned": live_versions_prune()}
