"""The insights app's writes — only its OWN tables (the models and the scores), each with a
ledger event in the same transaction. The dossier history is never written here."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.insights import early_warning as ew
from motcua.insights import events
from motcua.insights.errors import InsightsError
from motcua.insights.models import RiskModel, RiskScore, Workspace, WorkspaceEvent
from motcua.insights.selectors import working_hours
from motcua.insights.selectors_risk import (
    active_model,
    dossier_cases,
    finished_dossiers,
    open_dossiers,
)
from motcua.ledger.services import event_record

#: Days of history the model learns from, and the most snapshots it fits on.
WINDOW_DAYS = 365
MAX_SNAPSHOTS = 300_000


def risk_model_train(
    *, now: dt.datetime | None = None, days: int = WINDOW_DAYS, actor=None, every_days: int = 1
) -> RiskModel:
    """Fit the early-warning model on the dossiers received in the last ``days``: each seen at
    9:00 of every day it was open, running and not overdue; labelled by its classification.
    The new model becomes the active one (the previous ones are kept, inactive)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    cases = dossier_cases(finished_dossiers(since=since))
    local = timezone.localtime(since)
    snaps = ew.snapshots(
        [c for c in cases if c.late is not None],
        ew.daily_times(local, now, every_days=every_days),
        durations=working_hours,
        queues_from=cases,
    )
    if len(snaps) > MAX_SNAPSHOTS:
        pick = np.random.default_rng(0).choice(len(snaps), MAX_SNAPSHOTS, replace=False)
        snaps = snaps.take(np.sort(pick))
    try:
        model = ew.train(snaps)
    except ew.NotEnoughHistory as error:
        raise DomainError(
            "Chưa đủ hồ sơ đã kết thúc (cả đúng hạn và trễ hạn) để huấn luyện mô hình.",
            code=InsightsError.NOT_ENOUGH_HISTORY,
            detail=str(error),
        ) from None
    with transaction.atomic():
        RiskModel.objects.filter(active=True).update(active=False)
        row = RiskModel.objects.create(
            trained_at=now,
            params=model.to_json(),
            snapshots=len(snaps),
            late=int((snaps.late == 1).sum()),
            history_from=since,
            history_to=now,
        )
        event_record(
            subject_type=events.SUBJECT_MODEL,
            subject_id=row.pk,
            action=events.MODEL_TRAINED,
            actor=actor,
            payload={
                "snapshots": row.snapshots,
                "late": row.late,
                "history_from": since.isoformat(),
                "history_to": now.isoformat(),
                "columns": len(model.columns),
            },
            at=now,
        )
    return row


def risk_scores_refresh(
    *, now: dt.datetime | None = None, actor=None, train_if_missing: bool = False
) -> int:
    """Score every open dossier (clock running, not overdue) with the active model and replace
    the stored scores; one ``risk_scores.refreshed`` event per run. No model: nothing done —
    or, with ``train_if_missing`` (the periodic job), a first model is trained now when the
    history is enough, so a new province does not wait for the nightly training."""
    now = now or timezone.now()
    row = active_model()
    if row is None and train_if_missing:
        try:
            row = risk_model_train(now=now)
        except DomainError:  # too little history yet: the next run tries again
            row = None
    if row is None:
        return 0
    model = ew.Model.from_json(row.params)
    cases = dossier_cases(open_dossiers())
    snaps = ew.snapshots(cases, [now], durations=working_hours)
    p, parts = model.contributions(snaps)
    why = ew.reasons(snaps, parts)
    from motcua.dossiers.models import Dossier

    holders = dict(
        Dossier.objects.filter(code__in=snaps.keys).values_list("code", "holder_unit_id")
    )
    with transaction.atomic():
        RiskScore.objects.all().delete()
        RiskScore.objects.bulk_create(
            [
                RiskScore(
                    dossier_code=code,
                    model=row,
                    probability=float(p[i]),
                    share_used=float(snaps.numeric["share"][i]),
                    hours_left=float(snaps.numeric["remaining"][i]),
                    reasons=why[i],
                    unit_id=holders.get(code),
                    scored_at=now,
                )
                for i, code in enumerate(snaps.keys)
            ],
            batch_size=2000,
        )
        event_record(
            subject_type=events.SUBJECT_SCORES,
            subject_id="open",
            action=events.SCORES_REFRESHED,
            actor=actor,
            payload={"model": row.pk, "scored": len(snaps), "high": int((p >= 0.5).sum())},
            at=now,
        )
    return len(snaps)


# ---------------------------------------------------------------- analysis workspaces

#: The largest log a workspace takes (bytes, events).
MAX_LOG_BYTES = 50 * 1024 * 1024
MAX_LOG_EVENTS = 500_000


def workspace_import(*, actor, name: str, data: bytes, filename: str = "") -> Workspace:
    """Import an external event log (CSV with XES column names, or XES) into a new workspace
    of ``actor``'s; one ``insights_workspace.imported`` event with the file's SHA-256. A bad
    file changes nothing."""
    import hashlib

    from motcua.core.errors import InvalidInput
    from motcua.insights.logs import LogFormatError, parse_upload
    from motcua.insights.selectors import check_staff

    check_staff(actor)
    name = (name or "").strip() or filename or "Nhật ký"
    if len(data) > MAX_LOG_BYTES:
        raise DomainError(
            f"Tệp quá lớn (tối đa {MAX_LOG_BYTES // 1024 // 1024} MB).",
            code=InsightsError.LOG_TOO_LARGE,
        )
    try:
        rows = parse_upload(data, name=filename)
    except LogFormatError as error:
        raise InvalidInput(str(error), code=InsightsError.LOG_INVALID) from None
    if not rows:
        raise InvalidInput("Tệp không có sự kiện nào.", code=InsightsError.LOG_INVALID)
    if len(rows) > MAX_LOG_EVENTS:
        raise DomainError(
            f"Quá nhiều sự kiện (tối đa {MAX_LOG_EVENTS:,}).".replace(",", "."),
            code=InsightsError.LOG_TOO_LARGE,
        )
    from motcua.insights.logs import CASE_KEYS, _time

    now = timezone.now()
    with transaction.atomic():
        ws = Workspace.objects.create(
            name=name[:200],
            owner=actor,
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            cases=len({r["case:concept:name"] for r in rows}),
            events=len(rows),
            created_at=now,
        )
        WorkspaceEvent.objects.bulk_create(
            (
                WorkspaceEvent(
                    workspace=ws,
                    case=r["case:concept:name"][:200],
                    activity=r["concept:name"][:300],
                    at=_time(r["time:timestamp"]),
                    resource=(r.get("org:resource") or "")[:200],
                    group=(r.get("org:group") or "")[:200],
                    lifecycle=(r.get("lifecycle:transition") or "complete")[:30],
                    attributes={k: r[k] for k in CASE_KEYS if r.get(k)},
                )
                for r in rows
            ),
            batch_size=5000,
        )
        event_record(
            subject_type=events.SUBJECT_WORKSPACE,
            subject_id=ws.pk,
            action=events.WORKSPACE_IMPORTED,
            actor=actor,
            payload={
                "name": ws.name,
                "filename": ws.filename,
                "sha256": ws.sha256,
                "cases": ws.cases,
                "events": ws.events,
            },
            at=now,
        )
    return ws


def workspace_delete(*, actor, workspace: Workspace) -> None:
    from motcua.core.errors import PermissionDenied

    if workspace.owner_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied("Chỉ người nhập mới xóa được không gian phân tích này.")
    with transaction.atomic():
        event_record(
            subject_type=events.SUBJECT_WORKSPACE,
            subject_id=workspace.pk,
            action=events.WORKSPACE_DELETED,
            actor=actor,
            payload={"sha256": workspace.sha256, "events": workspace.events},
        )
        workspace.delete()
