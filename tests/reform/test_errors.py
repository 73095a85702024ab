"""The reform app raises its errors with ``ReformError`` members, never string literals."""

from __future__ import annotations

import ast
from pathlib import Path

import motcua.reform
from motcua.reform.errors import ReformError

ROOT = Path(motcua.reform.__file__).parent


def test_no_literal_error_code_in_the_reform_app():
    literals = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {
                "InvalidInput", "NotFound", "PermissionDenied", "Conflict", "DomainError",
                "TransitionNotAllowed",
            }:  # fmt: skip
                for kw in node.keywords:
                    if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                        literals.append(f"{path.name}:{node.lineno}")
    assert literals == []


def test_codes_are_unique_snake_case_strings():
    values = [e.value for e in ReformError]
    assert len(values) == len(set(values))
    assert all(v == v.lower() and " " not in v for v in values)
