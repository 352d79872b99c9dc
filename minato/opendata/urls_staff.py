from django.urls import path

from minato.opendata.views import staff

app_name = "opendata"

urlpatterns = [
    path("", staff.datasets, name="datasets"),
    path("new/", staff.dataset_new, name="dataset-new"),
    path("<slug:name>/", staff.dataset_detail, name="dataset"),
    path("<slug:name>/files/", staff.resource_add, name="resource-add"),
    path("<slug:name>/links/", staff.resource_link_add, name="resource-link-add"),
    path("<slug:name>/generated/", staff.resource_live_add, name="resource-live-add"),
    path(
        "<slug:name>/files/<uuid:resource_id>/version/",
        staff.resource_version,
        name="resource-version",
    ),
    path("<slug:name>/state/", staff.dataset_state, name="state"),
]
