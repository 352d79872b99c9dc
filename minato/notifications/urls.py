from django.urls import path

from minato.notifications.views import inbox, line, push
from minato.notifications.views import settings as preferences

app_name = "notifications"

urlpatterns = [
    path("settings/", preferences.preferences, name="preferences"),
    path("line/link/", line.link, name="line_link"),
    path("line/unlink/", line.unlink, name="line_unlink"),
    path("push/subscribe/", push.subscribe, name="push_subscribe"),
    path("push/unsubscribe/", push.unsubscribe, name="push_unsubscribe"),
    path("inbox/read-all/", inbox.read_all, name="inbox_read_all"),
    path("inbox/<uuid:public_id>/", inbox.message, name="inbox_message"),
]
