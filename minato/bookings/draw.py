"""The lottery draw, in a form anyone can check (issue 9).

Before entries close the ward publishes ``sha256(seed)``; after the draw it publishes the seed
and the entry list (entry number, session, tier, weight — no names). With those, this module
run on any computer (``python -m minato.bookings.draw``, or any language that has SHAKE-256
and a natural logarithm) gives the same ranks, so nobody has to trust the ward's server:

1. The random number of entry ``n`` (entry numbers start at 1 and are never reused in a
   lottery) is the ``n``-th 8-byte block of ``SHAKE-256("minato-lottery-v1" || seed)``, read
   as a little-endian unsigned integer ``x``; ``u = ((x >> 11) + 0.5) / 2**53``, in (0, 1).
   It depends on the seed and the entry's own number only: withdrawing another entry
   changes nobody else's number.
2. The entry's key is ``-ln(u) / weight``: an exponential race in which an entry of weight 2
   is exactly twice as likely as one of weight 1 to come before it (Efraimidis and
   Spirakis' weighted sampling without replacement).
3. In each session, entries are ranked by tier (0 first: priority classes), then key
   (smallest first), then entry number. The first ``capacity`` win; the rest keep their rank
   as the waiting list, in that order.

The seed is 32 bytes from ``secrets``; publishing its hash first means the ward cannot pick
a seed after seeing the entries. The module imports only the standard library and NumPy,
so the command runs without Django or a database.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

DOMAIN = b"minato-lottery-v1"


@dataclass(frozen=True)
class Entry:
    number: int
    session: str
    tier: int = 0
    weight: int = 1


@dataclass(frozen=True)
class Result:
    number: int
    session: str
    rank: int
    won: bool


def seed_hash(seed_hex: str) -> str:
    """What is published before entries close."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def uniforms(seed_hex: str, count: int) -> np.ndarray:
    """u for entry numbers 1..count (index 0 is entry 1)."""
    stream = hashlib.shake_256(DOMAIN + bytes.fromhex(seed_hex)).digest(8 * count)
    raw = np.frombuffer(stream, dtype="<u8")
    return ((raw >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 2**53)


def rank_arrays(
    seed_hex: str,
    numbers: np.ndarray,
    sessions: np.ndarray,
    tiers: np.ndarray,
    weights: np.ndarray,
    capacities: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The draw on arrays: ``sessions`` are indexes into ``capacities``. Returns each entry's
    rank in its session (1 is first) and whether it won, in the order given."""
    count = len(numbers)
    if count == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if weights.min() <= 0:
        raise ValueError("weights must be positive")
    keys = -np.log(uniforms(seed_hex, int(numbers.max()))[numbers - 1]) / weights
    order = _by_key_then_number(keys, numbers)
    # Then grouped by session and tier, keeping that order inside each group: a stable sort
    # on one small integer (a radix sort when it fits 16 bits).
    tier_count = int(tiers.max()) + 1
    groups = sessions * tier_count + tiers
    dtype = np.uint16 if int(groups.max()) < 2**16 else np.int64
    order = order[np.argsort(groups[order].astype(dtype), kind="stable")]
    sorted_sessions = sessions[order]
    starts = np.searchsorted(sorted_sessions, sorted_sessions, side="left")
    ranks = np.empty(count, dtype=np.int64)
    ranks[order] = np.arange(count) - starts + 1
    won = ranks <= capacities[sessions]
    return ranks, won


def _by_key_then_number(keys: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """Indexes in key order, equal keys by entry number. Two equal keys need two 64-bit blocks
    alike in their first 53 bits: so rare that the fast unstable sort is checked for them and
    the exact two-key sort used only then."""
    order = np.argsort(keys)
    ordered = keys[order]
    if np.any(ordered[1:] == ordered[:-1]):
        return np.lexsort((numbers, keys))
    return order


def draw(seed_hex: str, entries: Sequence[Entry], capacities: dict[str, int]) -> list[Result]:
    """Rank every entry of every session; ``capacities`` gives each session's places."""
    names = sorted(capacities)
    index = {name: position for position, name in enumerate(names)}
    numbers = np.fromiter((entry.number for entry in entries), dtype=np.int64, count=len(entries))
    if len(set(numbers.tolist())) != len(entries) or (len(entries) and numbers.min() < 1):
        raise ValueError("entry numbers must be distinct and start at 1")
    ranks, won = rank_arrays(
        seed_hex,
        numbers,
        np.fromiter((index[entry.session] for entry in entries), dtype=np.int64),
        np.fromiter((entry.tier for entry in entries), dtype=np.int64),
        np.fromiter((entry.weight for entry in entries), dtype=np.float64),
        np.array([capacities[name] for name in names], dtype=np.int64),
    )
    return [
        Result(entry.number, entry.session, int(rank), bool(winner))
        for entry, rank, winner in zip(entries, ranks, won, strict=True)
    ]


# --- The re-run command ------------------------------------------------------------------------


def read_entries(lines: Iterable[str]) -> list[Entry]:
    """The published entries CSV: entry_number,session,tier,weight (a header line first)."""
    rows = csv.DictReader(lines)
    return [
        Entry(int(row["entry_number"]), row["session"], int(row["tier"]), int(row["weight"]))
        for row in rows
    ]


def read_capacities(lines: Iterable[str]) -> dict[str, int]:
    """The published sessions CSV: session,capacity (a header line first)."""
    return {row["session"]: int(row["capacity"]) for row in csv.DictReader(lines)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minato.bookings.draw",
        description="Re-run a published lottery draw and print every entry's rank.",
    )
    parser.add_argument("--seed", required=True, help="the seed published after the draw (hex)")
    parser.add_argument("--seed-hash", help="the hash published before entries closed")
    parser.add_argument("--entries", required=True, help="the published entries CSV")
    parser.add_argument("--sessions", required=True, help="the published sessions CSV")
    args = parser.parse_args(argv)
    if args.seed_hash and seed_hash(args.seed) != args.seed_hash.lower():
        print("The seed does not match the hash published before the draw.", file=sys.stderr)
        return 2
    with open(args.entries, encoding="utf-8", newline="") as file:
        entries = read_entries(file)
    with open(args.sessions, encoding="utf-8", newline="") as file:
        capacities = read_capacities(file)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["entry_number", "session", "rank", "won"])
    for result in sorted(draw(args.seed, entries, capacities), key=lambda r: r.number):
        writer.writerow([result.number, result.session, result.rank, int(result.won)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
