"""Payment providers, chosen by settings: ``PAYMENTS_PROVIDER`` names the one new online
payments use; every provider in ``PAYMENTS_PROVIDERS`` keeps answering for the payments it
already holds (webhooks, refunds, the settlement report)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from minato.payments.providers.base import PaymentProvider

COUNTER = "counter"  # payments taken on a terminal at the counter: no provider to ask


class UnknownProvider(LookupError):
    pass


@cache
def _load(path: str) -> PaymentProvider:
    provider: PaymentProvider = import_string(path)()
    return provider


def get(name: str) -> PaymentProvider:
    path = settings.PAYMENTS_PROVIDERS.get(name)
    if path is None:
        raise UnknownProvider(name)
    return _load(path)


def default() -> PaymentProvider:
    return get(settings.PAYMENTS_PROVIDER)


def names() -> list[str]:
    """The providers in use (configured), for the settlement report."""
    return [name for name in settings.PAYMENTS_PROVIDERS if get(name).configured]
