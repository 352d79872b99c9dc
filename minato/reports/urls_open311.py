"""Open311 GeoReport v2 at /open311/v2/ (minato.reports.open311): each resource ends in its
format, ``.json`` or ``.xml``; anything else here is the specification's 404."""

from django.urls import re_path

from minato.reports import open311

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(rf"^discovery{FORMAT}", open311.discovery, name="discovery"),
    re_path(rf"^services{FORMAT}", open311.service_list, name="services"),
    re_path(
        rf"^services/(?P<service_code>[-\w]+){FORMAT}", open311.service_definition, name="service"
    ),
    re_path(rf"^requests{FORMAT}", open311.service_requests, name="requests"),
    re_path(
        rf"^requests/(?P<service_request_id>[A-Za-z0-9]+){FORMAT}",
        open311.service_request,
        name="request",
    ),
    re_path(
        rf"^tokens/(?P<token>[A-Za-z0-9]+){FORMAT}", open311.service_request_of_token, name="token"
    ),
    re_path(r"^(?P<path>.*)$", open311.not_found, name="not-found"),
]
