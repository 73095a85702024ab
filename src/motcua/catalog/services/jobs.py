"""The catalog's long work as background jobs with a progress bar: the workbook export and
the re-import (``core.jobs``). Both are for the catalog administrators and the province
administrators; any of them may follow a job and download its result (the catalog is
province-wide: same role, same unit)."""

from __future__ import annotations

from typing import Any

from motcua.catalog.errors import CatalogError
from motcua.catalog.services.exports import catalog_export
from motcua.catalog.services.imports import catalog_import
from motcua.catalog.services.processes import CATALOG_ROLES
from motcua.core.errors import InvalidInput
from motcua.core.jobs import JobResult, Progress, register_job_kind
from motcua.core.models import Job
from motcua.core.services import job_start
from motcua.organization.permissions import has_role, require_role

EXPORT = "catalog.export"
IMPORT = "catalog.import"
EXPORT_NAME = "danh-muc-tthc.xlsx"


def catalog_export_start(*, actor: Any) -> Job:
    """Queue the export of the whole catalog to Excel."""
    require_role(actor, CATALOG_ROLES)
    return job_start(actor=actor, kind=EXPORT)


def catalog_import_start(*, actor: Any, data: bytes, name: str = "danh-muc.xlsx") -> Job:
    """Queue the import of a catalog workbook (checked in full, then all or nothing)."""
    require_role(actor, CATALOG_ROLES)
    return job_start(
        actor=actor, kind=IMPORT, params={"name": name[:200]}, input_name=name, input_data=data
    )


def _export_run(*, job: Job, progress: Progress) -> JobResult:
    content = catalog_export(progress=progress)
    return JobResult(
        summary="Đã xuất danh mục thủ tục hành chính ra Excel.",
        content=content,
        filename=EXPORT_NAME,
    )


def _import_run(*, job: Job, progress: Progress) -> JobResult:
    if not job.input_file:
        raise InvalidInput("Không còn tệp Excel để nhập.", code=CatalogError.WORKBOOK_MISSING)
    with job.input_file.open("rb") as stream:
        data = stream.read()
    result = catalog_import(actor=job.requested_by, data=data, progress=progress)
    if not result.ok:
        return JobResult(
            summary=f"Không nhập được: {len(result.errors)} lỗi, không có gì được ghi.",
            details=[str(e) for e in result.errors],
            failed=True,
        )
    total = result.counts.get("ThuTuc", 0)
    if not result.changes:
        summary = f"Danh mục đã đúng như tệp ({total} thủ tục): không có thay đổi."
    else:
        summary = f"Đã nhập danh mục: {total} thủ tục."
    details = [
        f"{sheet}: thêm {c['created']}, sửa {c['updated']}, xóa {c['deleted']}"
        for sheet, c in result.changes.items()
    ]
    return JobResult(summary=summary, details=details)


def _may_see(user: Any, job: Job) -> bool:
    return has_role(user, CATALOG_ROLES)


def register() -> None:
    register_job_kind(
        EXPORT, label="Xuất danh mục TTHC ra Excel", run=_export_run, may_see=_may_see
    )
    register_job_kind(
        IMPORT, label="Nhập danh mục TTHC từ Excel", run=_import_run, may_see=_may_see
    )
