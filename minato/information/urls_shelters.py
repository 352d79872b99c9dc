from django.urls import path

from minato.information.views import shelters

app_name = "shelters"

urlpatterns = [
    path("", shelters.shelter_list, name="list"),
    path("shelters.csv", shelters.export_csv, name="csv"),
    path("shelters.geojson", shelters.export_geojson, name="geojson"),
    path("receipt/<str:token>/", shelters.receipt, name="receipt"),
    path("<slug:slug>/", shelters.shelter_detail, name="shelter"),
    path("<slug:slug>/check-in/", shelters.check_in, name="check_in"),
]
