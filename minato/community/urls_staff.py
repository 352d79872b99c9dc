from django.urls import path

from minato.community.views import staff

app_name = "community"

urlpatterns = [
    path("", staff.associations, name="associations"),
    path("circulars/", staff.ward_circulars, name="circulars"),
]
