from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "minato.bookings"
    label = "bookings"
    verbose_name = "Bookings and lotteries"
    # What 閲覧履歴 calls the actions others take on a resident's bookings.
    resident_access_labels = {
        "bookings.booking_viewed": _("Looked at your booking"),
        "bookings.checked_in": _("Recorded that you came"),
        "bookings.no_show": _("Recorded that you did not come"),
        "bookings.cancelled_by_ward": _("Cancelled your booking"),
        "bookings.penalty_removed": _("Removed penalty points for a booking"),
        "bookings.group_viewed": _("Looked at a group you registered"),
        "bookings.group_decided": _("Decided on a group you registered"),
    }
