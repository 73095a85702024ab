"""Reconciliation: are all the events the national side must know in the outbox, sent, and
held there? Counts that make "100% published" provable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate

from motcua.core.formats import VN_TZ
from motcua.dossiers import events as dossier_events
from motcua.dossiers.lifecycle import NOT_RECEIVED
from motcua.dossiers.models import Dossier
from motcua.interop.adapters import NationalPortal, get_portal
from motcua.interop.models import InboundDossier, ReconciliationRun, SyncRecord, SyncState
from motcua.interop.outbox import national, publishes
from motcua.ledger.models import Event
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import has_role, require_role, units_of
from motcua.organization.selectors import unit_subtree_ids

#: Who may read the province-wide sync figures.
READERS = (Role.PROVINCE_ADMIN, Role.INSPECTOR)
#: Who may read the figures of their own unit (and the units below it).
UNIT_READERS = (Role.UNIT_LEADER,)
#: Who may put a failed or parked record back in line (checked again by the service).
RESENDERS = (Role.PROVINCE_ADMIN, Role.UNIT_LEADER)


def visible_unit_ids(user) -> set[int] | None:
    """``None``: every unit (province administrator, inspector); otherwise the unit leader's
    units and those below them. Anyone else is refused."""
    if has_role(user, READERS):
        return None
    led = units_of(user, UNIT_READERS)
    if not led:
        require_role(user, READERS + UNIT_READERS)
    return unit_subtree_ids([u.pk for u in led])


def visible_records(user):
    """The outbox rows ``user`` may see (role and unit checked here)."""
    units = visible_unit_ids(user)
    rows = SyncRecord.objects.all()
    return rows if units is None else rows.filter(unit_id__in=units)


def records_to_watch(*, user, state: str | None = None):
    """Failed and parked records (or one of the two), oldest event first."""
    states = [state] if state in (SyncState.FAILED, SyncState.PARKED) else UNSENT_WATCH
    return visible_records(user).filter(state__in=states).order_by("event_at", "id")


UNSENT_WATCH = [SyncState.FAILED, SyncState.PARKED]


def state_totals(*, user) -> dict[str, int]:
    counts = dict(visible_records(user).order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in SyncState.values}


def last_reconciliation(*, user) -> ReconciliationRun | None:
    """The newest stored reconciliation (province-wide figures; any reader may see them)."""
    visible_unit_ids(user)
    return ReconciliationRun.objects.order_by("-at", "-id").first()


def sync_summary(*, user, day_from=None, day_to=None) -> list[dict[str, Any]]:
    """Pending, sent, failed, parked records per acting unit and local day of the event
    (newest day first)."""
    rows = visible_records(user).annotate(day=TruncDate("event_at", tzinfo=VN_TZ))
    if day_from:
        rows = rows.filter(day__gte=day_from)
    if day_to:
        rows = rows.filter(day__lte=day_to)
    counts = rows.order_by().values("unit_id", "day", "state").annotate(n=Count("id"))
    names = dict(Unit.objects.values_list("id", "name"))
    table: dict[tuple, dict[str, Any]] = {}
    for row in counts:
        key = (row["unit_id"], row["day"])
        line = table.setdefault(
            key,
            {
                "unit": names.get(row["unit_id"] or 0, ""),
                "day": row["day"],
                **dict.fromkeys(SyncState.values, 0),
            },
        )
        line[row["state"]] = row["n"]
    ordered = sorted(table, key=lambda k: (k[1], names.get(k[0] or 0, "")))
    ordered.sort(key=lambda k: k[1], reverse=True)
    return [table[key] for key in ordered]


@dataclass
class Reconciliation:
    events: int = 0  # dossier events that change the national status or the due time
    records: int = 0  # outbox rows
    by_state: dict[str, int] = field(default_factory=dict)
    missing_records: list[str] = field(default_factory=list)  # "code#seq" without a row
    orphan_records: list[str] = field(default_factory=list)  # rows without their event
    dossiers_received: int = 0
    dossiers_known: int = 0  # received dossiers the portal holds
    not_on_portal: list[str] = field(default_factory=list)
    wrong_status_on_portal: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return self.by_state.get(SyncState.SENT, 0)

    @property
    def sync_ratio(self) -> float:
        return self.dossiers_known / self.dossiers_received if self.dossiers_received else 1.0

    @property
    def complete(self) -> bool:
        return (
            not self.missing_records
            and not self.orphan_records
            and self.events == self.records == self.acknowledged
            and not self.not_on_portal
            and not self.wrong_status_on_portal
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "records": self.records,
            "acknowledged": self.acknowledged,
            "by_state": self.by_state,
            "missing_records": self.missing_records,
            "orphan_records": self.orphan_records,
            "dossiers_received": self.dossiers_received,
            "dossiers_known": self.dossiers_known,
            "sync_ratio": self.sync_ratio,
            "not_on_portal": self.not_on_portal,
            "wrong_status_on_portal": self.wrong_status_on_portal,
            "complete": self.complete,
        }


def reconcile(
    *, portal: NationalPortal | None = None, limit: int = 100, user=None
) -> Reconciliation:
    """Compare the ledger, the outbox and what the portal holds (``limit`` examples per list)."""
    if user is not None:
        require_role(user, READERS)
    report = Reconciliation()
    expected: set[str] = set()
    for subject_id, seq, payload in (
        Event.objects.filter(subject_type=dossier_events.SUBJECT)
        .values_list("subject_id", "seq", "payload")
        .iterator(chunk_size=5000)
    ):
        if publishes(dossier_events.SUBJECT, payload):
            expected.add(f"{subject_id}#{seq}")
    report.events = len(expected)
    stored = {
        f"{code}#{seq}"
        for code, seq in SyncRecord.objects.values_list("dossier_code", "event_seq").iterator()
    }
    report.records = len(stored)
    report.by_state = dict(
        SyncRecord.objects.order_by().values_list("state").annotate(n=Count("id"))
    )
    report.missing_records = sorted(expected - stored)[:limit]
    report.orphan_records = sorted(stored - expected)[:limit]

    held = (portal or get_portal()).list_dossiers()
    received = Dossier.objects.exclude(status__in=NOT_RECEIVED).values_list("code", "status")
    for code, status in received.iterator():
        report.dossiers_received += 1
        record = held.get(code)
        if record is None:
            if len(report.not_on_portal) < limit:
                report.not_on_portal.append(code)
            continue
        report.dossiers_known += 1
        if record["trang_thai"] != national(status) and len(report.wrong_status_on_portal) < limit:
            report.wrong_status_on_portal.append(code)
    return report


def inbound_count(*, user) -> int:
    """Dossiers taken from the national portal (province-wide count)."""
    visible_unit_ids(user)
    return InboundDossier.objects.exclude(dossier_code=None).count()
