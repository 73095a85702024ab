"""The all-or-nothing import of the catalog workbook, one importer per sheet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from motcua.catalog import events
from motcua.catalog.excel import SHEETS_BY_NAME, ImportError_, parse_catalog
from motcua.catalog.models import (
    DossierComponent,
    FeeItem,
    Field,
    InternalProcess,
    Procedure,
    ProcedureLevel,
    PublicationDecision,
    PublicationEntry,
)
from motcua.catalog.selectors import procedure_search_text
from motcua.catalog.services.processes import (
    CATALOG_ROLES,
    processes_in_use,
    processes_sync,
    rows_content,
    versions_create,
)
from motcua.catalog.validation import step_allotment_error
from motcua.core.jobs import Progress
from motcua.ledger.services import current_batch, event_batch, event_record
from motcua.organization.models import Unit
from motcua.organization.permissions import require_role

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


def _total_hours(kind: str, amount: Decimal) -> Decimal | None:
    probe = Procedure(time_limit_kind=kind, time_limit=amount)
    return probe.working_hours


@dataclass
class ImportResult:
    errors: list[ImportError_] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: per sheet, how many rows the import created, updated and deleted (none: unchanged)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_references(rows: dict[str, list[dict[str, Any]]]) -> list[ImportError_]:
    """Every row that names a missing or duplicate code, sheet by sheet (nothing is written)."""
    errors: list[ImportError_] = []

    def err(sheet: str, row: dict, column: str, message: str) -> None:
        errors.append(ImportError_(sheet, row.get("_row", 0), column, message))

    _check_fields(rows, err)
    procedures = _check_procedures(rows, err)
    procedure_codes = set(procedures) | set(Procedure.objects.values_list("code", flat=True))
    _check_parts(rows, procedure_codes, err)
    _check_processes(rows, procedures, procedure_codes, err)
    _check_publications(rows, procedure_codes, err)
    return errors


def _check_fields(rows, err) -> None:
    seen: set[str] = set()
    for row in rows["LinhVuc"]:
        if row.get("code") in seen:
            err("LinhVuc", row, "Mã lĩnh vực", f"mã '{row['code']}' bị trùng")
        seen.add(row.get("code"))


def _check_procedures(rows, err) -> dict[str, dict]:
    field_codes = {r["code"] for r in rows["LinhVuc"] if "code" in r}
    field_codes |= set(Field.objects.values_list("code", flat=True))
    procedures: dict[str, dict] = {}
    for row in rows["ThuTuc"]:
        code = row.get("code")
        if code in procedures:
            err("ThuTuc", row, "Mã thủ tục", f"mã '{code}' bị trùng")
        procedures[code] = row
        if "field" in row and row["field"] not in field_codes:
            err("ThuTuc", row, "Mã lĩnh vực", f"không có lĩnh vực mã '{row['field']}'")
    return procedures


def _check_parts(rows, procedure_codes, err) -> None:
    for sheet, column in (("ThanhPhanHoSo", "Mã thủ tục"), ("PhiLePhi", "Mã thủ tục")):
        orders: set[tuple[str, int]] = set()
        for row in rows[sheet]:
            if row.get("procedure") not in procedure_codes:
                err(sheet, row, column, f"không có thủ tục mã '{row.get('procedure')}'")
            key = (row.get("procedure"), row.get("order"))
            if key in orders:
                err(sheet, row, "STT", f"số thứ tự {row.get('order')} bị trùng trong thủ tục")
            orders.add(key)


def _check_processes(rows, procedures, procedure_codes, err) -> None:
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
        _check_process(code, version, steps, procedures.get(code), existing.get(code), err)


def _check_process(code, version, steps, source, existing, err) -> None:
    """One version: one date and decision for all its steps, distinct steps, hours adding up."""
    first = steps[0]
    if len({(s.get("effective_from"), s.get("decision")) for s in steps}) > 1:
        err("QuyTrinh", first, "Áp dụng từ", f"các bước của phiên bản {version} khác ngày áp dụng")
    orders = [s.get("order") for s in steps]
    if len(set(orders)) != len(orders):
        err("QuyTrinh", first, "Bước", f"số bước bị trùng trong quy trình {code} v{version}")
    if any("hours" not in s for s in steps):
        return
    if source is not None:
        if "time_limit_kind" not in source or "time_limit" not in source:
            return
        total = _total_hours(source["time_limit_kind"], source["time_limit"])
    else:
        total = existing.working_hours
    message = step_allotment_error(total, [s["hours"] for s in steps])
    if message:
        err("QuyTrinh", first, "Thời gian (giờ)", f"thủ tục {code} v{version}: {message}")


def _check_publications(rows, procedure_codes, err) -> None:
    decisions = {r.get("number") for r in rows["QuyetDinhCongBo"]}
    decisions |= set(PublicationDecision.objects.values_list("number", flat=True))
    for row in rows["CongBo"]:
        if row.get("decision") not in decisions:
            err("CongBo", row, "Số quyết định", f"không có quyết định số '{row.get('decision')}'")
        if row.get("procedure") not in procedure_codes:
            err("CongBo", row, "Mã thủ tục", f"không có thủ tục mã '{row.get('procedure')}'")


@dataclass
class _Sync:
    """What one sheet's import changed."""

    created: int = 0
    updated: int = 0
    deleted: int = 0

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "deleted": self.deleted}


def _sync(
    model,
    current: dict[Any, Any],
    wanted: dict[Any, dict[str, Any]],
    fields: Sequence[str],
    *,
    delete_missing: bool = True,
) -> _Sync:
    """Create, update and delete rows of ``model`` so that ``current`` (rows by key) matches
    ``wanted`` (values by key); rows already equal are not written."""
    done = _Sync()
    to_create, to_update = [], []
    for key, values in wanted.items():
        row = current.get(key)
        if row is None:
            to_create.append(model(**values))
            continue
        if any(getattr(row, name) != values[name] for name in fields):
            for name in fields:
                setattr(row, name, values[name])
            to_update.append(row)
    if delete_missing:
        gone = [row.pk for key, row in current.items() if key not in wanted]
        if gone:
            model.objects.filter(pk__in=gone).delete()
        done.deleted = len(gone)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update and fields:
        model.objects.bulk_update(to_update, list(fields), batch_size=500)
    done.created, done.updated = len(to_create), len(to_update)
    return done


class _Importer:
    """One import: the rows of every sheet, the procedures touched, what changed."""

    #: the sheets in the order they are written (each a step on the terminal's progress line)
    STEPS = (
        "LinhVuc",
        "ThuTuc",
        "ThuTuc.levels",
        "ThanhPhanHoSo",
        "PhiLePhi",
        "QuyTrinh",
        "QuyetDinhCongBo",
        "CongBo",
    )

    def __init__(
        self, actor, rows: dict[str, list[dict[str, Any]]], progress: Progress | None = None
    ) -> None:
        self.progress = progress or Progress()
        self.actor = actor
        self.rows = rows
        self.fields: dict[str, Field] = {}
        self.procedures: dict[str, Procedure] = {}
        self.changes: dict[str, _Sync] = {}
        self.whole_parts: set[str] = set()  # procedures whose parts are exactly the rows given

    def procedure_of(self, code: str) -> Procedure:
        if code not in self.procedures:
            self.procedures[code] = Procedure.objects.get(code=code)
        return self.procedures[code]

    def run(self) -> None:
        steps = (
            self.import_fields,
            self.import_procedures,
            self.import_levels,
            self.import_components,
            self.import_fees,
            self.import_processes,
            self.import_decisions,
            self.import_publications,
        )
        for number, (sheet, write) in enumerate(zip(self.STEPS, steps, strict=True)):
            self.progress.step(f"Ghi trang {sheet}", done=number, total=len(steps))
            write()

    # --- one importer per sheet

    def import_fields(self) -> None:
        self.fields = {f.code: f for f in Field.objects.all()}
        wanted = {r["code"]: {"code": r["code"], "name": r["name"]} for r in self.rows["LinhVuc"]}
        self.changes["LinhVuc"] = _sync(Field, self.fields, wanted, ["name"], delete_missing=False)
        self.fields = {f.code: f for f in Field.objects.all()}

    def import_procedures(self) -> None:
        codes = [r["code"] for r in self.rows["ThuTuc"]]
        current = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        wanted = {}
        for row in self.rows["ThuTuc"]:
            field_ = self.fields[row["field"]]
            values = {name: row[name] for name in PROCEDURE_FIELDS}
            probe = Procedure(code=row["code"], **values)
            values["search_text"] = procedure_search_text(probe, field_.name)
            wanted[row["code"]] = {"code": row["code"], "field": field_, **values}
        self.changes["ThuTuc"] = _sync(
            Procedure,
            current,
            wanted,
            [*PROCEDURE_FIELDS, "field", "search_text"],
            delete_missing=False,
        )
        self.procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}

    def import_levels(self) -> None:
        listed = [p.pk for p in self.procedures.values()]
        current = {
            (lv.procedure_id, lv.level): lv
            for lv in ProcedureLevel.objects.filter(procedure_id__in=listed)
        }
        wanted = {}
        for row in self.rows["ThuTuc"]:
            procedure = self.procedures[row["code"]]
            for level in row["levels"]:
                wanted[(procedure.pk, level)] = {"procedure": procedure, "level": level}
        self.changes["ThuTuc.levels"] = _sync(ProcedureLevel, current, wanted, [])

    def _import_parts(self, sheet: str, model, fields: Sequence[str]) -> None:
        touched = {r["procedure"] for r in self.rows[sheet]} | self.whole_parts
        current = {
            (row.procedure_id, row.order): row
            for row in model.objects.filter(procedure__code__in=touched)
        }
        wanted = {}
        for r in self.rows[sheet]:
            procedure = self.procedure_of(r["procedure"])
            wanted[(procedure.pk, r["order"])] = {
                "procedure": procedure,
                "order": r["order"],
                **{k: r[k] for k in fields},
            }
        self.changes[sheet] = _sync(model, current, wanted, fields)

    def import_components(self) -> None:
        self._import_parts(
            "ThanhPhanHoSo",
            DossierComponent,
            ("name", "originals", "copies", "required", "form_name"),
        )

    def import_fees(self) -> None:
        self._import_parts("PhiLePhi", FeeItem, ("kind", "name", "amount", "note"))

    def import_processes(self) -> None:
        grouped: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for r in self.rows["QuyTrinh"]:
            grouped[r["procedure"]][r["version"]].append(r)
        existing: dict[int, list[InternalProcess]] = defaultdict(list)
        for process in InternalProcess.objects.filter(procedure__code__in=grouped).prefetch_related(
            "steps__unit"
        ):
            existing[process.procedure_id].append(process)
        used = processes_in_use(p.pk for ps in existing.values() for p in ps)
        units = {
            u.code: u
            for u in Unit.objects.filter(
                code__in={r["unit"] for r in self.rows["QuyTrinh"] if r["unit"]}
            )
        }
        done = _Sync()
        pending: list = []
        for code, versions in grouped.items():
            procedure = self.procedure_of(code)
            counts = processes_sync(
                actor=self.actor,
                procedure=procedure,
                wanted=[(number, rows_content(steps)) for number, steps in versions.items()],
                existing=existing[procedure.pk],
                used=used,
                pending=pending,
            )
            done.created += counts["created"]
            done.updated += counts["withdrawn"] + counts["restored"]
            done.deleted += counts["deleted"]
        versions_create(actor=self.actor, pending=pending, units=units)
        self.changes["QuyTrinh"] = done

    def import_decisions(self) -> None:
        current = {d.number: d for d in PublicationDecision.objects.all()}
        wanted = {
            r["number"]: {k: r[k] for k in ("number", "date", "signer", "title")}
            for r in self.rows["QuyetDinhCongBo"]
        }
        self.changes["QuyetDinhCongBo"] = _sync(
            PublicationDecision, current, wanted, ["date", "signer", "title"], delete_missing=False
        )

    def import_publications(self) -> None:
        decisions = {d.number: d for d in PublicationDecision.objects.all()}
        listed = {r["decision"] for r in self.rows["CongBo"]}
        current = {
            (e.decision_id, e.procedure_id): e
            for e in PublicationEntry.objects.filter(decision__number__in=listed)
        }
        wanted = {}
        for r in self.rows["CongBo"]:
            decision, procedure = decisions[r["decision"]], self.procedure_of(r["procedure"])
            wanted[(decision.pk, procedure.pk)] = {
                "decision": decision,
                "procedure": procedure,
                "action": r["action"],
            }
        self.changes["CongBo"] = _sync(PublicationEntry, current, wanted, ["action"])


def catalog_import_rows(
    *,
    actor,
    rows: dict[str, list[dict[str, Any]]],
    check_permission: bool = True,
    progress: Progress | None = None,
    whole_parts: Collection[str] = (),
) -> ImportResult:
    """Validate every row, then write everything — or nothing when any row is wrong.

    Rows are matched by their keys (codes, numbers, the order within a procedure) and only
    what differs is written: importing the same workbook twice changes nothing. The parts of
    a procedure present in the workbook are those of the workbook; internal processes are
    versioned (``processes_sync``): a version used by dossiers is never changed or deleted.
    ``whole_parts``: codes of procedures whose components and fees are exactly the rows given,
    none included (a sync from the national database: a procedure whose fees all went is left
    with none, not with its old ones).
    """
    if check_permission:
        require_role(actor, CATALOG_ROLES)
    progress = progress or Progress()
    rows = {name: list(rows.get(name, [])) for name in SHEETS_BY_NAME}
    # the page shows this step until the end: what follows is one transaction
    progress.step("Kiểm tra tham chiếu và ghi vào cơ sở dữ liệu (tất cả hoặc không gì cả)")
    with transaction.atomic():
        result = ImportResult(errors=_check_references(rows))
        if result.errors:
            return result
        _write(actor, rows, result, progress, whole_parts)
    return result


def _write(
    actor, rows, result: ImportResult, progress: Progress, whole_parts: Collection[str] = ()
) -> None:
    importer = _Importer(actor, rows, progress)
    importer.whole_parts = set(whole_parts)
    batch = current_batch()
    with nullcontext(batch) if batch is not None else event_batch() as buffer:
        # one insert for all events, the procedures' history heads read at once
        buffer.preload("procedure", {r["procedure"] for r in rows["QuyTrinh"]})
        importer.run()
        result.counts = {name: len(sheet_rows) for name, sheet_rows in rows.items()}
        result.changes = {name: done.as_dict() for name, done in importer.changes.items() if done}
        event_record(
            subject_type="catalog",
            subject_id="catalog",
            action=events.CATALOG_IMPORTED,
            actor=actor,
            payload={"counts": result.counts, "changes": result.changes},
        )


def catalog_import(*, actor, data: bytes, progress: Progress | None = None) -> ImportResult:
    """Import a catalog workbook; on any error nothing is written and all errors are listed."""
    require_role(actor, CATALOG_ROLES)
    parsed = parse_catalog(data, progress=progress)
    if parsed.errors:
        rows = {name: parsed.rows.get(name, []) for name in SHEETS_BY_NAME}
        return ImportResult(errors=[*parsed.errors, *_check_references(rows)])
    return catalog_import_rows(
        actor=actor, rows=parsed.rows, check_permission=False, progress=progress
    )
