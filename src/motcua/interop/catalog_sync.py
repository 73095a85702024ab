"""Procedure catalog sync with the National Database on Administrative Procedures.

``catalog_diff`` reads the export (``catalog_source``) and lists, before anything is written,
what it would change: procedures added, changed (field by field, each component and fee) and
abolished; our active procedures the export does not list (left as they are); the province's
own components and fees (kept); every export entry that cannot be read (not applied, named).
``interop_catalog_apply`` applies exactly what was shown (the export's digest must match) as a
publication decision through the catalog's import service (``catalog_import_rows``: its
checks, its ledger event ``catalog.imported``) and records ``interop.catalog_applied``.

What is the province's own: a component or fee of ours that the previously applied export did
not have (``CatalogSync``); internal processes are never touched. Before the first sync there
is no previous export: our items at an order the export does not use are kept as local.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.excel import SHEETS_BY_NAME, CellError
from motcua.catalog.models import Procedure as CatalogProcedure
from motcua.catalog.models import ProcedureStatus, PublicationAction, PublicationDecision
from motcua.catalog.services import CATALOG_ROLES, catalog_import_rows
from motcua.core.errors import Conflict, InvalidInput
from motcua.interop import events
from motcua.interop.catalog_source import ProcedureDatabase, get_procedure_database
from motcua.interop.errors import InteropError
from motcua.interop.models import CatalogSync
from motcua.ledger.services import event_record
from motcua.organization.permissions import require_role

#: our catalog column → the export's key (docs/interop.md §8)
PROCEDURE_KEYS = {
    "code": "ma",
    "name": "ten",
    "levels": "cap",
    "competent_unit_kind": "co_quan_tham_quyen",
    "competent_authority": "co_quan_thuc_hien",
    "time_limit_kind": "loai_thoi_han",
    "time_limit": "thoi_han",
    "time_limit_text": "thoi_han_van_ban",
    "result_name": "ket_qua",
    "online_type": "dvc_truc_tuyen",
    "legal_basis": "can_cu_phap_ly",
    "applicants": "doi_tuong",
    "status": "tinh_trang",
}
COMPONENT_KEYS = {
    "order": "stt",
    "name": "ten",
    "originals": "ban_chinh",
    "copies": "ban_sao",
    "required": "bat_buoc",
    "form_name": "mau_don",
}
FEE_KEYS = {"order": "stt", "kind": "loai", "name": "ten", "amount": "muc_thu", "note": "ghi_chu"}
#: values the export may leave out
DEFAULTS = {"ban_chinh": 1, "ban_sao": 0}
PARTS = (("ThanhPhanHoSo", "thanh_phan", COMPONENT_KEYS), ("PhiLePhi", "phi", FEE_KEYS))
PART_LABELS = {"ThanhPhanHoSo": "thành phần", "PhiLePhi": "phí, lệ phí"}


@dataclass
class ProcedureChange:
    code: str
    name: str
    kind: str  # added, amended, abolished (PublicationAction)
    details: list[str] = field(default_factory=list)


@dataclass
class CatalogDiff:
    digest: str
    changes: list[ProcedureChange] = field(default_factory=list)
    not_in_export: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)

    def of_kind(self, kind: str) -> list[ProcedureChange]:
        return [c for c in self.changes if c.kind == kind]


def digest_of(export: list[dict[str, Any]]) -> str:
    text = json.dumps(export, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _parse(sheet: str, keys: dict[str, str], raw: dict[str, Any], where: str) -> dict[str, Any]:
    columns = {c.key: c for c in SHEETS_BY_NAME[sheet].columns}
    row: dict[str, Any] = {}
    for ours, theirs in keys.items():
        value = raw.get(theirs, DEFAULTS.get(theirs))
        if ours == "levels" and isinstance(value, list):
            value = ",".join(str(v) for v in value)
        try:
            row[ours] = columns[ours].parse(value)
        except CellError as error:
            raise CellError(f"{where}, «{theirs}»: {error}") from None
    return row


def parse_export(export: list[dict[str, Any]]) -> tuple[dict[str, dict], list[str]]:
    """The export as catalog rows per procedure code; each unreadable entry named."""
    parsed: dict[str, dict] = {}
    errors: list[str] = []
    for index, raw in enumerate(export, start=1):
        code = str(raw.get("ma") or f"(mục {index})") if isinstance(raw, dict) else f"({index})"
        try:
            if not isinstance(raw, dict):
                raise CellError(f"Mục {index} không phải một thủ tục")
            if code in parsed:
                raise CellError(f"Thủ tục {code}: mã bị trùng trong bản xuất")
            field_ = raw.get("linh_vuc") or {}
            entry = {
                "row": _parse("ThuTuc", PROCEDURE_KEYS, raw, f"Thủ tục {code}"),
                "field": _parse(
                    "LinhVuc", {"code": "ma", "name": "ten"}, field_, f"Thủ tục {code}, lĩnh vực"
                ),
            }
            for sheet, key, keys in PARTS:
                items = [
                    _parse(sheet, keys, item, f"Thủ tục {code}, {PART_LABELS[sheet]}")
                    for item in raw.get(key) or []
                ]
                orders = [i["order"] for i in items]
                if len(set(orders)) != len(orders):
                    raise CellError(f"Thủ tục {code}: STT {PART_LABELS[sheet]} bị trùng")
                entry[sheet] = {i["order"]: i for i in items}
            parsed[code] = entry
        except CellError as error:
            errors.append(str(error))
    return parsed, errors


def _previous_orders() -> dict[tuple[str, str], set[int]]:
    """(procedure code, sheet) → the orders the last applied export had."""
    last = CatalogSync.objects.order_by("-at", "-id").first()
    if last is None:
        return {}
    parsed, _ = parse_export(last.export)
    return {
        (code, sheet): set(entry[sheet]) for code, entry in parsed.items() for sheet, *_ in PARTS
    }


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    return "(trống)" if value in ("", None) else str(value)


def _compare_parts(code, sheet, theirs, ours, previous, change, diff) -> list[dict[str, Any]]:
    """The merged rows of one sheet for one procedure: the export's, plus our own kept."""
    fields = [k for k in (COMPONENT_KEYS if sheet == "ThanhPhanHoSo" else FEE_KEYS) if k != "order"]
    label = PART_LABELS[sheet]
    merged = [{"procedure": code, **item} for item in theirs.values()]
    free = max([*theirs, *ours, 0]) + 1
    for order, item in sorted(ours.items()):
        national = theirs.get(order)
        local = previous is not None and order not in previous
        if local or (previous is None and national is None):
            if national is not None:  # the national side now uses this order: ours moves
                diff.kept_local.append(f"{code}: {label} «{item['name']}» (chuyển sang STT {free})")
                item, free = {**item, "order": free}, free + 1
            else:
                diff.kept_local.append(f"{code}: {label} «{item['name']}» (của tỉnh, giữ lại)")
            merged.append({"procedure": code, **item})
        elif national is None:
            change.details.append(f"Bỏ {label} STT {order}: «{item['name']}»")
    for order, item in sorted(theirs.items()):
        mine = ours.get(order)
        if mine is None or (previous is not None and order not in previous and order in ours):
            change.details.append(f"Thêm {label} STT {order}: «{item['name']}»")
            continue
        for name in fields:
            if mine[name] != item[name]:
                change.details.append(
                    f"Sửa {label} STT {order} ({name}): {_shown(mine[name])} → {_shown(item[name])}"
                )
    return merged


def _ours(procedure: CatalogProcedure) -> dict[str, Any]:
    row = {k: getattr(procedure, k) for k in PROCEDURE_KEYS if k != "levels"}
    row["levels"] = sorted(lv.level for lv in procedure.levels.all())
    row["field"] = procedure.field.code
    for sheet, manager, keys in (
        ("ThanhPhanHoSo", procedure.components, COMPONENT_KEYS),
        ("PhiLePhi", procedure.fees, FEE_KEYS),
    ):
        row[sheet] = {p.order: {k: getattr(p, k) for k in keys} for p in manager.all()}
    return row


def catalog_diff(*, user, source: ProcedureDatabase | None = None, export=None) -> CatalogDiff:
    """What applying the national export would change (nothing is written)."""
    require_role(user, CATALOG_ROLES)
    export = (source or get_procedure_database()).export() if export is None else export
    diff = CatalogDiff(digest=digest_of(export))
    parsed, diff.errors = parse_export(export)
    ours = {
        p.code: p
        for p in CatalogProcedure.objects.select_related("field").prefetch_related(
            "levels", "components", "fees"
        )
    }
    previous = _previous_orders()
    rows: dict[str, list[dict[str, Any]]] = {n: [] for n in SHEETS_BY_NAME}
    for code, entry in sorted(parsed.items()):
        theirs, procedure = entry["row"], ours.get(code)
        abolished = theirs["status"] == ProcedureStatus.ABOLISHED
        if procedure is None and abolished:
            continue  # abolished before it ever reached us: nothing to publish
        mine = _ours(procedure) if procedure is not None else None
        if mine is None:
            kind = PublicationAction.ADDED
        elif abolished and mine["status"] != ProcedureStatus.ABOLISHED:
            kind = PublicationAction.ABOLISHED
        else:
            kind = PublicationAction.AMENDED
        change = ProcedureChange(code=code, name=theirs["name"], kind=kind)
        if mine is not None:
            for name in (*PROCEDURE_KEYS, "field"):
                theirs_value = entry["field"]["code"] if name == "field" else theirs.get(name)
                if name != "code" and mine[name] != theirs_value:
                    change.details.append(f"{name}: {_shown(mine[name])} → {_shown(theirs_value)}")
        merged = {}
        for sheet, *_ in PARTS:
            prior = previous.get((code, sheet)) if previous else None
            merged[sheet] = _compare_parts(
                code, sheet, entry[sheet], mine[sheet] if mine else {}, prior, change, diff
            )
        if mine is not None and not change.details:
            continue
        diff.changes.append(change)
        row = {**theirs, "field": entry["field"]["code"]}
        row["decentralised"] = procedure.decentralised if procedure else False  # local marks
        row["delegated"] = procedure.delegated if procedure else False
        rows["ThuTuc"].append(row)
        rows["LinhVuc"].append(entry["field"])
        for sheet, *_ in PARTS:
            rows[sheet].extend(merged[sheet])
    listed = set(parsed)
    diff.not_in_export = sorted(
        f"{code} — {p.name}"
        for code, p in ours.items()
        if code not in listed and p.status == ProcedureStatus.ACTIVE
    )
    rows["LinhVuc"] = list({f["code"]: f for f in rows["LinhVuc"]}.values())
    diff.rows = rows
    return diff


def interop_catalog_apply(
    *,
    actor,
    digest: str,
    number: str,
    date: dt.date,
    signer: str = "",
    title: str = "",
    source: ProcedureDatabase | None = None,
) -> CatalogSync:
    """Apply the differences shown for ``digest`` as the publication decision ``number``."""
    export = (source or get_procedure_database()).export()
    diff = catalog_diff(user=actor, export=export)
    if diff.digest != digest:
        raise Conflict(
            "Bản xuất của CSDL quốc gia đã thay đổi; hãy xem lại chênh lệch trước khi áp dụng.",
            code=InteropError.CATALOG_STALE,
        )
    number = " ".join((number or "").split())
    problems = list(diff.errors)
    if not number:
        problems.append("Cần số quyết định công bố.")
    elif PublicationDecision.objects.filter(number=number).exists():
        problems.append(f"Quyết định {number} đã có; dùng một số quyết định mới.")
    if problems:
        raise InvalidInput("Chưa áp dụng: " + " ".join(problems), code=InteropError.CATALOG_INVALID)
    if not diff.changes:
        raise InvalidInput(
            "Danh mục đã khớp với CSDL quốc gia, không có gì để áp dụng.",
            code=InteropError.CATALOG_UNCHANGED,
        )
    rows = dict(diff.rows)
    rows["QuyetDinhCongBo"] = [{"number": number, "date": date, "signer": signer, "title": title}]
    rows["CongBo"] = [
        {"decision": number, "procedure": c.code, "action": c.kind} for c in diff.changes
    ]
    with transaction.atomic():
        # the changed procedures' parts are exactly the merged rows (the export's and our own
        # kept): a fee or component the national side dropped goes, even the last one
        result = catalog_import_rows(
            actor=actor,
            rows=rows,
            whole_parts=[c.code for c in diff.changes if c.kind != PublicationAction.ADDED],
        )
        if result.errors:
            raise InvalidInput(
                "Chưa áp dụng: " + " ".join(str(e) for e in result.errors),
                code=InteropError.CATALOG_INVALID,
            )
        summary = {kind: [c.code for c in diff.of_kind(kind)] for kind in PublicationAction.values}
        summary["kept_local"] = diff.kept_local
        summary["not_in_export"] = diff.not_in_export
        run = CatalogSync.objects.create(
            at=timezone.now(),
            digest=digest,
            decision_number=number,
            export=export,
            summary=summary,
        )
        event_record(
            subject_type=events.SUBJECT,
            subject_id="catalog",
            action=events.CATALOG_APPLIED,
            actor=actor,
            payload={"decision": number, "digest": digest, **summary},
        )
    return run
