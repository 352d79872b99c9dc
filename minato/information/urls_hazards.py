from django.urls import path

from minato.information.views import shelters

app_name = "hazards"

urlpatterns = [
    path("", shelters.hazard_maps, name="maps"),
    path("<slug:slug>.geojson", shelters.hazard_geojson, name="geojson"),
]
