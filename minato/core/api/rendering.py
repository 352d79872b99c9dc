"""JSON rendering for the API: times in ISO 8601 with an explicit offset (Japan time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class OffsetJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        # DjangoJSONEncoder writes "Z" and drops microseconds; clients in Japan get
        # "+09:00" with full precision, which every ISO 8601 parser understands.
        if isinstance(o, datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class OffsetJSONRenderer(JSONRenderer):
    encoder_class = OffsetJSONEncoder
