from django.urls import path

from minato.community.views import officers, portal

app_name = "community"

urlpatterns = [
    path("", portal.circular_list, name="circulars"),
    path("join/", portal.join, name="join"),
    path("households/<uuid:household_id>/leave/", portal.leave, name="leave"),
    path("<uuid:public_id>/", portal.circular_detail, name="circular"),
    path("<uuid:public_id>/files/<uuid:attachment_id>/", portal.attachment, name="attachment"),
    path("boards/<slug:slug>/", officers.board, name="board"),
    path("boards/<slug:slug>/new/", officers.circular_new, name="new"),
    path("boards/<slug:slug>/households/", officers.households, name="households"),
    path("boards/<slug:slug>/<uuid:public_id>/", officers.status, name="status"),
    path("boards/<slug:slug>/<uuid:public_id>/remind/", officers.remind, name="remind"),
    path("boards/<slug:slug>/<uuid:public_id>/paper/", officers.paper_receipt, name="paper"),
    path("boards/<slug:slug>/<uuid:public_id>/print/", officers.printable, name="print"),
]
