from django.urls import path

from minato.information.views import disaster

app_name = "disaster"

urlpatterns = [
    path("", disaster.disaster_page, name="page"),
]
