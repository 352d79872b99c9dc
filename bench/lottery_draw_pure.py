"""The lottery's pure draw against a NumPy shuffle of the same size (issue 9's ratio target:
within 3x), measured in the same process. Not a test; never runs in CI.

    .venv/bin/python bench/lottery_draw_pure.py [entries] [sessions]

Prints the best of seven runs of each, in milliseconds, and the ratio. The end-to-end lottery
benchmark on PostgreSQL (read entries, draw, write results, queue notifications) is separate
and not written yet (docs/modules/bookings.md, "What is not built yet").
"""

import secrets
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from minato.bookings import draw


def best(run, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    rng = np.random.default_rng(20261205)
    numbers = np.arange(1, entries + 1)
    session_of = rng.integers(0, sessions, entries)
    tiers = np.zeros(entries, dtype=np.int64)
    weights = rng.choice([1.0, 2.0], entries)
    capacities = np.ones(sessions, dtype=np.int64)
    seed = secrets.token_hex(32)
    drawn = best(lambda: draw.rank_arrays(seed, numbers, session_of, tiers, weights, capacities))
    shuffled = best(lambda: rng.shuffle(np.arange(entries)))
    print(
        f"entries={entries} sessions={sessions} draw={drawn:.1f} ms "
        f"numpy_shuffle={shuffled:.1f} ms ratio={drawn / shuffled:.1f}"
    )


if __name__ == "__main__":
    main()
