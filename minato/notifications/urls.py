from django.urls import path

from minato.notifications.views import line

app_name = "notifications"

urlpatterns = [
    path("line/link/", line.link, name="line_link"),
    path("line/unlink/", line.unlink, name="line_unlink"),
]
