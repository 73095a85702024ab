"""Current state derived from the history alone: the dossier row must always agree."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.dateparse import parse_datetime

from motcua.dossiers import events as ev
from motcua.dossiers.classification import classify_events


def replay(history: Iterable) -> dict:
    history = list(history)
    state = {
        "status": None,
        "due_at": None,
        "supplement_count": 0,
        "paused_hours": 0.0,
        "assignee": None,
        "holder_unit": None,
        "step": None,
    }
    for event in history:
        p = event.payload or {}
        state["status"] = p.get("status_to", state["status"])
        if "due_after" in p:
            state["due_at"] = parse_datetime(p["due_after"]) if p["due_after"] else None
        state["assignee"] = p.get("assignee", state["assignee"])
        state["holder_unit"] = p.get("holder_unit", state["holder_unit"])
        state["step"] = p.get("step", state["step"])
        if event.action == ev.SUPPLEMENT_REQUESTED:
            state["supplement_count"] += 1
        if event.action in (ev.SUPPLEMENT_RECEIVED, ev.PAYMENT_RECORDED):
            state["paused_hours"] += float(p.get("paused_hours") or 0)
    state["classification"] = classify_events(history)
    return state


def replay_mismatches(dossier, history) -> list[str]:
    """Fields where the row and its replayed history disagree (empty: they agree)."""
    state = replay(history)
    row = {
        "status": dossier.status,
        "due_at": dossier.due_at,
        "supplement_count": dossier.supplement_count,
        "assignee": dossier.assignee.get_username() if dossier.assignee_id else None,
        "holder_unit": dossier.holder_unit.code,
        "step": dossier.current_step.order if dossier.current_step_id else None,
        "classification": dossier.classification,
    }
    out = [f"{k}: row {row[k]!r} ≠ history {state[k]!r}" for k in row if row[k] != state[k]]
    if abs(state["paused_hours"] - dossier.paused_hours) > 1e-3:
        out.append(f"paused_hours: row {dossier.paused_hours} ≠ history {state['paused_hours']}")
    return out
