from django.urls import path

from minato.notifications.views import line
from minato.notifications.views import settings as preferences

app_name = "notifications"

urlpatterns = [
    path("settings/", preferences.preferences, name="preferences"),
    path("line/link/", line.link, name="line_link"),
    path("line/unlink/", line.unlink, name="line_unlink"),
]
