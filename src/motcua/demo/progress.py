"""Where the background part of the demo stands, for the command line and the site.

``motcua demo --first`` loads what a visitor needs (units, catalog, logins, a first batch
of dossiers) and leaves the rest of the history pending in ``VAR_DIR/demo-progress.json``;
``motcua demo --rest`` (started in the background by ``make run``) loads it stage by stage
and keeps the file up to date. Pages show a notice while it runs (``loading`` below).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings

FILE = "demo-progress.json"


def path() -> Path:
    return settings.VAR_DIR / FILE


def read() -> dict[str, Any] | None:
    try:
        return json.loads(path().read_text())
    except (FileNotFoundError, ValueError):
        return None


def write(state: dict[str, Any]) -> None:
    """Replace the file at once (a reader never sees half of it)."""
    state["updated"] = time.time()
    tmp = path().with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False))
    os.replace(tmp, path())


def percent(state: dict[str, Any]) -> int:
    """Share of the pending work done: stages weighted by their usual duration."""
    weights = state.get("weights", {})
    total = sum(weights.get(s, 1) for s in state["stages"]) or 1
    done = sum(weights.get(s, 1) for s in state["done"])
    current = state.get("current")
    if current and current not in state["done"] and state.get("current_total"):
        done += weights.get(current, 1) * state["current_done"] / state["current_total"]
    if state.get("finished") is not None or set(state["stages"]) <= set(state["done"]):
        return 100
    return min(99, int(100 * done / total))


_cache: dict[str, Any] = {"mtime": None, "value": None}


def loading(request) -> dict[str, Any]:
    """Context processor: the demo's background loading, while it runs (one stat a request)."""
    try:
        mtime = path().stat().st_mtime
    except (FileNotFoundError, AttributeError):
        return {}
    if _cache["mtime"] != mtime:
        state = read()
        value = None
        if state and state.get("finished") is None:
            value = {"percent": percent(state), "stage": state.get("label", "")}
        _cache.update(mtime=mtime, value=value)
    value = _cache["value"]
    if not value:
        return {}
    # no news for 15 minutes: the background process stopped (it resumes with --rest)
    return {"demo_loading": {**value, "stalled": time.time() - mtime > 900}}
