from django.urls import path

from minato.bookings.views import portal

app_name = "bookings"

urlpatterns = [
    path("", portal.index, name="index"),
    path("mine/", portal.mine, name="mine"),
    path("mine/<str:reference>/", portal.detail, name="detail"),
    path("mine/<str:reference>/action/", portal.booking_action, name="action"),
    path("mine/<str:reference>/calendar.ics", portal.booking_ics, name="ics"),
    path("groups/", portal.groups, name="groups"),
    path("groups/new/", portal.group_new, name="group_new"),
    path("groups/<uuid:public_id>/", portal.group_detail, name="group"),
    path("calendar/<str:token>.ics", portal.feed, name="feed"),
    path("lotteries/<uuid:public_id>/", portal.lottery_detail, name="lottery"),
    path(
        "lotteries/<uuid:public_id>/entries.csv", portal.lottery_entries_csv, name="lottery_entries"
    ),
    path(
        "lotteries/<uuid:public_id>/sessions.csv",
        portal.lottery_sessions_csv,
        name="lottery_sessions",
    ),
    path("<slug:slug>/", portal.offering_detail, name="offering"),
    path("<slug:slug>/sessions/<uuid:public_id>/", portal.session_action, name="session_action"),
]
