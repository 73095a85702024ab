"""Writes to the procedure catalog, including the all-or-nothing Excel import."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from motcua.catalog import events
from motcua.catalog.excel import SHEETS_BY_NAME, ImportError_, parse_catalog, write_workbook
from motcua.catalog.models import (
    DossierComponent,
    FeeItem,
    Field,
    InternalProcess,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    PublicationDecision,
    PublicationEntry,
    TimeLimitKind,
)
from motcua.catalog.selectors import procedure_search_text
from motcua.catalog.validation import step_allotment_error
from motcua.core.errors import InvalidInput
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import require_role

CATALOG_ROLES = (Role.CATALOG_ADMIN, Role.PROVINCE_ADMIN)

PROCEDURE_FIELDS = (
    "name",
    "competent_unit_kind",
    "competent_authority",
    "time_limit_kind",
    "time_limit",
    "time_limit_text",
    "result_name",
    "online_type",
    "legal_basis",
    "applicants",
    "status",
    "decentralised",
    "delegated",
)


def procedure_refresh_search(*, procedure: Procedure) -> None:
    """Keep the folded search copy in step with the name (admin saves call this)."""
    procedure.search_text = procedure_search_text(procedure, procedure.field.name)
    Procedure.objects.filter(pk=procedure.pk).update(search_text=procedure.search_text)


def _total_hours(kind: str, amount: Decimal) -> Decimal | None:
    probe = Procedure(time_limit_kind=kind, time_limit=amount)
    return probe.working_hours


@dataclass
class ImportResult:
    errors: list[ImportError_] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_references(rows: dict[str, list[dict[str, Any]]]) -> list[ImportError_]:
    errors: list[ImportError_] = []

    def err(sheet: str, row: dict, column: str, message: str) -> None:
        errors.append(ImportError_(sheet, row.get("_row", 0), column, message))

    field_codes = {r["code"] for r in rows["LinhVuc"] if "code" in r}
    field_codes |= set(Field.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for row in rows["LinhVuc"]:
        if row.get("code") in seen:
            err("LinhVuc", row, "Mã lĩnh vực", f"mã '{row['code']}' bị trùng")
        seen.add(row.get("code"))

    procedures = {}
    for row in rows["ThuTuc"]:
        code = row.get("code")
        if code in procedures:
            err("ThuTuc", row, "Mã thủ tục", f"mã '{code}' bị trùng")
        procedures[code] = row
        if "field" in row and row["field"] not in field_codes:
            err("ThuTuc", row, "Mã lĩnh vực", f"không có lĩnh vực mã '{row['field']}'")
    procedure_codes = set(procedures) | set(Procedure.objects.values_list("code", flat=True))

    for sheet, column in (("ThanhPhanHoSo", "Mã thủ tục"), ("PhiLePhi", "Mã thủ tục")):
        orders: set[tuple[str, int]] = set()
        for row in rows[sheet]:
            if row.get("procedure") not in procedure_codes:
                err(sheet, row, column, f"không có thủ tục mã '{row.get('procedure')}'")
            key = (row.get("procedure"), row.get("order"))
            if key in orders:
                err(sheet, row, "STT", f"số thứ tự {row.get('order')} bị trùng trong thủ tục")
            orders.add(key)

    unit_codes = set(Unit.objects.values_list("code", flat=True))
    processes: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in rows["QuyTrinh"]:
        if row.get("procedure") not in procedure_codes:
            err("QuyTrinh", row, "Mã thủ tục", f"không có thủ tục mã '{row.get('procedure')}'")
            continue
        if row.get("unit") and row["unit"] not in unit_codes:
            err("QuyTrinh", row, "Mã đơn vị thực hiện", f"không có đơn vị mã '{row['unit']}'")
        if not row.get("unit") and not row.get("unit_kind"):
            err("QuyTrinh", row, "Loại đơn vị thực hiện", "cần loại đơn vị hoặc mã đơn vị")
        processes[(row["procedure"], row.get("version"))].append(row)
    existing = {
        p.code: p
        for p in Procedure.objects.filter(code__in={k[0] for k in processes} - set(procedures))
    }
    for (code, version), steps in processes.items():
        first = steps[0]
        if len({(s.get("effective_from"), s.get("decision")) for s in steps}) > 1:
            err(
                "QuyTrinh",
                first,
                "Áp dụng từ",
                f"các bước của phiên bản {version} khác ngày áp dụng",
            )
        orders = [s.get("order") for s in steps]
        if len(set(orders)) != len(orders):
            err("QuyTrinh", first, "Bước", f"số bước bị trùng trong quy trình {code} v{version}")
        if any("hours" not in s for s in steps):
            continue
        source = procedures.get(code)
        if source is not None:
            if "time_limit_kind" not in source or "time_limit" not in source:
                continue
            total = _total_hours(source["time_limit_kind"], source["time_limit"])
        else:
            total = existing[code].working_hours
        message = step_allotment_error(total, [s["hours"] for s in steps])
        if message:
            err("QuyTrinh", first, "Thời gian (giờ)", f"thủ tục {code} v{version}: {message}")

    decisions = {r.get("number") for r in rows["QuyetDinhCongBo"]}
    decisions |= set(PublicationDecision.objects.values_list("number", flat=True))
    for row in rows["CongBo"]:
        if row.get("decision") not in decisions:
            err("CongBo", row, "Số quyết định", f"không có quyết định số '{row.get('decision')}'")
        if row.get("procedure") not in procedure_codes:
            err("CongBo", row, "Mã thủ tục", f"không có thủ tục mã '{row.get('procedure')}'")
    return errors


@transaction.atomic
def catalog_import_rows(
    *, actor, rows: dict[str, list[dict[str, Any]]], check_permission: bool = True
) -> ImportResult:
    """Validate every row, then write everything — or nothing when any row is wrong.

    Procedures are matched by code and updated; the components, fees and process versions
    of a procedure present in the workbook are replaced by the workbook's.
    """
    if check_permission:
        require_role(actor, CATALOG_ROLES)
    rows = {name: list(rows.get(name, [])) for name in SHEETS_BY_NAME}
    result = ImportResult(errors=_check_references(rows))
    if result.errors:
        return result

    fields = {f.code: f for f in Field.objects.all()}
    new_fields = []
    for row in rows["LinhVuc"]:
        if row["code"] in fields:
            if fields[row["code"]].name != row["name"]:
                fields[row["code"]].name = row["name"]
                fields[row["code"]].save(update_fields=["name"])
        else:
            new_fields.append(Field(code=row["code"], name=row["name"]))
    for created in Field.objects.bulk_create(new_fields):
        fields[created.code] = created

    existing = {
        p.code: p for p in Procedure.objects.filter(code__in=[r["code"] for r in rows["ThuTuc"]])
    }
    to_create, to_update = [], []
    for row in rows["ThuTuc"]:
        procedure = existing.get(row["code"]) or Procedure(code=row["code"])
        procedure.field = fields[row["field"]]
        for name in PROCEDURE_FIELDS:
            setattr(procedure, name, row[name])
        procedure.search_text = procedure_search_text(procedure, procedure.field.name)
        (to_update if procedure.pk else to_create).append(procedure)
    Procedure.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Procedure.objects.bulk_update(
            to_update, [*PROCEDURE_FIELDS, "field", "search_text"], batch_size=500
        )
    procedures = {
        p.code: p for p in Procedure.objects.filter(code__in=[r["code"] for r in rows["ThuTuc"]])
    }
    listed = [p.pk for p in procedures.values()]
    ProcedureLevel.objects.filter(procedure_id__in=listed).delete()
    ProcedureLevel.objects.bulk_create(
        [
            ProcedureLevel(procedure=procedures[r["code"]], level=level)
            for r in rows["ThuTuc"]
            for level in r["levels"]
        ],
        batch_size=1000,
    )

    def procedure_of(code: str) -> Procedure:
        if code not in procedures:
            procedures[code] = Procedure.objects.get(code=code)
        return procedures[code]

    touched = {r["procedure"] for r in rows["ThanhPhanHoSo"]}
    DossierComponent.objects.filter(procedure__code__in=touched).delete()
    DossierComponent.objects.bulk_create(
        [
            DossierComponent(
                procedure=procedure_of(r["procedure"]),
                **{
                    k: r[k]
                    for k in ("order", "name", "originals", "copies", "required", "form_name")
                },
            )
            for r in rows["ThanhPhanHoSo"]
        ],
        batch_size=1000,
    )
    touched = {r["procedure"] for r in rows["PhiLePhi"]}
    FeeItem.objects.filter(procedure__code__in=touched).delete()
    FeeItem.objects.bulk_create(
        [
            FeeItem(
                procedure=procedure_of(r["procedure"]),
                **{k: r[k] for k in ("order", "kind", "name", "amount", "note")},
            )
            for r in rows["PhiLePhi"]
        ],
        batch_size=1000,
    )

    grouped: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows["QuyTrinh"]:
        grouped[(r["procedure"], r["version"])].append(r)
    InternalProcess.objects.filter(procedure__code__in={k[0] for k in grouped}).delete()
    processes = InternalProcess.objects.bulk_create(
        [
            InternalProcess(
                procedure=procedure_of(code),
                version=version,
                effective_from=steps[0]["effective_from"],
                decision=steps[0]["decision"],
            )
            for (code, version), steps in grouped.items()
        ],
        batch_size=500,
    )
    if processes and processes[0].pk is None:  # backends without RETURNING on bulk insert
        processes = list(
            InternalProcess.objects.filter(procedure__code__in={k[0] for k in grouped})
        )
    by_key = {(p.procedure.code, p.version): p for p in processes}
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in={r["unit"] for r in rows["QuyTrinh"] if r["unit"]})
    }
    ProcessStep.objects.bulk_create(
        [
            ProcessStep(
                process=by_key[key],
                order=r["order"],
                name=r["name"],
                unit_kind=r["unit_kind"],
                unit=units.get(r["unit"]) if r["unit"] else None,
                role=r["role"],
                hours=r["hours"],
            )
            for key, steps in grouped.items()
            for r in steps
        ],
        batch_size=1000,
    )

    decisions = {d.number: d for d in PublicationDecision.objects.all()}
    for r in rows["QuyetDinhCongBo"]:
        decision, _ = PublicationDecision.objects.update_or_create(
            number=r["number"],
            defaults={"date": r["date"], "signer": r["signer"], "title": r["title"]},
        )
        decisions[decision.number] = decision
    PublicationEntry.objects.filter(
        decision__number__in={r["decision"] for r in rows["CongBo"]}
    ).delete()
    PublicationEntry.objects.bulk_create(
        [
            PublicationEntry(
                decision=decisions[r["decision"]],
                procedure=procedure_of(r["procedure"]),
                action=r["action"],
            )
            for r in rows["CongBo"]
        ],
        batch_size=1000,
    )
    result.counts = {name: len(sheet_rows) for name, sheet_rows in rows.items()}
    event_record(
        subject_type="catalog",
        subject_id="catalog",
        action=events.CATALOG_IMPORTED,
        actor=actor,
        payload={"counts": result.counts},
    )
    return result


def catalog_import(*, actor, data: bytes) -> ImportResult:
    """Import a catalog workbook; on any error nothing is written and all errors are listed."""
    require_role(actor, CATALOG_ROLES)
    parsed = parse_catalog(data)
    if parsed.errors:
        rows = {name: parsed.rows.get(name, []) for name in SHEETS_BY_NAME}
        return ImportResult(errors=[*parsed.errors, *_check_references(rows)])
    return catalog_import_rows(actor=actor, rows=parsed.rows, check_permission=False)


def catalog_rows() -> dict[str, list[dict[str, Any]]]:
    """The whole catalog as workbook rows, in a stable order."""
    rows: dict[str, list[dict[str, Any]]] = {}
    rows["LinhVuc"] = [{"code": f.code, "name": f.name} for f in Field.objects.order_by("code")]
    levels: dict[int, list[str]] = defaultdict(list)
    for procedure_id, level in ProcedureLevel.objects.values_list("procedure_id", "level"):
        levels[procedure_id].append(level)
    procedures = list(Procedure.objects.select_related("field").order_by("code"))
    rows["ThuTuc"] = [
        {
            "code": p.code,
            "field": p.field.code,
            "levels": sorted(levels[p.pk]),
            **{name: getattr(p, name) for name in PROCEDURE_FIELDS},
        }
        for p in procedures
    ]
    rows["ThanhPhanHoSo"] = [
        {
            "procedure": c.procedure.code,
            **{
                k: getattr(c, k)
                for k in ("order", "name", "originals", "copies", "required", "form_name")
            },
        }
        for c in DossierComponent.objects.select_related("procedure").order_by(
            "procedure__code", "order"
        )
    ]
    rows["PhiLePhi"] = [
        {
            "procedure": f.procedure.code,
            **{k: getattr(f, k) for k in ("order", "kind", "name", "amount", "note")},
        }
        for f in FeeItem.objects.select_related("procedure").order_by("procedure__code", "order")
    ]
    rows["QuyTrinh"] = [
        {
            "procedure": s.process.procedure.code,
            "version": s.process.version,
            "effective_from": s.process.effective_from,
            "decision": s.process.decision,
            "order": s.order,
            "name": s.name,
            "unit_kind": s.unit_kind,
            "unit": s.unit.code if s.unit else "",
            "role": s.role,
            "hours": s.hours,
        }
        for s in ProcessStep.objects.select_related("process__procedure", "unit").order_by(
            "process__procedure__code", "process__version", "order"
        )
    ]
    rows["QuyetDinhCongBo"] = [
        {"number": d.number, "date": d.date, "signer": d.signer, "title": d.title}
        for d in PublicationDecision.objects.order_by("number")
    ]
    rows["CongBo"] = [
        {"decision": e.decision.number, "procedure": e.procedure.code, "action": e.action}
        for e in PublicationEntry.objects.select_related("decision", "procedure").order_by(
            "decision__number", "procedure__code"
        )
    ]
    return rows


def catalog_export() -> bytes:
    return write_workbook(catalog_rows())


@transaction.atomic
def process_approve(
    *,
    actor,
    procedure: Procedure,
    effective_from,
    steps: list[dict[str, Any]],
    decision: str = "",
) -> InternalProcess:
    """Approve a new version of a procedure's internal process (steps must add up)."""
    require_role(actor, CATALOG_ROLES)
    message = step_allotment_error(procedure.working_hours, [Decimal(s["hours"]) for s in steps])
    if message:
        raise InvalidInput(message, code="process_allotment_mismatch")
    last = procedure.processes.order_by("-version").first()
    process = InternalProcess.objects.create(
        procedure=procedure,
        version=(last.version + 1) if last else 1,
        effective_from=effective_from,
        decision=decision,
    )
    for order, step in enumerate(steps, start=1):
        ProcessStep.objects.create(
            process=process,
            order=order,
            name=step["name"],
            unit_kind=step.get("unit_kind", ""),
            unit=step.get("unit"),
            role=step["role"],
            hours=Decimal(step["hours"]),
        )
    event_record(
        subject_type="procedure",
        subject_id=procedure.code,
        action=events.PROCESS_APPROVED,
        actor=actor,
        payload={"version": process.version, "effective_from": effective_from, "steps": len(steps)},
    )
    return process


__all__ = [
    "TimeLimitKind",
    "catalog_export",
    "catalog_import",
    "catalog_import_rows",
    "catalog_rows",
    "process_approve",
    "procedure_refresh_search",
]
