from django.urls import path

from minato.navigator.views import portal

app_name = "navigator"

urlpatterns = [
    path("", portal.index, name="index"),
    # Fixed paths first: a guide's slug could otherwise shadow them.
    path("mine/", portal.mine, name="mine"),
    path("mine/<uuid:public_id>/", portal.my_checklist, name="my_checklist"),
    path("mine/<uuid:public_id>/visit/", portal.my_checklist_visit, name="my_checklist_visit"),
    path("checklists/<str:token>/", portal.checklist, name="checklist"),
    path("checklists/<str:token>/visit/", portal.checklist_visit, name="checklist_visit"),
    path("counters/", portal.offices, name="offices"),
    path("counters/<slug:slug>/", portal.office, name="office"),
    path("counters/<slug:slug>/kiosk/", portal.kiosk, name="kiosk"),
    path("counters/<slug:slug>/display/", portal.display, name="display"),
    path("counters/<slug:slug>/state.json", portal.office_state, name="office_state"),
    path(
        "counters/<slug:slug>/tickets/<uuid:public_id>/state.json",
        portal.ticket_state,
        name="ticket_state",
    ),
    path("tickets/<uuid:public_id>/", portal.ticket, name="ticket"),
    path("<slug:slug>/", portal.guide_start, name="guide"),
    path("<slug:slug>/check/", portal.check, name="check"),
    path("<slug:slug>/<slug:question_id>/", portal.question, name="question"),
]
