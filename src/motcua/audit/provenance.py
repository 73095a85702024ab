"""Where a dossier's history came from, told by the apps that bring histories in.

The audit app sits below the import (``motcua.imports``), so it offers this registry and the
import fills it from its ``AppConfig.ready``: a source maps dossier codes to what it recorded
about them (``{"source", "run", "file", "sha256", "batch", "event"}``; ``event`` names the
ledger event of the import that brought the dossier in). The khống report and the public
proofs use it to tell an imported history (back-dated on purpose: the times are the previous
system's) from live work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Source = Callable[[list[str]], dict[str, dict[str, Any]]]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    _SOURCES[name] = source


def provenance(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Dossier code → how its history came in, for the codes that did not start live."""
    wanted = sorted(set(codes))
    found: dict[str, dict[str, Any]] = {}
    if not wanted:
        return found
    for source in _SOURCES.values():
        for code, mark in source(wanted).items():
            found.setdefault(code, mark)
    return found
