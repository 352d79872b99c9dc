"""Apply stored payment webhook events now, or keep applying them every few seconds
(``--loop``).

Workers (``run_worker``) already do this every PAYMENTS_EVENTS_SECONDS; this command is for a
deployment without workers, for draining by hand, and for the benchmark.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from minato.core import periodic
from minato.payments.services import webhook_events_apply


class Command(BaseCommand):
    help = "Apply the payment webhook events the endpoint stored (once, or every N seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running and apply waiting events every SECONDS until interrupted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["loop"]
        if interval <= 0:
            self.stdout.write(f"Applied {webhook_events_apply()} event(s)")
            return
        total = periodic.run_until_signalled(
            "payments_apply_events", webhook_events_apply, interval
        )
        self.stdout.write(f"Applied {total} event(s)")
