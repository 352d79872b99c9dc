from django.urls import path

from minato.accounts.views import staff

app_name = "staff"

urlpatterns = [
    path("", staff.home, name="home"),
    path("login/", staff.login_view, name="login"),
    path("logout/", staff.logout_view, name="logout"),
    path("invitation/<str:token>/", staff.invitation, name="invitation"),
    path("audit/", staff.audit_log, name="audit_log"),
    path("residents/", staff.residents, name="residents"),
    path("residents/<uuid:public_id>/", staff.resident_detail, name="resident_detail"),
    path("departments/", staff.departments, name="departments"),
    path("staff-members/", staff.staff_members, name="staff_members"),
    path("staff-members/<uuid:public_id>/", staff.staff_member_edit, name="staff_member_edit"),
    path("api-tokens/", staff.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:public_id>/revoke/", staff.api_token_revoke, name="api_token_revoke"),
]
