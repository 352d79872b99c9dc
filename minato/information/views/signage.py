"""Digital signage (issue 11, initiative 26): a full-screen page per display group that
rotates the notices showing now, in Japanese, English and やさしい日本語, and switches to the
emergency notices within seconds of an alert being issued.

A display group is a 地区 (the screens of that area's branch office and stations show its
notices and the whole ward's) or ``ward`` (every notice). The page asks ``state.json`` every
few seconds (polling: it works through any proxy, and a screen that lost the network picks up
where it was); without JavaScript it reloads itself every 30 seconds. A screen registered in
the console opens its page with ``?display=<key>``, and its polls are its heartbeat."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control

from minato.core.areas import Area
from minato.information import selectors, services
from minato.information.models import Notice

WHOLE_WARD = "ward"
SIGNAGE_LANGUAGES = ["ja", "en", "ja-easy"]
# How often a screen asks for news; an emergency shows within this (plus the cache below).
POLL_SECONDS = 5
NOTICES_SHOWN = 8


def _area_of(group: str) -> str:
    if group == WHOLE_WARD:
        return ""
    if group in Area.values:
        return group
    raise Http404


def _item(notice: Notice) -> dict[str, Any]:
    texts = {}
    for language in SIGNAGE_LANGUAGES:
        shown, text = notice.text(language)
        texts[language] = {"language": shown, "title": text["title"], "body": text["body"][:400]}
    return {"id": str(notice.public_id), "kind": notice.kind, "texts": texts}


def state_of(group: str) -> dict[str, Any]:
    """What a display group's screens show now: the emergency notices, else the others."""
    area = _area_of(group)
    # Emergencies on their own: however many notices came after one, it is shown.
    emergency = selectors.notices_current(kind=Notice.Kind.EMERGENCY, area=area)
    others = selectors.notices_current(area=area).exclude(kind=Notice.Kind.EMERGENCY)
    return {
        "group": group,
        "emergency": [_item(notice) for notice in emergency[:NOTICES_SHOWN]],
        "notices": [_item(notice) for notice in others[:NOTICES_SHOWN]],
        "poll_seconds": POLL_SECONDS,
    }


@cache_control(public=True, max_age=POLL_SECONDS)
def state(request: HttpRequest, group: str) -> JsonResponse:
    current = state_of(group)
    key = request.GET.get("display", "")
    if key:
        # A registered screen says it is alive (each screen has its own address, so a cache
        # in front still lets one poll in every few seconds through).
        services.display_heartbeat(key=key, group=group)
    return JsonResponse(current, json_dumps_params={"ensure_ascii": False})


def signage(request: HttpRequest, group: str) -> HttpResponse:
    current = state_of(group)
    key = request.GET.get("display", "")[:40]
    # The QR code opens the shelter finder: what a person in front of a screen in a disaster
    # needs next (the notices are one link away from it).
    link = settings.SITE_URL + reverse("shelters:list")
    qr_svg = segno.make(link, micro=False).svg_inline(scale=4, title=link)
    first = (current["emergency"] or current["notices"] or [None])[0]
    group_name = str(Area(group).label) if group in Area.values else ""
    return render(
        request,
        "information/signage/screen.html",
        {
            "state": current,
            "first": first,
            "group_name": group_name,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308 - SVG made by segno from our own URL
            "link": link,
            "state_url": reverse("signage:state", args=[group])
            + (f"?{urlencode({'display': key})}" if key else ""),
        },
    )
