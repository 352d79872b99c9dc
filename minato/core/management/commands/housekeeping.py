from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minato.core.housekeeping import run_housekeeping


class Command(BaseCommand):
    help = "Purge expired idempotency records and dead worker heartbeats (workers do this hourly)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in run_housekeeping().items():
            self.stdout.write(f"{name}: {count} deleted")
