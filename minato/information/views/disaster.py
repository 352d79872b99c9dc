"""The disaster page: what a crowd needs in one light, cacheable page (emergency notices now,
shelters open and their headcount, hazard maps). While disaster mode is on, the portal's home
page is this page (``minato.information.middleware``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from minato.core.translated import localized
from minato.information import disaster, hazards, selectors, shelters
from minato.information.models import Shelter
from minato.information.views.shelters import cdn_cacheable

# The disaster page names this many shelters; the finder has them all.
SHELTERS_SHOWN = 30


@cdn_cacheable
def disaster_page(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "ja"
    mode = disaster.current()
    open_now = list(
        shelters.shelters_public().filter(
            status__in=[Shelter.Status.OPEN, Shelter.Status.PREPARING, Shelter.Status.FULL]
        )[:SHELTERS_SHOWN]
    )
    return render(
        request,
        "information/portal/disaster.html",
        {
            "mode": mode,
            "message": localized(mode.message, language) if mode.message else "",
            "notices": [
                (notice, *notice.text(language))
                for notice in selectors.notices_current(kind="emergency")[:10]
            ],
            "shelters": [(s, localized(s.name, language)) for s in open_now],
            "municipality_phone": settings.MUNICIPALITY_PHONE,
            "hazard_layers": [
                (layer, localized(layer.title, language))
                for layer in hazards.layers_published().defer("geojson")
            ],
        },
    )
