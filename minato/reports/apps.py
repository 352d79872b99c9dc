from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportsConfig(AppConfig):
    name = "minato.reports"
    label = "reports"
    verbose_name = "Community reports of problems on roads and in parks"
    # Actions others take on a resident's data (閲覧履歴): staff reading the contact details
    # of a report the resident sent.
    resident_access_labels = {
        "reports.contact_viewed": gettext_lazy("Looked at the contact details of your report"),
    }
