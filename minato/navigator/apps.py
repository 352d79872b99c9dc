from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "minato.navigator"
    label = "navigator"
    verbose_name = "Life-event navigator and counters"
    # What 閲覧履歴 calls the actions others take on a resident's data.
    resident_access_labels = {
        "navigator.visit_opened": _("Opened your counter visit (書かない窓口)"),
        "navigator.visit_corrected": _("Corrected the details of your counter visit"),
        "navigator.visit_printed": _("Printed the forms of your counter visit"),
        "navigator.visit_completed": _("Finished your counter visit"),
        "navigator.visit_recorded": _("Recorded an application from your counter visit"),
        "navigator.ticket_called": _("Called your ticket at a counter"),
        "navigator.ticket_done": _("Finished serving your ticket at a counter"),
        "navigator.ticket_absent": _("Recorded that you were not there when called"),
        "navigator.ticket_transferred": _("Sent your ticket to another counter"),
    }
