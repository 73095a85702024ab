"""The shared data platforms, behind adapters with local fakes (docs/interop.md §9):

- the national population database (CSDL quốc gia về dân cư): a citizen's identity data
  looked up by ID number, only with the citizen's consent;
- the store of digitized documents (kho dữ liệu điện tử của tổ chức, cá nhân): documents a
  citizen already has digitized (earlier results), listed and fetched for reuse.

``get_population_database()`` / ``get_document_store()`` return the adapters named by
``settings.INTEROP_POPULATION_DB`` / ``settings.INTEROP_DOCUMENT_STORE`` (default: the fakes).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from motcua.interop.adapters import configured


class PopulationDatabase(Protocol):
    def lookup(self, id_number: str, *, consent: str) -> dict[str, Any] | None:
        """The citizen's identity data (``ho_ten``, ``ngay_sinh``, ``gioi_tinh``,
        ``noi_thuong_tru``), or None when the number is unknown. ``consent`` names the
        citizen's consent (who, when); the national side logs it with the look-up."""


class DocumentStore(Protocol):
    def documents(self, id_number: str) -> list[dict[str, Any]]:
        """The citizen's digitized documents: ``ma`` (id), ``ten``, ``loai``, ``ngay_cap``."""

    def fetch(self, id_number: str, document_id: str) -> bytes:
        """The document's file (PDF or image); KeyError when it is not the citizen's."""


@dataclass
class FakePopulationDatabase:
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    consents: list[tuple[str, str]] = field(default_factory=list)  # (id number, consent)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def lookup(self, id_number: str, *, consent: str) -> dict[str, Any] | None:
        with self._lock:
            self.consents.append((id_number, consent))
            person = self.people.get(id_number)
            return dict(person) if person else None


@dataclass
class FakeDocumentStore:
    files: dict[str, dict[str, tuple[dict[str, Any], bytes]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, id_number: str, meta: dict[str, Any], content: bytes) -> None:
        with self._lock:
            self.files.setdefault(id_number, {})[meta["ma"]] = (dict(meta), content)

    def documents(self, id_number: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(meta) for meta, _ in self.files.get(id_number, {}).values()]

    def fetch(self, id_number: str, document_id: str) -> bytes:
        with self._lock:
            return self.files[id_number][document_id][1]

    def reset(self) -> None:
        with self._lock:
            self.files.clear()


_ADAPTERS: dict[str, Any] = {}


def get_population_database() -> PopulationDatabase:
    return configured(
        "INTEROP_POPULATION_DB", "motcua.interop.shared_data.FakePopulationDatabase", _ADAPTERS
    )


def get_document_store() -> DocumentStore:
    return configured(
        "INTEROP_DOCUMENT_STORE", "motcua.interop.shared_data.FakeDocumentStore", _ADAPTERS
    )
