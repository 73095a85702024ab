"""The whole catalog as workbook rows and as the workbook itself."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from motcua.catalog.excel import write_workbook
from motcua.catalog.models import (
    DossierComponent,
    FeeItem,
    Field,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    PublicationDecision,
    PublicationEntry,
)
from motcua.catalog.services.imports import PROCEDURE_FIELDS
from motcua.core.jobs import Progress


def catalog_rows(*, progress: Progress | None = None) -> dict[str, list[dict[str, Any]]]:
    """The whole catalog as workbook rows, in a stable order."""
    (progress or Progress()).step("Đọc danh mục từ cơ sở dữ liệu")
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


def catalog_export(*, progress: Progress | None = None) -> bytes:
    return write_workbook(catalog_rows(progress=progress), progress=progress)
