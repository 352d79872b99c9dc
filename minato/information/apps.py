from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "minato.information"
    label = "information"
    verbose_name = "Public information and disaster mode"
