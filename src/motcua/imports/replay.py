"""One imported event → the real dossier service that records it, with its original time.

Each function reads what its service needs from the row's payload (the fields the platform
itself records for that event, docs/import.md) and calls the service inside the import's
``dossier_batch``: the same checks, deadlines (our work calendar) and events as live work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_date, parse_datetime

from motcua.catalog.models import Procedure
from motcua.core.errors import DomainError
from motcua.dossiers import events as ev
from motcua.dossiers import services
from motcua.dossiers.models import Channel, ComponentCopy, Dossier, ReturnMethod
from motcua.organization.models import Unit

#: a sweep's notice: recorded again by our own sweep, never replayed
SKIPPED = {ev.DUE_SOON_WARNED}


@dataclass
class Refs:
    """Reference rows by code, read once per run."""

    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    components: dict[int, dict] = field(default_factory=dict)  # procedure id → by name

    def components_of(self, procedure: Procedure) -> dict:
        if procedure.pk not in self.components:
            self.components[procedure.pk] = {c.name: c for c in procedure.components.all()}
        return self.components[procedure.pk]

    @classmethod
    def load(cls) -> Refs:
        return cls(
            units={u.code: u for u in Unit.objects.all()},
            users={u.username: u for u in get_user_model().objects.filter(is_active=True)},
            procedures={p.code: p for p in Procedure.objects.select_related("field").all()},
        )


@dataclass
class Row:
    """One validated event row, typed."""

    line: int
    dossier: str
    action: str  # our event code
    at: dt.datetime
    actor: str
    unit: str
    payload: dict[str, Any]
    first: dict[str, str]  # the dossier-level columns (first row only)
    on_time: bool | None
    status: str = ""  # as given (checked by validation only)
    seq: str = ""


@dataclass
class State:
    """One dossier during its replay."""

    dossier: Dossier | None = None
    consultations: list = field(default_factory=list)


def _user(refs: Refs, name: str | None):
    return refs.users[name] if name else None


def _applicant(first: dict[str, str]) -> dict[str, str]:
    return {
        "kind": first.get("applicant_kind") or "person",
        "name": first.get("applicant_name", ""),
        "id_number": first.get("applicant_id_number", ""),
        "phone": first.get("applicant_phone", ""),
        "email": first.get("applicant_email", ""),
        "address": first.get("applicant_address", ""),
    }


def _checklist(procedure: Procedure, payload: dict, refs: Refs) -> list[dict] | None:
    """None (every component handed over) when the payload lists every component."""
    given = payload.get("checklist")
    if given is None:
        return None
    components = refs.components_of(procedure)
    if {i.get("name") for i in given} == set(components) and all(
        i.get("quantity") in (None, max(c.originals, c.copies, 1))
        for c, i in ((components[i["name"]], i) for i in given)
    ):
        return None
    kinds = {str(label): value for value, label in ComponentCopy.choices}
    return [
        {
            "component": components[i["name"]].pk if i.get("name") in components else None,
            "name": i.get("name", ""),
            "copy_kind": kinds.get(i.get("copy", ""), ComponentCopy.ORIGINAL),
            "quantity": i.get("quantity") or 1,
            "provided": True,
        }
        for i in given
    ]


def _create(row: Row, refs: Refs, state: State) -> Dossier:
    first, p = row.first, row.payload
    procedure = refs.procedures[first["procedure"]]
    receiving = refs.units[first["receiving_unit"]]
    competent = refs.units.get(first.get("competent_unit") or "")
    actor = _user(refs, row.actor)
    common = {
        "procedure": procedure,
        "applicant": _applicant(first),
        "checklist": _checklist(procedure, p, refs),
        "unit": receiving,
        "at": row.at,
    }
    channel = first.get("channel") or Channel.IN_PERSON
    if row.action == ev.SUBMITTED:
        return services.dossier_submit_online(
            return_method=first.get("return_method") or ReturnMethod.ONLINE,
            competent_unit=competent,
            **common,
        )
    if row.action == ev.RECEIVED:
        return services.dossier_receive(
            actor=actor,
            competent_unit=competent,
            channel=channel,
            postal_tracking=first.get("postal_tracking", ""),
            return_method=first.get("return_method") or ReturnMethod.DESK,
            **common,
        )
    intake = (
        services.dossier_request_completion_at_intake
        if row.action == ev.COMPLETION_REQUESTED
        else services.dossier_refuse_at_intake
    )
    return intake(
        actor=actor,
        reasons=p.get("reasons", ""),
        channel=channel,
        postal_tracking=first.get("postal_tracking", ""),
        **common,
    )


def _transfer(row, refs, d):
    to = refs.units.get(row.payload.get("to_unit") or "")
    if to is not None and (
        to.pk == d.competent_unit_id or to.kind != d.procedure.competent_unit_kind
    ):
        to = None  # the holder our rules pick; only a change of competent unit is replayed
    return services.dossier_transfer(
        actor=_user(refs, row.actor),
        dossier=d,
        to_unit=to,
        assignee=_user(refs, row.payload.get("assignee")) if row.payload.get("assignee") else None,
        note=row.payload.get("note", ""),
        at=row.at,
    )


def _consult(row, refs, d, state):
    p = row.payload
    consultation = services.dossier_consult(
        actor=_user(refs, row.actor),
        dossier=d,
        unit=refs.units[p["to_unit"]],
        question=p.get("question", ""),
        at=row.at,
    )
    state.consultations.append(consultation)
    return consultation.dossier


def _opinion(row, refs, d, state):
    consultation = state.consultations.pop(0)
    return services.dossier_record_opinion(
        actor=_user(refs, row.actor),
        dossier=d,
        consultation=consultation,
        opinion=row.payload.get("opinion", ""),
        at=row.at,
    )


def _payment(row, refs, d):
    p = row.payload
    if p.get("provider") or p.get("reference"):
        return services.dossier_record_online_payment(
            dossier=d,
            amount=_amount(p.get("amount")),
            receipt=p.get("receipt", ""),
            reference=p.get("reference", ""),
            provider=p.get("provider", ""),
            at=row.at,
        )
    return services.dossier_record_payment(
        actor=_user(refs, row.actor),
        dossier=d,
        amount=_amount(p.get("amount")),
        receipt=p.get("receipt", ""),
        at=row.at,
    )


def _amount(value):
    """As recorded: an integer stays one (the payload then reads the same), else a Decimal."""
    return value if isinstance(value, int) else Decimal(str(value or 0))


def _approve(row, refs, d):
    result = row.payload.get("result") or {}
    return services.dossier_approve(
        actor=_user(refs, row.actor),
        dossier=d,
        number=result.get("number", ""),
        date=parse_date(str(result.get("date") or "")) or row.at.date(),
        signer=result.get("signer", ""),
        file=result.get("file", ""),
        at=row.at,
    )


def _simple(service: Callable, **fields: str) -> Callable:
    """A service taking the actor, the dossier, the time and payload fields renamed."""

    def call(row, refs, d):
        kwargs = {name: row.payload.get(key, "") for name, key in fields.items()}
        return service(actor=_user(refs, row.actor), dossier=d, at=row.at, **kwargs)

    return call


def _datetime(value) -> dt.datetime | None:
    return parse_datetime(value) if value else None


STEPS: dict[str, Callable] = {
    ev.ACCEPTED: _simple(services.dossier_accept),
    ev.COMPLETION_REQUESTED: _simple(services.dossier_request_completion_online, reasons="reasons"),
    ev.INTAKE_REFUSED: _simple(services.dossier_refuse_online, reasons="reasons"),
    ev.TRANSFERRED: _transfer,
    ev.ASSIGNED: lambda row, refs, d: services.dossier_assign(
        actor=_user(refs, row.actor),
        dossier=d,
        assignee=_user(refs, row.payload.get("assignee")),
        at=row.at,
    ),
    ev.SELF_ASSIGNED: _simple(services.dossier_self_assign),
    ev.STEP_COMPLETED: lambda row, refs, d: services.dossier_complete_step(
        actor=_user(refs, row.actor),
        dossier=d,
        next_assignee=_user(refs, row.payload.get("assignee")),
        note=row.payload.get("note", ""),
        at=row.at,
    ),
    ev.SENT_BACK: lambda row, refs, d: services.dossier_send_back(
        actor=_user(refs, row.actor),
        dossier=d,
        to_step=int(row.payload.get("step") or 0),
        reason=row.payload.get("reasons", ""),
        at=row.at,
    ),
    ev.SUPPLEMENT_REQUESTED: lambda row, refs, d: services.dossier_request_supplement(
        actor=_user(refs, row.actor),
        dossier=d,
        items=list(row.payload.get("items") or []),
        reason=row.payload.get("reasons", ""),
        at=row.at,
    ),
    ev.SUPPLEMENT_RECEIVED: _simple(services.dossier_receive_supplement, note="note"),
    ev.PAYMENT_REQUESTED: lambda row, refs, d: services.dossier_request_payment(
        actor=_user(refs, row.actor),
        dossier=d,
        amount=_amount(row.payload.get("amount")),
        note=row.payload.get("note", ""),
        at=row.at,
    ),
    ev.PAYMENT_RECORDED: _payment,
    ev.APPROVED: _approve,
    ev.REFUSED: _simple(services.dossier_refuse, reasons="reasons"),
    ev.RETURNED: _simple(
        services.dossier_return_result, method="method", received_by="received_by", note="note"
    ),
    ev.WITHDRAWN: _simple(services.dossier_withdraw, reason="reasons"),
    ev.STOPPED: _simple(services.dossier_stop, reason="reasons"),
    ev.CANCELLED: _simple(services.dossier_cancel, reason="reasons"),
    ev.APOLOGIZED: lambda row, refs, d: services.dossier_apologize(
        actor=_user(refs, row.actor),
        dossier=d,
        reason=row.payload.get("reasons", ""),
        new_due_at=_datetime(row.payload.get("new_due")),
        at=row.at,
    ),
    ev.LATE_ENTRY: lambda row, refs, d: services.dossier_record_late_entry(
        actor=_user(refs, row.actor),
        dossier=d,
        occurred_at=_datetime(row.payload.get("occurred_at")),
        description=row.payload.get("description", ""),
        reason=row.payload.get("reason", ""),
        at=row.at,
    ),
}
NEEDS_STATE = {ev.CONSULTED: _consult, ev.OPINION_RECORDED: _opinion}
CREATION_EVENTS = (ev.SUBMITTED, ev.RECEIVED, ev.COMPLETION_REQUESTED, ev.INTAKE_REFUSED)
SUPPORTED = set(STEPS) | set(NEEDS_STATE) | set(CREATION_EVENTS) | SKIPPED


class ReplayRefused(Exception):
    """A service refused a row that validation could not judge (a role, a unit rule)."""

    def __init__(self, row: Row, error: DomainError):
        super().__init__(f"Dòng {row.line}: hồ sơ {row.dossier}: {error.message}")
        self.row, self.error = row, error


def replay_dossier(rows: list[Row], refs: Refs, batch) -> Dossier:
    """Replay one dossier's rows through the services (inside the caller's batch)."""
    state = State()
    for row in rows:
        if row.action in SKIPPED:
            continue
        try:
            if state.dossier is None:
                batch.preset_code = row.dossier
                state.dossier = _create(row, refs, state)
            elif row.action in NEEDS_STATE:
                state.dossier = NEEDS_STATE[row.action](row, refs, state.dossier, state)
            else:
                state.dossier = STEPS[row.action](row, refs, state.dossier)
        except DomainError as error:
            raise ReplayRefused(row, error) from error
    return state.dossier
