from django.urls import path

from minato.information.views import staff

app_name = "information"

urlpatterns = [
    path("notices/", staff.notice_list, name="notices"),
    path("notices/new/", staff.notice_edit, name="notice_new"),
    path("notices/<uuid:public_id>/", staff.notice, name="notice"),
    path("notices/<uuid:public_id>/edit/", staff.notice_edit, name="notice_edit"),
    path("notices/<uuid:public_id>/publish/", staff.notice_publish, name="notice_publish"),
    path("notices/<uuid:public_id>/withdraw/", staff.notice_withdraw, name="notice_withdraw"),
    path("alerts/", staff.alert_list, name="alerts"),
    path("alerts/new/", staff.alert_edit, name="alert_new"),
    path("alerts/<uuid:public_id>/", staff.alert, name="alert"),
    path("alerts/<uuid:public_id>/edit/", staff.alert_edit, name="alert_edit"),
    path("alerts/<uuid:public_id>/submit/", staff.alert_submit, name="alert_submit"),
    path("alerts/<uuid:public_id>/issue/", staff.alert_issue, name="alert_issue"),
    path("displays/", staff.display_list, name="displays"),
]
