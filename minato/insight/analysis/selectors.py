"""Reads of analysis runs: the latest runs, a run's topics with their trend against the
previous month, a topic's voices, and the report as rows for CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from minato.insight.models import AnalysisRun, Topic, TopicMember, Voice


def runs(limit: int = 24) -> list[AnalysisRun]:
    return list(AnalysisRun.objects.all()[:limit])


def run(public_id: Any) -> AnalysisRun | None:
    return AnalysisRun.objects.filter(public_id=public_id).first()


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    previous_size: int | None
    share: float

    @property
    def change(self) -> int | None:
        return None if self.previous_size is None else self.topic.size - self.previous_size


def topic_rows(run: AnalysisRun) -> list[TopicRow]:
    topics = list(run.topics.select_related("previous").order_by("-size", "id"))
    total = sum(topic.size for topic in topics) or 1
    return [
        TopicRow(
            topic=topic,
            previous_size=topic.previous.size if topic.previous else None,
            share=topic.size / total,
        )
        for topic in topics
    ]


def topic(run: AnalysisRun, public_id: Any) -> Topic | None:
    return run.topics.filter(public_id=public_id).first()


def topic_voices(topic: Topic, *, limit: int = 200) -> list[Voice]:
    ids = TopicMember.objects.filter(topic=topic).values_list("voice_id", flat=True)
    return list(
        Voice.objects.filter(pk__in=ids).only(
            "public_id", "reference", "masked_body", "received_at", "category", "kind"
        )[:limit]
    )


def topic_history(lineage: Any) -> list[Topic]:
    """One topic's size in every run it was found in, oldest first."""
    return list(
        Topic.objects.filter(lineage=lineage, run__status=AnalysisRun.Status.DONE)
        .select_related("run")
        .order_by("run__period_start")
    )


def map_points(run: AnalysisRun, *, limit: int = 3000) -> list[tuple[float, float, int]]:
    """Voices' points on the map with their topic's index in ``topic_rows`` order."""
    order = {
        topic_id: index
        for index, topic_id in enumerate(
            run.topics.order_by("-size", "id").values_list("id", flat=True)
        )
    }
    return [
        (x, y, order[topic_id])
        for x, y, topic_id in TopicMember.objects.filter(run=run).values_list("x", "y", "topic_id")[
            :limit
        ]
    ]


def report_rows(run: AnalysisRun) -> list[list[Any]]:
    """The report as a table: one row per topic, with its keywords, trend and quotes."""
    rows: list[list[Any]] = [
        [
            "topic",
            "label",
            "voices",
            "share",
            "previous_month",
            "change",
            "keywords",
            "quote_1",
            "quote_2",
            "quote_3",
        ]
    ]
    for index, row in enumerate(topic_rows(run), start=1):
        quotes = [quote["text"] for quote in row.topic.quotes][:3]
        rows.append(
            [
                index,
                row.topic.label,
                row.topic.size,
                f"{row.share:.3f}",
                "" if row.previous_size is None else row.previous_size,
                "" if row.change is None else row.change,
                " ".join(word for word, _weight in row.topic.keywords),
                *quotes,
                *[""] * (3 - len(quotes)),
            ]
        )
    return rows
