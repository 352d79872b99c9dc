from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "minato.procedures"
    label = "procedures"
    verbose_name = "Procedures (電子申請)"
