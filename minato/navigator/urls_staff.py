from django.urls import path

from minato.navigator.views import staff

app_name = "navigator"

urlpatterns = [
    path("", staff.counters, name="counters"),
    path("counters/<slug:slug>/", staff.counter, name="counter"),
    path("counters/<slug:slug>/statistics/", staff.statistics, name="statistics"),
    path("tickets/<uuid:public_id>/", staff.ticket_action, name="ticket_action"),
    path("visits/", staff.visit_scan, name="visit_scan"),
    path("visits/<uuid:public_id>/", staff.visit, name="visit"),
    path("visits/<uuid:public_id>/forms.pdf", staff.visit_pdf, name="visit_pdf"),
    path("guides/", staff.guides, name="guides"),
    path("guides/<slug:slug>/", staff.guide_edit, name="guide_edit"),
]
