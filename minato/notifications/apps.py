from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "minato.notifications"
    label = "notifications"
    verbose_name = "Notifications"
