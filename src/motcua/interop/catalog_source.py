"""The National Database on Administrative Procedures (CSDL quốc gia về TTHC): its export,
behind an adapter with a local fake (contract in docs/interop.md §8).

``get_procedure_database()`` returns the adapter named by ``settings.INTEROP_PROCEDURE_DB``
(default the in-process fake); ``HttpProcedureDatabase`` reads ``GET {url}/thu-tuc`` of the
portal URL in settings (the fake over HTTP serves it too).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from motcua.interop.adapters import configured


class ProcedureDatabase(Protocol):
    def export(self) -> list[dict[str, Any]]:
        """Every procedure the national database lists for the province (active and
        abolished), each with its components and fees, in the shape of docs/interop.md §8."""


@dataclass
class FakeProcedureDatabase:
    procedures: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def export(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(p) for p in self.procedures]

    def publish(self, procedures: list[dict[str, Any]]) -> None:
        """The national side's catalog changes (tests, demo)."""
        with self._lock:
            self.procedures = [dict(p) for p in procedures]


class HttpProcedureDatabase:
    def __init__(self) -> None:
        from motcua.interop.portal_http import HttpNationalPortal

        self.http = HttpNationalPortal()

    def export(self) -> list[dict[str, Any]]:
        return self.http._call("GET", "/thu-tuc")


_SOURCES: dict[str, ProcedureDatabase] = {}


def get_procedure_database() -> ProcedureDatabase:
    return configured(
        "INTEROP_PROCEDURE_DB", "motcua.interop.catalog_source.FakeProcedureDatabase", _SOURCES
    )
