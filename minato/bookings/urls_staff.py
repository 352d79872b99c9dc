from django.urls import path

from minato.bookings.views import manage, staff

app_name = "bookings"

urlpatterns = [
    path("", staff.day, name="day"),
    path("check-in/", staff.check_in, name="check_in"),
    path("sessions/<uuid:public_id>/", staff.session_roster, name="session"),
    path("sessions/<uuid:public_id>/close/", staff.session_close, name="session_close"),
    path("sessions/<uuid:public_id>/remove/", manage.session_remove, name="session_remove"),
    path("sessions/<uuid:public_id>/roster.csv", staff.session_roster_csv, name="session_csv"),
    path("b/<str:reference>/", staff.booking, name="booking"),
    path("groups/", staff.groups, name="groups"),
    path("groups/<uuid:public_id>/", staff.group, name="group"),
    path("manage/", manage.catalogue_list, name="catalogue"),
    path("manage/facilities/new/", manage.facility_edit, name="facility_new"),
    path("manage/facilities/<slug:slug>/", manage.facility_edit, name="facility"),
    path("manage/facilities/<slug:slug>/close/", manage.facility_close, name="facility_close"),
    path("manage/offerings/new/", manage.offering_edit, name="offering_new"),
    path("manage/offerings/<slug:slug>/", manage.offering, name="offering"),
    path("manage/offerings/<slug:slug>/edit/", manage.offering_edit, name="offering_edit"),
    path("manage/offerings/<slug:slug>/sessions/", manage.sessions_add, name="sessions_add"),
    path("manage/offerings/<slug:slug>/lotteries/", manage.lottery_new, name="lottery_new"),
    path("occupancy/", manage.occupancy, name="occupancy"),
    path("occupancy.csv", manage.occupancy_csv, name="occupancy_csv"),
]
