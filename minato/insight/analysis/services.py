"""Running an analysis: a run is asked for (a period), done in the background worker, and
its topics matched to the previous run's. Optional summaries and the clean-up of stranded runs
are here too."""

from __future__ import annotations

import logging
import time
import traceback
import uuid
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from minato.core import audit
from minato.insight.adapters import summaries
from minato.insight.analysis import pipeline
from minato.insight.analysis.embeddings import Encoder, default_encoder
from minato.insight.models import AnalysisRun, Topic, TopicMember, Voice

logger = logging.getLogger(__name__)

MIN_VOICES = 10
MAX_VOICES = 20000


class AnalysisError(Exception):
    pass


@transaction.atomic
def run_request(*, period_start: date, period_end: date, requested_by: Any = None) -> AnalysisRun:
    """Ask for an analysis of the voices received from ``period_start`` to ``period_end``."""
    if period_end < period_start:
        raise AnalysisError(_("The end of the period is before its start."))
    if AnalysisRun.objects.filter(
        status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING]
    ).exists():
        raise AnalysisError(_("An analysis is running already. Wait for it to finish."))
    count = _voices(period_start, period_end).count()
    if count < MIN_VOICES:
        raise AnalysisError(
            _("The period has %(count)s voices; an analysis needs at least %(minimum)s.")
            % {"count": count, "minimum": MIN_VOICES}
        )
    run = AnalysisRun.objects.create(
        period_start=period_start,
        period_end=period_end,
        requested_by=requested_by,
        voice_count=count,
    )
    audit.record(
        action="insight.analysis_requested",
        obj=run,
        changes={"period": [None, f"{period_start}/{period_end}"]},
    )
    transaction.on_commit(lambda: import_string("minato.insight.tasks.analyse").enqueue(run.pk))
    return run


def _voices(period_start: date, period_end: date):  # type: ignore[no-untyped-def]
    return Voice.objects.filter(
        received_at__date__gte=period_start, received_at__date__lte=period_end
    ).order_by("received_at", "id")


def run_execute(*, run_id: int, encoder: Encoder | None = None) -> AnalysisRun:
    """Do a queued run. The pipeline runs outside any transaction; its results are written in
    one, so a crash leaves the run ``failed`` or ``queued``, never half-written."""
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (AnalysisRun.Status.QUEUED, AnalysisRun.Status.FAILED):
            return run
        run.status = AnalysisRun.Status.RUNNING
        run.save(update_fields=["status", "updated_at"])
    try:
        run = _execute(run, encoder or default_encoder())
    except Exception:
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED,
            error=traceback.format_exc(limit=3)[-2000:],
            updated_at=timezone.now(),
        )
        raise
    summariser = summaries.configured()
    if summariser is not None:
        topics_summarise(run=run, summariser=summariser)
    return run


def _execute(run: AnalysisRun, encoder: Encoder) -> AnalysisRun:
    started = time.perf_counter()
    voices = list(
        _voices(run.period_start, run.period_end).values_list("pk", "public_id", "masked_body")[
            :MAX_VOICES
        ]
    )
    texts = [text for _pk, _public_id, text in voices]
    result = pipeline.analyse(texts, encoder=encoder)
    timings = {name: round(seconds, 3) for name, seconds in result.timings.items()}
    previous = (
        AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE, period_end__lt=run.period_start)
        .order_by("-period_end", "-created_at")
        .first()
    )
    previous_topics = list(previous.topics.all()) if previous else []
    matches = pipeline.match(
        [topic.keywords for topic in result.topics], [topic.keywords for topic in previous_topics]
    )
    with transaction.atomic():
        created = []
        for topic in result.topics:
            matched = matches.get(topic.number)
            before = previous_topics[matched[0]] if matched else None
            created.append(
                Topic(
                    run=run,
                    label=topic.label[:200] or _("(no distinctive words)"),
                    keywords=[[word, round(weight, 5)] for word, weight in topic.keywords],
                    size=len(topic.members),
                    x=round(topic.x, 4),
                    y=round(topic.y, 4),
                    centroid=topic.centroid,
                    quotes=[
                        {"voice": str(voices[i][1]), "text": texts[i][:300]} for i in topic.quotes
                    ],
                    previous=before,
                    lineage=before.lineage if before else uuid.uuid4(),
                    similarity=round(matched[1], 3) if matched else None,
                )
            )
        Topic.objects.bulk_create(created)
        TopicMember.objects.bulk_create(
            [
                TopicMember(
                    run=run,
                    topic=created[int(result.labels[index])],
                    voice_id=voices[index][0],
                    x=round(float(result.coords[index][0]), 4),
                    y=round(float(result.coords[index][1]), 4),
                )
                for index in range(len(voices))
            ],
            batch_size=2000,
        )
        timings["total"] = round(time.perf_counter() - started, 3)
        run.status = AnalysisRun.Status.DONE
        run.voice_count = len(voices)
        run.previous = previous
        run.model_name = encoder.name
        run.timings = timings
        run.finished_at = timezone.now()
        run.error = ""
        run.save()
        audit.record(
            action="insight.analysis_done", obj=run, changes={"topics": [None, len(created)]}
        )
    return run


def topics_summarise(*, run: AnalysisRun, summariser: summaries.Summariser) -> int:
    """Ask the summary endpoint for each topic's summary (masked label, words and quotes
    only). A topic whose request fails keeps no summary; the run stays done."""
    written = 0
    for topic in run.topics.all():
        try:
            text = summariser.summarise(
                label=topic.label,
                keywords=[word for word, _weight in topic.keywords],
                quotes=[quote["text"] for quote in topic.quotes],
            )
        except summaries.SummaryError as exc:
            logger.warning("topic summary failed: %s", exc)
            continue
        Topic.objects.filter(pk=topic.pk).update(summary=text, updated_at=timezone.now())
        written += 1
    return written


STRANDED_AFTER = timedelta(hours=1)


def runs_fail_stranded() -> int:
    """Runs left ``running`` or ``queued`` for over an hour (the worker died or never got the
    task) become ``failed``: one stuck run would otherwise refuse every new request."""
    return AnalysisRun.objects.filter(
        status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING],
        updated_at__lt=timezone.now() - STRANDED_AFTER,
    ).update(
        status=AnalysisRun.Status.FAILED,
        error="The worker did not finish this analysis within an hour.",
        updated_at=timezone.now(),
    )
