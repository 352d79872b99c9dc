from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minato.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from minato.core import checks  # noqa: F401 - registers the system checks
