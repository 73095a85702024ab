"""Remediation plans: the all-or-nothing import and the tasks it creates."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.core.errors import InvalidInput
from motcua.ledger.services import event_record
from motcua.organization.models import Unit
from motcua.reform import events
from motcua.reform.deadlines import ParsedDeadline, occurrences
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    AssignmentRole,
    Framework,
    Index,
    Occurrence,
    Plan,
    Task,
    TaskAssignment,
)
from motcua.reform.plan_import import read_plan
from motcua.reform.services.permissions import (
    require_manage,
)

# --- plans and tasks ---------------------------------------------------------------------


def _recompute(task: Task, today: dt.date | None = None) -> None:
    """Refresh the task's current state from its occurrences (no save)."""
    nxt = task.occurrences.filter(done_at__isnull=True).order_by("due_on").first()
    task.next_due_on = nxt.due_on if nxt else None


@transaction.atomic
def plan_import(
    *,
    actor,
    data: bytes,
    filename: str = "",
    commit: bool = False,
    split_rows: set[str] | None = None,
    check_permission: bool = True,
) -> dict:
    """Preview (``commit=False``) or write (``commit=True``) a plan workbook.

    The preview lists every unmatched or ambiguous unit name and unparsed deadline; commit
    writes the plan, every task (with its ledger event) and its periods, or nothing.
    ``check_permission=False`` is for the command line and the demo (actor may be None).
    """
    if check_permission:
        require_manage(actor)
    preview = read_plan(data, filename=filename, split_rows=split_rows)
    info = preview["plan"]
    if info["number"] and Plan.objects.filter(number=info["number"]).exists():
        preview["errors"].append(
            {"sheet": "", "row": None, "message": f"Kế hoạch số {info['number']} đã được nhập."}
        )
    preview["committed"] = False
    if not commit:
        return preview
    if preview["errors"]:
        raise InvalidInput(
            "Tệp kế hoạch có lỗi, chưa ghi gì: "
            + "; ".join(e["message"] for e in preview["errors"][:5]),
            code=ReformError.PLAN_IMPORT_INVALID,
            errors=preview["errors"],
        )
    issued_on = dt.date.fromisoformat(info["issued_on"])
    issuer = Unit.objects.filter(kind="province").active_on(issued_on).first()
    plan = Plan.objects.create(
        number=info["number"],
        issued_on=issued_on,
        title=info["title"],
        issuer=issuer,
        issuer_name=info["issuer"] or (issuer.name if issuer else ""),
        signer=info["signer"],
        signer_title=info["signer_title"],
        year=info["year"],
        horizon_year=info["horizon_year"],
        source_file=filename,
    )
    units = {u.code: u for u in Unit.objects.all()}
    indices = {i.code: i for i in Index.objects.all()}
    order = 0
    for appendix in preview["appendices"]:
        framework_nodes = {}
        if appendix["framework"]:
            versions = Framework.objects.filter(index__code=appendix["index"]).order_by("-year")
            fw = next((f for f in versions if str(f) == appendix["framework"]), None)
            framework_nodes = {n.code: n for n in fw.nodes.all()} if fw else {}
        for row in appendix["tasks"]:
            order += 1
            task_create(
                actor=actor,
                plan=plan,
                order=order,
                row=row,
                index=indices.get(row["index"]),
                nodes=[framework_nodes[c] for c in row["nodes"] if c in framework_nodes],
                units=units,
            )
    event_record(
        subject_type=events.SUBJECT_PLAN,
        subject_id=plan.pk,
        action=events.PLAN_IMPORTED,
        actor=actor,
        unit=issuer,
        payload={
            "number": plan.number,
            "filename": filename,
            "tasks": preview["task_count"],
            "unmatched_units": len(preview["unmatched_units"]),
            "unparsed_deadlines": len(preview["unparsed_deadlines"]),
        },
    )
    preview["committed"] = True
    preview["plan_id"] = plan.pk
    return preview


def task_create(*, actor, plan: Plan, order: int, row: dict, index, nodes, units) -> Task:
    """Create one task from an import row; records ``reform_task.created``."""
    deadline = row["deadline"]
    parsed = ParsedDeadline(
        deadline["kind"],
        dt.date.fromisoformat(deadline["start"]) if deadline["start"] else None,
        dt.date.fromisoformat(deadline["end"]) if deadline["end"] else None,
    )
    lead = next((units[p["unit"]] for p in row["lead"] if p["unit"]), None)
    periods = occurrences(parsed, horizon_year=plan.horizon_year)
    task = Task.objects.create(
        plan=plan,
        index=index,
        appendix=row["appendix"][:60],
        section=row["section"][:255],
        criterion_text="\n".join(row["criteria"]),
        number=row["number"][:20],
        text=row["text"],
        lead_unit=lead,
        lead_text=row["lead_text"][:500],
        coordinate_text=row["coordinate_text"],
        deadline_text=row["deadline_text"][:500],
        deadline_kind=parsed.kind,
        period_start=parsed.start,
        period_end=parsed.end,
        next_due_on=min((p.due for p in periods), default=None),
        order=order,
    )
    if nodes:
        Task.nodes.through.objects.bulk_create(
            Task.nodes.through(task_id=task.pk, node_id=n.pk) for n in nodes
        )
    assignments = []
    for role, key in ((AssignmentRole.LEAD, "lead"), (AssignmentRole.COORDINATE, "coordinate")):
        for n, party in enumerate(row[key]):
            assignments.append(
                TaskAssignment(
                    task=task,
                    role=role,
                    unit=units.get(party["unit"]) if party["unit"] else None,
                    group=party["group"] or "",
                    name_text=party["text"][:500],
                    order=n,
                )
            )
    TaskAssignment.objects.bulk_create(assignments)
    if periods:
        Occurrence.objects.bulk_create(
            Occurrence(task=task, label=p.label, period_start=p.start, due_on=p.due)
            for p in periods
        )
    event_record(
        subject_type=events.SUBJECT_TASK,
        subject_id=task.pk,
        action=events.TASK_CREATED,
        actor=actor,
        unit=lead,
        payload={
            "plan": plan.number,
            "number": task.number,
            "lead": [p["unit"] or p["group"] or p["text"] for p in row["lead"]],
            "deadline_text": task.deadline_text,
            "deadline_kind": task.deadline_kind,
            "period_end": task.period_end,
            "nodes": [n.code for n in nodes],
        },
    )
    return task
