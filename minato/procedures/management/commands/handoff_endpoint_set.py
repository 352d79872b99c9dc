from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minato.core.context import acting_as
from minato.procedures.handoff import services as handoff
from minato.procedures.models import Procedure


class Command(BaseCommand):
    help = "Push a procedure's submitted applications to a business system's webhook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--procedure", required=True, help="The procedure's slug.")
        parser.add_argument("--url", required=True, help="https:// endpoint of the system.")
        parser.add_argument("--secret", required=True, help="Shared HMAC secret.")
        parser.add_argument("--disable", action="store_true", help="Stop pushing.")

    def handle(self, *args: Any, **options: Any) -> None:
        procedure = Procedure.objects.filter(slug=options["procedure"]).first()
        if procedure is None:
            raise CommandError(f"No procedure {options['procedure']!r}")
        try:
            with acting_as(actor_label="system:handoff_endpoint_set"):
                handoff.handoff_endpoint_set(
                    procedure=procedure,
                    url=options["url"],
                    secret=options["secret"],
                    is_active=not options["disable"],
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Hand-off for {procedure.slug} → {options['url']}"))
