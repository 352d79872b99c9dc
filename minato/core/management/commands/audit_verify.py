from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minato.core.audit import seal, unsealed_count, verify_chain
from minato.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Seal the audit events waiting for it, then verify the log's hash chain: report every "
        "edited, inserted or deleted row, and every event left unsealed for too long."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Only verify (read-only); do not seal pending events first.",
        )
        parser.add_argument(
            "--unsealed-grace",
            type=int,
            default=60,
            metavar="SECONDS",
            help="Report events still unsealed this many seconds after they were written "
            "(default 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            sealed = seal()
            if sealed:
                self.stdout.write(f"Sealed {sealed} pending event(s) first")
        grace = timedelta(seconds=options["unsealed_grace"])
        problems = list(verify_chain(unsealed_grace=grace))
        total = AuditEvent.objects.count()
        pending = unsealed_count()
        for problem in problems:
            where = f"#{problem.sequence}" if problem.sequence is not None else "-"
            self.stdout.write(f"{where}: {problem.kind}: {problem.detail}")
        if problems:
            raise CommandError(
                f"Audit chain is BROKEN: {len(problems)} problem(s) in {total} events"
            )
        note = f" ({pending} written in the last {grace} not sealed yet)" if pending else ""
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain OK: {total - pending} events verified{note}")
        )
