from django.urls import path

from minato.information.views import signage

app_name = "signage"

urlpatterns = [
    path("<slug:group>/", signage.signage, name="screen"),
    path("<slug:group>/state.json", signage.state, name="state"),
]
