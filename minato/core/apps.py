from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minato.core"
    label = "core"
    verbose_name = "Core"
