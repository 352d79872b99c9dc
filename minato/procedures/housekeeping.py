"""Hourly clean-up for procedures (run by ``minato.core.housekeeping``)."""

from __future__ import annotations

from minato.procedures.applications.attachments import (
    purge_expired_drafts,
    purge_unclaimed_attachments,
)


def run() -> dict[str, int]:
    return {
        "unclaimed_attachments": purge_unclaimed_attachments(),
        "expired_drafts": purge_expired_drafts(),
    }
