"""The demo's history loaded through the import (``motcua demo --via-import``).

The demo's dossier stage (``motcua.dossiers.demo.load``) runs as usual, through the
services, inside a transaction that is then rolled back; before the rollback its dossiers'
events are written to an import file (JSON Lines, the exchange format of docs/import.md).
That file is then imported with ``history_import``, the service behind ``motcua import
history``: the same dossiers, codes, times, classifications and ledger, but marked as
imported (``ImportRun``/``ImportedDossier``, ``import.batch`` events with the file's hash).
This is how a province's migration can be rehearsed on the demo. An option of the demo only:
the default demo (``make run``) loads its history directly, which is faster.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from motcua.dossiers.models import Dossier
from motcua.imports.format import Writer
from motcua.imports.selectors import history_rows
from motcua.imports.services import history_import


def export_new(path: Path, *, after_pk: int) -> int:
    """The dossiers created after ``after_pk`` as an import file; returns the rows."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = Writer(stream, jsonl=True)
        for row in history_rows(after_pk=after_pk):
            writer.write(row)
            count += 1
    return count


class _Discard(Exception):
    """Rolls back the generated history once it is written to the file."""


def load_through_import(*, load: Callable[..., None], rng, stdout, options: dict[str, Any]):
    """Run the demo's dossier stage ``load``, export it, roll it back, import the file."""
    folder = Path(settings.VAR_DIR) / "demo-import"
    folder.mkdir(parents=True, exist_ok=True)
    offset = options.get("dossier_offset", 0)
    path = folder / f"lich-su-mau-{offset:06d}.jsonl"
    before = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows = 0
    try:
        with transaction.atomic():
            load(rng=rng, stdout=stdout, options=options)
            rows = export_new(path, after_pk=before)
            raise _Discard
    except _Discard:
        pass
    outcome = history_import(path=path, batch_size=options.get("batch"))
    stdout.write(
        f"  Hồ sơ mẫu qua tệp nhập {path.name}: {rows} sự kiện, {outcome.dossiers} hồ sơ "
        f"nhập trong {outcome.elapsed:.1f} giây"
    )
    return outcome
