"""Recompute the whole ledger from its rows and name the first broken link.

One pass over the events in id order, merged with the global chain's seals, checks:
each event's hash against its content; the per-subject chain (seq 1, 2, 3 … and
``prev_hash``); the global chain (every event up to the sealed head has its link, links
follow each other, a link's event still exists and still has the sealed hash; no event
dated before the sealing run that preceded it); then every published daily root (Merkle
root and count of its day, its own hash, the chain to the previous day, the chain head it
recorded). Works on raw rows, so tampering with the triggers dropped is caught too.
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
from motcua.ledger import merkle
from motcua.ledger.hashing import event_hash_of, root_hash, seal_hash
from motcua.ledger.models import DailyRoot, Event, Seal
from motcua.ledger.services import GRACE

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
    report = Report()
    problems = _Collector(max_problems)
    roots = {r.day: r for r in DailyRoot.objects.order_by("day")}
    first_root_day = min(roots) if roots else None
    last_root_day = max(roots) if roots else None
    heads_wanted = {r.chain_head_event_id for r in roots.values()}
    heads_found: dict[int, str] = {}
    accumulators = {day: merkle.Accumulator() for day in roots}
    late_in_root: set[dt.date] = set()

    upto = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sealed_head = Seal.objects.order_by("-event_id").values_list("event_id", flat=True).first() or 0
    subjects: dict[tuple[str, str], tuple[int, str]] = {}
    seals = _seals(max(upto, sealed_head))
    seal = next(seals)
    chain_prev = ""
    batch_at: dt.datetime | None = None  # sealing time of the current run
    prev_batch_at: dt.datetime | None = None  # sealing time of the run before it

    def sealed_but_deleted(seal_row) -> None:
        """A seal whose event is no longer in the ledger: the chain goes on past it."""
        nonlocal chain_prev
        check_seal_link(seal_row)
        problems.add(
            Problem(
                "event_deleted",
                "sự kiện đã được niêm phong nhưng không còn trong sổ (bị xoá)",
                seal_row[1],
                seal_row[2],
                seal_row[3],
                event_id=seal_row[0],
            )
        )
        chain_prev = seal_row[5]
        if seal_row[0] in heads_wanted:
            heads_found[seal_row[0]] = seal_row[5]

    def check_seal_link(seal_row) -> None:
        nonlocal chain_prev, batch_at, prev_batch_at
        event_id, subject_type, subject_id, seq, prev_hash, _link, sealed_at = seal_row
        if prev_hash != chain_prev:
            problems.add(
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
        if batch_at is None or sealed_at != batch_at:
            prev_batch_at, batch_at = batch_at, sealed_at

    for row in _rows(_EVENT_SQL, [upto]):
        (event_id, subject_type, subject_id, seq, action, actor_id, actor_label, unit_id, raw_at,
         payload, prev_hash, digest) = row  # fmt: skip
        report.events += 1
        at = _naive_utc(raw_at)
        if isinstance(payload, str):
            payload = json.loads(payload)
        # 1. the event's own hash
        expected = event_hash_of(
            subject_type,
            subject_id,
            seq,
            action,
            actor_id,
            actor_label,
            unit_id,
            at.isoformat(timespec="microseconds") + "Z",
            payload,
            prev_hash,
        )
        where = {
            "subject_type": subject_type,
            "subject_id": subject_id,
            "seq": seq,
            "at": at.replace(tzinfo=_UTC),
            "event_id": event_id,
        }
        if expected != digest:
            problems.add(
                Problem(
                    "content_changed",
                    "nội dung, thời điểm hoặc người thực hiện đã bị sửa (băm không khớp)",
                    **where,
                )
            )
        # 2. the subject's chain
        key = (subject_type, subject_id)
        last_seq, last_hash = subjects.get(key, (0, ""))
        if seq != last_seq + 1:
            if seq <= last_seq:
                message = f"thứ tự {seq} đứng sau thứ tự {last_seq} (bị chèn hoặc đảo thứ tự)"
            else:
                missing = ", ".join(str(s) for s in range(last_seq + 1, min(seq, last_seq + 6)))
                message = f"thiếu sự kiện thứ tự {missing} (bị xoá)"
            problems.add(Problem("sequence_gap", message, **where))
        elif prev_hash != last_hash:
            problems.add(
                Problem(
                    "subject_chain_broken",
                    "băm trước không khớp sự kiện trước của cùng đối tượng",
                    **where,
                )
            )
        subjects[key] = (max(seq, last_seq), digest)
        # 3. the global chain: seals of events that no longer exist come first
        while seal is not None and seal[0] < event_id:
            sealed_but_deleted(seal)
            seal = next(seals)
        if seal is not None and seal[0] == event_id:
            report.sealed += 1
            check_seal_link(seal)
            link = seal_hash(prev_hash=seal[4], event_id=event_id, event_hash=digest)
            if link != seal[5]:
                problems.add(
                    Problem(
                        "seal_mismatch",
                        "băm của sự kiện khác với băm đã niêm phong vào chuỗi toàn cục",
                        **where,
                    )
                )
            if at > seal[6] + GRACE:
                problems.add(
                    Problem("time_after_seal", "thời điểm ghi sau thời điểm niêm phong", **where)
                )
            elif prev_batch_at is not None and at < prev_batch_at - GRACE:
                problems.add(
                    Problem(
                        "backdated",
                        "sự kiện ghi lùi ngày: thời điểm trước lần niêm phong trước đó "
                        f"({vn_datetime(prev_batch_at.replace(tzinfo=_UTC))}) mà không được "
                        "niêm phong khi ấy",
                        **where,
                    )
                )
            chain_prev = seal[5]
            if event_id in heads_wanted:
                heads_found[event_id] = seal[5]
            seal = next(seals)
        else:
            report.pending += 1
            if event_id < sealed_head:
                problems.add(
                    Problem(
                        "not_sealed",
                        "sự kiện nằm giữa các sự kiện đã niêm phong nhưng không có mắt xích "
                        "(bị chèn sau khi niêm phong)",
                        **where,
                    )
                )
        # 4. the daily roots
        if first_root_day is not None:
            day = (at + _VN_SHIFT).date()
            root = roots.get(day)
            if root is not None:
                accumulators[day].add(digest)
                if event_id > root.chain_head_event_id:
                    late_in_root.add(day)
                    problems.add(
                        Problem(
                            "after_root",
                            f"sự kiện thuộc ngày {day:%d/%m/%Y} nhưng được ghi sau khi gốc ngày "
                            "đã công bố (chèn hoặc ghi lùi ngày)",
                            **where,
                        )
                    )
            elif day <= last_root_day:
                problems.add(Problem("root_missing", f"không có gốc ngày {day:%d/%m/%Y}", **where))

    # seals left after the last event: deleted tail
    while seal is not None:
        sealed_but_deleted(seal)
        seal = next(seals)

    _check_roots(roots, accumulators, heads_found, late_in_root, problems)
    _check_published(roots, published, problems)
    report.roots = len(roots)
    report.problems = sorted(problems.items, key=Problem.order)[:max_problems]
    report.problem_count = problems.count
    report.seconds = time.perf_counter() - started
    return report


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
