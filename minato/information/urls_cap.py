from django.urls import path

from minato.information.views import cap_feed

app_name = "cap"

urlpatterns = [
    path("alerts.atom", cap_feed.alerts_index, name="alerts"),
    path("alerts/<uuid:public_id>.xml", cap_feed.alert_xml, name="alert"),
]
