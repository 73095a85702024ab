"""The inspectors' findings Excel as a background job with a progress bar (``core.jobs``):
the report takes about a minute on a province's history, too long for one request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.core.jobs import JobResult, Progress, register_job_kind
from motcua.core.models import Job
from motcua.core.services import job_start
from motcua.organization.models import Unit
from motcua.organization.permissions import has_role, units_of

FINDINGS_EXCEL = "audit.findings_excel"
FILENAME = "phat-hien-cap-nhat-khong.xlsx"


def findings_excel_start(*, actor: Any, filters: dict[str, Any]) -> Job:
    """Queue the findings workbook for these filters; refused now (not in the worker) when
    the actor may not read the findings (``selectors.findings_for`` checks the role)."""
    from motcua.audit.selectors import ROLES, scope_check

    unit = scope_check(actor, filters.get("unit_code"))
    scope = [unit.pk] if unit is not None else [u.pk for u in units_of(actor, ROLES)]
    params = {
        "kind": filters.get("kind") or "",
        "unit_code": filters.get("unit_code") or "",
        "date_from": filters["date_from"].isoformat() if filters.get("date_from") else "",
        "date_to": filters["date_to"].isoformat() if filters.get("date_to") else "",
        "scope": [] if actor.is_superuser and unit is None else scope,
    }
    return job_start(actor=actor, kind=FINDINGS_EXCEL, params=params)


def _run(*, job: Job, progress: Progress) -> JobResult:
    from motcua.audit.excel import findings_workbook
    from motcua.audit.selectors import findings_for, workbook_of

    p = job.params
    progress.step("Tìm các dấu hiệu trong lịch sử hồ sơ", done=0, total=2)
    rows = findings_for(
        job.requested_by,
        kind=p.get("kind") or None,
        unit_code=p.get("unit_code") or None,
        date_from=dt.date.fromisoformat(p["date_from"]) if p.get("date_from") else None,
        date_to=dt.date.fromisoformat(p["date_to"]) if p.get("date_to") else None,
    )
    progress.step(f"Ghi {len(rows)} phát hiện vào sổ tính Excel", done=1, total=2)
    content = findings_workbook(workbook_of(rows))
    return JobResult(
        summary=f"Đã xuất {len(rows)} phát hiện ra Excel.", content=content, filename=FILENAME
    )


def _may_see(user: Any, job: Job) -> bool:
    """An inspector or province administrator over every unit the report covered."""
    from motcua.audit.selectors import ROLES

    scope = job.params.get("scope") or []
    if not scope:  # the whole province
        return bool(user.is_superuser)
    return all(has_role(user, ROLES, unit) for unit in Unit.objects.filter(pk__in=scope))


def register() -> None:
    register_job_kind(
        FINDINGS_EXCEL, label="Xuất Excel các dấu hiệu cập nhật khống", run=_run, may_see=_may_see
    )
