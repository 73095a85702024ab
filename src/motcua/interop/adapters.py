"""The contract with the National Public Service Portal, and a local fake of it.

No real national endpoint is reachable from here: ``get_portal()`` returns the adapter named
by ``settings.INTEROP_PORTAL`` (a dotted path; default the in-process fake). The contract is
described in docs/interop.md; a real adapter implements the same methods.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class PortalError(Exception):
    """The other side did not take the record (network, 5xx, refusal): retry later."""


@dataclass(frozen=True)
class Ack:
    key: str
    duplicate: bool = False  # the portal already had this record: nothing changed there


class NationalPortal(Protocol):
    def push_status(self, record: dict[str, Any]) -> Ack:
        """Deliver one status record. ``record["key"]`` is the idempotency key; a record whose
        key the portal already holds is acknowledged with ``duplicate=True``. Raises
        ``PortalError`` when it is not taken."""

    def list_dossiers(self) -> dict[str, dict[str, Any]]:
        """What the portal holds: dossier code → its latest record."""

    def list_submissions(self, after: int = 0) -> list[dict[str, Any]]:
        """Dossiers submitted on the national portal for our procedures, each with its
        position ``stt`` on the portal; only those with ``stt > after``, in order."""


@dataclass
class FakeNationalPortal:
    """Stores what it receives, refuses duplicates, keeps per dossier the record with the
    highest ``seq`` (so reordered deliveries end in the same state), and can be told to fail."""

    received: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → record
    dossiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0
    fail_always: bool = False
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def push_status(self, record: dict[str, Any]) -> Ack:
        with self._lock:
            self.calls += 1
            if self.fail_always or self.fail_next > 0:
                self.fail_next = max(0, self.fail_next - 1)
                raise PortalError("Cổng DVC quốc gia tạm thời không phản hồi (giả lập).")
            key = record["key"]
            if key in self.received:
                return Ack(key=key, duplicate=True)
            self.received[key] = record
            current = self.dossiers.get(record["ma_ho_so"])
            if current is None or current["seq"] < record["seq"]:
                self.dossiers[record["ma_ho_so"]] = record
            return Ack(key=key)

    def list_dossiers(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self.dossiers)

    def add_submission(self, submission: dict[str, Any]) -> dict[str, Any]:
        """A citizen submits on the national portal (the fake's side); returns it with ``stt``."""
        with self._lock:
            stored = {**submission, "stt": len(self.submissions) + 1}
            self.submissions.append(stored)
            return stored

    def list_submissions(self, after: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            if self.fail_always:
                raise PortalError("Cổng DVC quốc gia tạm thời không phản hồi (giả lập).")
            return [dict(s) for s in self.submissions if s["stt"] > after]

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self.dossiers.clear()
            self.submissions.clear()
            self.fail_next, self.fail_always, self.calls = 0, False, 0


def configured(setting: str, default: str, cache: dict[str, Any]) -> Any:
    """The adapter named by ``settings.<setting>`` (a dotted path; ``default`` when unset), one
    instance per process kept in ``cache``, so a fake keeps its state."""
    path = getattr(settings, setting, default)
    if path not in cache:
        cache[path] = import_string(path)()
    return cache[path]


_PORTALS: dict[str, NationalPortal] = {}


def get_portal() -> NationalPortal:
    """The configured adapter (one instance per process, so the fake keeps its state)."""
    return configured("INTEROP_PORTAL", "motcua.interop.adapters.FakeNationalPortal", _PORTALS)
