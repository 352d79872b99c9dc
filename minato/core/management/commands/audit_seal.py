"""Seal pending audit events now, or keep sealing them every few seconds (``--loop``).

Workers (``run_worker``) already seal every second; this command is for cron, for a deployment
without workers, and for the benchmark.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from minato.core import periodic
from minato.core.audit import seal, seal_waiting


class Command(BaseCommand):
    help = "Give pending audit events their place in the hash chain (once, or every N seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep running and seal every SECONDS until interrupted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["loop"]
        if interval <= 0:
            self.stdout.write(f"Sealed {seal()} event(s)")
            return
        total = periodic.run_until_signalled("audit_seal", seal_waiting, interval)
        self.stdout.write(f"Sealed {total} event(s)")
