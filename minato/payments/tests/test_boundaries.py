"""Payments sits below the domain apps that take payments (decision 0008): it knows the things
paid for only through the payable kinds registered in ``PAYMENTS_PAYABLE_KINDS``."""

from __future__ import annotations

import ast
from pathlib import Path

PAYMENTS = Path(__file__).resolve().parents[1]
# Domain apps that sit above payments and register payable kinds with it.
ABOVE = ("minato.procedures",)


def _code_files() -> list[Path]:
    """Payments' own code: not its tests (which pay for applications to test the whole loop)
    and not its migrations (frozen history)."""
    return [
        path
        for path in sorted(PAYMENTS.rglob("*.py"))
        if "tests" not in path.relative_to(PAYMENTS).parts
        and "migrations" not in path.relative_to(PAYMENTS).parts
    ]


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [tree, *ast.walk(tree)]
    return {
        id(node.body[0].value)
        for node in nodes
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def test_nothing_in_payments_imports_or_names_a_domain_app_above_it() -> None:
    found = []
    for path in _code_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                # a dotted path for import_string, or a purpose like "procedures.application"
                names = [node.value, f"minato.{node.value}"]
            for name in names:
                if name.startswith(ABOVE):
                    found.append(f"{path.relative_to(PAYMENTS)}:{node.lineno}: {name}")
    assert found == []


def test_payments_templates_name_no_domain_app_above_it() -> None:
    found = [
        str(path.relative_to(PAYMENTS))
        for path in sorted((PAYMENTS / "templates").rglob("*"))
        if path.is_file()
        and any(app.split(".")[1] in path.read_text(encoding="utf-8") for app in ABOVE)
    ]
    assert found == []
