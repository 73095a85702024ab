"""A history uploaded on the page: checked, validated in full, then imported in the background.

``history_upload_start`` is the page's service: the history file (CSV or JSON Lines) and the
optional mapping file are checked by content (``core.files.check_content``, size limit
``MOTCUA_IMPORT_MAX_BYTES``), the whole history is validated against the mapping before
anything is stored (every problem with its line: ``ImportInvalid``, nothing written), then
the file is stored privately as the input of a ``core`` job. The job (``run`` below) is the
same ``history_import`` as the command, reporting its batches to the job's progress bar;
resumable like the command (the run is the file's SHA-256).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from motcua.core.errors import Conflict, InvalidInput
from motcua.core.files import check_content, read_limited
from motcua.core.formats import vn_datetime, vn_number
from motcua.core.jobs import JobResult, Progress, register_job_kind
from motcua.core.models import Job
from motcua.core.services import job_start
from motcua.imports.errors import ImportsError
from motcua.imports.replay import Refs
from motcua.imports.selectors import imported_codes, run_for
from motcua.imports.services import ImportInvalid, _check_actor, history_import, may_import
from motcua.imports.validate import Mapping, validate

KIND = "imports.history"
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
HISTORY_KINDS = ("csv", "jsonl")


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _mapping(upload) -> Mapping:
    if upload is None:
        return Mapping()
    label = upload.name or "ánh xạ"
    checked = check_content(read_limited(upload, label=label), label=label, kinds=("json",))
    try:
        return Mapping.from_data(json.loads(checked.data.decode("utf-8-sig")))
    except ValueError as error:
        raise InvalidInput(
            f"Tệp ánh xạ «{label}»: {error}", code=ImportsError.IMPORT_MAPPING_INVALID
        ) from error


def history_upload_start(*, actor: Any, history, mapping=None) -> Job:
    """Check, validate and queue the import of an uploaded history (see the module doc).

    ``history``/``mapping``: uploaded files (``mapping`` optional). Raises ``ImportInvalid``
    with every problem, ``InvalidInput`` for a file of the wrong kind or size, ``Conflict``
    when the same file was already imported in full; nothing is stored then.
    """
    _check_actor(actor)
    if actor is None:
        raise InvalidInput("Cần người yêu cầu.", code=ImportsError.IMPORT_INVALID)
    name = history.name or "lich-su"
    checked = check_content(
        read_limited(history, label=name, limit=max_bytes()), label=name, kinds=HISTORY_KINDS
    )
    rules = _mapping(mapping)
    run = run_for(checked.sha256)
    if run is not None and run.finished_at is not None:
        raise Conflict(
            f"Tệp này (SHA-256 {checked.sha256[:12]}…) đã được nhập đầy đủ lúc "
            f"{vn_datetime(run.finished_at)}: không có gì để nhập lại.",
            code=ImportsError.IMPORT_ALREADY_DONE,
        )
    with tempfile.TemporaryDirectory(prefix="motcua-import-") as folder:
        path = Path(folder) / f"history{checked.extension}"
        path.write_bytes(checked.data)
        already = imported_codes(run) if run is not None else set()
        summary = validate(path, rules, Refs.load(), already=already)
    if summary.problems:
        raise ImportInvalid(summary.problems)
    return job_start(
        actor=actor,
        kind=KIND,
        params={
            "name": name[:200],
            "sha256": checked.sha256,
            "mapping": rules.as_data(),
            "dossiers": summary.dossiers,
        },
        input_name=f"history{checked.extension}",
        input_data=checked.data,
    )


@contextmanager
def _local_copy(job: Job) -> Iterator[Path]:
    """The stored input as a local file (the import streams it twice): the file itself on
    the file system storage, a temporary copy from an object storage (S3)."""
    try:
        local = Path(job.input_file.path)
    except NotImplementedError:  # no local path: an object storage
        local = None
    if local is not None:
        yield local
        return
    suffix = Path(job.input_file.name).suffix
    with tempfile.TemporaryDirectory(prefix="motcua-import-") as folder:
        path = Path(folder) / f"history{suffix}"
        with job.input_file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def _run(*, job: Job, progress: Progress) -> JobResult:
    if not job.input_file:
        raise InvalidInput("Không còn tệp lịch sử để nhập.", code=ImportsError.IMPORT_FILE_MISSING)
    progress.step("Kiểm tra toàn bộ tệp trước khi ghi")

    def moved(p) -> None:
        if progress.total != p.dossiers_total:
            progress.step(
                "Ghi lại từng lô qua các dịch vụ", done=p.dossiers_done, total=p.dossiers_total
            )
        else:
            progress.advance(p.dossiers_done - progress.done)

    try:
        with _local_copy(job) as path:
            outcome = history_import(
                path=path,
                mapping=Mapping.from_data(job.params.get("mapping")),
                file_name=job.params.get("name", ""),
                actor=job.requested_by,
                on_progress=moved,
            )
    except ImportInvalid as refused:
        return JobResult(
            summary=refused.message,
            details=[str(p) for p in refused.problems],
            failed=True,
        )
    run = outcome.run
    if outcome.already_finished:
        return JobResult(summary="Tệp này đã được nhập đầy đủ trước đó: không nhập lại gì.")
    summary = (
        f"Đã nhập {vn_number(run.dossiers_done)} hồ sơ, {vn_number(run.events_done)} sự kiện "
        f"trong {vn_number(run.batches_done)} lô ({vn_number(outcome.elapsed, 1)} giây). "
        f"Khác biệt với cờ đúng hạn của hệ thống cũ: {vn_number(outcome.difference_count)} hồ sơ."
    )
    details = [
        f"Hồ sơ {d.code}: hệ thống cũ ghi "
        f"{'đúng hạn' if d.previous_on_time else 'trễ hạn'}, tính lại theo lịch làm việc: "
        f"{'trễ hạn' if d.classification == 'late' else 'đúng hạn'}"
        for d in outcome.differences
    ]
    if outcome.skipped_events:
        details.append(
            f"{vn_number(outcome.skipped_events)} cảnh báo sắp đến hạn không nhập lại "
            "(hệ thống tự ghi)."
        )
    return JobResult(summary=summary, details=details)


def _may_see(user: Any, job: Job) -> bool:
    return may_import(user)


def register() -> None:
    register_job_kind(KIND, label="Nhập lịch sử hồ sơ", run=_run, may_see=_may_see)
