from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "minato.portal"
    label = "portal"
    verbose_name = "Resident portal"
