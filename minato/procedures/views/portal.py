"""Resident pages of the procedure catalogue: search, browse, read one procedure."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from minato.procedures.catalogue import selectors as catalogue_selectors
from minato.procedures.catalogue.forms import CatalogueSearchForm
from minato.procedures.forms import selectors as form_selectors


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    procedures = catalogue_selectors.procedures_search(
        query=filters.get("q", ""),
        category=filters.get("category", ""),
        life_event=filters.get("life_event", ""),
    )
    return render(
        request,
        "procedures/portal/catalogue.html",
        {
            "form": form,
            "procedures": procedures,
            "searched": bool(
                filters.get("q") or filters.get("category") or filters.get("life_event")
            ),
            "filters": filters,
            "categories": catalogue_selectors.categories_with_counts(),
            "life_events": catalogue_selectors.life_events_with_counts(),
            "online_share": catalogue_selectors.online_share(),
            "enquiries_phone": settings.MUNICIPALITY_PHONE,
        },
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = get_object_or_404(catalogue_selectors.published_procedures(), slug=slug)
    return render(
        request,
        "procedures/portal/detail.html",
        {
            "procedure": procedure,
            "form_version": form_selectors.current_form_version(procedure),
        },
    )
