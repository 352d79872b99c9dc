"""The public reports API (/api/v1/reports): to be written (issue 12)."""

from ninja import Router

router = Router(tags=["reports"])
