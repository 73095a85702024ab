"""The history exchange format: one row per event, CSV or JSON Lines (docs/import.md).

The platform's own export (``motcua export history FILE``) writes exactly these columns, so
an export re-imports into an empty province. Dossier-level columns (procedure, units,
applicant, channel) are written on a dossier's first row and read only from it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

COLUMNS = (
    "dossier",  # the dossier's code (kept as it is)
    "seq",  # 1, 2, 3 … per dossier
    "action",  # event code (dossier.received …) or the previous system's name (mapping)
    "at",  # ISO 8601 with its offset: when it happened
    "actor",  # the officer's username (empty: the applicant or the system)
    "unit",  # code of the unit on whose behalf
    "procedure",  # first row: procedure code
    "receiving_unit",  # first row
    "competent_unit",  # first row (empty: decided by our rules)
    "channel",  # first row: in_person, postal, online
    "return_method",  # first row
    "postal_tracking",  # first row
    "applicant_kind",  # first row: person, organization
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "status",  # the status after the event: ours, or the previous system's name (mapping)
    "on_time",  # last row: the previous system's own flag, 1 on time / 0 late / empty
    "payload",  # JSON object: the event's fields (what the action needs, see docs)
)
DOSSIER_COLUMNS = COLUMNS[6:18]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in (".jsonl", ".ndjson", ".json")


def read_rows(
    path: Path, keep: Callable[[str], bool] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for every event row, streamed. CSV: line 1 is the header.

    ``keep(code)``: a CSV row whose stripped dossier code it refuses comes as
    ``{"dossier": code}`` only, its other columns not read (an importing process skips the
    other processes' dossiers without the cost of their columns)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        if is_jsonl(path):
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError:
                    row = {"__error__": "dòng không phải JSON hợp lệ"}
                if not isinstance(row, dict):
                    row = {"__error__": "dòng JSON phải là một đối tượng"}
                elif isinstance(row.get("payload"), dict):
                    row["payload"] = json.dumps(row["payload"], ensure_ascii=False)
                yield number, {k: "" if v is None else str(v) for k, v in row.items()}
            return
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return
        width = len(header)
        at = header.index("dossier") if "dossier" in header else None
        for values in reader:
            if not values:  # a blank line (csv.DictReader skips it too)
                continue
            if keep is not None and at is not None:
                code = values[at].strip() if at < len(values) else ""
                if not keep(code):
                    yield reader.line_num, {"dossier": code}
                    continue
            # as csv.DictReader: missing columns empty, extra values dropped
            row = dict(zip(header, values, strict=False))
            if len(values) < width:
                row.update(dict.fromkeys(header[len(values) :], ""))
            yield reader.line_num, row


class Writer:
    """Writes rows in the format chosen by the file's suffix (.csv or .jsonl)."""

    def __init__(self, stream: IO[str], *, jsonl: bool) -> None:
        self.stream, self.jsonl = stream, jsonl
        if not jsonl:
            self.csv = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
            self.csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        if self.jsonl:
            out = dict(row)
            out["payload"] = json.loads(row["payload"]) if row.get("payload") else {}
            self.stream.write(json.dumps(out, ensure_ascii=False, sort_keys=False) + "\n")
        else:
            self.csv.writerow(row)
