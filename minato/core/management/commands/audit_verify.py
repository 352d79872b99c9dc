from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minato.core.audit import verify_chain
from minato.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; report every edited, inserted or deleted row."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        total = AuditEvent.objects.count()
        for problem in problems:
            where = f"#{problem.sequence}" if problem.sequence is not None else "head"
            self.stdout.write(f"{where}: {problem.kind}: {problem.detail}")
        if problems:
            raise CommandError(
                f"Audit chain is BROKEN: {len(problems)} problem(s) in {total} events"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain OK: {total} events verified"))
