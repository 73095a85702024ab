"""The only writer of history rows."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from motcua.core.formats import VN_TZ
from motcua.ledger import actions, checkpoints, merkle, partitions, tree
from motcua.ledger.hashing import (
    canonical_time,
    event_hash,
    event_hash_text,
    payload_text,
    root_hash,
    seal_hash,
)
from motcua.ledger.models import Checkpoint, DailyRoot, Event, Seal, VerifyRun

logger = logging.getLogger(__name__)

#: Functions called with the events just recorded, inside the recording transaction (an
#: upper layer, e.g. interop's outbox, adds rows that must commit or roll back with them).
#: Filled from the upper app's ``AppConfig.ready``; the ledger never names them.
_LISTENERS: list[Callable[[list], None]] = []


def on_event(listener: Callable[[list], None]) -> Callable[[list], None]:
    """Call ``listener(events)`` in the same transaction as every recorded event (``Event``
    rows, or a batch's ``PendingEvent``s: the same attributes, without an id)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def _notify(events: list) -> None:
    for listener in _LISTENERS:
        listener(events)


def _actor_label(actor) -> str:
    if actor is None:
        return "Hệ thống"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


def _json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals and UUIDs as text, so that the stored payload hashes the same later.

    A payload of plain JSON values only (most) is copied directly, a few times faster than
    the JSON round trip, which gives the same result for them."""
    copied = _plain(payload)
    if copied is not _NOT_PLAIN:
        return copied
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


_NOT_PLAIN: Any = object()
_PLAIN = (str, int, float, bool, type(None))
_PLAIN_SET = frozenset(_PLAIN)


def _plain(value: Any) -> Any:
    """A copy of ``value`` if it holds only JSON's own types, else ``_NOT_PLAIN``. A float's
    JSON round trip is itself; a text enum (``TextChoices``) becomes its text, a Decimal
    and a date (not a datetime) the text DjangoJSONEncoder gives them, as in the round trip."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, str):
        return str.__str__(value)  # the text itself (json writes a str subclass's content)
    if kind is Decimal:
        return str(value)
    if kind is dt.date:
        return value.isoformat()
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                return _NOT_PLAIN
            if type(item) in _PLAIN_SET:  # most values: kept as they are, without a call
                out[key] = item
                continue
            copied = _plain(item)
            if copied is _NOT_PLAIN:
                return _NOT_PLAIN
            out[key] = copied
        return out
    if kind is list or kind is tuple:
        items = []
        for item in value:
            if type(item) in _PLAIN_SET:
                items.append(item)
                continue
            copied = _plain(item)
            if copied is _NOT_PLAIN:
                return _NOT_PLAIN
            items.append(copied)
        return items
    return _NOT_PLAIN


def event_record(
    *,
    subject_type: str,
    subject_id: str | int,
    action: str,
    actor=None,
    unit=None,
    payload: dict[str, Any] | None = None,
    at=None,
) -> Event | PendingEvent:
    """Append one event to the subject's history, chained to the previous one.

    Must run inside the caller's transaction (the state change and its event commit
    together). ``at`` is for the service's own clock reading; never a client's time.
    Inside ``event_batch()`` the event is hashed and chained now and inserted with the
    batch's other events when the batch ends, still inside the same transaction.
    """
    if action not in actions.ACTIONS:
        raise ValueError(f"unregistered event action {action!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the service's transaction")
    subject_id = str(subject_id)
    buffer = _BUFFER.get()
    if buffer is not None:
        return buffer.append(subject_type, subject_id, action, actor, unit, payload, at)
    seq, prev_hash = _head(subject_type, subject_id)
    event = _event(subject_type, subject_id, seq + 1, prev_hash, action, actor, unit, payload, at)
    event.save(force_insert=True)
    _notify([event])
    return event


def _head(subject_type: str, subject_id: str) -> tuple[int, str]:
    """(seq, hash) of the subject's last stored event; (0, "") before its first.

    PostgreSQL: from the subject's head row, kept by the insert trigger (one row, where the
    events would be looked for in every monthly partition)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        return partitions.heads(connection, subject_type, [subject_id]).get(subject_id, (0, ""))
    last = (
        Event.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    return (last[0], last[1]) if last else (0, "")


def _event(subject_type, subject_id, seq, prev_hash, action, actor, unit, payload, at) -> Event:
    fields = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "seq": seq,
        "action": action,
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": _actor_label(actor),
        "unit_id": unit.pk if unit is not None else None,
        "at": at or timezone.now(),
        "payload": _json_safe(payload or {}),
        "prev_hash": prev_hash,
    }
    return Event(**fields, hash=event_hash(**fields))


class PendingEvent:
    """An event of a batch, hashed and chained, not yet inserted: the ``Event`` row's fields
    as plain attributes (listeners read them like an ``Event``'s) and its payload's JSON
    text, encoded once for the hash and the insert."""

    __slots__ = (
        "subject_type", "subject_id", "seq", "action", "actor_id", "actor_label", "unit_id",
        "at", "payload", "payload_text", "prev_hash", "hash",
    )  # fmt: skip

    def __init__(self, subject_type, subject_id, seq, action, actor, unit, payload, at, prev):
        self.subject_type, self.subject_id, self.seq, self.action = (
            subject_type, subject_id, seq, action,
        )  # fmt: skip
        self.actor_id = actor.pk if actor is not None else None
        self.actor_label = _actor_label(actor)
        self.unit_id = unit.pk if unit is not None else None
        self.at = at or timezone.now()
        self.payload = _json_safe(payload or {})
        self.payload_text = payload_text(self.payload)
        self.prev_hash = prev
        self.hash = event_hash_text(
            subject_type, subject_id, seq, action, self.actor_id, self.actor_label,
            self.unit_id, canonical_time(self.at), self.payload_text, prev,
        )  # fmt: skip

    def as_model(self) -> Event:
        return Event(**{name: getattr(self, name) for name in self.__slots__[:-3]},
                     prev_hash=self.prev_hash, hash=self.hash)  # fmt: skip

    def copy_row(self) -> tuple:
        return (
            self.subject_type, self.subject_id, self.seq, self.action, self.actor_id,
            self.actor_label, self.unit_id, self.at, self.payload_text, self.prev_hash,
            self.hash,
        )  # fmt: skip


class EventBuffer:
    """The events of one batch: chained as they are recorded, inserted together."""

    def __init__(self) -> None:
        self.heads: dict[tuple[str, str], tuple[int, str]] = {}
        self.pending: list[PendingEvent | Event] = []
        self.started = time.monotonic()
        self.last: list[Callable[[], None]] = []

    def before_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` at the very end of the batch, after its events are inserted,
        in the same transaction (in the order given; events it records are inserted after
        it). For the work that must take a lock shared with other writers: it is then held
        only from there to the commit, not while the batch's rows are inserted."""
        self.last.append(callback)

    def new_subject(self, subject_type: str, subject_id: str | int) -> None:
        """The subject was created in this transaction: it has no stored event to read."""
        self.heads.setdefault((subject_type, str(subject_id)), (0, ""))

    def preload(self, subject_type: str, subject_ids) -> None:
        """Read the heads of many subjects in two queries instead of one per first event."""
        ids = [str(i) for i in subject_ids if (subject_type, str(i)) not in self.heads]
        connection = transaction.get_connection()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            if connection.vendor == "postgresql":
                found = partitions.heads(connection, subject_type, chunk)
                for subject_id in chunk:
                    self.heads[(subject_type, subject_id)] = found.get(subject_id, (0, ""))
                continue
            last = dict(
                Event.objects.filter(subject_type=subject_type, subject_id__in=chunk)
                .values_list("subject_id")
                .annotate(seq=Max("seq"))
            )
            hashes = {
                (subject_id, seq): digest
                for subject_id, seq, digest in Event.objects.filter(
                    subject_type=subject_type, subject_id__in=list(last), seq__in=set(last.values())
                ).values_list("subject_id", "seq", "hash")
            }
            for subject_id in chunk:
                seq = last.get(subject_id, 0)
                self.heads[(subject_type, subject_id)] = (seq, hashes.get((subject_id, seq), ""))

    def append(self, subject_type, subject_id, action, actor, unit, payload, at) -> PendingEvent:
        key = (subject_type, subject_id)
        head = self.heads.get(key)
        seq, prev_hash = head if head is not None else _head(subject_type, subject_id)
        event = PendingEvent(
            subject_type, subject_id, seq + 1, action, actor, unit, payload, at, prev_hash
        )
        self.heads[key] = (event.seq, event.hash)
        self.pending.append(event)
        return event

    def flush(self) -> int:
        """Insert the pending events (PostgreSQL: COPY; ids are then not read back).

        A batch must commit within ``GRACE`` of its first event, like any service: a daily
        root is built that long after its day ends and must find every event of the day.
        """
        if time.monotonic() - self.started > GRACE.total_seconds():
            raise RuntimeError(
                "event batch ran longer than the ledger's grace period; use smaller batches"
            )
        count, connection = len(self.pending), transaction.get_connection()
        _notify(self.pending)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(_EVENT_COPY) as copy:
                for e in self.pending:
                    copy.write_row(e.copy_row() if isinstance(e, PendingEvent) else _row_of(e))
        else:
            models = [e.as_model() if isinstance(e, PendingEvent) else e for e in self.pending]
            Event.objects.bulk_create(models, batch_size=2000)
        self.pending = []
        return count


def _row_of(e: Event) -> tuple:
    from psycopg.types.json import Jsonb

    return (
        e.subject_type, e.subject_id, e.seq, e.action, e.actor_id, e.actor_label, e.unit_id,
        e.at, Jsonb(e.payload), e.prev_hash, e.hash,
    )  # fmt: skip


_EVENT_COPY = (
    "COPY ledger_event (subject_type, subject_id, seq, action, actor_id, actor_label, "
    "unit_id, at, payload, prev_hash, hash) FROM STDIN"
)


_BUFFER: ContextVar[EventBuffer | None] = ContextVar("ledger_event_buffer", default=None)


def current_batch() -> EventBuffer | None:
    """The ``event_batch()`` events are being recorded in, if any (batches cannot nest)."""
    return _BUFFER.get()


@contextmanager
def event_batch() -> Iterator[EventBuffer]:
    """Record events in memory and insert them together at the end (bulk work: imports,
    the demo, the benchmark). Runs in one transaction; nothing is written if it fails.

    The unique (subject, seq) constraint still guards the chain: a concurrent writer to a
    subject of the batch makes the insert fail and the whole batch roll back.
    """
    if _BUFFER.get() is not None:
        raise RuntimeError("event_batch cannot be nested")
    buffer = EventBuffer()
    token = _BUFFER.set(buffer)
    try:
        with transaction.atomic():
            yield buffer
            buffer.flush()
            while buffer.last:
                buffer.last.pop(0)()
                if buffer.pending:
                    buffer.flush()
    finally:
        _BUFFER.reset(token)


# --- sealing and daily roots -------------------------------------------------------------

#: Longest expected time between a service reading the clock and its transaction committing.
#: Roots of a day are built only this long after the day ends; verify tolerates this skew.
GRACE = dt.timedelta(minutes=10)

_SEAL_BATCH = 5000


def local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(VN_TZ).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=VN_TZ)
    return start, start + dt.timedelta(days=1)


def _lock_out_writers() -> None:
    """Wait for every transaction that has written an event, and hold new ones back.

    PostgreSQL: SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE lock that INSERT
    takes (and with itself: one sealer at a time). SQLite: the project opens transactions
    IMMEDIATE, so the sealer's transaction already holds the database's only write lock.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            cursor.execute("LOCK TABLE ledger_event IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def ledger_seal(*, now: dt.datetime | None = None) -> int:
    """Extend the global chain over every event not yet sealed, in id order.

    Returns the number of events sealed. Idempotent; safe to run at any time.
    """
    _lock_out_writers()
    connection = transaction.get_connection()
    sealed_at = connection.ops.adapt_datetimefield_value(now or timezone.now())
    head = Seal.objects.order_by("-event_id").values_list("event_id", "hash").first()
    head_id, prev = head if head else (0, "")
    total = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, subject_type, subject_id, seq, hash FROM ledger_event "
                "WHERE id > %s ORDER BY id LIMIT %s",
                [head_id, _SEAL_BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            links = []
            for event_id, subject_type, subject_id, seq, digest in rows:
                link = seal_hash(prev_hash=prev, event_id=event_id, event_hash=digest)
                links.append((event_id, subject_type, subject_id, seq, prev, link, sealed_at))
                prev = link
            _insert_seals(cursor, links)
            head_id = rows[-1][0]
            total += len(rows)
    checkpoint_publish(now=now)
    return total


def checkpoint_publish(*, now: dt.datetime | None = None, name: str = "") -> Checkpoint | None:
    """Sign a checkpoint of the global tree as sealed now, unless the last one already says
    the same (a ``name``d checkpoint is always stored). Refuses, with an error logged, to sign
    a tree that is not a consistent extension of the last checkpoint (tampered history).
    Runs inside the sealing transaction."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            size = tree.tiles_extend()
            stored = tree.StoredTree()
            root = stored.root(size)
            last = tree.latest_checkpoint()
            if last is not None:
                last_root = merkle.from_hex(last.root_hash)
                proof = merkle.consistency_path(stored, last.tree_size, size)
                if not merkle.verify_consistency(last.tree_size, size, last_root, root, proof):
                    raise ValueError(
                        f"cây {size} lá không mở rộng nhất quán điểm kiểm tra {last.tree_size} lá"
                    )
                if last.tree_size == size and not name:
                    return None
            if size == 0 and not name:
                return None
            head = Seal.objects.order_by("-event_id").values_list("event_id", flat=True).first()
            return Checkpoint.objects.create(
                tree_size=size,
                root_hash=root.hex(),
                last_event_id=head or 0,
                name=name,
                note=checkpoints.sign(size, root),
                created_at=now,
            )
    except ValueError as error:
        logger.error("ledger checkpoint not signed: %s", error)
        return None


_SEAL_INSERT = (
    "INSERT INTO ledger_seal (event_id, subject_type, subject_id, seq, prev_hash, hash, "
    "sealed_at) VALUES "
)  # followed by placeholders only, never data
_ROWS_PER_INSERT = 140  # 7 parameters a row: under SQLite's oldest limit of 999


def _insert_seals(cursor, links: list[tuple]) -> None:
    """PostgreSQL: COPY. SQLite: multi-row INSERTs of 140 links."""
    if cursor.db.vendor == "postgresql":
        columns = "event_id, subject_type, subject_id, seq, prev_hash, hash, sealed_at"
        with cursor.cursor.copy(f"COPY ledger_seal ({columns}) FROM STDIN") as copy:
            for link in links:
                copy.write_row(link)
        return
    for i in range(0, len(links), _ROWS_PER_INSERT):
        part = links[i : i + _ROWS_PER_INSERT]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(part))
        cursor.execute(_SEAL_INSERT + values, [value for link in part for value in link])


def day_event_hashes(day: dt.date) -> QuerySet:
    start, end = day_bounds(day)
    return (
        Event.objects.filter(at__gte=start, at__lt=end)
        .order_by("id")
        .values_list("hash", flat=True)
    )


@transaction.atomic
def daily_roots_build(*, now: dt.datetime | None = None) -> list[DailyRoot]:
    """Seal, then store the root of every day that ended at least ``GRACE`` ago.

    A root is immutable once stored. Days without events get a root too (zero events), so
    that nothing can later be slipped into a quiet day.
    """
    now = now or timezone.now()
    ledger_seal(now=now)
    last_day = local_day(now - GRACE) - dt.timedelta(days=1)
    last_root = DailyRoot.objects.order_by("-day").first()
    if last_root is not None:
        day, prev = last_root.day + dt.timedelta(days=1), last_root.hash
    else:
        first_at = Event.objects.order_by("at").values_list("at", flat=True).first()
        if first_at is None:
            return []
        day, prev = local_day(first_at), ""
    head = Seal.objects.order_by("-event_id").values_list("event_id", "hash").first()
    head_id, head_hash = head if head else (0, "")
    built: list[DailyRoot] = []
    while day <= last_day:
        acc = merkle.Accumulator()
        for digest in day_event_hashes(day).iterator(chunk_size=5000):
            acc.add(digest)
        fields = {
            "day": day.isoformat(),
            "event_count": acc.count,
            "merkle_root": acc.root(),
            "chain_head_event_id": head_id,
            "chain_head": head_hash,
            "prev_hash": prev,
        }
        digest = root_hash(**fields)
        built.append(DailyRoot(**{**fields, "day": day}, hash=digest, created_at=now))
        prev = digest
        day += dt.timedelta(days=1)
    DailyRoot.objects.bulk_create(built, batch_size=500)
    for root in built:  # each day's root is also kept as a named checkpoint of the global tree
        checkpoint_publish(now=now, name=f"day:{root.day.isoformat()}")
    return built


def verify_run_record(*, max_problems: int = 20, published: list[dict] | None = None):
    """Verify everything and keep the result (shown on the public roots page)."""
    from motcua.ledger.verify import verify

    started = timezone.now()
    report = verify(max_problems=max_problems, published=published)
    VerifyRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        ok=report.ok,
        events=report.events,
        roots=report.roots,
        problem_count=report.problem_count,
        first_problem=report.first.describe() if report.first else "",
    )
    if not report.ok:
        logger.error("ledger verify: %s problems, first: %s", report.problem_count, report.first)
    return report
