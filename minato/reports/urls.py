from django.urls import path

from minato.reports.views import portal

app_name = "reports"

urlpatterns = [
    path("", portal.report_list, name="list"),
    path("new/", portal.report_new, name="new"),
    path("nearby/", portal.nearby, name="nearby"),
    path("following/", portal.following, name="following"),
    path("following/<uuid:public_id>/stop/", portal.area_unfollow, name="area-unfollow"),
    path("<str:reference>/", portal.report_detail, name="report"),
    path("<str:reference>/support/", portal.support, name="support"),
    path("<str:reference>/follow/", portal.follow, name="follow"),
    path("<str:reference>/reopen/", portal.reopen, name="reopen"),
    path("<str:reference>/photos/<uuid:photo_id>/", portal.photo, name="photo"),
]
