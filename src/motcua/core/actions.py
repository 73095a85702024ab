"""A subject's actions described once: the generic part (no domain).

An app that has a lifecycle (dossiers today; feedback items and reform tasks next) declares
each of its actions once as an :class:`ActionSpec` in an :class:`ActionRegistry`: the
statuses it is allowed from, the status it leads to, who may perform it (roles and the unit
rule), its typed input, the function that performs it, the ledger event it records and the
printed form it produces. From the registry the app derives its allowed-actions table, the
check its services make before a change, the status they move to, its API endpoints, its
page dispatcher and the buttons it offers.

This module knows no subject: statuses, roles and units are plain values and callables
supplied by the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from motcua.core.errors import TransitionNotAllowed

#: ``leads_to`` of an action that leaves the status as it is (an apology, a late entry).
STAY = "="


@dataclass(frozen=True)
class Outcome:
    """A status that depends on the subject: ``pick(subject)`` returns one of ``statuses``.

    ``pick`` is called on the subject as changed by the service, just before it is saved.
    ``STAY`` among ``statuses`` means "may stay where it was".
    """

    pick: Callable[[Any], str]
    statuses: tuple[str, ...]
    rule: str  # in words, for the documentation and the API description


@dataclass(frozen=True, kw_only=True)
class ActionSpec:
    """One action of a subject, described once."""

    code: str
    label: str
    allowed_from: tuple[str, ...]
    leads_to: str | Outcome  # a status, STAY, or an Outcome
    roles: frozenset[str] = frozenset()
    #: the units at which one of ``roles`` counts, for a given subject (the unit rule)
    units: Callable[[Any], list[Any]] | None = None
    #: whether the officer holding the subject may act without one of ``roles``
    holder_acts: bool = False
    unit_rule: str = ""  # the unit rule in words
    input: type | None = None  # a ninja/pydantic Schema
    #: ``perform(actor, subject, body, files)``: calls the one service that performs the action
    perform: Callable[[Any, Any, Any], Any] | None = None
    event: str = ""  # the ledger action code the service records
    form: str | None = None  # the printed form the action produces, if any
    path: str = ""  # URL segment (defaults to ``code``)
    files: tuple[str, ...] = ()  # uploaded files the action takes (multipart)
    api: bool = True  # exposed as an endpoint (False: called by another app's service)

    @property
    def url_segment(self) -> str:
        return self.path or self.code

    def possible_results(self, status_from: str) -> tuple[str, ...]:
        """The statuses this action may lead to from ``status_from``."""
        targets = self.leads_to.statuses if isinstance(self.leads_to, Outcome) else (self.leads_to,)
        return tuple(status_from if t == STAY else t for t in targets)


class ActionRegistry:
    """The actions of one kind of subject, in the order they are offered."""

    def __init__(self, subject: str, statuses: Iterable[str], label_of: Callable[[str], str]):
        self.subject = subject
        self.statuses = tuple(statuses)
        self._label_of = label_of
        self._specs: dict[str, ActionSpec] = {}

    def register(self, spec: ActionSpec) -> ActionSpec:
        if spec.code in self._specs:
            raise ValueError(f"action {spec.code} registered twice")
        unknown = set(spec.allowed_from) - set(self.statuses)
        targets = set(spec.possible_results(spec.allowed_from[0] if spec.allowed_from else ""))
        unknown |= targets - set(self.statuses) - {""}
        if unknown:
            raise ValueError(f"action {spec.code}: unknown statuses {sorted(unknown)}")
        self._specs[spec.code] = spec
        return spec

    def __getitem__(self, code: str) -> ActionSpec:
        return self._specs[code]

    def __iter__(self) -> Iterator[ActionSpec]:
        return iter(self._specs.values())

    def __contains__(self, code: object) -> bool:
        return code in self._specs

    def table(self) -> dict[str, tuple[str, ...]]:
        """The allowed-actions table: status → the actions allowed from it."""
        return {s: self.allowed(s) for s in self.statuses}

    def allowed(self, status: str) -> tuple[str, ...]:
        return tuple(s.code for s in self._specs.values() if status in s.allowed_from)

    def check(self, status: str, code: str) -> None:
        """Refuse (409) an action the table does not allow from ``status``."""
        spec = self._specs.get(code)
        if spec is None or status not in spec.allowed_from:
            raise TransitionNotAllowed(
                f"Không thể «{spec.label if spec else code}» khi "
                f"{self.subject} đang ở trạng thái «{self._label_of(status)}».",
                status=status,
                action=code,
            )

    def result(self, code: str, subject: Any, status_from: str) -> str:
        """The status ``subject`` moves to by action ``code`` (as declared, never by hand)."""
        spec = self._specs[code]
        if isinstance(spec.leads_to, Outcome):
            status = spec.leads_to.pick(subject)
            status = status_from if status == STAY else status
        else:
            status = status_from if spec.leads_to == STAY else spec.leads_to
        if status not in spec.possible_results(status_from):  # pragma: no cover - a bug
            raise RuntimeError(f"{code} led to undeclared status {status}")
        return status
