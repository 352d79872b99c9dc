"""CKAN's Action API (minato.opendata.ckan) at the addresses CKAN clients use: /api/3/action/
and /api/action/, and /api and /api/<version> answering the API's version. Outside the
language prefixes: a client is configured with the site's root."""

from django.urls import path, re_path

from minato.opendata.ckan import views

app_name = "ckan"

urlpatterns = [
    re_path(r"^api/?$", views.api_version, name="api"),
    re_path(r"^api/(?P<ver>[1-3])/?$", views.api_version, name="api-version"),
    path("api/3/action/<str:logic_function>", views.action, name="action"),
    path("api/action/<str:logic_function>", views.action, name="action-unversioned"),
]
