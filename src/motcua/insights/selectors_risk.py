"""Reads for the early warning: the dossier history as :class:`early_warning.Case` lists, and
the stored scores shown on the pages, scoped by role and unit. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT

from motcua.core.errors import PermissionDenied
from motcua.dossiers import events
from motcua.dossiers.lifecycle import IN_PROGRESS_FAMILY, OPEN
from motcua.dossiers.models import Classification, Dossier
from motcua.dossiers.selectors import visible_unit_ids
from motcua.insights.early_warning import Case, State
from motcua.insights.models import RiskModel, RiskScore
from motcua.insights.selectors import CHUNK, NOT_STEPS, LogFilters, dossier_codes
from motcua.ledger.models import Event
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import user_roles

RUNNING = frozenset(str(s) for s in OPEN)
ENDED_AT = ("finished_at", "closed_at")


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def dossier_cases(dossiers: QuerySet[Dossier]) -> list[Case]:
    """The received dossiers of ``dossiers`` as cases: one state per event of their history
    (holding unit and officer, due time, clock running, steps and supplement requests so far,
    all from the event's own payload, as known at that time). Late = classified late."""
    rows = dossiers.filter(received_at__isnull=False).values_list(
        "code",
        "procedure__code",
        "channel",
        "competent_unit_id",
        "received_at",
        "finished_at",
        "closed_at",
        "classification",
    )
    cases: dict[str, Case] = {}
    for code, procedure, channel, unit, received, finished, closed, classification in rows:
        end = finished or closed
        cases[code] = Case(
            key=code,
            procedure=procedure,
            channel=channel,
            start=received,
            end=end,
            late=(classification == Classification.LATE) if finished and classification else None,
            states=[],
            calendar=unit,
        )
    if not cases:
        return []
    history = (
        Event.objects.filter(subject_type=events.SUBJECT, subject_id__in=dossiers.values("code"))
        .exclude(action__in=NOT_STEPS)
        .order_by("subject_id", "seq")
        .values_list("subject_id", "action", "at", *_state_keys())
    )
    counts: dict[str, tuple[int, int]] = {}
    for code, action, at, *keys in history.iterator(chunk_size=CHUNK):
        holder, assignee, due_after, status_to = _state_values(keys)
        case = cases.get(code)
        if case is None:
            continue
        steps, supplements = counts.get(code, (0, 0))
        steps += 1
        supplements += action == events.SUPPLEMENT_REQUESTED
        counts[code] = (steps, supplements)
        case.states.append(
            State(
                at=at,
                unit=holder or "",
                officer=assignee or "",
                due=_when(due_after),
                running=status_to in RUNNING,
                steps=steps,
                supplements=supplements,
            )
        )
    return [c for c in cases.values() if c.states]


_KEYS = ("holder_unit", "assignee", "due_after", "status_to")


def _state_keys() -> list:
    """On PostgreSQL the four payload keys are read in SQL (``->>``: a JSON null is NULL), not
    the whole payload parsed per event; elsewhere the payload (SQLite's ``->>`` gives a JSON
    null as the text 'null', which could not be told from a user named so)."""
    if connection.vendor == "postgresql":
        return [KT(f"payload__{key}") for key in _KEYS]
    return ["payload"]


def _state_values(keys: list) -> tuple:
    if len(keys) == len(_KEYS):
        return tuple(keys)
    payload = keys[0] or {}
    return tuple(payload.get(key) for key in _KEYS)


def finished_dossiers(*, since: dt.datetime) -> QuerySet[Dossier]:
    """Dossiers received since ``since`` (the training window): ended or still open (open ones
    make the queues; only ended ones are learnt from)."""
    return Dossier.objects.filter(received_at__gte=since)


def open_dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.filter(status__in=IN_PROGRESS_FAMILY)


def active_model() -> RiskModel | None:
    return RiskModel.objects.filter(active=True).order_by("-trained_at", "-id").first()


# ---------------------------------------------------------------- what the pages show


@dataclass(frozen=True)
class Risk:
    code: str
    probability: float
    share_used: float
    hours_left: float
    reasons: list[str]
    unit: str
    scored_at: dt.datetime


def _leader_or_wider(user) -> bool:
    return user.is_superuser or any(r.role != Role.SPECIALIST for r in user_roles(user))


def risk_list(
    *, user, filters: LogFilters | None = None, limit: int = 50
) -> tuple[list[Risk], RiskModel | None]:
    """The scored open dossiers ``user`` may read, riskiest first. A specialist sees the
    dossiers assigned to him; a leader (or a wider role) those of the units he may read."""
    if user is None or not (user.is_superuser or user_roles(user)):
        raise PermissionDenied("Chỉ cán bộ có vai trò mới xem được cảnh báo sớm.")
    codes = dossier_codes(user=user, filters=filters or LogFilters())
    if not _leader_or_wider(user):
        codes = codes.filter(assignee=user)
    scores = RiskScore.objects.filter(dossier_code__in=codes).order_by(
        "-probability", "dossier_code"
    )[:limit]
    names = dict(Unit.objects.values_list("pk", "name"))
    return [_risk(s, names) for s in scores], active_model()


def _risk(s: RiskScore, names: dict) -> Risk:
    return Risk(
        code=s.dossier_code,
        probability=s.probability,
        share_used=s.share_used,
        hours_left=s.hours_left,
        reasons=list(s.reasons),
        unit=names.get(s.unit_id, "") if s.unit_id else "",
        scored_at=s.scored_at,
    )


def risks_of(codes: Iterable[str], *, user) -> dict[str, Risk]:
    """The scores of the given dossiers (the work queue's risk column); ``user`` must be able
    to read the dossiers — the queue only lists those."""
    codes = list(codes)
    if not codes:  # an empty page: no query
        return {}
    ids = visible_unit_ids(user)
    qs = RiskScore.objects.filter(dossier_code__in=codes)
    if ids is not None:
        visible = Dossier.objects.filter(
            Q(receiving_unit_id__in=ids)
            | Q(competent_unit_id__in=ids)
            | Q(holder_unit_id__in=ids)
            | Q(assignee=user)
        ).values("code")
        qs = qs.filter(dossier_code__in=visible)
    return {s.dossier_code: _risk(s, {}) for s in qs}


def risk_order() -> Subquery:
    """The stored probability of the dossier ``OuterRef("code")`` (NULL when not scored): the
    work queue sorts by it in the database (registered in ``dossiers.risk``)."""
    return Subquery(
        RiskScore.objects.filter(dossier_code=OuterRef("code")).values("probability")[:1]
    )
