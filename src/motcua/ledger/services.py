"""The only writer of history rows."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.formats import VN_TZ
from motcua.ledger import actions, merkle
from motcua.ledger.hashing import event_hash, root_hash, seal_hash
from motcua.ledger.models import DailyRoot, Event, Seal, VerifyRun

logger = logging.getLogger(__name__)


def _actor_label(actor) -> str:
    if actor is None:
        return "Hệ thống"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


def _json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals and UUIDs as text, so that the stored payload hashes the same later."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def event_record(
    *,
    subject_type: str,
    subject_id: str | int,
    action: str,
    actor=None,
    unit=None,
    payload: dict[str, Any] | None = None,
    at=None,
) -> Event:
    """Append one event to the subject's history, chained to the previous one.

    Must run inside the caller's transaction (the state change and its event commit
    together). ``at`` is for the service's own clock reading; never a client's time.
    """
    if action not in actions.ACTIONS:
        raise ValueError(f"unregistered event action {action!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the service's transaction")
    subject_id = str(subject_id)
    last = (
        Event.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    at = at or timezone.now()
    payload = _json_safe(payload or {})
    fields = {
        "subject_type": subject_type,
        "subject_id": subject_id,
        "seq": seq,
        "action": action,
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": _actor_label(actor),
        "unit_id": unit.pk if unit is not None else None,
        "at": at,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    digest = event_hash(**fields)
    return Event.objects.create(**fields, hash=digest)


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
                return total
            links = []
            for event_id, subject_type, subject_id, seq, digest in rows:
                link = seal_hash(prev_hash=prev, event_id=event_id, event_hash=digest)
                links.append((event_id, subject_type, subject_id, seq, prev, link, sealed_at))
                prev = link
            _insert_seals(cursor, links)
            head_id = rows[-1][0]
            total += len(rows)


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
