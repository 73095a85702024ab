"""Recompute the whole ledger from its rows and name the first broken link.

One pass over the events in id order, merged with the global chain's seals, checks:
each event's hash against its content; the per-subject chain (seq 1, 2, 3 … and
``prev_hash``); the global chain (every event up to the sealed head has its link, links
follow each other, a link's event still exists and still has the sealed hash; no event
dated before the sealing run that preceded it); then every published daily root (Merkle
root and count of its day, its own hash, the chain to the previous day, the chain head it
recorded); the global tree (every 256-leaf tile, the root at every signed checkpoint's size,
each checkpoint's signature); and that every row of a subject table registered in
``ledger.subjects`` still has a history. Works on raw rows, so tampering with the triggers
dropped is caught too.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from motcua.core.formats import vn_datetime
from motcua.ledger import checkpoints, merkle, subjects
from motcua.ledger.hashing import event_hash_of, root_hash, seal_hash
from motcua.ledger.models import Checkpoint, DailyRoot, Event, Seal, TreeTile
from motcua.ledger.services import GRACE
from motcua.ledger.tree import BLOCK

_CHUNK = 10_000
_ORDER_LAST = 1 << 62


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    subject_type: str = ""
    subject_id: str = ""
    seq: int | None = None
    at: dt.datetime | None = None
    event_id: int | None = None
    day: dt.date | None = None

    def order(self) -> tuple[int, int]:
        if self.kind == "history_missing":  # the cause of the chain breaks that follow it
            return (-1, 0)
        return (self.event_id if self.event_id is not None else _ORDER_LAST, 0)

    def describe(self) -> str:
        where = []
        if self.subject_type:
            where.append(f"đối tượng {self.subject_type}:{self.subject_id}")
        if self.seq is not None:
            where.append(f"thứ tự {self.seq}")
        if self.at is not None:
            where.append(f"lúc {vn_datetime(self.at)}")
        if self.event_id is not None:
            where.append(f"sự kiện #{self.event_id}")
        if self.day is not None:
            where.append(f"ngày {self.day:%d/%m/%Y}")
        return f"[{self.kind}] {', '.join(where)}: {self.message}"


@dataclass
class Report:
    events: int = 0
    sealed: int = 0
    pending: int = 0
    roots: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


class _Collector:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[Problem] = []
        self.count = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.items) < self.limit * 4:
            self.items.append(problem)


_UTC = dt.UTC
#: Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving since 1975): a fixed shift is exact
#: and much faster than a zone conversion per event.
_VN_SHIFT = dt.timedelta(hours=7)

_EVENT_SQL = (
    "SELECT id, subject_type, subject_id, seq, action, actor_id, actor_label, unit_id, at, "
    "payload, prev_hash, hash FROM ledger_event WHERE id <= %s ORDER BY id"
)
_SEAL_SQL = (
    "SELECT event_id, subject_type, subject_id, seq, prev_hash, hash, sealed_at "
    "FROM ledger_seal WHERE event_id <= %s ORDER BY event_id"
)


def _rows(sql: str, params: list) -> Iterator[tuple]:
    """Stream rows (a server-side cursor on PostgreSQL) without Django's per-row converters."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_CHUNK):
            yield from rows


def _naive_utc(value) -> dt.datetime:
    if isinstance(value, str):  # SQLite stores naive UTC text
        return dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        return value.astimezone(_UTC).replace(tzinfo=None)
    return value


def _seals(upto: int) -> Iterator[tuple | None]:
    converted: dict = {}
    for event_id, subject_type, subject_id, seq, prev_hash, link, sealed_at in _rows(
        _SEAL_SQL, [upto]
    ):
        at = converted.get(sealed_at)
        if at is None:  # one sealing run shares one time: convert it once
            at = converted[sealed_at] = _naive_utc(sealed_at)
        yield event_id, subject_type, subject_id, seq, prev_hash, link, at
    while True:
        yield None


@contextmanager
def _snapshot():
    """One consistent view of events, seals and roots while the ledger keeps being written.

    PostgreSQL: a REPEATABLE READ read-only transaction (unless already inside one).
    SQLite has a single writer and ids in commit order, so reading up to the highest id
    seen at the start is consistent without holding any lock.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
    else:
        yield


def verify(*, max_problems: int = 100, published: list[dict] | None = None) -> Report:
    """Check everything; ``report.first`` is the earliest broken link (in event order).

    ``published``: daily roots saved earlier from the public site or API (``day``, ``hash``);
    each must still be the stored one, which catches even a consistent rewrite of all tables.
    """
    with _snapshot():
        return _verify(max_problems, published or [])


def _verify(max_problems: int, published: list[dict]) -> Report:
    started = time.perf_counter()
    verifier = _Verifier(max_problems)
    verifier.run()
    report, problems = verifier.report, verifier.problems
    _check_roots(
        verifier.roots, verifier.accumulators, verifier.heads_found, verifier.late_in_root, problems
    )
    _check_published(verifier.roots, published, problems)
    verifier.check_checkpoints()
    verifier.check_required_subjects()
    report.roots = len(verifier.roots)
    report.checkpoints = len(verifier.checkpoints)
    report.problems = sorted(problems.items, key=Problem.order)[:max_problems]
    report.problem_count = problems.count
    report.seconds = time.perf_counter() - started
    return report


class _Verifier:
    """One pass over the events in id order, merged with the seals; one checker per section
    of the verification (docs/ledger.md §4): the event's hash, the subject's chain, the
    global chain, the daily roots."""

    def __init__(self, max_problems: int) -> None:
        self.report = Report()
        self.problems = _Collector(max_problems)
        self.roots = {r.day: r for r in DailyRoot.objects.order_by("day")}
        self.first_root_day = min(self.roots) if self.roots else None
        self.last_root_day = max(self.roots) if self.roots else None
        self.heads_wanted = {r.chain_head_event_id for r in self.roots.values()}
        self.heads_found: dict[int, str] = {}
        self.accumulators = {day: merkle.Accumulator() for day in self.roots}
        self.late_in_root: set[dt.date] = set()
        self.upto = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.sealed_head = (
            Seal.objects.order_by("-event_id").values_list("event_id", flat=True).first() or 0
        )
        self.subjects: dict[tuple[str, str], tuple[int, str]] = {}
        self.seals = _seals(max(self.upto, self.sealed_head))
        self.seal = next(self.seals)
        self.chain_prev = ""
        self.batch_at: dt.datetime | None = None  # sealing time of the current run
        self.prev_batch_at: dt.datetime | None = None  # sealing time of the run before it
        # 5. the global tree: its tiles and signed checkpoints
        self.tree = merkle.Accumulator()
        self.block: list[bytes] = []
        self.tiles = dict(TreeTile.objects.values_list("index", "hash"))
        self.checkpoints = list(Checkpoint.objects.order_by("tree_size", "id"))
        self.roots_at: dict[int, str] = {}
        wanted_sizes = {c.tree_size for c in self.checkpoints}
        self.sizes_wanted = wanted_sizes
        if 0 in wanted_sizes:
            self.roots_at[0] = merkle.EMPTY_ROOT

    def run(self) -> None:
        for row in _rows(_EVENT_SQL, [self.upto]):
            (event_id, subject_type, subject_id, seq, action, actor_id, actor_label, unit_id,
             raw_at, payload, prev_hash, digest) = row  # fmt: skip
            self.report.events += 1
            at = _naive_utc(raw_at)
            if isinstance(payload, str):
                payload = json.loads(payload)
            where = {
                "subject_type": subject_type,
                "subject_id": subject_id,
                "seq": seq,
                "at": at.replace(tzinfo=_UTC),
                "event_id": event_id,
            }
            fields = (subject_type, subject_id, seq, action, actor_id, actor_label, unit_id)
            self.check_hash(fields, at, payload, prev_hash, digest, where)
            self.check_subject_chain(subject_type, subject_id, seq, prev_hash, digest, where)
            self.check_global_chain(event_id, at, digest, where)
            self.check_day_root(event_id, at, digest, where)
        # seals left after the last event: deleted tail
        while self.seal is not None:
            self.sealed_but_deleted(self.seal)
            self.seal = next(self.seals)

    # 1. the event's own hash
    def check_hash(self, fields, at, payload, prev_hash, digest, where) -> None:
        expected = event_hash_of(
            *fields, at.isoformat(timespec="microseconds") + "Z", payload, prev_hash
        )
        if expected != digest:
            self.problems.add(
                Problem(
                    "content_changed",
                    "nội dung, thời điểm hoặc người thực hiện đã bị sửa (băm không khớp)",
                    **where,
                )
            )

    # 2. the subject's chain
    def check_subject_chain(self, subject_type, subject_id, seq, prev_hash, digest, where) -> None:
        key = (subject_type, subject_id)
        last_seq, last_hash = self.subjects.get(key, (0, ""))
        if seq != last_seq + 1:
            if seq <= last_seq:
                message = f"thứ tự {seq} đứng sau thứ tự {last_seq} (bị chèn hoặc đảo thứ tự)"
            else:
                missing = ", ".join(str(s) for s in range(last_seq + 1, min(seq, last_seq + 6)))
                message = f"thiếu sự kiện thứ tự {missing} (bị xoá)"
            self.problems.add(Problem("sequence_gap", message, **where))
        elif prev_hash != last_hash:
            self.problems.add(
                Problem(
                    "subject_chain_broken",
                    "băm trước không khớp sự kiện trước của cùng đối tượng",
                    **where,
                )
            )
        self.subjects[key] = (max(seq, last_seq), digest)

    # 3. the global chain: seals of events that no longer exist come first
    def check_global_chain(self, event_id, at, digest, where) -> None:
        while self.seal is not None and self.seal[0] < event_id:
            self.sealed_but_deleted(self.seal)
            self.seal = next(self.seals)
        seal = self.seal
        if seal is None or seal[0] != event_id:
            self.report.pending += 1
            if event_id < self.sealed_head:
                self.problems.add(
                    Problem(
                        "not_sealed",
                        "sự kiện nằm giữa các sự kiện đã niêm phong nhưng không có mắt xích "
                        "(bị chèn sau khi niêm phong)",
                        **where,
                    )
                )
            return
        self.report.sealed += 1
        self.check_seal_link(seal)
        link = seal_hash(prev_hash=seal[4], event_id=event_id, event_hash=digest)
        if link != seal[5]:
            self.problems.add(
                Problem(
                    "seal_mismatch",
                    "băm của sự kiện khác với băm đã niêm phong vào chuỗi toàn cục",
                    **where,
                )
            )
        self.check_seal_time(at, seal, where)
        self.tree_add(digest)
        self.chain_prev = seal[5]
        if event_id in self.heads_wanted:
            self.heads_found[event_id] = seal[5]
        self.seal = next(self.seals)

    def check_seal_time(self, at, seal, where) -> None:
        if at > seal[6] + GRACE:
            self.problems.add(
                Problem("time_after_seal", "thời điểm ghi sau thời điểm niêm phong", **where)
            )
        elif self.prev_batch_at is not None and at < self.prev_batch_at - GRACE:
            self.problems.add(
                Problem(
                    "backdated",
                    "sự kiện ghi lùi ngày: thời điểm trước lần niêm phong trước đó "
                    f"({vn_datetime(self.prev_batch_at.replace(tzinfo=_UTC))}) mà không được "
                    "niêm phong khi ấy",
                    **where,
                )
            )

    def sealed_but_deleted(self, seal_row) -> None:
        """A seal whose event is no longer in the ledger: the chain goes on past it."""
        self.check_seal_link(seal_row)
        self.problems.add(
            Problem(
                "event_deleted",
                "sự kiện đã được niêm phong nhưng không còn trong sổ (bị xoá)",
                seal_row[1],
                seal_row[2],
                seal_row[3],
                event_id=seal_row[0],
            )
        )
        self.chain_prev = seal_row[5]
        if seal_row[0] in self.heads_wanted:
            self.heads_found[seal_row[0]] = seal_row[5]

    def check_seal_link(self, seal_row) -> None:
        event_id, subject_type, subject_id, seq, prev_hash, _link, sealed_at = seal_row
        if prev_hash != self.chain_prev:
            self.problems.add(
                Problem(
                    "chain_broken",
                    "mắt xích chuỗi toàn cục không nối tiếp mắt xích trước "
                    "(có sự kiện bị xoá, chèn hoặc niêm phong bị sửa)",
                    subject_type,
                    subject_id,
                    seq,
                    event_id=event_id,
                )
            )
        if self.batch_at is None or sealed_at != self.batch_at:
            self.prev_batch_at, self.batch_at = self.batch_at, sealed_at

    # 5. the global tree (a sealed event is its next leaf)
    def tree_add(self, digest: str) -> None:
        self.tree.add(digest)
        self.block.append(merkle.leaf_hash(digest))
        if len(self.block) == BLOCK:
            index = self.tree.count // BLOCK - 1
            stored = self.tiles.get(index)
            if stored is not None and stored != merkle.mth(self.block).hex():
                self.problems.add(
                    Problem(
                        "tile_mismatch",
                        f"khối {index} của cây toàn cục không khớp các sự kiện đã niêm phong",
                    )
                )
            self.block = []
        if self.tree.count in self.sizes_wanted:
            self.roots_at[self.tree.count] = self.tree.root()

    def check_checkpoints(self) -> None:
        try:
            vkey = checkpoints.server_verifier_key()
        except Exception:  # no key file readable: only the roots can be checked
            vkey = None
        for cp in self.checkpoints:
            where = {"event_id": cp.last_event_id or None}
            label = f"điểm kiểm tra {cp.name or cp.pk} ({cp.tree_size} lá)"
            if vkey is not None:
                try:
                    parsed = checkpoints.open_note(cp.note, vkey)
                    if parsed.tree_size != cp.tree_size or parsed.root_hash.hex() != cp.root_hash:
                        raise checkpoints.CheckpointError("nội dung đã ký khác bản ghi")
                except checkpoints.CheckpointError as error:
                    self.problems.add(Problem("checkpoint_signature", f"{label}: {error}", **where))
            recomputed = self.roots_at.get(cp.tree_size)
            if recomputed is None:
                self.problems.add(
                    Problem(
                        "checkpoint_ahead",
                        f"{label}: sổ cái chỉ còn {self.tree.count} sự kiện đã niêm phong "
                        "(sự kiện bị xoá)",
                        **where,
                    )
                )
            elif recomputed != cp.root_hash:
                self.problems.add(
                    Problem(
                        "checkpoint_mismatch",
                        f"{label}: gốc cây tính lại từ các sự kiện khác gốc đã ký",
                        **where,
                    )
                )

    # 6. subjects that must have a history (registered by their apps)
    def check_required_subjects(self) -> None:
        for req in subjects.required():
            seen = {sid for (stype, sid) in self.subjects if stype == req.subject_type}
            ids = req.model._default_manager.values_list(req.id_field, flat=True)
            for subject_id in ids.iterator(chunk_size=_CHUNK):
                if str(subject_id) not in seen:
                    self.problems.add(
                        Problem(
                            "history_missing",
                            "đối tượng còn trong dữ liệu nhưng không còn sự kiện nào trong sổ "
                            "(toàn bộ lịch sử bị xoá)",
                            req.subject_type,
                            str(subject_id),
                        )
                    )

    # 4. the daily roots
    def check_day_root(self, event_id, at, digest, where) -> None:
        if self.first_root_day is None:
            return
        day = (at + _VN_SHIFT).date()
        root = self.roots.get(day)
        if root is not None:
            self.accumulators[day].add(digest)
            if event_id > root.chain_head_event_id:
                self.late_in_root.add(day)
                self.problems.add(
                    Problem(
                        "after_root",
                        f"sự kiện thuộc ngày {day:%d/%m/%Y} nhưng được ghi sau khi gốc ngày "
                        "đã công bố (chèn hoặc ghi lùi ngày)",
                        **where,
                    )
                )
        elif day <= self.last_root_day:
            self.problems.add(Problem("root_missing", f"không có gốc ngày {day:%d/%m/%Y}", **where))


def _check_roots(roots, accumulators, heads_found, late_in_root, problems: _Collector) -> None:
    prev_hash, prev_day = "", None
    for day, root in roots.items():
        order = {"day": day, "event_id": root.chain_head_event_id or None}
        fields = {
            "day": day.isoformat(),
            "event_count": root.event_count,
            "merkle_root": root.merkle_root,
            "chain_head_event_id": root.chain_head_event_id,
            "chain_head": root.chain_head,
            "prev_hash": root.prev_hash,
        }
        if root_hash(**fields) != root.hash:
            problems.add(Problem("root_changed", "bản ghi gốc ngày đã bị sửa", **order))
        if prev_day is not None and day != prev_day + dt.timedelta(days=1):
            problems.add(
                Problem("root_gap", f"thiếu gốc ngày sau ngày {prev_day:%d/%m/%Y}", **order)
            )
        if root.prev_hash != prev_hash:
            problems.add(
                Problem("root_chain_broken", "gốc ngày không nối với gốc ngày trước", **order)
            )
        acc = accumulators[day]
        if day not in late_in_root and (
            acc.count != root.event_count or acc.root() != root.merkle_root
        ):
            problems.add(
                Problem(
                    "root_mismatch",
                    f"các sự kiện của ngày ({acc.count}) không khớp gốc đã công bố "
                    f"({root.event_count} sự kiện)",
                    **order,
                )
            )
        if (
            root.chain_head_event_id
            and heads_found.get(root.chain_head_event_id) != root.chain_head
        ):
            problems.add(
                Problem(
                    "chain_head_changed",
                    "mắt xích cuối chuỗi ghi trong gốc ngày không còn khớp chuỗi toàn cục",
                    **order,
                )
            )
        prev_hash, prev_day = root.hash, day


def _check_published(roots: dict, published: list[dict], problems: _Collector) -> None:
    for saved in published:
        day = dt.date.fromisoformat(str(saved["day"]))
        root = roots.get(day)
        if root is None:
            problems.add(
                Problem("published_root_missing", "gốc ngày đã công bố không còn", day=day)
            )
        elif root.hash != saved.get("hash") or root.merkle_root != saved.get("merkle_root"):
            problems.add(
                Problem(
                    "published_root_differs",
                    "gốc ngày khác với bản đã công bố (sổ cái đã bị viết lại)",
                    day=day,
                    event_id=root.chain_head_event_id or None,
                )
            )
