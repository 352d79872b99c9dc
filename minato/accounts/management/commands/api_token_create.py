from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minato.accounts import services
from minato.accounts.models import ApiToken, Department
from minato.core.context import acting_as


class Command(BaseCommand):
    help = "Issue a bearer token for a service account and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--service-email", required=True)
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument(
            "--scope", action="append", required=True, choices=ApiToken.Scope.values, dest="scopes"
        )
        parser.add_argument("--department", help="Department code to limit the token to.")

    def handle(self, *args: Any, **options: Any) -> None:
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(f"No department with code {options['department']!r}")
        with acting_as(actor_label="system:api_token_create"):
            service = services.service_account_get_or_create(
                email=options["service_email"].lower(), display_name=options["name"]
            )
            if not service.kind == service.Kind.SERVICE:
                raise CommandError("That email belongs to a person, not a service account")
            _token, plaintext = services.api_token_create(
                user=service,
                name=options["name"],
                scopes=options["scopes"],
                department=department,
            )
        self.stdout.write(plaintext)
