"""The work queue's risk column: a registry a higher app (insights) fills from its
``AppConfig.ready`` — dossiers never imports it. A lookup takes the codes of the dossiers on
the page and the user, and answers, for the dossiers it has scored, an object with
``probability`` (0…1) and ``reasons`` (short Vietnamese phrases)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RiskLookup = Callable[..., dict[str, Any]]
_LOOKUPS: list[RiskLookup] = []


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
