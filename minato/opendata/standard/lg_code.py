"""全国地方公共団体コード: the 6-digit local government code and its check digit.

The first five digits are the JIS X 0401 prefecture code and the JIS X 0402 municipality
code; the sixth is a check digit (modulus 11, weights 6-5-4-3-2) defined with the code list
by the Ministry of Internal Affairs and Communications:

    total = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5
    check = last digit of (11 − total mod 11)

so a remainder of 0 gives 11 → 1 (札幌市中央区 01101 → 011011, 新宿区 13104 → 131041) and a
remainder of 1 gives 10 → 0 (渋谷区 13113 → 131130). A total under 11 is its own remainder
(札幌市 01100: total 9 → 2 → 011002), which is why the modulus form needs no special case.
"""

from __future__ import annotations

MINATO_LG_CODE = "131032"
# The standard writes 地方公共団体名 prefecture first (its example is 北海道札幌市).
MINATO_NAME = "東京都港区"

_WEIGHTS = (6, 5, 4, 3, 2)


def _is_ascii_digits(value: str, length: int) -> bool:
    # str.isdigit() accepts full-width and other Unicode digits; the code is ASCII only.
    return len(value) == length and value.isascii() and value.isdigit()


def check_digit(five_digits: str) -> str:
    """The check digit of a 5-digit JIS code ("13103" → "2")."""
    if not _is_ascii_digits(five_digits, 5):
        raise ValueError(f"Not a 5-digit code: {five_digits!r}")
    total = sum(int(digit) * weight for digit, weight in zip(five_digits, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def with_check_digit(five: str) -> str:
    """The 6-digit 全国地方公共団体コード of a 5-digit JIS code ("13103" → "131032")."""
    return five + check_digit(five)


def corporate_number(lg_code: str) -> str:
    """The 13-digit 法人番号 of a local government, from its 6-digit code ("131032" →
    "8000020131032"): the National Tax Agency numbers local public bodies "000020" followed
    by the code, behind a check digit of 9 − (Σ digit × (1 or 2, from the right) mod 9)."""
    if not is_valid(lg_code):
        raise ValueError(f"Not a 全国地方公共団体コード: {lg_code!r}")
    base = "000020" + lg_code
    total = sum(
        int(digit) * (2 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(base), start=1)
    )
    return str(9 - total % 9) + base


def is_valid(code: str) -> bool:
    """Whether ``code`` is six ASCII digits whose last is the check digit of the first five."""
    if not _is_ascii_digits(code, 6):
        return False
    return code[5] == check_digit(code[:5])
