"""The verifiable draw: same inputs, same ranks; weights honoured; the re-run command."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from minato.bookings import draw

SEED = "00" * 31 + "2a"


def test_the_published_hash_is_sha256_of_the_seed() -> None:
    assert draw.seed_hash(SEED) == (__import__("hashlib").sha256(bytes.fromhex(SEED)).hexdigest())


def test_an_entrys_random_number_depends_on_its_own_number_only() -> None:
    few = draw.uniforms(SEED, 3)
    many = draw.uniforms(SEED, 1000)
    assert np.array_equal(few, many[:3])
    assert ((many > 0) & (many < 1)).all()


def test_the_uniforms_follow_the_documented_recipe() -> None:
    import hashlib

    block = hashlib.shake_256(b"minato-lottery-v1" + bytes.fromhex(SEED)).digest(16)[8:16]
    x = int.from_bytes(block, "little")
    assert draw.uniforms(SEED, 2)[1] == ((x >> 11) + 0.5) / 2**53


def test_capacity_winners_per_session_ranked_from_one() -> None:
    entries = [draw.Entry(n, "a" if n % 2 else "b") for n in range(1, 21)]
    results = draw.draw(SEED, entries, {"a": 3, "b": 0})
    by_session: dict[str, list[int]] = {"a": [], "b": []}
    for result in results:
        by_session[result.session].append(result.rank)
    assert sorted(by_session["a"]) == list(range(1, 11))
    assert sum(r.won for r in results if r.session == "a") == 3
    assert not any(r.won for r in results if r.session == "b")


def test_a_priority_tier_always_comes_first() -> None:
    entries = [draw.Entry(n, "a", tier=0 if n > 15 else 1) for n in range(1, 21)]
    results = draw.draw(SEED, entries, {"a": 5})
    assert {r.number for r in results if r.won} == {16, 17, 18, 19, 20}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(1, 3), st.integers(0, 1)), max_size=60),
    st.binary(min_size=32, max_size=32),
)
def test_the_same_inputs_in_any_order_give_the_same_ranks(
    rows: list[tuple[str, int, int]], seed: bytes
) -> None:
    entries = [draw.Entry(n, s, tier, w) for n, (s, w, tier) in enumerate(rows, start=1)]
    capacities = {"a": 2, "b": 1, "c": 0}
    first = {r.number: r for r in draw.draw(seed.hex(), entries, capacities)}
    again = {r.number: r for r in draw.draw(seed.hex(), list(reversed(entries)), capacities)}
    assert first == again
    for session, places in capacities.items():
        in_session = [r for r in first.values() if r.session == session]
        assert sum(r.won for r in in_session) == min(places, len(in_session))


def test_withdrawing_an_entry_does_not_change_the_others_order() -> None:
    entries = [draw.Entry(n, "a") for n in range(1, 30)]
    order = [r.number for r in sorted(draw.draw(SEED, entries, {"a": 5}), key=lambda r: r.rank)]
    fewer = [e for e in entries if e.number != 7]
    order_without = [
        r.number for r in sorted(draw.draw(SEED, fewer, {"a": 5}), key=lambda r: r.rank)
    ]
    assert order_without == [n for n in order if n != 7]


def test_each_entry_wins_as_often_as_its_weight_says() -> None:
    """Chi-square over many seeded draws of one place among entries of weights 1, 2 and 3: each
    entry's share of wins must match weight / total weight (p > 0.001)."""
    weights = [1, 1, 2, 3, 1, 2]
    entries = [draw.Entry(n, "a", 0, w) for n, w in enumerate(weights, start=1)]
    draws = 6000
    wins: Counter[int] = Counter()
    for i in range(draws):
        seed = i.to_bytes(32, "big").hex()
        (winner,) = [r.number for r in draw.draw(seed, entries, {"a": 1}) if r.won]
        wins[winner] += 1
    total = sum(weights)
    chi_square = sum(
        (wins[n] - draws * w / total) ** 2 / (draws * w / total)
        for n, w in enumerate(weights, start=1)
    )
    # 5 degrees of freedom: the 0.999 quantile of chi-square is 20.515.
    assert chi_square < 20.515, (chi_square, wins)
    # And the test can fail: ignoring the weights is caught.
    flat = sum((wins[n] - draws / len(weights)) ** 2 / (draws / len(weights)) for n in wins)
    assert flat > 20.515
    assert math.isfinite(chi_square)


def test_the_rerun_command_checks_the_hash_and_prints_the_ranks(tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    entries.write_text(
        "entry_number,session,tier,weight\n1,s1,0,1\n2,s1,0,2\n3,s2,0,1\n", encoding="utf-8"
    )
    sessions = tmp_path / "sessions.csv"
    sessions.write_text("session,capacity\ns1,1\ns2,1\n", encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        code = draw.main(
            [
                "--seed",
                SEED,
                "--seed-hash",
                draw.seed_hash(SEED),
                "--entries",
                str(entries),
                "--sessions",
                str(sessions),
            ]
        )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    expected = draw.draw(
        SEED,
        [draw.Entry(1, "s1", 0, 1), draw.Entry(2, "s1", 0, 2), draw.Entry(3, "s2")],
        {"s1": 1, "s2": 1},
    )
    assert [(int(r["entry_number"]), int(r["rank"]), r["won"] == "1") for r in rows] == [
        (e.number, e.rank, e.won) for e in expected
    ]
    assert (
        draw.main(
            [
                "--seed",
                SEED,
                "--seed-hash",
                "0" * 64,
                "--entries",
                str(entries),
                "--sessions",
                str(sessions),
            ]
        )
        == 2
    )
