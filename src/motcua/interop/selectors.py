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
from motcua.interop.models import SyncRecord, SyncState
from motcua.interop.outbox import national, publishes
from motcua.ledger.models import Event
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role

#: Who may read the province-wide sync figures.
READERS = (Role.PROVINCE_ADMIN, Role.INSPECTOR)


def sync_summary(*, user, day_from=None, day_to=None) -> list[dict[str, Any]]:
    """Pending, sent, failed, parked records per acting unit and local day of the event."""
    require_role(user, READERS)
    rows = SyncRecord.objects.annotate(day=TruncDate("event_at", tzinfo=VN_TZ))
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
    return [table[key] for key in sorted(table, key=lambda k: (k[1], k[0] or 0))]


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
