from django.urls import path

from minato.information.views import staff, staff_disaster

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
    path("shelters/", staff_disaster.shelter_list, name="shelters"),
    path("shelters/<slug:slug>/", staff_disaster.shelter, name="shelter"),
    path("shelters/<slug:slug>/status/", staff_disaster.shelter_status, name="shelter_status"),
    path(
        "shelters/<slug:slug>/headcount/",
        staff_disaster.shelter_headcount,
        name="shelter_headcount",
    ),
    path(
        "shelters/<slug:slug>/check-in/", staff_disaster.shelter_check_in, name="shelter_check_in"
    ),
    path(
        "shelters/<slug:slug>/check-out/<uuid:public_id>/",
        staff_disaster.shelter_check_out,
        name="shelter_check_out",
    ),
    path("shelters/<slug:slug>/new-key/", staff_disaster.shelter_new_key, name="shelter_new_key"),
    path("shelters/<slug:slug>/poster/", staff_disaster.shelter_poster, name="shelter_poster"),
    path("hazard-maps/", staff_disaster.hazard_layers, name="hazard_layers"),
    path(
        "hazard-maps/<uuid:public_id>/publish/",
        staff_disaster.hazard_layer_publish,
        name="hazard_layer_publish",
    ),
    path("disaster-mode/", staff_disaster.disaster_mode, name="disaster_mode"),
]
