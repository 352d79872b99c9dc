"""Public shelter pages: the finder (list and map), one shelter, check-in by QR code with its
receipt, the open-data export, and hazard maps. The list pages are the disaster mode's page
set: public, cacheable by a CDN, and light."""

from __future__ import annotations

import csv
import io
import json
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django_ratelimit.core import is_ratelimited

from minato.core.areas import Area
from minato.core.forms import AccessibleForm
from minato.core.maps import map_settings
from minato.core.middleware import ip_key
from minato.core.page_cache import cache_for_anonymous
from minato.core.translated import localized
from minato.core.views import rate_limited
from minato.information import hazards, shelters
from minato.information.models import CheckIn, Shelter
from minato.information.shelters import CheckInDetails, ShelterError

# A CDN may serve these pages for half a minute, and keep serving them for a day if the site
# is down (stale-if-error): in a disaster an old shelter list beats an error page.
CDN_CACHE = {
    "public": True,
    "max_age": 30,
    "s_maxage": 30,
    "stale_while_revalidate": 30,
    "stale_if_error": 86400,
}
PROCESS_CACHE_SECONDS = 5
DEVICE_COOKIE = "minato_device"
DEVICE_SALT = "minato.information.check-in-device"
RECEIPT_SALT = "minato.information.shelter-receipt"
RECEIPT_MAX_AGE = 60 * 60 * 24 * 30


def cdn_cacheable(view: Any) -> Any:
    """The disaster page set's caching: a CDN's (``CDN_CACHE``) and each process's own (kept
    apart from other views', since the disaster page also answers at the home page's path)."""
    cached = cache_for_anonymous(PROCESS_CACHE_SECONDS, key_prefix=f"{view.__name__}:")(view)
    return cache_control(**CDN_CACHE)(cached)


def shelter_row(shelter: Shelter, language: str) -> dict[str, Any]:
    """What the finder, the map and the API say about a shelter."""
    return {
        "slug": shelter.slug,
        "name": localized(shelter.name, language),
        "status": shelter.status,
        "status_label": str(shelter.get_status_display()),
        "headcount": shelter.headcount,
        "capacity": shelter.capacity,
        "latitude": float(shelter.latitude),
        "longitude": float(shelter.longitude),
        "url": reverse("shelters:shelter", args=[shelter.slug]),
    }


class ShelterFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All")), *Shelter.Status.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("All")), *Shelter.Kind.choices],
        required=False,
    )
    area = forms.ChoiceField(
        label=gettext_lazy("Area"),
        choices=[("", gettext_lazy("The whole ward")), *Area.choices],
        required=False,
    )


@cdn_cacheable
def shelter_list(request: HttpRequest) -> HttpResponse:
    form = ShelterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = list(
        shelters.shelters_public(
            status=filters.get("status", ""),
            kind=filters.get("kind", ""),
            area=filters.get("area", ""),
        )
    )
    language = translation.get_language() or "ja"
    return render(
        request,
        "information/portal/shelters.html",
        {
            "form": form,
            "shelters": [(shelter, localized(shelter.name, language)) for shelter in found],
            "map_points": [shelter_row(shelter, language) for shelter in found],
            "map": map_settings(),
            "filtered": bool(filters and any(filters.values())),
        },
        status=400 if form.errors else 200,
    )


@cdn_cacheable
def shelter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    shelter = shelters.shelter_public(slug)
    if shelter is None:
        raise Http404
    language = translation.get_language() or "ja"
    return render(
        request,
        "information/portal/shelter.html",
        {
            "shelter": shelter,
            "name": localized(shelter.name, language),
            "kinds": [Shelter.Kind(kind).label for kind in shelter.kinds],
            "hazards": [Shelter.Hazard(h).label for h in shelter.hazards],
            "map_points": [shelter_row(shelter, language)],
            "map": map_settings(),
        },
    )


# --- Check-in ---------------------------------------------------------------------------------


class CheckInForm(AccessibleForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=shelters.NAME_LENGTH,
        help_text=gettext_lazy("The name staff will call. One name for your group is enough."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    party_size = forms.IntegerField(
        label=gettext_lazy("How many people, including you"),
        min_value=1,
        max_value=shelters.MAX_PARTY,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    contact = forms.CharField(
        label=gettext_lazy("Phone number or email (optional)"),
        max_length=shelters.CONTACT_LENGTH,
        required=False,
        help_text=gettext_lazy("So that family or staff can reach you."),
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    needs = forms.MultipleChoiceField(
        label=gettext_lazy("Do you need any help? (optional)"),
        choices=CheckIn.Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_note = forms.CharField(
        label=gettext_lazy("Anything else staff should know (optional)"),
        max_length=shelters.NOTE_LENGTH,
        required=False,
    )
    heading_to = forms.CharField(
        label=gettext_lazy("Where are you heading? (optional)"),
        max_length=shelters.NOTE_LENGTH,
        required=False,
        help_text=gettext_lazy("For example: home in Kawasaki, when the trains run again."),
    )

    def details(self) -> CheckInDetails:
        data = self.cleaned_data
        return CheckInDetails(
            name=data["name"],
            contact=data["contact"],
            party_size=data["party_size"],
            needs=tuple(data["needs"]),
            needs_note=data["needs_note"],
            heading_to=data["heading_to"],
        )


def device_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key of a check-in: the device id this site signed and gave the phone with
    the form, or — without one, or with one it did not sign — the phone's network. A client
    that makes up cookies only lands on its network's counter."""
    device = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)
    return f"device:{device}" if device else f"ip:{ip_key(group, request)}"


def receipt_url(entry: CheckIn) -> str:
    token = signing.dumps(str(entry.public_id), salt=RECEIPT_SALT)
    return reverse("shelters:receipt", args=[token])


@never_cache
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """The page the shelter's QR code opens (``?key=…``): a short form, no account."""
    shelter = shelters.shelter_for_check_in(slug, cached=request.method == "POST")
    if shelter is None:
        raise Http404
    key = request.POST.get("key", "") if request.method == "POST" else request.GET.get("key", "")
    valid_key = bool(key) and shelters.key_matches(shelter, key)
    form = CheckInForm(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(
            request,
            group="information.shelter_check_in",
            key=device_key,
            rate=settings.SHELTER_CHECKIN_DEVICE_RATE,
            increment=True,
        ):
            return rate_limited(request)
        if form.is_valid():
            try:
                entry = shelters.check_in(
                    shelter=shelter,
                    details=form.details(),
                    key=key,
                    language=translation.get_language() or "ja",
                )
            except ShelterError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect(receipt_url(entry))
    response = render(
        request,
        "information/portal/check_in.html",
        {
            "shelter": shelter,
            "name": localized(shelter.name, translation.get_language() or "ja"),
            "form": form,
            "key": key,
            "valid_key": valid_key,
        },
        status=400 if form.errors or (request.method == "POST" and not valid_key) else 200,
    )
    # A new device id for a phone without one, signed; a network asking for many of them (a
    # client clearing its cookies to get more turns) gets no more for a while.
    if not request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=DEVICE_SALT
    ) and not is_ratelimited(
        request,
        group="information.shelter_device_ids",
        key=ip_key,
        rate=settings.SHELTER_DEVICE_IDS_RATE,
        increment=True,
    ):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            salt=DEVICE_SALT,
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@never_cache
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    """The person's receipt: what to show at the desk, and checking out when they leave."""
    try:
        public_id = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    entry = shelters.check_in_for_receipt(public_id)
    if entry is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            shelters.check_out(entry=entry)
        except ShelterError as exc:
            error = str(exc)
        else:
            return redirect(request.path)
    return render(
        request,
        "information/portal/receipt.html",
        {
            "entry": entry,
            "shelter_name": localized(entry.shelter.name, translation.get_language() or "ja"),
            "error": error,
        },
        status=400 if error else 200,
    )


# --- Open data --------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "ID",
    "名称",
    "名称_英字",
    "種別",
    "地区",
    "所在地",
    "緯度",
    "経度",
    "電話番号",
    "収容人数",
    "開設状況",
    "避難者数",
    "状況更新日時",
]


def _export_rows() -> list[list[str]]:
    rows = []
    for shelter in shelters.shelters_public().order_by("area", "slug"):
        kinds = ";".join(str(Shelter.Kind(kind).label) for kind in shelter.kinds)
        changed = max(
            filter(None, [shelter.status_changed_at, shelter.headcount_updated_at]),
            default=None,
        )
        rows.append(
            [
                shelter.slug,
                shelter.name.get("ja", ""),
                shelter.name.get("en", ""),
                kinds,
                str(Area(shelter.area).label),
                shelter.address,
                str(shelter.latitude),
                str(shelter.longitude),
                shelter.phone,
                str(shelter.capacity),
                str(shelter.get_status_display()),
                str(shelter.headcount),
                changed.isoformat() if changed else "",
            ]
        )
    return rows


@cache_control(**CDN_CACHE)
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every shelter's status as CSV, UTF-8 with a byte-order mark (opens in Excel)."""
    with translation.override("ja"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(_export_rows())
    response = HttpResponse(
        "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8; header=present"
    )
    response["Content-Disposition"] = 'inline; filename="minato-shelters.csv"'
    return response


@cache_control(**CDN_CACHE)
def export_geojson(request: HttpRequest) -> HttpResponse:
    """Every shelter as a GeoJSON FeatureCollection (RFC 7946), for maps and apps."""
    features = [
        {
            "type": "Feature",
            "id": shelter.slug,
            "geometry": {
                "type": "Point",
                "coordinates": [float(shelter.longitude), float(shelter.latitude)],
            },
            "properties": {
                "name": shelter.name.get("ja", ""),
                "name_en": shelter.name.get("en", ""),
                "kinds": shelter.kinds,
                "hazards": shelter.hazards,
                "area": shelter.area,
                "address": shelter.address,
                "capacity": shelter.capacity,
                "status": shelter.status,
                "headcount": shelter.headcount,
                "status_changed_at": shelter.status_changed_at,
                "headcount_updated_at": shelter.headcount_updated_at,
            },
        }
        for shelter in shelters.shelters_public().order_by("area", "slug")
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


# --- Hazard maps ------------------------------------------------------------------------------


@cdn_cacheable
def hazard_maps(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "ja"
    layers = list(hazards.layers_published())
    return render(
        request,
        "information/portal/hazard_maps.html",
        {
            "layers": [
                (
                    layer,
                    localized(layer.title, language),
                    localized(layer.description, language),
                    hazards.areas_of(layer),
                )
                for layer in layers
            ],
            "map_layers": [
                {
                    "slug": layer.slug,
                    "kind": layer.kind,
                    "title": localized(layer.title, language),
                    "url": reverse("hazards:geojson", args=[layer.slug]),
                }
                for layer in layers
            ],
            "map_points": [
                shelter_row(shelter, language)
                for shelter in shelters.shelters_public().exclude(status=Shelter.Status.CLOSED)
            ],
            "map": map_settings(),
        },
    )


@cache_control(**CDN_CACHE)
def hazard_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    layer = hazards.layers_published().filter(slug=slug).first()
    if layer is None:
        raise Http404
    return HttpResponse(
        json.dumps(layer.geojson, ensure_ascii=False), content_type="application/geo+json"
    )
