"""Reference numbers people read aloud and type: application numbers, payment numbers.

One alphabet for all of them, without the characters that are confused on the phone or in
handwriting (0/O, 1/I/L), so a resident reading 申請番号 to みなとコール is understood.
"""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference(length: int) -> str:
    """A random reference of ``length`` characters (31 symbols each: about 5 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))
