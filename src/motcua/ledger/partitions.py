"""The event table partitioned by month (PostgreSQL only; SQLite keeps one table).

``ledger_event`` is a RANGE-partitioned table on ``at`` (server time). A month is a month of
Asia/Ho_Chi_Minh, the time zone every report and daily root uses, so a monthly report reads
one partition. Layout:

- ``ledger_event_yYYYYmMM``: one partition a month, created ahead of time by
  ``partitions_ensure`` (the daily job ``ledger_partitions_task`` and ``motcua ledger
  partitions``);
- ``ledger_event_default``: every row no monthly partition covers (a month not created yet,
  a back-dated import). Nothing is ever moved out of it: rows cannot be moved without a
  DELETE, which the ledger refuses. A month that already has rows in the default partition
  is therefore not created (PostgreSQL would refuse it anyway); it is reported, and its rows
  stay correct and readable where they are.

PostgreSQL requires the partition key in every unique key: the primary key is ``(id, at)``
(the model keeps ``id`` as its key; ids come from one identity sequence, so they stay
unique), and the rule "one event per (subject, seq)" — a unique index before — is kept by
the insert trigger ``ledger_event_subject_seq_guard`` on a small table of subject heads
(``ledger_eventhead``): concurrent writers of the same seq queue on the subject's head row,
the second one fails with ``unique_violation`` (Django's IntegrityError) as before. Since
migration 0006 it is a statement trigger on the parent table, run once per INSERT or COPY
over the statement's rows (``_HEADS_FUNCTION``); the application always writes through the
parent (a row inserted by hand straight into a partition skips it; ``verify`` still checks
every chain). The head
row also keeps the hash of the subject's last event: ``services._head`` reads it there (one
row) instead of asking every partition's index for the subject's last event.

Append-only: the row trigger refusing UPDATE and DELETE is defined on the partitioned table,
so PostgreSQL puts it on every partition, including those created later; TRUNCATE (a
statement, which row triggers do not see) is refused by a statement trigger that
``triggers.install`` puts on the parent and on every partition, and that
``partitions_ensure`` puts on each partition it creates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils import timezone

from motcua.core.formats import VN_TZ
from motcua.core.periods import month_of, months_between, next_month

PARENT = "ledger_event"
DEFAULT = "ledger_event_default"
HEAD = "ledger_eventhead"
#: months created ahead of the current one by the daily job
AHEAD = 3


def name_of(month: dt.date) -> str:
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The [start, end) of a month, Asia/Ho_Chi_Minh."""
    start = dt.datetime.combine(month, dt.time.min, tzinfo=VN_TZ)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=VN_TZ)


def _create_sql(month: dt.date, parent: str = PARENT) -> str:
    start, end = bounds(month)  # literals made here from dates, never from input
    return (
        f"CREATE TABLE {name_of(month)} PARTITION OF {parent} "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


# --- the conversion (migration 0005) ---------------------------------------------------------

_GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ledger_event_subject_seq_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- the usual case: the next seq of a subject moves its head forward
    UPDATE {HEAD} SET seq = NEW.seq, hash = NEW.hash
     WHERE subject_type = NEW.subject_type AND subject_id = NEW.subject_id AND seq < NEW.seq;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    -- the subject's first event
    INSERT INTO {HEAD} (subject_type, subject_id, seq, hash)
    VALUES (NEW.subject_type, NEW.subject_id, NEW.seq, NEW.hash) ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    -- a seq at or below the head: a concurrent writer of the same seq (which has committed
    -- by now: we waited for its head row), or a rewritten history. Look at the events.
    PERFORM 1 FROM {HEAD}
     WHERE subject_type = NEW.subject_type AND subject_id = NEW.subject_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM {PARENT} WHERE subject_type = NEW.subject_type
                  AND subject_id = NEW.subject_id AND seq = NEW.seq) THEN
        RAISE EXCEPTION 'duplicate key value violates unique constraint "ledger_event_subject_seq"'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'ledger_event_subject_seq',
                  DETAIL = format('Key (subject_type, subject_id, seq)=(%s, %s, %s) already exists.',
                                  NEW.subject_type, NEW.subject_id, NEW.seq);
    END IF;
    RETURN NEW;
END
$$;
"""

#: The guard as one statement trigger (migration 0006): the same rule and the same error,
#: checked once per INSERT or COPY over its rows (a transition table), instead of a PL/pgSQL
#: call and an UPDATE for every row. Usual cases in two set statements: subjects without a
#: head get one (their first events), subjects whose new events all follow their head move
#: it to the last one; the UPDATE waits for a concurrent writer's head row and re-reads it.
#: Any other subject (a seq at or below its head, one seq twice in the statement) has its
#: events looked at: a (subject, seq) stored twice is refused.
_HEADS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ledger_event_heads_advance() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    subjects bigint;
    repeated boolean;
    inserted bigint;
    advanced bigint := 0;
    dup record;
BEGIN
    SELECT count(*), coalesce(bool_or(n <> distinct_n), false) INTO subjects, repeated
      FROM (SELECT count(*) AS n, count(DISTINCT seq) AS distinct_n FROM new_events
             GROUP BY subject_type, subject_id) s;
    INSERT INTO {HEAD} (subject_type, subject_id, seq, hash)
    SELECT DISTINCT ON (subject_type, subject_id) subject_type, subject_id, seq, hash
      FROM new_events ORDER BY subject_type, subject_id, seq DESC
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted < subjects THEN
        UPDATE {HEAD} h SET seq = s.seq, hash = s.hash
          FROM (SELECT DISTINCT ON (subject_type, subject_id) subject_type, subject_id, seq,
                       hash, min(seq) OVER (PARTITION BY subject_type, subject_id) AS lo
                  FROM new_events ORDER BY subject_type, subject_id, seq DESC) s
         WHERE h.subject_type = s.subject_type AND h.subject_id = s.subject_id AND h.seq < s.lo;
        GET DIAGNOSTICS advanced = ROW_COUNT;
    END IF;
    IF inserted + advanced = subjects AND NOT repeated THEN
        RETURN NULL;
    END IF;
    -- a seq at or below its subject's head (a concurrent writer of the same seq, which has
    -- committed by now: we waited for its head row), or one seq twice: look at the events
    SELECT e.subject_type, e.subject_id, e.seq INTO dup
      FROM {PARENT} e
      JOIN (SELECT DISTINCT subject_type, subject_id, seq FROM new_events) n
        ON e.subject_type = n.subject_type AND e.subject_id = n.subject_id AND e.seq = n.seq
     GROUP BY e.subject_type, e.subject_id, e.seq HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'duplicate key value violates unique constraint "ledger_event_subject_seq"'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'ledger_event_subject_seq',
                  DETAIL = format('Key (subject_type, subject_id, seq)=(%s, %s, %s) already exists.',
                                  dup.subject_type, dup.subject_id, dup.seq);
    END IF;
    -- no seq twice (a missing one below the head, written again): heads reach the last event
    UPDATE {HEAD} h SET seq = s.seq, hash = s.hash
      FROM (SELECT DISTINCT ON (subject_type, subject_id) subject_type, subject_id, seq, hash
              FROM new_events ORDER BY subject_type, subject_id, seq DESC) s
     WHERE h.subject_type = s.subject_type AND h.subject_id = s.subject_id AND h.seq < s.seq;
    RETURN NULL;
END
$$;
"""

GUARD_TRIGGER = "ledger_event_subject_seq_guard"


def statement_guard_sql() -> list[str]:
    """The row guard replaced by the statement guard (same trigger name; migration 0006)."""
    return [
        _HEADS_FUNCTION,
        f"DROP TRIGGER IF EXISTS {GUARD_TRIGGER} ON {PARENT}",
        f"CREATE TRIGGER {GUARD_TRIGGER} AFTER INSERT ON {PARENT} "
        "REFERENCING NEW TABLE AS new_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_event_heads_advance()",
    ]


def row_guard_sql() -> list[str]:
    """Back to the row guard of migration 0005."""
    return [
        _GUARD_FUNCTION,
        f"DROP TRIGGER IF EXISTS {GUARD_TRIGGER} ON {PARENT}",
        f"CREATE TRIGGER {GUARD_TRIGGER} BEFORE INSERT ON {PARENT} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_event_subject_seq_guard()",
        "DROP FUNCTION IF EXISTS ledger_event_heads_advance()",
    ]


_HEAD_RESET_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ledger_eventhead_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {HEAD};
    RETURN NULL;
END
$$;
"""


def convert_sql(months: list[dt.date]) -> list[str]:
    """Statements rebuilding ``ledger_event`` as a partitioned table, rows moved, for the
    months given (plus the default partition). Indexes are recreated by the caller."""
    new = f"{PARENT}_partitioned"
    statements = [
        f"""CREATE TABLE {new} (
            id bigint GENERATED BY DEFAULT AS IDENTITY,
            subject_type varchar(40) NOT NULL,
            subject_id varchar(64) NOT NULL,
            seq integer NOT NULL CONSTRAINT ledger_event_seq_check CHECK (seq >= 0),
            action varchar(64) NOT NULL,
            actor_label varchar(200) NOT NULL,
            at timestamp with time zone NOT NULL,
            payload jsonb NOT NULL,
            prev_hash varchar(64) NOT NULL,
            hash varchar(64) NOT NULL,
            actor_id integer NULL,
            unit_id bigint NULL,
            PRIMARY KEY (id, at)
        ) PARTITION BY RANGE (at)""",
        f"CREATE TABLE {DEFAULT} PARTITION OF {new} DEFAULT",
    ]
    statements += [_create_sql(month, parent=new) for month in months]
    columns = (
        "id, subject_type, subject_id, seq, action, actor_label, at, payload, prev_hash, hash, "
        "actor_id, unit_id"
    )
    statements += [
        f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {PARENT}",
        f"""CREATE TABLE {HEAD} (
            subject_type varchar(40) NOT NULL,
            subject_id varchar(64) NOT NULL,
            seq integer NOT NULL,
            hash varchar(64) NOT NULL,
            PRIMARY KEY (subject_type, subject_id)
        )""",
        f"INSERT INTO {HEAD} SELECT DISTINCT ON (subject_type, subject_id) subject_type, "
        f"subject_id, seq, hash FROM {PARENT} ORDER BY subject_type, subject_id, seq DESC",
        f"DROP TABLE {PARENT}",
        f"ALTER TABLE {new} RENAME TO {PARENT}",
        f"ALTER INDEX {new}_pkey RENAME TO {PARENT}_pkey",
        f"ALTER SEQUENCE {new}_id_seq RENAME TO {PARENT}_id_seq",
        f"SELECT setval('{PARENT}_id_seq', coalesce((SELECT max(id) FROM {PARENT}), 0) + 1, false)",
        _GUARD_FUNCTION,
        f"CREATE TRIGGER ledger_event_subject_seq_guard BEFORE INSERT ON {PARENT} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_event_subject_seq_guard()",
        _HEAD_RESET_FUNCTION,
        f"CREATE TRIGGER ledger_eventhead_reset AFTER TRUNCATE ON {PARENT} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_eventhead_reset()",
    ]
    return statements


def heads(connection, subject_type: str, subject_ids: list[str]) -> dict[str, tuple[int, str]]:
    """(seq, hash) of the last event of each subject that has one (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT subject_id, seq, hash FROM {HEAD} "
            "WHERE subject_type = %s AND subject_id = ANY(%s)",
            [subject_type, subject_ids],
        )
        return {subject_id: (seq, digest) for subject_id, seq, digest in cursor.fetchall()}


# --- reading and creating partitions -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Partition:
    name: str
    bound: str  # PostgreSQL's own text: FOR VALUES FROM (…) TO (…), or DEFAULT
    rows: int  # estimate (pg_class.reltuples), -1 before the first ANALYZE


def is_partitioned(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)",
            [PARENT],
        )
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partitions_list(connection) -> list[Partition]:
    """Every partition of the event table, in name order (the default one last)."""
    if not is_partitioned(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname = %s, c.relname",
            [PARENT, DEFAULT],
        )
        return [Partition(name, bound, rows) for name, bound, rows in cursor.fetchall()]


@dataclasses.dataclass
class EnsureResult:
    created: list[str] = dataclasses.field(default_factory=list)
    existing: list[str] = dataclasses.field(default_factory=list)
    #: months left in the default partition: name → rows of that month found there
    blocked: dict[str, int] = dataclasses.field(default_factory=dict)


def partitions_ensure(
    connection, *, ahead: int = AHEAD, since: dt.date | None = None, now=None
) -> EnsureResult:
    """Create the monthly partitions from ``since`` (default: this month) to ``ahead``
    months after this one, each guarded against TRUNCATE. Idempotent. A month whose rows
    already sit in the default partition is not created and is reported in ``blocked``."""
    result = EnsureResult()
    if not is_partitioned(connection):
        return result
    from motcua.ledger import triggers

    this_month = month_of(timezone.localtime(now or timezone.now(), VN_TZ).date())
    last = this_month
    for _ in range(ahead):
        last = next_month(last)
    existing = {p.name for p in partitions_list(connection)}
    for month in months_between(since or this_month, last):
        name = name_of(month)
        if name in existing:
            result.existing.append(name)
            continue
        start, end = bounds(month)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # creating a partition locks the table: never wait long behind the application
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            cursor.execute(
                f"SELECT count(*) FROM {DEFAULT} WHERE at >= %s AND at < %s", [start, end]
            )
            stranded = cursor.fetchone()[0]
            if stranded:
                result.blocked[name] = stranded
                continue
            cursor.execute(_create_sql(month))
            for sql in triggers.truncate_sql(name):
                cursor.execute(sql)
        result.created.append(name)
    _guard_all(connection)
    return result


def _guard_all(connection) -> None:
    """Refuse TRUNCATE on any partition that lacks the trigger (one created by hand)."""
    from motcua.ledger import triggers

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_trigger t "
            "WHERE t.tgrelid = c.oid AND t.tgname = %s)",
            [PARENT, triggers.TRUNCATE_TRIGGER],
        )
        for (name,) in cursor.fetchall():
            for sql in triggers.truncate_sql(name):
                cursor.execute(sql)
