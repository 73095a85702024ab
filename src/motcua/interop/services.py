"""Delivery of the outbox to the National Public Service Portal (the only writer of sync rows
after they are created with their dossier events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.dossiers import events as dossier_events
from motcua.dossiers.models import Channel, Dossier
from motcua.interop import events
from motcua.interop.adapters import NationalPortal, PortalError, get_portal
from motcua.interop.errors import InteropError
from motcua.interop.models import InboundDossier, ReconciliationRun, SyncRecord, SyncState
from motcua.ledger.models import Event
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role

#: Attempts before a record is parked; back-off doubles from BACKOFF_BASE up to BACKOFF_MAX.
MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=2)

CHANNEL_CODES: dict[str, int] = {Channel.IN_PERSON: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}
UNSENT = (SyncState.PENDING, SyncState.FAILED, SyncState.PARKED)


class NotParked(DomainError):
    code = InteropError.INTEROP_NOT_PARKED
    default_message = "Chỉ gửi lại được bản ghi đang tạm dừng hoặc lỗi."


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** min(max(attempts - 1, 0), 16)), BACKOFF_MAX)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def payload_for(
    record: SyncRecord, dossier: Dossier | None, paid_online: bool, national_code: str = ""
) -> dict[str, Any]:
    """The record in the national side's shape (field names as in docs/interop.md);
    ``national_code``: the portal's own code of a dossier submitted there."""
    body: dict[str, Any] = {
        "key": record.event_hash,
        "ma_ho_so": record.dossier_code,
        "seq": record.event_seq,
        "trang_thai": record.national_status,
        "thoi_diem": _iso(record.event_at),
        "han_giai_quyet": record.due_at or None,
    }
    if national_code:
        body["ma_ho_so_dvcqg"] = national_code
    if dossier is not None:
        body.update(
            {
                "ma_thu_tuc": dossier.procedure.code,
                "ma_don_vi_tiep_nhan": dossier.receiving_unit.electronic_id
                or dossier.receiving_unit.code,
                "ma_don_vi_tham_quyen": dossier.competent_unit.electronic_id
                or dossier.competent_unit.code,
                "kenh": CHANNEL_CODES.get(dossier.channel),
                "ngay_tiep_nhan": _iso(dossier.received_at),
                "ngay_co_ket_qua": _iso(dossier.finished_at),
                "ngay_tra_ket_qua": _iso(dossier.returned_at),
                "thanh_toan_truc_tuyen": paid_online,
            }
        )
    return body


@dataclass
class SyncResult:
    sent: int = 0
    duplicates: int = 0
    failed: int = 0
    parked: int = 0


def _due_dossiers(limit: int, now: dt.datetime) -> list[str]:
    """Up to ``limit`` dossiers with a record to send now."""
    due = SyncRecord.objects.filter(state__in=(SyncState.PENDING, SyncState.FAILED)).exclude(
        next_attempt_at__gt=now
    )
    return list(due.order_by().values_list("dossier_code", flat=True).distinct()[:limit])


def _claim(code: str) -> list[SyncRecord]:
    """The dossier's unsent rows in order, locked (PostgreSQL: rows another sender holds are
    skipped); empty when an earlier unsent row is held elsewhere, so order is kept."""
    rows = list(
        SyncRecord.objects.select_for_update(skip_locked=True)
        .filter(dossier_code=code, state__in=UNSENT)
        .order_by("event_seq")
    )
    if rows and (
        SyncRecord.objects.filter(
            dossier_code=code, state__in=UNSENT, event_seq__lt=rows[0].event_seq
        ).exists()
    ):
        return []
    return rows


def _send_chain(
    portal: NationalPortal,
    rows: list[SyncRecord],
    dossier: Dossier | None,
    paid_online: bool,
    now: dt.datetime | None,
    result: SyncResult,
    national_code: str = "",
) -> None:
    for row in rows:
        clock = now or timezone.now()
        if row.state == SyncState.PARKED or (row.next_attempt_at and row.next_attempt_at > clock):
            return
        row.attempts += 1
        try:
            ack = portal.push_status(payload_for(row, dossier, paid_online, national_code))
        except PortalError as error:
            row.last_error = str(error)[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.state, row.next_attempt_at = SyncState.PARKED, None
                result.parked += 1
            else:
                row.state, row.next_attempt_at = SyncState.FAILED, clock + backoff(row.attempts)
                result.failed += 1
            row.save(update_fields=["state", "attempts", "next_attempt_at", "last_error"])
            return
        row.state, row.sent_at, row.next_attempt_at, row.last_error = (
            SyncState.SENT,
            clock,
            None,
            "",
        )
        row.save(update_fields=["state", "attempts", "sent_at", "next_attempt_at", "last_error"])
        result.sent += 1
        result.duplicates += int(ack.duplicate)


def interop_sync(
    *, portal: NationalPortal | None = None, limit: int = 500, now: dt.datetime | None = None
) -> SyncResult:
    """Send pending records, in order per dossier; a dossier stops at its first unsent record
    that fails, waits for back-off or is parked. Each dossier's rows are claimed in their own
    transaction, which locks only outbox rows (the desk only inserts new ones), so a slow
    portal never blocks the desk, and several senders can run side by side (PostgreSQL)."""
    portal = portal or get_portal()
    result = SyncResult()
    codes = _due_dossiers(limit, now or timezone.now())
    dossiers = Dossier.objects.select_related(
        "procedure", "receiving_unit", "competent_unit"
    ).in_bulk(codes, field_name="code")
    paid = set(
        Event.objects.filter(
            subject_type=dossier_events.SUBJECT, subject_id__in=codes, payload__online=True
        ).values_list("subject_id", flat=True)
    )
    inbound = dict(
        InboundDossier.objects.filter(dossier_code__in=codes).values_list(
            "dossier_code", "national_code"
        )
    )
    for code in codes:
        with transaction.atomic():
            rows = _claim(code)
            _send_chain(
                portal, rows, dossiers.get(code), code in paid, now, result, inbound.get(code, "")
            )
    if result.sent or result.failed or result.parked:
        _record_run(result)
    return result


def _record_run(result: SyncResult) -> None:
    """One history event per run that did something (retried: senders share the subject)."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                event_record(
                    subject_type=events.SUBJECT,
                    subject_id="national_portal",
                    action=events.SYNC_RUN,
                    payload={
                        "sent": result.sent,
                        "duplicates": result.duplicates,
                        "failed": result.failed,
                        "parked": result.parked,
                    },
                )
            return
        except IntegrityError:
            if attempt == 4:
                raise


def interop_resend(*, actor, record: SyncRecord) -> SyncRecord:
    """Put a parked or failed record back in line (an operator's decision, in the history)."""
    with transaction.atomic():
        row = SyncRecord.objects.select_for_update().get(pk=record.pk)
        unit = Unit.objects.filter(pk=row.unit_id).first() if row.unit_id else None
        require_role(actor, (Role.PROVINCE_ADMIN, Role.UNIT_LEADER), unit)
        if row.state not in (SyncState.PARKED, SyncState.FAILED):
            raise NotParked()
        row.state, row.attempts, row.next_attempt_at = SyncState.PENDING, 0, None
        row.save(update_fields=["state", "attempts", "next_attempt_at"])
        event_record(
            subject_type=events.SUBJECT,
            subject_id="national_portal",
            action=events.RESENT,
            actor=actor,
            payload={"dossier": row.dossier_code, "seq": row.event_seq, "error": row.last_error},
        )
    return row


def interop_reconcile(*, actor=None, portal: NationalPortal | None = None) -> ReconciliationRun:
    """Reconcile now and keep the result (the page shows the newest; the job runs nightly)."""
    from motcua.interop.selectors import reconcile

    if actor is not None:
        require_role(actor, (Role.PROVINCE_ADMIN,))
    report = reconcile(portal=portal)
    body = report.as_dict()
    differences = sum(
        len(body[name])
        for name in ("missing_records", "orphan_records", "not_on_portal", "wrong_status_on_portal")
    )
    with transaction.atomic():
        run = ReconciliationRun.objects.create(
            at=timezone.now(),
            complete=report.complete,
            sync_ratio=report.sync_ratio,
            dossiers_received=report.dossiers_received,
            dossiers_known=report.dossiers_known,
            differences=differences,
            report=body,
        )
        event_record(
            subject_type=events.SUBJECT,
            subject_id="reconciliation",
            action=events.RECONCILED,
            actor=actor,
            payload={
                "run": run.pk,
                "complete": run.complete,
                "sync_ratio": run.sync_ratio,
                "differences": differences,
            },
        )
    return run
