"""The feedback app raises its codes from one registry (``FeedbackError``), never literals."""

from __future__ import annotations

import re
from pathlib import Path

from motcua.feedback.errors import FeedbackError

APP = Path(__file__).resolve().parents[2] / "src/motcua/feedback"
LITERAL = re.compile(r"""\bcode\s*=\s*["'][a-z_]+["']""")
# limits.py keeps its class attribute until its counter moves into core (another change)
NOT_YET = {"limits.py"}


def test_no_literal_error_code_in_the_app():
    offenders = [
        f"{path.relative_to(APP)}:{n}"
        for path in APP.rglob("*.py")
        if path.name not in NOT_YET and "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if LITERAL.search(line)
    ]
    assert offenders == []


def test_codes_are_unique_stable_strings():
    values = [e.value for e in FeedbackError]
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]+", v) for v in values)
    assert FeedbackError.FEEDBACK_NOT_FOUND == "feedback_not_found"
