from django.urls import path

from minato.procedures.views import apply, portal

app_name = "procedures"

urlpatterns = [
    path("", portal.catalogue, name="catalogue"),
    # Fixed paths first: a procedure's slug could otherwise shadow them.
    path("applications/", apply.my_applications, name="my_applications"),
    path("applications/<str:reference>/", apply.application_detail, name="application_detail"),
    path("applications/<str:reference>/withdraw/", apply.withdraw, name="withdraw"),
    path("applications/<str:reference>/pdf/", apply.application_pdf, name="application_pdf"),
    path("files/<uuid:public_id>/", apply.attachment, name="attachment"),
    path("guest/", apply.guest_link, name="guest_link"),
    path("guest/<str:token>/", apply.guest_confirm, name="guest_confirm"),
    path("drafts/<uuid:public_id>/", apply.resume, name="resume"),
    path("drafts/<uuid:public_id>/check/", apply.check, name="check"),
    path("drafts/<uuid:public_id>/exit/<slug:exit_id>/", apply.exit_page, name="exit"),
    path("drafts/<uuid:public_id>/<slug:page_id>/", apply.page, name="page"),
    path("<slug:slug>/", portal.detail, name="detail"),
    path("<slug:slug>/apply/", apply.start, name="start"),
    path("<slug:slug>/apply/guest/", apply.guest_link, name="guest_start"),
]
