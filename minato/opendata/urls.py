from django.urls import path

from minato.opendata.views import portal

app_name = "opendata"

urlpatterns = [
    path("", portal.catalogue, name="catalogue"),
    path("statistics/", portal.statistics, name="statistics"),
    path("check/", portal.check, name="check"),
    path("dataset/<slug:name>/", portal.dataset, name="dataset"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/", portal.resource, name="resource"),
    # CKAN's address for a file: /dataset/{id}/resource/{resource_id}/download/{filename}.
    path(
        "dataset/<slug:name>/resource/<uuid:resource_id>/download/<str:filename>",
        portal.download,
        name="download",
    ),
]
