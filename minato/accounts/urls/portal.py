from django.urls import path

from minato.accounts.views import portal

app_name = "accounts"

urlpatterns = [
    path("signup/", portal.signup, name="signup"),
    path("signup/done/", portal.signup_done, name="signup_done"),
    path("verify/resend/", portal.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", portal.verify_email, name="verify_email"),
    path("login/", portal.login_view, name="login"),
    path("logout/", portal.logout_view, name="logout"),
    path("profile/", portal.profile, name="profile"),
    path("profile/edit/", portal.profile_edit, name="profile_edit"),
    path("profile/address/", portal.postal_lookup_fragment, name="postal_lookup"),
    path("delete/", portal.delete_account, name="delete"),
    path("password/", portal.password_change, name="password_change"),
    path("access-log/", portal.access_log, name="access_log"),
    path("messages/", portal.inbox, name="inbox"),
    path("password-reset/", portal.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", portal.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        portal.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
