from django.urls import path

from minato.procedures.views import portal

app_name = "procedures"

urlpatterns = [
    path("", portal.catalogue, name="catalogue"),
    path("<slug:slug>/", portal.detail, name="detail"),
]
