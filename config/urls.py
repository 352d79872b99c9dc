from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from config.api import api
from minato.accounts.urls import staff as staff_urls
from minato.core import views as core_views
from minato.notifications.views import line as line_views
from minato.notifications.views import push as push_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    # LINE's webhook: a fixed address outside the language prefixes.
    path("line/webhook", line_views.webhook, name="line-webhook"),
    # The Web Push service worker: at the root, so that its scope covers every page.
    path("sw.js", push_views.service_worker, name="service-worker"),
    # The CAP 1.2 alert feed: fixed addresses outside the language prefixes (issue 11).
    path("cap/", include("minato.information.urls_cap")),
    # Digital signage: full-screen pages that show every language in turn (issue 11).
    path("signage/", include("minato.information.urls_signage")),
    # Open311 GeoReport v2 (issue 12): fixed addresses that clients are configured with.
    path("open311/v2/", include("minato.reports.urls_open311")),
    # The open-data catalogue's machine interfaces (issue 13): CKAN's Action API at
    # /api/3/action/ and /api/action/, and DCAT at /catalog.* and /opendata/dataset/*.{ttl,…}.
    path("", include("minato.opendata.urls_ckan")),
    path("", include("minato.opendata.urls_dcat")),
]

if settings.BENCHMARK_ENDPOINTS:
    urlpatterns.append(path("bench/bare", core_views.bare, name="bench-bare"))

# Japanese at /, English at /en/, やさしい日本語 at /ja-easy/ (docs/decisions/0002).
urlpatterns += i18n_patterns(
    path("", include("minato.portal.urls")),
    path("accounts/", include("minato.accounts.urls.portal")),
    path("procedures/", include("minato.procedures.urls")),
    path("payments/", include("minato.payments.urls")),
    path("bookings/", include("minato.bookings.urls")),
    path("notifications/", include("minato.notifications.urls")),
    path("notices/", include("minato.information.urls")),
    # Disaster mode's page set (issue 11): the disaster page, shelters, hazard maps.
    path("disaster/", include("minato.information.urls_disaster")),
    path("shelters/", include("minato.information.urls_shelters")),
    path("hazard-maps/", include("minato.information.urls_hazards")),
    path("circulars/", include("minato.community.urls")),
    path("reports/", include("minato.reports.urls")),
    path("opendata/", include("minato.opendata.urls")),
    path("navigator/", include("minato.navigator.urls")),
    path("insight/", include("minato.insight.urls")),
    # One "staff" namespace for the whole console, so its two-factor guard covers every
    # module's pages (staff:procedures:queue, …).
    path(
        "staff/",
        include(
            (
                [
                    *staff_urls.urlpatterns,
                    path("applications/", include("minato.procedures.urls_staff")),
                    path("payments/", include("minato.payments.urls_staff")),
                    path("forms/", include("minato.procedures.urls_builder")),
                    path("bookings/", include("minato.bookings.urls_staff")),
                    path("messages/", include("minato.notifications.urls_staff")),
                    path("information/", include("minato.information.urls_staff")),
                    path("community/", include("minato.community.urls_staff")),
                    path("reports/", include("minato.reports.urls_staff")),
                    path("opendata/", include("minato.opendata.urls_staff")),
                    path("navigator/", include("minato.navigator.urls_staff")),
                    path("insight/", include("minato.insight.urls_staff")),
                ],
                "staff",
            )
        ),
    ),
    prefix_default_language=False,
)

handler400 = "minato.core.views.bad_request"
handler403 = "minato.core.views.permission_denied"
handler404 = "minato.core.views.page_not_found"
handler500 = "minato.core.views.server_error"
