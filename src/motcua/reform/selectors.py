"""Reads shared by pages, API and exports, so the numbers agree everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from motcua.core.errors import NotFound, PermissionDenied
from motcua.ledger.selectors import events_for_subject
from motcua.organization.models import Unit
from motcua.organization.selectors import unit_predecessors
from motcua.reform import events
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    GROUP_KINDS,
    AssignmentRole,
    Framework,
    Index,
    Node,
    NodeLevel,
    NodeScore,
    Plan,
    Result,
    Task,
    TaskAssignment,
    TaskStatus,
)

OPEN = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]


STAFF_ONLY = "Khu vực cải cách hành chính chỉ dành cho cán bộ, công chức của tỉnh."


def is_staff_member(user) -> bool:
    """Any active account with a role in a unit (or a superuser): the reform area's readers.
    A yes is remembered on the user object (one request), so guarded selectors calling each
    other do not repeat the query."""
    from motcua.organization.permissions import user_roles

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "_reform_staff", False):
        return True
    staff = bool(user.is_superuser or user_roles(user))
    if staff:
        user._reform_staff = True
    return staff


def require_staff(user) -> None:
    """The reform area (indices, results, plans, tasks, evidence, exports) is internal:
    citizens and accounts without a role get 403, pages and API alike. Every public reform
    selector that returns reform data takes the requesting user and calls this first, so a new
    page or endpoint cannot forget the rule (tests/reform/test_selector_guard.py walks them)."""
    if not is_staff_member(user):
        raise PermissionDenied(STAFF_ONLY, code=ReformError.STAFF_ONLY)


def due_soon_days() -> int:
    return int(getattr(settings, "MOTCUA", {}).get("REFORM_DUE_SOON_DAYS", 14))


def index_list(user) -> QuerySet[Index]:
    require_staff(user)
    return Index.objects.order_by("order", "code")


def index_get(user, code: str) -> Index:
    require_staff(user)
    index = Index.objects.filter(code=code).first()
    if index is None:
        raise NotFound(f"Không có chỉ số '{code}'.", code=ReformError.INDEX_NOT_FOUND)
    return index


def result_years(user, index: Index) -> list[int]:
    require_staff(user)
    return list(index.results.order_by("-year").values_list("year", flat=True))


def framework_for(user, index: Index, year: int) -> Framework | None:
    require_staff(user)
    return (
        index.frameworks.filter(year__lte=year).order_by("-year").first()
        or index.frameworks.order_by("year").first()
    )


@dataclass
class TreeRow:
    node: Node
    depth: int
    max_points: Decimal
    score: Decimal | None
    lost: Decimal | None
    previous: Decimal | None
    change: Decimal | None
    national_average: Decimal | None
    below_average: bool
    task_count: int


@dataclass
class IndexView:
    index: Index
    year: int | None
    framework: Framework | None
    result: Result | None
    previous: Result | None
    rows: list[TreeRow]
    total_lost: Decimal | None
    total_change: Decimal | None


def index_tree(user, *, index: Index, year: int | None = None) -> IndexView:
    """Every node of the year's framework with score, points lost, change, national average."""
    years = result_years(user, index)
    if year is None:
        year = years[0] if years else None
    result = (
        Result.objects.filter(index=index, year=year).select_related("framework").first()
        if year
        else None
    )
    framework = result.framework if result else (framework_for(user, index, year) if year else None)
    if framework is None:
        framework = index.frameworks.order_by("-year").first()
    previous = (
        Result.objects.filter(index=index, year__lt=year).order_by("-year").first()
        if year
        else None
    )
    scores = {s.node_id: s for s in NodeScore.objects.filter(result=result)} if result else {}
    prev_scores = (
        {s.node.code: s.score for s in previous.scores.select_related("node")} if previous else {}
    )
    rows: list[TreeRow] = []
    if framework is not None:
        nodes = list(
            framework.nodes.annotate(n_tasks=Count("tasks", distinct=True)).order_by("order")
        )
        for node in nodes:
            s = scores.get(node.pk)
            score = s.score if s else None
            prev = prev_scores.get(node.code)
            avg = s.national_average if s else None
            rows.append(
                TreeRow(
                    node=node,
                    depth=node.depth,
                    max_points=node.max_points,
                    score=score,
                    lost=max(Decimal("0"), node.max_points - score) if score is not None else None,
                    previous=prev,
                    change=(score - prev) if score is not None and prev is not None else None,
                    national_average=avg,
                    below_average=score is not None and avg is not None and score < avg,
                    task_count=node.n_tasks,
                )
            )
    total_lost = (framework.max_total - result.total) if result and framework else None
    total_change = (result.total - previous.total) if result and previous else None
    return IndexView(index, year, framework, result, previous, rows, total_lost, total_change)


def area_chart(view: IndexView) -> dict:
    """Data for the bar chart: score and points lost per area."""
    areas = [r for r in view.rows if r.node.level == NodeLevel.AREA]
    return {
        "labels": [f"{r.node.code}. {r.node.name}" for r in areas],
        "score": [float(r.score) if r.score is not None else None for r in areas],
        "lost": [float(r.lost) if r.lost is not None else None for r in areas],
        "max": [float(r.max_points) for r in areas],
    }


def index_trend(user, index: Index) -> dict:
    require_staff(user)
    results = list(index.results.order_by("year"))
    return {
        "years": [r.year for r in results],
        "total": [float(r.total) for r in results],
        "rank": [r.rank for r in results],
        "rank_of": [r.rank_of for r in results],
    }


def results_history(user, index: Index) -> dict:
    """Every published year side by side (nodes matched by code): per node and year the
    score, points lost against the maximum and against the national average; and, for the
    chart, points lost per area and year. ``simulated_years``: years whose per-criterion
    scores are simulated (the demo), to be said wherever they are shown."""
    require_staff(user)
    results = list(index.results.order_by("year"))
    years = [r.year for r in results]
    per_node: dict[str, dict] = {}
    for result in results:
        for s in result.scores.select_related("node").order_by("node__order"):
            row = per_node.setdefault(s.node.code, {
                "code": s.node.code, "name": s.node.name, "level": s.node.level,
                "order": s.node.order, "years": {},
            })  # fmt: skip
            avg = s.national_average
            row["years"][result.year] = {
                "score": s.score, "max": s.node.max_points,
                "lost": max(Decimal("0"), s.node.max_points - s.score),
                "vs_national": (s.score - avg) if avg is not None else None,
            }  # fmt: skip
    rows = sorted(per_node.values(), key=lambda r: (r["order"], r["code"]))
    for row in rows:
        row["cells"] = [row["years"].get(y) for y in years]
    areas = [r for r in rows if r["level"] == NodeLevel.AREA]
    chart = {
        "years": years,
        "series": [
            {"name": f"{a['code']}. {a['name']}"[:40],
             "lost": [float(c["lost"]) if c else None for c in a["cells"]]}
            for a in areas
        ],
    }  # fmt: skip
    return {
        "years": years,
        "rows": [r for r in rows if any(c and c["lost"] for c in r["cells"])],
        "chart": chart,
        "simulated_years": [r.year for r in results if r.simulated],
    }


def plan_list(user) -> QuerySet[Plan]:
    require_staff(user)
    return Plan.objects.annotate(
        n_tasks=Count("tasks"),
        n_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
    ).order_by("-issued_on")


def _unit_filter(unit: Unit, role: str | None = None) -> Q:
    """Assignments of a unit: its own, its merged predecessors', and its kind's groups."""
    kinds = [g for g, ks in GROUP_KINDS.items() if unit.kind in ks]
    units = [unit.pk] + [u.pk for u in unit_predecessors(unit)]
    q = Q(unit_id__in=units) | Q(group__in=kinds)
    if role:
        q &= Q(role=role)
    return q


def task_list(
    user,
    *,
    plan: Plan | int | None = None,
    unit: Unit | None = None,
    role: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    due_soon: bool | None = None,
    index: str | None = None,
    deadline_kind: str | None = None,
    node: Node | None = None,
    q: str | None = None,
    order: str = "plan",
    today: dt.date | None = None,
) -> QuerySet[Task]:
    require_staff(user)
    today = today or timezone.localdate()
    qs = Task.objects.select_related("plan", "lead_unit", "index")
    if plan:
        qs = qs.filter(plan=plan)
    if unit is not None:
        qs = qs.filter(
            pk__in=TaskAssignment.objects.filter(_unit_filter(unit, role)).values("task_id")
        )
    if status:
        qs = qs.filter(status=status)
    if overdue is True:
        qs = qs.filter(status__in=OPEN, next_due_on__lt=today)
    elif overdue is False:
        qs = qs.exclude(status__in=OPEN, next_due_on__lt=today)
    if due_soon:
        qs = qs.filter(
            status__in=OPEN,
            next_due_on__gte=today,
            next_due_on__lte=today + dt.timedelta(days=due_soon_days()),
        )
    if index:
        qs = qs.filter(index__code=index)
    if deadline_kind:
        qs = qs.filter(deadline_kind=deadline_kind)
    if node is not None:
        qs = qs.filter(nodes=node)
    if q:
        qs = qs.filter(
            Q(text__icontains=q) | Q(criterion_text__icontains=q) | Q(number__icontains=q)
        )
    if order == "deadline":
        return qs.order_by(F("next_due_on").asc(nulls_last=True), "plan", "order")
    return qs.order_by("plan", "order")


def task_status_counts(qs: QuerySet[Task], *, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    base = qs.order_by()
    counts = dict.fromkeys(TaskStatus.values, 0)
    for row in base.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["overdue"] = base.filter(status__in=OPEN, next_due_on__lt=today).count()
    counts["due_soon"] = base.filter(
        status__in=OPEN,
        next_due_on__gte=today,
        next_due_on__lte=today + dt.timedelta(days=due_soon_days()),
    ).count()
    counts["total"] = sum(counts[s] for s in TaskStatus.values)
    return counts


def task_counts_by_lead_unit(qs: QuerySet[Task], *, today: dt.date | None = None) -> list[dict]:
    """Per primary lead unit: tasks, done, overdue (tasks without a matched unit last)."""
    today = today or timezone.localdate()
    rows = (
        qs.order_by()
        .values("lead_unit__code", "lead_unit__name")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("pk", filter=Q(status__in=OPEN, next_due_on__lt=today)),
        )
    )
    return sorted(
        rows,  # type: ignore[arg-type]  # the stubs type values() rows as a TypedDict, not a dict
        key=lambda r: (r["lead_unit__code"] is None, -r["overdue"], -r["total"]),
    )


def _one_task(tasks: QuerySet[Task]) -> Task:
    task = tasks.first()
    if task is None:
        raise NotFound("Không tìm thấy nhiệm vụ.", code=ReformError.TASK_NOT_FOUND)
    return task


def task_get(user, pk: int) -> Task:
    """One task, nothing more (services lock and re-read it anyway)."""
    require_staff(user)
    return _one_task(Task.objects.filter(pk=pk))


def task_detail(user, pk: int) -> Task:
    """One task with everything its page and API detail show."""
    require_staff(user)
    return _one_task(
        Task.objects.select_related("plan", "lead_unit", "index")
        .prefetch_related(
            "nodes__framework",
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit")),
            "occurrences",
            "progress__evidence",
            "progress__unit",
        )
        .filter(pk=pk)
    )


def task_history(user, task: Task):
    require_staff(user)
    return events_for_subject(subject_type=events.SUBJECT_TASK, subject_id=task.pk)


def node_points_lost(user, nodes) -> list[dict]:
    """For each node: the latest published score and points lost."""
    require_staff(user)
    out = []
    for node in nodes:
        s = (
            NodeScore.objects.filter(
                node__framework__index_id=node.framework.index_id, node__code=node.code
            )
            .select_related("result")
            .order_by("-result__year")
            .first()
        )
        out.append(
            {
                "node": node,
                "year": s.result.year if s else None,
                "score": s.score if s else None,
                "lost": max(Decimal("0"), node.max_points - s.score) if s else None,
            }
        )
    return out


def unit_accountability(user, *, unit: Unit, today: dt.date | None = None) -> dict:
    """Tasks a unit leads or supports, its overdue ones, and points lost in criteria it owns."""
    today = today or timezone.localdate()
    led = task_list(user, unit=unit, role=AssignmentRole.LEAD, today=today)
    supported = task_list(user, unit=unit, role=AssignmentRole.COORDINATE, today=today).exclude(
        pk__in=led.values("pk")
    )
    owned_nodes = (
        Node.objects.filter(tasks__in=led.values("pk"))
        .select_related("framework__index")
        .distinct()
        .order_by("framework__index__order", "order")
    )
    return {
        "unit": unit,
        "led": led,
        "supported": supported,
        "overdue": led.filter(status__in=OPEN, next_due_on__lt=today),
        "led_counts": task_status_counts(led, today=today),
        "supported_counts": task_status_counts(supported, today=today),
        "criteria": node_points_lost(user, owned_nodes),
    }


def plan_report_rows(*, user, plan: Plan, today: dt.date | None = None) -> list[dict]:
    """One row per task for the Word / Excel progress report (staff only)."""
    require_staff(user)
    today = today or timezone.localdate()
    rows = []
    tasks = task_list(user, plan=plan, today=today).prefetch_related("progress")
    for task in tasks:
        progress = list(task.progress.all())
        last = progress[-1] if progress else None
        rows.append(
            {
                "number": task.number,
                "index": task.index.short_name if task.index else "",
                "criterion": task.criterion_text,
                "text": task.text,
                "lead": task.lead_text,
                "coordinate": task.coordinate_text,
                "deadline": task.deadline_text,
                "next_due_on": task.next_due_on,
                "status": task.get_status_display(),
                "overdue": task.is_overdue(today),
                "percent": task.progress_percent,
                "last_report": last.text if last else "",
                "last_report_at": last.at if last else None,
            }
        )
    return rows


def evidence_for(user, pk: int):
    """An evidence file of a progress report: for the province's staff only."""
    from motcua.reform.models import Evidence

    require_staff(user)
    evidence = Evidence.objects.filter(pk=pk).first()
    if evidence is None:
        raise NotFound("Không tìm thấy minh chứng.", code=ReformError.FILE_NOT_FOUND)
    return evidence
