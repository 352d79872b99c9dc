from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "minato.insight"
    label = "insight"
    verbose_name = "Residents' voices, topic analysis, indicators and safe statistics"
    # What 閲覧履歴 calls the actions others take on a resident's data.
    resident_access_labels = {
        "insight.voice_viewed": _("Read your voice (区民の声)"),
        "insight.voice_routed": _("Sent your voice to a department"),
        "insight.voice_replied": _("Replied to your voice"),
        "insight.voice_published": _("Published your voice with the ward's answer"),
    }
