"""Information's part of the hourly housekeeping (``minato.core.housekeeping``)."""

from __future__ import annotations

from minato.information import shelters


def run() -> dict[str, int]:
    return {"shelter_check_ins_deleted": shelters.delete_old_check_ins()}
