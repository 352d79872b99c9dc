"""Background work of insight: the topic analysis of a period's voices."""

from __future__ import annotations

from django_tasks import task

from minato.insight.analysis import services


@task()
def analyse(run_id: int) -> str:
    run = services.run_execute(run_id=run_id)
    return f"run {run.public_id}: {run.status}, {run.voice_count} voices"
