from django.urls import path

from minato.bookings.views import staff

app_name = "bookings"

urlpatterns = [
    path("", staff.day, name="day"),
    path("check-in/", staff.check_in, name="check_in"),
    path("sessions/<uuid:public_id>/", staff.session_roster, name="session"),
    path("sessions/<uuid:public_id>/close/", staff.session_close, name="session_close"),
    path("sessions/<uuid:public_id>/roster.csv", staff.session_roster_csv, name="session_csv"),
    path("b/<str:reference>/", staff.booking, name="booking"),
    path("groups/", staff.groups, name="groups"),
    path("groups/<uuid:public_id>/", staff.group, name="group"),
]
