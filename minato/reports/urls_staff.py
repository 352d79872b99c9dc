from django.urls import path

from minato.reports.views import staff

app_name = "reports"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("dashboard/", staff.dashboard, name="dashboard"),
    path("<str:reference>/", staff.report_detail, name="report"),
    path("<str:reference>/status/", staff.set_status, name="status"),
    path("<str:reference>/route/", staff.route, name="route"),
    path("<str:reference>/note/", staff.note, name="note"),
    path("<str:reference>/reply/", staff.reply, name="reply"),
    path("<str:reference>/photos/", staff.photo_add, name="photo-add"),
    path("<str:reference>/photos/<uuid:photo_id>/", staff.photo, name="photo"),
    path(
        "<str:reference>/photos/<uuid:photo_id>/publish/", staff.photo_publish, name="photo-publish"
    ),
    path("<str:reference>/photos/<uuid:photo_id>/redact/", staff.photo_redact, name="photo-redact"),
]
