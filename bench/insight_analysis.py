"""Issue 15's benchmark: the analysis of 10,000 voices end to end (masking, embeddings,
clustering, labels, map), offline, with the embeddings' time as a ratio to the model's raw
encode of the same texts in the same run.

    .venv/bin/python bench/insight_analysis.py [--voices 10000] [--repeat 3]

No database and no network: the voices come from the demo's generator (different seeds, so
texts repeat less), and the timings are of the pipeline the worker runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from minato.insight import masking  # noqa: E402
from minato.insight.analysis import pipeline  # noqa: E402
from minato.insight.analysis.embeddings import default_encoder  # noqa: E402
from minato.insight.demo.voices import generate  # noqa: E402


def once(bodies: list[str]) -> dict[str, float]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    clock = time.perf_counter()
    texts = [masking.mask(body) for body in bodies]
    timings["mask"] = time.perf_counter() - clock
    result = pipeline.analyse(texts, encoder=default_encoder())
    timings.update(result.timings)
    timings["total"] = time.perf_counter() - started
    timings["topics"] = len(result.topics)
    # The model's raw encode of exactly the inputs the pipeline encoded, in the same run.
    inputs = [" ".join(pipeline.content_words(text)) or text for text in texts]
    clock = time.perf_counter()
    default_encoder().encode(inputs)
    timings["raw_encode"] = time.perf_counter() - clock
    timings["embed_ratio"] = timings["embed"] / timings["raw_encode"]
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voices", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bodies: list[str] = []
    seed = 0
    while len(bodies) < args.voices:
        bodies.extend(v.body for v in generate(480, seed=seed))
        seed += 1
    bodies = bodies[: args.voices]
    default_encoder()  # loading is not part of a run
    runs = [once(bodies) for _ in range(args.repeat)]
    keys = runs[0].keys()
    summary = {key: round(statistics.median(run[key] for run in runs), 3) for key in keys}
    print(
        json.dumps(
            {
                "voices": args.voices,
                "repeat": args.repeat,
                "cpu_count": os.cpu_count(),
                "python": platform.python_version(),
                "median": summary,
                "runs": [{k: round(v, 3) for k, v in run.items()} for run in runs],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
