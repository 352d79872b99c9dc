from django.urls import path

from minato.payments.views import staff

app_name = "payments"

urlpatterns = [
    path("settlement/", staff.settlement, name="settlement"),
    path("for/<str:purpose>/<str:object_ref>/", staff.thing, name="thing"),
    path("for/<str:purpose>/<str:object_ref>/counter/", staff.counter, name="counter"),
    path("for/<str:purpose>/<str:object_ref>/fee/", staff.assess, name="assess"),
    path("<uuid:public_id>/refund/", staff.refund, name="refund"),
]
