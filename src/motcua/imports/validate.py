"""Check a whole history file before anything is written: every problem, with its line.

Rows are streamed and grouped by dossier (a dossier's rows must be consecutive, in seq
order, as the export writes them), so validating a province's years needs little memory.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motcua.dossiers import events as ev
from motcua.dossiers.actions import ACTIONS, CREATIONS
from motcua.dossiers.lifecycle import NATIONAL_STATUS, Status
from motcua.dossiers.models import Dossier
from motcua.imports.format import DOSSIER_COLUMNS, read_rows
from motcua.imports.replay import CREATION_EVENTS, SKIPPED, SUPPORTED, Refs, Row

#: our event code → the registry's actions that record it
_SPECS: dict[str, list] = {}
for _spec in ACTIONS:
    _SPECS.setdefault(_spec.event, []).append(_spec)
#: the same, each with the statuses it is allowed from (checked once per row)
_SPECS_FROM = {
    event: [(spec, frozenset(spec.allowed_from)) for spec in specs]
    for event, specs in _SPECS.items()
}
_STATUSES = frozenset(Status.values)
_CREATED = {spec.event: spec.leads_to for spec in CREATIONS}
#: payload fields naming an officer, per event
_USER_FIELDS = {ev.ASSIGNED: "assignee", ev.STEP_COMPLETED: "assignee"}


@dataclass
class Mapping:
    """The previous system's names → ours (docs/import.md). Empty: the file uses our codes."""

    units: dict[str, str] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, Any] = field(default_factory=dict)  # → our status or national 1–10

    @classmethod
    def load(cls, path: Path | None) -> Mapping:
        if path is None:
            return cls()
        return cls.from_data(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_data(cls, data: Any) -> Mapping:
        """From the file's JSON object; ValueError (in Vietnamese) if it is not one."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError("tệp ánh xạ phải là một đối tượng JSON.")
        parts = {}
        for key in ("units", "actions", "statuses"):
            part = data.get(key) or {}
            if not isinstance(part, dict) or not all(isinstance(k, str) for k in part):
                raise ValueError(f"mục «{key}» của tệp ánh xạ phải là một đối tượng JSON.")
            parts[key] = dict(part)
        return cls(**parts)

    def as_data(self) -> dict[str, dict[str, Any]]:
        return {"units": self.units, "actions": self.actions, "statuses": self.statuses}

    def unit(self, code: str) -> str:
        return self.units.get(code, code)

    def statuses_of(self, name: str) -> set[str] | None:
        """Our statuses a status name may stand for; None if unknown."""
        target = self.statuses.get(name, name)
        if isinstance(target, str) and target in _STATUSES:
            return {target}
        try:
            national = int(target)
        except (TypeError, ValueError):
            return None
        found = {s for s, n in NATIONAL_STATUS.items() if n == national}
        return found or None


@dataclass
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.line}: {self.message}"


@dataclass
class Summary:
    rows: int = 0
    dossiers: int = 0
    skipped: int = 0  # sweep notices not replayed
    problems: list[Problem] = field(default_factory=list)


def _parse_at(value: str) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


_NOT_FIRST: dict[str, str] = {}  # a later row's dossier columns: never read


def _typed(
    number: int,
    raw: dict[str, str],
    mapping: Mapping,
    refs: Refs,
    problems: list,
    first_row=True,
    trusted=False,
):
    """One row checked alone; None when it cannot be used. The dossier columns are read
    from a dossier's ``first_row`` only. ``trusted``: a row of a file validated whole before
    (the replay): typed only, the checks that passed then are not made again."""
    if trusted:
        payload = json.loads(raw["payload"]) if raw.get("payload", "").strip() else {}
        return _row(number, raw, mapping, first_row, _map_units(payload, mapping))

    def bad(message: str) -> None:
        problems.append(Problem(number, message))

    if "__error__" in raw:
        return bad(raw["__error__"])
    code = raw.get("dossier", "").strip()
    if not code:
        return bad("thiếu mã hồ sơ (cột dossier).")
    action = mapping.actions.get(raw.get("action", ""), raw.get("action", ""))
    ok = True
    if action not in SUPPORTED:
        bad(f"hành động «{raw.get('action', '')}» không xác định (cần ánh xạ trong tệp mapping).")
        ok = False
    at = _parse_at(raw.get("at", ""))
    if at is None:
        bad(f"thời điểm «{raw.get('at', '')}» không hợp lệ (ISO 8601 kèm múi giờ).")
        ok = False
    actor = raw.get("actor", "").strip()
    if actor and actor not in refs.users:
        bad(f"không tìm thấy cán bộ «{actor}».")
        ok = False
    unit = mapping.unit(raw.get("unit", "").strip())
    if unit and unit not in refs.units:
        bad(f"không tìm thấy đơn vị «{raw.get('unit')}».")
        ok = False
    try:
        payload = json.loads(raw["payload"]) if raw.get("payload", "").strip() else {}
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        bad("cột payload không phải một đối tượng JSON.")
        return None
    _map_units(payload, mapping)
    name = _USER_FIELDS.get(action)
    if name and payload.get(name) and payload[name] not in refs.users:
        bad(f"không tìm thấy cán bộ «{payload[name]}» (payload.{name}).")
        ok = False
    if action == ev.CONSULTED and payload.get("to_unit") not in refs.units:
        bad(f"không tìm thấy đơn vị được xin ý kiến «{payload.get('to_unit')}».")
        ok = False
    status = raw.get("status", "").strip()
    if status and mapping.statuses_of(status) is None:
        bad(f"trạng thái «{status}» không xác định (cần ánh xạ trong tệp mapping).")
        ok = False
    if not ok:
        return None
    return _row(number, raw, mapping, first_row, payload, at)


def _map_units(payload: dict, mapping: Mapping) -> dict:
    """The payload's unit codes in ours (once: a mapping may chain A → B → C)."""
    units = mapping.units
    if not units:  # no unit mapped: every code is ours already
        return payload
    for key in ("to_unit", "from_unit", "holder_unit"):
        code = payload.get(key)
        if isinstance(code, str):
            payload[key] = units.get(code, code)
    return payload


def _row(
    number: int,
    raw: dict[str, str],
    mapping: Mapping,
    first_row: bool,
    payload: dict,
    at: dt.datetime | None = None,
):
    """The typed row of a checked ``raw`` row (its ``payload`` decoded, its units mapped;
    ``at``: its time, when the caller has already parsed it)."""
    get, units = raw.get, mapping.units
    if first_row:
        first = {k: get(k, "").strip() for k in DOSSIER_COLUMNS}
        if units:
            for key in ("receiving_unit", "competent_unit"):
                first[key] = units.get(first[key], first[key])
    else:
        first = _NOT_FIRST
    action = get("action", "")
    unit = get("unit", "").strip()
    return Row(
        number,
        get("dossier", "").strip(),
        mapping.actions.get(action, action) if mapping.actions else action,
        at if at is not None else dt.datetime.fromisoformat(get("at", "").strip()),
        get("actor", "").strip(),
        units.get(unit, unit) if units else unit,
        payload,
        first,
        _ON_TIME.get(get("on_time", "").strip()),
        get("status", "").strip(),
        get("seq", ""),
    )


_ON_TIME = {"1": True, "0": False}


def _check_dossier(rows: list[Row], mapping: Mapping, refs: Refs, problems: list) -> None:
    """The dossier's rows together: creation first, times in order, transitions allowed."""
    first = rows[0]

    def bad(row: Row, message: str) -> None:
        problems.append(Problem(row.line, f"hồ sơ {row.dossier}: {message}"))

    if first.action not in CREATION_EVENTS:
        bad(
            first,
            f"sự kiện đầu tiên phải là tiếp nhận hoặc nộp hồ sơ, không phải «{first.action}».",
        )
        return
    f = first.first
    if f["procedure"] not in refs.procedures:
        bad(first, f"không tìm thấy thủ tục «{f['procedure']}».")
    for key, label in (("receiving_unit", "tiếp nhận"), ("competent_unit", "có thẩm quyền")):
        if (f[key] or key == "receiving_unit") and f[key] not in refs.units:
            bad(first, f"không tìm thấy đơn vị {label} «{f[key]}».")
    if not f["applicant_name"] or not f["applicant_id_number"]:
        bad(first, "thiếu họ tên hoặc số định danh của người nộp.")
    if first.action != ev.SUBMITTED and not first.actor:
        bad(first, "thiếu cán bộ tiếp nhận (cột actor).")
    statuses: set[str] = {_CREATED[first.action]}
    previous = first
    for index, row in enumerate(rows):
        if row.seq.strip() and row.seq.strip() != str(index + 1):
            bad(row, f"thứ tự seq {row.seq} ≠ {index + 1}: hồ sơ thiếu hoặc trùng dòng.")
        if row.at < previous.at:
            bad(row, f"thời điểm sớm hơn sự kiện liền trước (dòng {previous.line}).")
        previous = row
        if index == 0 or row.action in SKIPPED:
            continue
        if row.action in CREATION_EVENTS and row.action not in _SPECS:
            bad(row, f"«{row.action}» chỉ có thể là sự kiện đầu tiên (mã hồ sơ trùng?).")
            statuses = set()
            continue
        specs = [(s, frm) for s, frm in _SPECS_FROM[row.action] if not statuses.isdisjoint(frm)]
        if not specs:
            names = ", ".join(sorted(str(Status(s).label) for s in statuses)) or "?"
            bad(row, f"không thể «{row.action}» khi hồ sơ đang ở trạng thái «{names}».")
            statuses = set()
            continue
        statuses = {r for s, frm in specs for f_ in statuses & frm for r in s.possible_results(f_)}
        given = row.status
        if given:
            said = mapping.statuses_of(given) or set()
            if not said & statuses:
                bad(row, f"trạng thái «{given}» không thể đạt được bằng «{row.action}».")
            else:
                statuses &= said


def share_of(code: str, workers: int) -> int:
    """Which of ``workers`` importing processes replays the dossier ``code`` (stable)."""
    return zlib.crc32(code.encode("utf-8")) % workers


def dossiers(
    path: Path,
    mapping: Mapping,
    refs: Refs,
    problems: list[Problem] | None = None,
    *,
    share: tuple[int, int] | None = None,
    trusted: bool = False,
) -> Iterator[list[Row]]:
    """The file's dossiers, one list of typed rows each (problems appended as found).

    ``share`` (k, n): only the dossiers of worker k of n (``share_of``), for a file that
    was validated whole before: the other rows are skipped before they are parsed."""
    problems = problems if problems is not None else []
    seen: set[str] = set()
    group: list[Row] = []
    current, broken = None, False
    keep = None
    if share is not None:
        k, n = share

        def keep(code: str) -> bool:
            return share_of(code, n) == k

    for number, raw in read_rows(path, keep):
        code = raw.get("dossier", "").strip()
        starts = code != current
        if starts:  # another dossier's rows begin (of this share or not)
            if group and not broken:
                yield group
            group, broken, current = [], False, code
        if keep is not None and not keep(code):
            continue
        row = _typed(number, raw, mapping, refs, problems, starts, trusted)
        if starts:
            if code in seen:  # the same share sees every row of a code: found here
                problems.append(
                    Problem(
                        number, f"mã hồ sơ {code} trùng: các dòng của một hồ sơ phải liền nhau."
                    )
                )
                broken = True
            seen.add(code)
        if row is None:
            broken = True
        else:
            group.append(row)
    if group and not broken:
        yield group


def validate(
    path: Path,
    mapping: Mapping,
    refs: Refs,
    *,
    already: set[str],
    share: tuple[int, int] | None = None,
) -> Summary:
    """Every problem of the file; ``already``: codes this same run imported before.

    ``share`` (k, n): only the dossiers of worker k of n (``share_of``). Every row and every
    code belongs to one share, so the n shares' problems together are the whole file's
    (``imports.parallel.validate_parallel`` checks them side by side)."""
    summary = Summary()
    problems = summary.problems
    batch: list[list[Row]] = []

    def check_existing() -> None:
        codes = [g[0].dossier for g in batch if g[0].dossier not in already]
        existing = set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))
        for g in batch:
            if g[0].dossier in existing:
                problems.append(
                    Problem(g[0].line, f"mã hồ sơ {g[0].dossier} đã có trong hệ thống.")
                )
        batch.clear()

    for group in dossiers(path, mapping, refs, problems, share=share):
        summary.dossiers += 1
        summary.rows += len(group)
        summary.skipped += sum(1 for r in group if r.action in SKIPPED)
        _check_dossier(group, mapping, refs, problems)
        batch.append(group)
        if len(batch) >= 1000:
            check_existing()
    check_existing()
    problems.sort(key=lambda p: p.line)
    return summary
