from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class NotificationsConfig(AppConfig):
    name = "minato.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    resident_access_labels = {
        "notifications.queued": gettext_lazy("Prepared a message to you"),
        "notifications.sending": gettext_lazy("Began sending you a message"),
        "notifications.delivered": gettext_lazy("Sent you a message"),
        "notifications.retrying": gettext_lazy("Will try again to send you a message"),
        "notifications.failed": gettext_lazy("Could not send you a message"),
    }
