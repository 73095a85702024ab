"""Every write of the reform app: frameworks, results, plan import, task progress, reminders.

Each service runs in one transaction and records its ledger event(s) in it; permissions are
checked here, not in views.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.core.files import check_content, read_limited
from motcua.core.text import clean_text, fold
from motcua.ledger.services import event_record
from motcua.organization.models import Role, StaffRole, Unit
from motcua.organization.permissions import has_role
from motcua.organization.selectors import unit_successor_on
from motcua.reform import events
from motcua.reform.deadlines import ParsedDeadline, occurrences
from motcua.reform.models import (
    GROUP_KINDS,
    Aggregation,
    AssignmentRole,
    Evidence,
    Framework,
    Index,
    Node,
    NodeLevel,
    NodeScore,
    Occurrence,
    Plan,
    Progress,
    Result,
    Task,
    TaskAssignment,
    TaskStatus,
)
from motcua.reform.plan_import import read_plan

DATA_DIR = Path(__file__).resolve().parent / "data"
FRAMEWORK_FILES = ["par_index_2020.json", "sipas_2020.json", "papi_2018.json"]
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
LEVELS = [NodeLevel.AREA, NodeLevel.CRITERION, NodeLevel.SUB]


def _setting(name: str, default):
    return getattr(settings, "MOTCUA", {}).get(name, default)


# --- permissions -------------------------------------------------------------------------


def coordinator_units() -> list[Unit]:
    """The units that own reform monitoring (Sở Nội vụ, by code or by name)."""
    code = _setting("REFORM_COORDINATOR_UNIT_CODE", "SNV")
    return list(Unit.objects.filter(Q(code=code) | Q(name_folded="so noi vu")))


def can_manage(user) -> bool:
    """Import plans, record results, change task status: Sở Nội vụ's reform officers."""
    if has_role(user, [Role.PROVINCE_ADMIN]):
        return True
    return any(has_role(user, [Role.REFORM_OFFICER], unit) for unit in coordinator_units())


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(
            "Chỉ cán bộ cải cách hành chính của Sở Nội vụ hoặc quản trị tỉnh được thực hiện.",
            code="reform_manage_denied",
        )


def lead_unit_ids(task: Task) -> tuple[set[int], set[str]]:
    """The lead units of a task: single units (and the successor of a merged one), and the
    unit kinds of lead groups."""
    ids, kinds = set(), set()
    today = timezone.localdate()
    for a in task.assignments.all():
        if a.role != AssignmentRole.LEAD:
            continue
        if a.unit_id:
            ids.add(a.unit_id)
            if not a.unit.is_active_on(today):
                ids.add(unit_successor_on(a.unit, today).pk)
        elif a.group:
            kinds.update(GROUP_KINDS[a.group])
    return ids, kinds


def can_report(user, task: Task) -> bool:
    """Progress is posted by a reform officer of a lead unit (or the province admin)."""
    if user is None or not user.is_authenticated:
        return False
    if has_role(user, [Role.PROVINCE_ADMIN]):
        return True
    ids, kinds = lead_unit_ids(task)
    today = timezone.localdate()
    officer_units = StaffRole.objects.filter(
        user=user, role=Role.REFORM_OFFICER, valid_from__lte=today
    ).exclude(valid_to__lt=today)
    return officer_units.filter(Q(unit_id__in=ids) | Q(unit__kind__in=kinds)).exists()


def reporting_unit(user, task: Task) -> Unit | None:
    ids, kinds = lead_unit_ids(task)
    role = (
        StaffRole.objects.filter(user=user, role=Role.REFORM_OFFICER)
        .filter(Q(unit_id__in=ids) | Q(unit__kind__in=kinds))
        .select_related("unit")
        .first()
    )
    return role.unit if role else task.lead_unit


# --- frameworks and results --------------------------------------------------------------


@transaction.atomic
def framework_load(*, data: dict, source_file: str = "") -> Framework:
    """Create or update an index framework from its data file (idempotent)."""
    meta = data["index"]
    index, _ = Index.objects.update_or_create(
        code=meta["code"],
        defaults={
            "name": meta["name"],
            "short_name": meta["short_name"],
            "publisher": meta.get("publisher", ""),
            "unit_label": meta.get("unit_label", "điểm"),
            "order": meta.get("order", 0),
        },
    )
    framework, _ = Framework.objects.update_or_create(
        index=index,
        year=data["year"],
        defaults={
            "methodology": data["methodology"],
            "aggregation": data.get("aggregation", Aggregation.SUM),
            "max_total": Decimal(str(data["max_total"])),
            "source_file": source_file,
        },
    )
    flat: list[tuple[int, str | None, dict]] = []  # (depth, parent code, item) in tree order

    def walk(items: list[dict], parent: str | None, depth: int) -> None:
        for item in items:
            flat.append((depth, parent, item))
            walk(item.get("children", []), str(item["code"]), depth + 1)

    walk(data["nodes"], None, 0)
    existing = {n.code: n for n in framework.nodes.all()}
    fields = ["parent", "level", "name", "name_folded", "max_points", "assessment", "order"]
    for depth in range(len(LEVELS)):
        new, changed = [], []
        for order, (d, parent, item) in enumerate(flat, 1):
            if d != depth:
                continue
            code = str(item["code"])
            node = existing.get(code) or Node(framework=framework, code=code)
            node.parent = existing[parent] if parent else None
            node.level = LEVELS[depth]
            node.name = item["name"]
            node.name_folded = fold(item["name"])
            node.max_points = Decimal(str(item["max_points"]))
            node.assessment = item.get("assessment", "")
            node.order = order
            (changed if node.pk else new).append(node)
        Node.objects.bulk_create(new)
        Node.objects.bulk_update(changed, fields)
        if new and new[0].pk is None:  # backends that do not return keys
            existing.update({n.code: n for n in framework.nodes.filter(level=LEVELS[depth])})
        else:
            existing.update({n.code: n for n in new})
    return framework


def frameworks_load_shipped() -> list[Framework]:
    return [
        framework_load(
            data=json.loads((DATA_DIR / name).read_text(encoding="utf-8")), source_file=name
        )
        for name in FRAMEWORK_FILES
    ]


def _decimal(value, what: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(
            f"{what}: '{value}' không phải là số.", code="result_not_number"
        ) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput(f"{what}: phải là số không âm.", code="result_not_number")
    return number


@transaction.atomic
def result_record(
    *,
    actor,
    index_code: str,
    year: int,
    scores: dict[str, object] | None = None,
    national: dict[str, object] | None = None,
    total=None,
    rank: int | None = None,
    rank_of: int | None = None,
    national_average=None,
    source: str = "",
    check_permission: bool = True,
) -> Result:
    """Record (or correct) the province's result of an index for a year."""
    if check_permission:
        require_manage(actor)
    if not 2000 <= int(year or 0) <= 2100:
        raise InvalidInput(f"Năm đánh giá '{year}' không hợp lệ.", code="result_year_invalid")
    index = Index.objects.filter(code=index_code).first()
    if index is None:
        raise NotFound(f"Không có chỉ số '{index_code}'.", code="index_not_found")
    framework = (
        index.frameworks.filter(year__lte=year).order_by("-year").first()
        or index.frameworks.order_by("year").first()
    )
    if framework is None:
        raise InvalidInput("Chỉ số chưa có bộ tiêu chí.", code="framework_missing")
    nodes = {n.code: n for n in framework.nodes.all()}
    parsed: dict[str, Decimal] = {}
    for code, value in (scores or {}).items():
        node = nodes.get(str(code))
        if node is None:
            raise InvalidInput(
                f"Không có tiêu chí mã '{code}' trong {framework}.", code="node_unknown"
            )
        number = _decimal(value, f"Tiêu chí {code}")
        if number is None:
            continue
        if number > node.max_points:
            raise InvalidInput(
                f"Tiêu chí {code}: điểm {number} vượt điểm tối đa {node.max_points}.",
                code="score_above_max",
            )
        parsed[node.code] = number
    total_value = _decimal(total, "Tổng điểm")
    if total_value is None:
        areas = [
            parsed[n.code] for n in nodes.values() if n.level == NodeLevel.AREA and n.code in parsed
        ]
        if not areas:
            raise InvalidInput("Cần nhập tổng điểm hoặc điểm các lĩnh vực.", code="total_missing")
        total_value = sum(areas, Decimal("0"))
        if framework.aggregation == Aggregation.MEAN:
            total_value = (total_value / len(areas)).quantize(Decimal("0.001"))
    if total_value > framework.max_total:
        raise InvalidInput(
            f"Tổng điểm {total_value} vượt điểm tối đa {framework.max_total}.",
            code="total_above_max",
        )
    rank_of = rank_of or (63 if year < 2025 else 34)
    if rank is not None and not 1 <= int(rank) <= rank_of:
        raise InvalidInput(f"Xếp hạng phải từ 1 đến {rank_of}.", code="rank_invalid")
    result, created = Result.objects.update_or_create(
        index=index,
        year=year,
        defaults={
            "framework": framework,
            "total": total_value,
            "rank": rank,
            "rank_of": rank_of,
            "national_average": _decimal(national_average, "Trung bình cả nước"),
            "source": source,
        },
    )
    national = {str(k): _decimal(v, f"TB cả nước {k}") for k, v in (national or {}).items()}
    for code, score in parsed.items():
        NodeScore.objects.update_or_create(
            result=result,
            node=nodes[code],
            defaults={"score": score, "national_average": national.get(code)},
        )
    event_record(
        subject_type=events.SUBJECT_RESULT,
        subject_id=result.pk,
        action=events.RESULT_RECORDED,
        actor=actor,
        payload={
            "index": index.code,
            "year": year,
            "total": total_value,
            "rank": rank,
            "rank_of": rank_of,
            "scores": {k: str(v) for k, v in parsed.items()},
            "corrected": not created,
        },
    )
    return result


def result_import(*, actor, data: bytes, check_permission: bool = True) -> Result:
    """Record a result from the Excel template (``results_excel``), all or nothing."""
    from motcua.reform.results_excel import read_results

    return result_record(actor=actor, check_permission=check_permission, **read_results(data))


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
    check_permission: bool = True,
) -> dict:
    """Preview (``commit=False``) or write (``commit=True``) a plan workbook.

    The preview lists every unmatched or ambiguous unit name and unparsed deadline; commit
    writes the plan, every task (with its ledger event) and its periods, or nothing.
    ``check_permission=False`` is for the command line and the demo (actor may be None).
    """
    if check_permission:
        require_manage(actor)
    preview = read_plan(data, filename=filename)
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
            code="plan_import_invalid",
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
            fw = Framework.objects.filter(index__code=appendix["index"]).order_by("-year")
            fw = next((f for f in fw if str(f) == appendix["framework"]), None)
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


def _lock(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("plan", "lead_unit")
        .get(pk=task.pk)
    )


@transaction.atomic
def task_report_progress(
    *,
    actor,
    task: Task,
    text: str,
    percent: int,
    files: list | None = None,
    occurrence: Occurrence | None = None,
) -> Progress:
    """Record a progress update (text, percent, evidence) by the lead unit's reform officer.

    100% completes the current period (a one-off task is then done; a recurring task moves
    to its next period). Events: progress_reported, evidence_added (one per file),
    period_completed and status_changed when they happen.
    """
    task = _lock(task)
    if not can_report(actor, task):
        raise PermissionDenied(
            "Chỉ cán bộ cải cách hành chính của đơn vị chủ trì được báo cáo tiến độ nhiệm vụ này.",
            code="reform_progress_denied",
        )
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise Conflict(
            f"Nhiệm vụ đang ở trạng thái '{task.get_status_display()}', không báo cáo thêm.",
            code="reform_task_closed",
        )
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Cần nhập nội dung kết quả thực hiện.", code="progress_text_required")
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise InvalidInput("Tiến độ phải là số từ 0 đến 100.", code="progress_percent") from None
    if not 0 <= percent <= 100:
        raise InvalidInput("Tiến độ phải là số từ 0 đến 100.", code="progress_percent")
    files = files or []
    for f in files:
        if f.size > MAX_EVIDENCE_BYTES:
            raise InvalidInput(f"Tệp {f.name} quá 20 MB.", code="evidence_too_large")
    open_periods = task.occurrences.filter(done_at__isnull=True).order_by("due_on")
    if occurrence is None:
        occurrence = open_periods.first()
    elif occurrence.task_id != task.pk or occurrence.done_at is not None:
        raise InvalidInput("Kỳ báo cáo không hợp lệ.", code="progress_period_invalid")
    now = timezone.now()
    unit = reporting_unit(actor, task)
    progress = Progress.objects.create(
        task=task,
        occurrence=occurrence,
        text=text,
        percent=percent,
        author=actor,
        author_label=actor.get_full_name() or actor.get_username(),
        unit=unit,
        at=now,
    )
    event_record(
        subject_type=events.SUBJECT_TASK,
        subject_id=task.pk,
        action=events.TASK_PROGRESS_REPORTED,
        actor=actor,
        unit=unit,
        at=now,
        payload={
            "progress": progress.pk,
            "percent": percent,
            "period": occurrence.label if occurrence else None,
            "text": text[:500],
        },
    )
    for f in files:
        label = Path(f.name or "minh-chung").name
        checked = check_content(read_limited(f, label=label), label=label)
        evidence = Evidence(
            progress=progress,
            name=clean_text(label)[:255],
            size=checked.size,
            sha256=checked.sha256,
        )
        stored = checked.as_django_file(Path(label).stem[:80] or "minh-chung")
        evidence.file.save(stored.name, stored, save=False)
        evidence.save()
        event_record(
            subject_type=events.SUBJECT_TASK,
            subject_id=task.pk,
            action=events.TASK_EVIDENCE_ADDED,
            actor=actor,
            unit=unit,
            at=now,
            payload={"evidence": evidence.pk, "name": evidence.name, "sha256": evidence.sha256},
        )
    old_status = task.status
    if occurrence is not None:
        occurrence.progress_percent = percent
        if percent == 100:
            occurrence.done_at = now
            event_record(
                subject_type=events.SUBJECT_TASK,
                subject_id=task.pk,
                action=events.TASK_PERIOD_COMPLETED,
                actor=actor,
                unit=unit,
                at=now,
                payload={"period": occurrence.label, "due_on": occurrence.due_on},
            )
        occurrence.save(update_fields=["progress_percent", "done_at"])
    _recompute(task)
    has_more = task.occurrences.filter(done_at__isnull=True).exists()
    if percent == 100 and not has_more and not task.is_recurring:
        task.status = TaskStatus.DONE
    elif percent == 100 and not has_more and occurrence is not None:
        task.status = TaskStatus.DONE  # the last period up to the horizon
    else:
        task.status = TaskStatus.IN_PROGRESS
    task.progress_percent = 0 if (percent == 100 and has_more) else percent
    task.save(update_fields=["status", "progress_percent", "next_due_on"])
    if task.status != old_status:
        _status_event(actor, task, old_status, unit, now, reason="")
    return progress


def _status_event(actor, task, old, unit, at, *, reason: str) -> None:
    event_record(
        subject_type=events.SUBJECT_TASK,
        subject_id=task.pk,
        action=events.TASK_STATUS_CHANGED,
        actor=actor,
        unit=unit,
        at=at,
        payload={"from": old, "to": task.status, "reason": reason},
    )


ALLOWED_STATUS = {
    TaskStatus.NOT_STARTED: {TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.CANCELLED},
    TaskStatus.DONE: {TaskStatus.IN_PROGRESS},
    TaskStatus.CANCELLED: {TaskStatus.IN_PROGRESS},
}


@transaction.atomic
def task_change_status(*, actor, task: Task, status: str, reason: str) -> Task:
    """Stop or reopen a task (Sở Nội vụ / province admin), with a reason."""
    require_manage(actor)
    task = _lock(task)
    if status not in ALLOWED_STATUS.get(task.status, set()):
        raise Conflict(
            f"Không chuyển được từ '{task.get_status_display()}' sang '{TaskStatus(status).label}'."
            if status in TaskStatus.values
            else "Trạng thái không hợp lệ.",
            code="transition_not_allowed",
        )
    if not (reason or "").strip():
        raise InvalidInput("Cần nêu lý do.", code="status_reason_required")
    old = task.status
    task.status = status
    if (
        status == TaskStatus.IN_PROGRESS
        and not task.occurrences.filter(done_at__isnull=True).exists()
    ):
        last = task.occurrences.order_by("-due_on").first()
        if last is not None:
            last.done_at = None
            last.save(update_fields=["done_at"])
    _recompute(task)
    task.save(update_fields=["status", "next_due_on"])
    _status_event(actor, task, old, task.lead_unit, timezone.now(), reason=reason.strip())
    return task


# --- reminders ---------------------------------------------------------------------------


def reminder_recipients(task: Task) -> list:
    ids, kinds = lead_unit_ids(task)
    today = timezone.localdate()
    roles = (
        StaffRole.objects.filter(role=Role.REFORM_OFFICER, valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .filter(Q(unit_id__in=ids) | Q(unit__kind__in=kinds))
        .select_related("user")
    )
    return list({r.user for r in roles if r.user.is_active})


@transaction.atomic
def reminders_send(*, today: dt.date | None = None, days: int | None = None) -> dict:
    """Notify lead units' reform officers N days before a deadline and once when overdue.

    Idempotent: each period is reminded at most once "due soon" and once "overdue".
    """
    today = today or timezone.localdate()
    days = days if days is not None else int(_setting("REFORM_REMINDER_DAYS", 7))
    now = timezone.now()
    sent = {"due_soon": 0, "overdue": 0, "emails": 0}
    open_periods = (
        Occurrence.objects.select_for_update()
        .filter(
            done_at__isnull=True, task__status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS]
        )
        .select_related("task", "task__plan")
    )
    due_soon = open_periods.filter(
        reminded_due_soon_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    )
    overdue = open_periods.filter(reminded_overdue_at__isnull=True, due_on__lt=today)
    for kind, qs, field in (
        ("due_soon", due_soon, "reminded_due_soon_at"),
        ("overdue", overdue, "reminded_overdue_at"),
    ):
        for occ in qs:
            task = occ.task
            recipients = reminder_recipients(task)
            emails = [u.email for u in recipients if u.email]
            if emails:
                subject = (
                    f"[CCHC] Nhiệm vụ {task.number} sắp đến hạn {occ.due_on:%d/%m/%Y}"
                    if kind == "due_soon"
                    else f"[CCHC] Nhiệm vụ {task.number} đã quá hạn ({occ.due_on:%d/%m/%Y})"
                )
                body = (
                    f"Kế hoạch {task.plan.number}, kỳ {occ.label}.\n\n{task.text[:800]}\n\n"
                    f"Thời hạn: {task.deadline_text}. Vui lòng báo cáo tiến độ trên hệ thống."
                )
                transaction.on_commit(
                    lambda s=subject, b=body, e=emails: send_mail(s, b, None, e, fail_silently=True)
                )
                sent["emails"] += len(emails)
            setattr(occ, field, now)
            occ.save(update_fields=[field])
            event_record(
                subject_type=events.SUBJECT_TASK,
                subject_id=task.pk,
                action=events.TASK_REMINDED,
                actor=None,
                unit=task.lead_unit,
                at=now,
                payload={
                    "kind": kind,
                    "period": occ.label,
                    "due_on": occ.due_on,
                    "recipients": [u.get_username() for u in recipients],
                },
            )
            sent[kind] += 1
    return sent


# --- uploaded plans waiting for confirmation -----------------------------------------------

#: Where an uploaded plan waits between its preview and the officer's confirmation.
IMPORT_PREVIEWS = "reform/imports"
PREVIEW_TTL = dt.timedelta(hours=24)


def import_previews_purge(*, now: dt.datetime | None = None) -> int:
    """Delete uploaded plans never confirmed within ``PREVIEW_TTL``; returns how many."""
    from django.core.files.storage import default_storage

    limit = (now or timezone.now()) - PREVIEW_TTL
    if not default_storage.exists(IMPORT_PREVIEWS):
        return 0
    _, names = default_storage.listdir(IMPORT_PREVIEWS)
    purged = 0
    for name in names:
        path = f"{IMPORT_PREVIEWS}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            purged += 1
    return purged
