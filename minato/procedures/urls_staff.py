from django.urls import path

from minato.procedures.views import staff

app_name = "procedures"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("export/", staff.export, name="export"),
    path("<str:reference>/", staff.detail, name="detail"),
    path("<str:reference>/pdf/", staff.application_pdf, name="pdf"),
    path("<str:reference>/files/<uuid:public_id>/", staff.attachment, name="attachment"),
    path("<str:reference>/act/", staff.act, name="act"),
    path("<str:reference>/assign/", staff.assign, name="assign"),
    path("<str:reference>/note/", staff.note, name="note"),
    path(
        "<str:reference>/handoff/<int:delivery_id>/resend/",
        staff.handoff_resend,
        name="handoff_resend",
    ),
]
