"""Intake: receive at a desk, refuse, ask to complete, and online submissions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.catalog.selectors import process_in_force, process_versions
from motcua.core import zone
from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers import deadlines, events
from motcua.dossiers.action_rights import current_unit
from motcua.dossiers.actions import created_status
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    ChecklistItem,
    ComponentCopy,
    DailyCounter,
    Dossier,
    IntakeRequest,
    ReturnMethod,
    RuleSet,
)
from motcua.dossiers.services._base import (
    add_children,
    clock,
    current_batch,
    insert,
    memo,
    record,
    service,
)
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role, units_of

APPLICANT_FIELDS = ("kind", "name", "id_number", "phone", "email", "address")


def rule_set_in_force(on: dt.date) -> RuleSet:
    rule_sets = memo(("rule_sets",), lambda: list(RuleSet.objects.order_by("-effective_from")))
    rule_set = next(
        (
            r
            for r in rule_sets
            if r.effective_from <= on and (r.effective_to is None or r.effective_to >= on)
        ),
        None,
    )
    if rule_set is None:
        raise InvalidInput(
            f"Chưa có bộ quy tắc một cửa áp dụng cho ngày {on:%d/%m/%Y}.",
            code=DossierError.NO_RULE_SET,
        )
    return rule_set


def _next_code(*, unit: Unit, rule_set: RuleSet, at: dt.datetime) -> str:
    """`{electronic id}-{YYMMDD}-{sequence}`: the per-unit daily counter, locked."""
    if not unit.electronic_id:
        raise InvalidInput(
            f"{unit.name} chưa có mã định danh điện tử nên không thể tiếp nhận hồ sơ.",
            code=DossierError.UNIT_WITHOUT_ELECTRONIC_ID,
        )
    day = zone.localdate(at)
    batch = current_batch()
    if batch is not None and batch.preset_code:  # an imported dossier keeps its code
        code, batch.preset_code = batch.preset_code, None
        _keep_counter_ahead(batch, unit=unit, rule_set=rule_set, day=day, code=code)
        return code
    counter = batch.counters.get((unit.pk, day)) if batch is not None else None
    if counter is None:
        counter = DailyCounter.objects.select_for_update().filter(unit=unit, day=day).first()
        if counter is None:  # the day's first dossier: create the counter if still missing
            DailyCounter.objects.bulk_create(
                [DailyCounter(unit=unit, day=day)], ignore_conflicts=True
            )
            counter = DailyCounter.objects.select_for_update().get(unit=unit, day=day)
    counter.last += 1
    if batch is None:
        counter.save(update_fields=["last"])
    else:  # locked until the batch commits, written then
        batch.counters[(unit.pk, day)] = counter
    return rule_set.code_format.format(
        electronic_id=unit.electronic_id, yymmdd=day.strftime("%y%m%d"), seq=counter.last
    )


def _keep_counter_ahead(batch, *, unit: Unit, rule_set: RuleSet, day: dt.date, code: str) -> None:
    """A kept code in our own format (an export re-imported, the demo through the import):
    the unit's counter for that day must move past it, or a live dossier received that day
    would draw the same code. Written once per batch (``Batch.flush``)."""
    digits = re.search(r"(\d+)$", code)
    if digits is None:
        return
    seq = int(digits.group(1))
    expected = rule_set.code_format.format(
        electronic_id=unit.electronic_id, yymmdd=day.strftime("%y%m%d"), seq=seq
    )
    if expected == code:
        key = (unit.pk, day)
        batch.kept_codes[key] = max(batch.kept_codes.get(key, 0), seq)


def _desk_unit(actor, unit: Unit | None) -> Unit:
    if unit is None:
        desks = units_of(actor, [Role.DESK_OFFICER])
        if not desks:
            require_role(actor, [Role.DESK_OFFICER])
        unit = desks[0] if desks else None
    if unit is None:  # a superuser holds no desk: the receiving unit must be chosen
        raise InvalidInput(
            "Chọn đơn vị tiếp nhận hồ sơ (tài khoản này không thuộc bộ phận một cửa nào).",
            code=DossierError.UNIT_REQUIRED,
        )
    require_role(actor, [Role.DESK_OFFICER], unit)
    return unit


def _competent_unit(procedure: Procedure, receiving: Unit, competent: Unit | None, process):
    if competent is not None:
        return competent
    if receiving.kind == procedure.competent_unit_kind:
        return receiving
    if process is not None:
        for step in process.steps.all():
            if step.unit_id and step.unit.kind == procedure.competent_unit_kind:
                return step.unit
    # The parent of a desk (a department's own desk, a commune's centre) is competent.
    if receiving.parent is not None and receiving.parent.kind == procedure.competent_unit_kind:
        return receiving.parent
    raise InvalidInput(
        "Cần chọn cơ quan có thẩm quyền giải quyết thủ tục này.",
        code=DossierError.COMPETENT_UNIT_REQUIRED,
    )


def _applicant(applicant: dict[str, Any]) -> dict[str, Any]:
    unknown = set(applicant) - set(APPLICANT_FIELDS)
    if unknown:
        raise InvalidInput(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.")
    name = (applicant.get("name") or "").strip()
    id_number = (applicant.get("id_number") or "").strip()
    if not name or not id_number:
        raise InvalidInput(
            "Cần họ tên (tên tổ chức) và số định danh cá nhân (mã số thuế) của người nộp.",
            code=DossierError.APPLICANT_REQUIRED,
        )
    kind = applicant.get("kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        raise InvalidInput("Loại người nộp không hợp lệ.", code=DossierError.APPLICANT_KIND)
    return {
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": (applicant.get("phone") or "").strip(),
        "applicant_email": (applicant.get("email") or "").strip(),
        "applicant_address": (applicant.get("address") or "").strip(),
    }


def _checklist_rows(procedure: Procedure, checklist: list[dict] | None) -> list[dict]:
    """Normalize the checklist against the procedure's components.

    ``None`` means every component was handed over as declared in the catalog (the demo and
    bench use it); otherwise each row names a component id (or a free name).
    """
    components = memo(
        ("components", procedure.pk), lambda: {c.pk: c for c in procedure.components.all()}
    )
    if checklist is None:
        return [
            {
                "component": c,
                "order": c.order,
                "name": c.name,
                "provided": True,
                "copy_kind": ComponentCopy.ORIGINAL if c.originals else ComponentCopy.COPY,
                "quantity": max(c.originals, c.copies, 1),
                "file": None,
                "missing_note": "",
            }
            for c in components.values()
        ]
    rows, seen = [], set()
    for index, item in enumerate(checklist, start=1):
        component = components.get(item.get("component")) if item.get("component") else None
        if item.get("component") and component is None:
            raise InvalidInput(
                f"Thành phần hồ sơ {item['component']} không thuộc thủ tục này.",
                code=DossierError.COMPONENT_UNKNOWN,
            )
        if component is not None:
            seen.add(component.pk)
        copy_kind = item.get("copy_kind") or ComponentCopy.ORIGINAL
        if copy_kind not in ComponentCopy.values:
            raise InvalidInput("Loại bản không hợp lệ.", code=DossierError.COPY_KIND)
        rows.append(
            {
                "component": component,
                "order": component.order if component else 1000 + index,
                "name": component.name if component else (item.get("name") or "").strip(),
                "provided": bool(item.get("provided", True)),
                "copy_kind": copy_kind,
                "quantity": int(item.get("quantity") or 1),
                "file": item.get("file"),
                "missing_note": (item.get("missing_note") or "").strip(),
            }
        )
    for component in components.values():
        if component.pk not in seen:
            rows.append(
                {
                    "component": component,
                    "order": component.order,
                    "name": component.name,
                    "provided": False,
                    "copy_kind": ComponentCopy.ORIGINAL,
                    "quantity": 1,
                    "file": None,
                    "missing_note": "",
                }
            )
    return sorted(rows, key=lambda r: r["order"])


def _missing(rows: list[dict]) -> list[dict]:
    return [
        r for r in rows if not r["provided"] and (r["component"] is None or r["component"].required)
    ]


def _checklist_payload(rows: list[dict]) -> list[dict]:
    labels = dict(ComponentCopy.choices)
    return [
        {
            "name": r["name"],
            "copy": str(labels[r["copy_kind"]]),
            "quantity": r["quantity"],
            "digitized": bool(r.get("file")),
        }
        for r in rows
        if r["provided"]
    ]


def _write_checklist(dossier: Dossier, rows: list[dict]) -> None:
    items = []
    for row in rows:
        item = ChecklistItem(
            dossier=dossier,
            component=row["component"],
            order=row["order"],
            name=row["name"],
            provided=row["provided"],
            copy_kind=row["copy_kind"],
            quantity=row["quantity"],
            missing_note=row["missing_note"],
        )
        if row["file"]:
            item.file.save(getattr(row["file"], "name", "tep"), row["file"], save=False)
        items.append(item)
    add_children(items)


def _fees(procedure: Procedure, fee_due) -> Decimal:
    if fee_due is not None:
        fee = Decimal(fee_due)
        if fee < 0:
            raise InvalidInput("Phí, lệ phí không được âm.", code=DossierError.FEE_NEGATIVE)
        return fee
    return memo(
        ("fees", procedure.pk), lambda: sum((f.amount for f in procedure.fees.all()), Decimal(0))
    )


def _check_procedure(procedure: Procedure) -> None:
    if procedure.status != ProcedureStatus.ACTIVE:
        raise InvalidInput(
            f"Thủ tục {procedure.code} đã bị bãi bỏ, không tiếp nhận.",
            code=DossierError.PROCEDURE_ABOLISHED,
        )


def _check_channel(channel: str, postal_tracking: str) -> None:
    if channel not in Channel.values:
        raise InvalidInput("Hình thức nộp không hợp lệ.", code=DossierError.CHANNEL)
    if channel == Channel.POSTAL and not postal_tracking.strip():
        raise InvalidInput(
            "Hồ sơ gửi qua bưu chính cần số hiệu bưu gửi.",
            code=DossierError.POSTAL_TRACKING_REQUIRED,
        )


def _new_dossier(
    *,
    procedure: Procedure,
    unit: Unit,
    competent_unit: Unit | None,
    applicant: dict,
    channel: str,
    postal_tracking: str,
    return_method: str,
    fee_due,
    note: str,
    status: str,
    now: dt.datetime,
) -> Dossier:
    _check_procedure(procedure)
    _check_channel(channel, postal_tracking)
    if return_method not in ReturnMethod.values:
        raise InvalidInput("Hình thức nhận kết quả không hợp lệ.", code=DossierError.RETURN_METHOD)
    day = zone.localdate(now)
    rule_set = rule_set_in_force(day)
    versions = memo(("processes", procedure.pk), lambda: list(process_versions(procedure)))
    process = process_in_force(procedure=procedure, on=day, versions=versions)
    # a unit merged away hands its new dossiers to its successor (docs/architecture.md)
    competent = current_unit(_competent_unit(procedure, unit, competent_unit, process))
    code = _next_code(unit=unit, rule_set=rule_set, at=now)
    return Dossier(
        code=code,
        procedure=procedure,
        process=process,
        rule_set=rule_set,
        receiving_unit=unit,
        competent_unit=competent,
        holder_unit=unit,
        channel=channel,
        postal_tracking=postal_tracking.strip(),
        return_method=return_method,
        fee_due=_fees(procedure, fee_due),
        note=note,
        status=status,
        submitted_at=now,
        **_applicant(applicant),
    )


def _start_clock(dossier: Dossier, now: dt.datetime) -> None:
    """Receipt: the due time from the calendar, the first step of the internal process."""
    dossier.received_at = now
    dossier.due_at = deadlines.procedure_due(
        procedure=dossier.procedure, received_at=now, unit=dossier.competent_unit
    )
    steps = sorted(dossier.process.steps.all(), key=lambda s: s.order) if dossier.process else []
    first = steps[0] if steps else None
    if first is not None and first.role != Role.DESK_OFFICER:
        first = None  # the process starts after the hand-over from the desk
    dossier.current_step = first
    dossier.holder_unit = dossier.receiving_unit
    dossier.step_started_at = now
    dossier.step_due_at = (
        deadlines.step_due(start=now, hours=first.hours, unit=dossier.receiving_unit)
        if first is not None and dossier.due_at is not None
        else None
    )


@service
def dossier_receive(
    *,
    actor,
    procedure: Procedure,
    applicant: dict[str, Any],
    checklist: list[dict] | None = None,
    unit: Unit | None = None,
    competent_unit: Unit | None = None,
    channel: str = Channel.IN_PERSON,
    postal_tracking: str = "",
    return_method: str = ReturnMethod.DESK,
    fee_due=None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Receive a complete dossier at a desk (form 01): code, due time, first step."""
    now = clock(at)
    unit = _desk_unit(actor, unit)
    rows = _checklist_rows(procedure, checklist)
    missing = _missing(rows)
    if missing:
        names = "; ".join(r["name"] for r in missing)
        raise InvalidInput(
            f"Hồ sơ chưa đầy đủ ({names}). Lập phiếu hướng dẫn hoàn thiện (mẫu 02) "
            "thay vì tiếp nhận.",
            code=DossierError.DOSSIER_INCOMPLETE,
        )
    if channel == Channel.ONLINE:
        raise InvalidInput(
            "Hồ sơ trực tuyến được nộp qua cổng dịch vụ công rồi tiếp nhận.",
            code=DossierError.CHANNEL,
        )
    dossier = _new_dossier(
        procedure=procedure,
        unit=unit,
        competent_unit=competent_unit,
        applicant=applicant,
        channel=channel,
        postal_tracking=postal_tracking,
        return_method=return_method,
        fee_due=fee_due,
        note=note,
        status=created_status("receive"),
        now=now,
    )
    dossier.assignee = actor
    _start_clock(dossier, now)
    insert(dossier)
    _write_checklist(dossier, rows)
    record(
        dossier=dossier,
        action=events.RECEIVED,
        actor=actor,
        unit=unit,
        at=now,
        status_from=None,
        payload={
            "procedure": procedure.code,
            "channel": channel,
            "rule_set": dossier.rule_set.code,
            "competent_unit": dossier.competent_unit.code,
            "checklist": _checklist_payload(rows),
            "from_unit": None,
            "to_unit": unit.code,
        },
        notify=at is None,
    )
    return dossier


def _not_received(
    *,
    actor,
    procedure: Procedure,
    applicant: dict,
    checklist: list[dict] | None,
    reasons: str,
    unit: Unit | None,
    channel: str,
    postal_tracking: str,
    status: str,
    action: str,
    at: dt.datetime | None,
) -> Dossier:
    if not reasons.strip():
        raise InvalidInput(
            "Cần ghi rõ lý do / nội dung cần hoàn thiện.", code=DossierError.REASON_REQUIRED
        )
    now = clock(at)
    unit = _desk_unit(actor, unit)
    rows = _checklist_rows(procedure, checklist)
    _check_procedure(procedure)
    _check_channel(channel, postal_tracking)
    day = zone.localdate(now)
    rule_set = rule_set_in_force(day)
    dossier = Dossier(
        code=_next_code(unit=unit, rule_set=rule_set, at=now),
        procedure=procedure,
        rule_set=rule_set,
        receiving_unit=unit,
        competent_unit=unit,
        holder_unit=unit,
        channel=channel,
        postal_tracking=postal_tracking.strip(),
        status=status,
        submitted_at=now,
        closed_at=now,
        note=reasons.strip(),
        **_applicant(applicant),
    )
    insert(dossier)
    _write_checklist(dossier, rows)
    missing = [
        r["name"] + (f": {r['missing_note']}" if r["missing_note"] else "") for r in _missing(rows)
    ]
    record(
        dossier=dossier,
        action=action,
        actor=actor,
        unit=unit,
        at=now,
        status_from=None,
        payload={"procedure": procedure.code, "reasons": reasons.strip(), "missing": missing},
        notify=at is None,
    )
    return dossier


@service
def dossier_request_completion_at_intake(
    *,
    actor,
    procedure: Procedure,
    applicant: dict[str, Any],
    reasons: str,
    checklist: list[dict] | None = None,
    unit: Unit | None = None,
    channel: str = Channel.IN_PERSON,
    postal_tracking: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Nothing is received, no clock runs: the applicant gets everything to complete (form 02)."""
    return _not_received(
        actor=actor,
        procedure=procedure,
        applicant=applicant,
        checklist=checklist,
        reasons=reasons,
        unit=unit,
        channel=channel,
        postal_tracking=postal_tracking,
        status=created_status("request_completion_at_intake"),
        action=events.COMPLETION_REQUESTED,
        at=at,
    )


@service
def dossier_refuse_at_intake(
    *,
    actor,
    procedure: Procedure,
    applicant: dict[str, Any],
    reasons: str,
    checklist: list[dict] | None = None,
    unit: Unit | None = None,
    channel: str = Channel.IN_PERSON,
    postal_tracking: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Not eligible or out of scope: refused with reasons (form 03)."""
    return _not_received(
        actor=actor,
        procedure=procedure,
        applicant=applicant,
        checklist=checklist,
        reasons=reasons,
        unit=unit,
        channel=channel,
        postal_tracking=postal_tracking,
        status=created_status("refuse_at_intake"),
        action=events.INTAKE_REFUSED,
        at=at,
    )


_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def dossier_intake_once(
    *, actor, idempotency_key: str, fingerprint: str, perform: Callable[[], Dossier]
) -> tuple[Dossier, bool]:
    """Run one desk intake (``perform``) at most once per officer and ``Idempotency-Key``.

    Without a key the intake simply runs. With one, a retry (same key, same content: the
    ``fingerprint``) returns the dossier created the first time and ``False``; the same key
    with other content is a conflict. The key is stored in the dossier's own transaction, so
    a retry after a lost answer never creates a second dossier.
    """
    key = (idempotency_key or "").strip()
    if not key:
        return perform(), True
    if not _KEY.fullmatch(key):
        raise InvalidInput(
            "Khóa chống tiếp nhận trùng (Idempotency-Key) phải có 8–64 ký tự chữ, số, . _ : -.",
            code=DossierError.IDEMPOTENCY_KEY_INVALID,
        )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    earlier = _earlier_intake(actor, key, digest)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            dossier = perform()
            IntakeRequest.objects.create(
                user=actor, idempotency_key=key, fingerprint=digest, dossier=dossier
            )
    except IntegrityError:
        earlier = _earlier_intake(actor, key, digest)  # a concurrent retry won the race
        if earlier is None:
            raise
        return earlier, False
    return dossier, True


def _earlier_intake(actor, key: str, digest: str) -> Dossier | None:
    row = IntakeRequest.objects.select_related("dossier").filter(user=actor, idempotency_key=key)
    earlier = row.first()
    if earlier is None:
        return None
    if earlier.fingerprint != digest:
        raise Conflict(
            "Khóa chống tiếp nhận trùng này đã được dùng cho một hồ sơ khác.",
            code=DossierError.IDEMPOTENCY_KEY_REUSED,
            dossier=earlier.dossier.code,
        )
    return earlier.dossier
