"""Reads of the unit hierarchy shared by pages, API, reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from motcua.organization.models import Unit, UnitSuccession


def unit_list(
    *, kind: str | None = None, parent: str | None = None, on: dt.date | None = None
) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent__code=parent)
    if on:
        qs = qs.active_on(on)
    return qs.order_by("kind", "code")


def unit_successor_on(unit: Unit, day: dt.date) -> Unit:
    """Follow successions until a unit active on ``day`` (or the last successor)."""
    current, seen = unit, set()
    while not current.is_active_on(day) and current.pk not in seen:
        seen.add(current.pk)
        succession = (
            UnitSuccession.objects.select_related("successor").filter(predecessor=current).first()
        )
        if succession is None:
            break
        current = succession.successor
    return current


def unit_predecessors(unit: Unit) -> list[Unit]:
    """All units whose work flowed, directly or not, into ``unit``."""
    result: list[Unit] = []
    frontier = [unit.pk]
    seen = set(frontier)
    while frontier:
        rows = list(
            UnitSuccession.objects.select_related("predecessor").filter(successor_id__in=frontier)
        )
        frontier = []
        for row in rows:
            if row.predecessor_id not in seen:
                seen.add(row.predecessor_id)
                result.append(row.predecessor)
                frontier.append(row.predecessor_id)
    return result


def unit_subtree_ids(unit_ids) -> set[int]:
    """The ids of the given units and of every unit below them (one query per level)."""
    found, frontier = set(unit_ids), set(unit_ids)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= found
        found |= frontier
    return found
