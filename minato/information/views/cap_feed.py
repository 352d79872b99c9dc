"""The public CAP 1.2 feed: an Atom index of the issued alerts (``/cap/alerts.atom``), each
entry linking to its CAP message (``/cap/alerts/<id>.xml``). Fixed addresses outside the
language prefixes, for alerting systems, broadcasters and signage that read CAP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import cache_control

from minato.information import alerts, cap, selectors
from minato.information.models import Alert

CAP_CONTENT_TYPE = "application/cap+xml"
FEED_SIZE = 100
# Short: a CAP reader polls, and an update or a cancellation must reach it quickly.
CAP_CACHE_SECONDS = 10


class CapIndex(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = "港区 緊急情報 (CAP 1.2) / Minato City alerts"
    subtitle = "Emergency alerts of Minato City, Tokyo, as OASIS CAP 1.2 messages."
    language = "ja"

    def link(self) -> str:
        return reverse("cap:alerts")

    def items(self) -> list[Alert]:
        return list(selectors.alerts_issued()[:FEED_SIZE])

    def item_title(self, item: Alert) -> str:
        mark = {"Exercise": "【訓練】", "Test": "【試験】"}.get(item.mode, "")
        kind = {"Update": "【更新】", "Cancel": "【解除】"}.get(item.message_type, "")
        return f"{mark}{kind}{item}"

    def item_description(self, item: Alert) -> str:
        return str(item.content.get("ja", {}).get("description", ""))

    def item_link(self, item: Alert) -> str:
        return reverse("cap:alert", args=[item.public_id])

    def item_guid(self, item: Alert) -> str:
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Alert) -> datetime | None:
        return item.issued_at

    def item_updateddate(self, item: Alert) -> datetime | None:
        return item.issued_at


alerts_index = cache_control(public=True, max_age=CAP_CACHE_SECONDS)(CapIndex())


@cache_control(public=True, max_age=CAP_CACHE_SECONDS)
def alert_xml(request: HttpRequest, public_id: Any) -> HttpResponse:
    alert = selectors.alert_issued(public_id)
    if alert is None:
        raise Http404
    return HttpResponse(cap.to_xml(alerts.cap_alert(alert)), content_type=CAP_CONTENT_TYPE)
