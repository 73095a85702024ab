"""The registry of event actions: a stable code and its Vietnamese label.

Each app registers its own actions at import time (``dossiers/events.py``,
``reform/events.py`` …); recording an event with an unregistered code is refused.
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {}


def register(code: str, label: str) -> str:
    existing = ACTIONS.get(code)
    if existing is not None and existing != label:
        raise ValueError(f"action {code!r} already registered as {existing!r}")
    ACTIONS[code] = label
    return code


def label(code: str) -> str:
    return ACTIONS.get(code, code)
