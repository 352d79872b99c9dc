from django.urls import path

from minato.payments.views import portal, sandbox

app_name = "payments"

urlpatterns = [
    path("", portal.history, name="history"),
    path("pay/<str:purpose>/<str:object_ref>/", portal.pay, name="pay"),
    path("sandbox/<str:checkout_id>/", sandbox.checkout, name="sandbox_checkout"),
    path("sandbox/<str:checkout_id>/challenge/", sandbox.challenge, name="sandbox_challenge"),
    path("<uuid:public_id>/", portal.detail, name="detail"),
    path("<uuid:public_id>/return/", portal.payment_return, name="return"),
    path("<uuid:public_id>/receipt/", portal.receipt_pdf, name="receipt"),
]
