from django.urls import path

from minato.notifications.views import staff

app_name = "notifications"

urlpatterns = [
    path("", staff.broadcast_list, name="broadcasts"),
    path("new/", staff.broadcast_edit, name="broadcast_new"),
    path("<uuid:public_id>/", staff.broadcast, name="broadcast"),
    path("<uuid:public_id>/edit/", staff.broadcast_edit, name="broadcast_edit"),
    path("<uuid:public_id>/submit/", staff.broadcast_submit, name="broadcast_submit"),
    path("<uuid:public_id>/approve/", staff.broadcast_approve, name="broadcast_approve"),
    path("<uuid:public_id>/return/", staff.broadcast_return, name="broadcast_return"),
    path("<uuid:public_id>/cancel/", staff.broadcast_cancel, name="broadcast_cancel"),
    path("texts/", staff.template_list, name="templates"),
    path("texts/<slug:app>/<slug:name>/", staff.template_edit, name="template"),
]
