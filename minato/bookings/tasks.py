"""Background work for bookings: thin tasks that call a service."""

from __future__ import annotations

from django_tasks import task

from minato.bookings import services


@task()
def announce_lottery_results(lottery_id: int, first_pk: int, last_pk: int) -> int:
    return services.lottery_results_announce(
        lottery_id=lottery_id, first_pk=first_pk, last_pk=last_pk
    )
