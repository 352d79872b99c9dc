"""歳入科目: the revenue account each fee is booked to, for the finance department.

The codes follow the budget's 款-項-目-節 structure (使用料及手数料 → 手数料 → …). They are the
demo's values: a municipality edits this table to match its own 予算書, and a procedure
without an entry falls back to DEFAULT (その他手数料).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AccountCode:
    code: str
    name: str


DEFAULT = AccountCode("13-02-09-01", "使用料及手数料 手数料 その他手数料")

BY_PROCEDURE_SLUG = {
    "sodai-gomi": AccountCode("13-02-05-02", "使用料及手数料 手数料 清掃手数料 粗大ごみ処理手数料"),
    "juminhyo": AccountCode(
        "13-02-01-01", "使用料及手数料 手数料 総務手数料 戸籍住民基本台帳手数料"
    ),
    "koseki": AccountCode("13-02-01-01", "使用料及手数料 手数料 総務手数料 戸籍住民基本台帳手数料"),
    "inkan-shomei": AccountCode("13-02-01-02", "使用料及手数料 手数料 総務手数料 印鑑証明手数料"),
    "inu-toroku": AccountCode("13-02-04-01", "使用料及手数料 手数料 衛生手数料 犬登録手数料"),
}

_NAMES = {code.code: code.name for code in [DEFAULT, *BY_PROCEDURE_SLUG.values()]}


def for_procedure(slug: str) -> AccountCode:
    return BY_PROCEDURE_SLUG.get(slug, DEFAULT)


def name_of(code: str) -> str:
    return _NAMES.get(code, "")
