"""Reads of the analysis workspaces (imported external logs): the same process map and the
same early-warning evaluation as for the dossier history, in clock hours (an external log
brings no work calendar). Only the one who imported a workspace (or a superuser) reads it."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.core.errors import NotFound
from motcua.insights import early_warning as ew
from motcua.insights.errors import InsightsError
from motcua.insights.logs import rows_to_cases
from motcua.insights.mining import LogEvent, ProcessMap, mine
from motcua.insights.models import Workspace, WorkspaceEvent
from motcua.insights.selectors import check_staff

#: Share of the cases (by start) the evaluation learns from; the later ones test it.
TRAIN_SHARE = 0.6


def workspaces(*, user) -> QuerySet[Workspace]:
    check_staff(user)
    qs = Workspace.objects.all()
    return qs if user.is_superuser else qs.filter(owner=user)


def workspace_get(*, user, pk: int) -> Workspace:
    found = workspaces(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("Không có không gian phân tích này.", code=InsightsError.WORKSPACE_NOT_FOUND)
    return found


def _rows(ws: Workspace):
    return WorkspaceEvent.objects.filter(workspace=ws).order_by("id")


def workspace_log(ws: Workspace) -> list[LogEvent]:
    return [
        LogEvent(
            case=r.case,
            activity=r.activity,
            at=r.at,
            resource=r.resource,
            group=r.group,
            lifecycle=r.lifecycle,
        )
        for r in _rows(ws).iterator(chunk_size=5000)
    ]


def workspace_map(ws: Workspace, *, keep: int = 10) -> ProcessMap:
    return mine(workspace_log(ws), keep=keep)


def workspace_cases(ws: Workspace) -> list[ew.Case]:
    return rows_to_cases(
        {
            "case:concept:name": r.case,
            "concept:name": r.activity,
            "time:timestamp": r.at.isoformat(),
            "org:resource": r.resource,
            "org:group": r.group,
            **r.attributes,
        }
        for r in _rows(ws).iterator(chunk_size=5000)
    )


def workspace_evaluation(ws: Workspace, *, k: int = 10) -> ew.Evaluation | str:
    """The early-warning evaluation on the workspace's log (time-based split, only cases not
    yet overdue), or why it cannot run."""
    cases = workspace_cases(ws)
    if not cases:
        return "Nhật ký không có hạn giải quyết của ca (cột case:deadline): không đánh giá được."
    starts = sorted(c.start for c in cases)
    ends = [c.end for c in cases if c.end is not None]
    try:
        return ew.evaluate(
            cases, split_at=starts[int(TRAIN_SHARE * len(starts))], until=max(ends), k=k
        )
    except ew.NotEnoughHistory:
        return "Chưa đủ ca đúng hạn và trễ hạn trước thời điểm chia để học."
