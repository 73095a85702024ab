"""The work queue's risk column: a registry a higher app (insights) fills from its
``AppConfig.ready`` — dossiers never imports it. A lookup takes the codes of the dossiers on
the page and the user, and answers, for the dossiers it has scored, an object with
``probability`` (0…1) and ``reasons`` (short Vietnamese phrases).

The sort by risk: the higher app also registers a function returning a query expression of a
dossier's probability (a subquery on ``OuterRef("code")``, NULL when not scored), so the
queue is ordered and paginated by the database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RiskLookup = Callable[..., dict[str, Any]]
RiskOrder = Callable[[], Any]  # () -> a query expression of the probability of OuterRef("code")
_LOOKUPS: list[RiskLookup] = []
_ORDERS: list[RiskOrder] = []


def register_risk_lookup(lookup: RiskLookup) -> RiskLookup:
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)
    return lookup


def risks_for(codes: Iterable[str], *, user) -> dict[str, Any]:
    codes = list(codes)
    found: dict[str, Any] = {}
    for lookup in _LOOKUPS:
        found.update(lookup(codes, user=user))
    return found


def register_risk_order(order: RiskOrder) -> RiskOrder:
    if order not in _ORDERS:
        _ORDERS.append(order)
    return order


def risk_expression() -> Any | None:
    """The registered expression of a dossier's risk (the last registered wins); None when no
    app scores risk — the queue then keeps its own order."""
    return _ORDERS[-1]() if _ORDERS else None
