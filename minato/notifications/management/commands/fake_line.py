"""Serve the fake LINE server (``minato.notifications.fake_line``) in the foreground, for
the demo: LINE's Messaging API for the site, and a LINE app simulator and the account-link
dialog for a person, on 127.0.0.1. ``scripts/run`` starts it next to the site.

The site must talk to it: ``LINE_API_BASE`` and ``LINE_ACCESS_BASE`` set to its URL, and the
same ``LINE_CHANNEL_ACCESS_TOKEN`` and ``LINE_CHANNEL_SECRET``, which it reads from the
settings. Whoever opens the simulator can send the site webhooks signed with the channel
secret, so it runs only where the demo's public values are allowed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minato.core.checks import demo_secrets_allowed
from minato.notifications import line
from minato.notifications.fake_line import FakeLine, server_for


class Command(BaseCommand):
    help = "Serve a fake LINE (the API, a LINE app simulator) on 127.0.0.1, for the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8030, help="Port (default 8030).")
        parser.add_argument(
            "--site",
            default="",
            help="The site that receives the webhooks at /line/webhook (default SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_secrets_allowed():
            raise CommandError(
                "The fake LINE server is for development and demos: set DEBUG=true or "
                "ALLOW_DEMO_SECRETS=1."
            )
        if not line.is_configured():
            raise CommandError("Set LINE_CHANNEL_ACCESS_TOKEN and LINE_CHANNEL_SECRET.")
        site = (options["site"] or settings.SITE_URL).rstrip("/")
        if urlsplit(site).scheme not in ("http", "https") or not urlsplit(site).netloc:
            raise CommandError(f"--site must be an http(s) URL, not {site!r}.")
        app = FakeLine(
            token=settings.LINE_CHANNEL_ACCESS_TOKEN,
            secret=settings.LINE_CHANNEL_SECRET,
            site=site,
        )
        try:
            server = server_for(app, options["port"])
        except OSError as exc:
            raise CommandError(f"Cannot listen on 127.0.0.1:{options['port']}: {exc}") from None
        url = f"http://127.0.0.1:{server.server_port}"
        self.stdout.write(f"Fake LINE on {url}: LINE app simulator at {url}/")
        self.stdout.write(f"Webhooks go to {site}/line/webhook.")
        for name in ("LINE_API_BASE", "LINE_ACCESS_BASE"):
            if getattr(settings, name) != url:
                self.stderr.write(
                    f"{name} is {getattr(settings, name)}: set {name}={url} for the site and "
                    "its worker to use this fake."
                )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
