from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ProceduresConfig(AppConfig):
    name = "minato.procedures"
    label = "procedures"
    verbose_name = "Procedures (電子申請)"
    # Shown to the applicant in 「閲覧履歴」 (accounts gathers these from every app).
    resident_access_labels = {
        "procedures.application_viewed": gettext_lazy("Looked at your application"),
        "procedures.application_printed": gettext_lazy("Printed your application"),
        "procedures.attachment_viewed": gettext_lazy("Opened a file you sent"),
        "procedures.applications_exported": gettext_lazy("Exported your application"),
        "procedures.application_assigned": gettext_lazy("Assigned your application to staff"),
        "procedures.application_received": gettext_lazy("Received your application"),
        "procedures.application_in_review": gettext_lazy("Started reviewing your application"),
        "procedures.application_returned": gettext_lazy("Returned your application for correction"),
        "procedures.application_approved": gettext_lazy("Approved your application"),
        "procedures.application_rejected": gettext_lazy("Rejected your application"),
        "procedures.application_completed": gettext_lazy("Completed your application"),
        "procedures.application_acknowledged": gettext_lazy(
            "A business system took up your application"
        ),
    }
