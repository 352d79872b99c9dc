"""Procedures sits above payments (decision 0008) and uses only its public interface: the
payable-kind contract (``payables``) and its reads (``selectors``), plus the payment panel's
template tag. It never reaches into payments' models or services."""

from __future__ import annotations

import ast
from pathlib import Path

PROCEDURES = Path(__file__).resolve().parents[1]
ALLOWED = {"minato.payments.payables", "minato.payments.selectors"}


def test_procedures_uses_payments_only_through_its_payables_and_selectors() -> None:
    found = []
    for path in sorted(PROCEDURES.rglob("*.py")):
        if "tests" in path.relative_to(PROCEDURES).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
                if node.module == "minato.payments":
                    names = [f"minato.payments.{alias.name}" for alias in node.names]
            found += [
                f"{path.relative_to(PROCEDURES)}:{node.lineno}: {name}"
                for name in names
                if name.startswith("minato.payments") and name not in ALLOWED
            ]
    assert found == []
