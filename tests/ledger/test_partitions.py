"""PostgreSQL: the event table partitioned by month, append-only on every partition.

Deselected on SQLite (one plain table there); CI's PostgreSQL run runs them."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone

from motcua.core.formats import VN_TZ
from motcua.ledger import partitions, triggers
from motcua.ledger.models import Event
from motcua.ledger.services import daily_roots_build, event_batch, event_record
from motcua.ledger.verify import verify
from tests.ledger.conftest import CHANGED, record

pytestmark = pytest.mark.postgres_only

OLD_MONTH = dt.date(2026, 3, 1)  # before the test database was created: no partition


def _this_month() -> dt.date:
    return partitions.month_of(timezone.now().astimezone(VN_TZ).date())


def _noon(month: dt.date, day: int = 15) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, 12, tzinfo=VN_TZ)


def _partition_of(event: Event) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM ledger_event WHERE id = %s", [event.pk]
        )
        return cursor.fetchone()[0]


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_event_table_is_partitioned_by_month_with_a_default(db):
    names = [p.name for p in partitions.partitions_list(connection)]
    month = _this_month()
    assert partitions.is_partitioned(connection)
    assert names[-1] == partitions.DEFAULT
    assert partitions.name_of(month) in names
    for _ in range(partitions.AHEAD):
        month = partitions.next_month(month)
        assert partitions.name_of(month) in names
    assert triggers.active(connection)


def test_rows_land_in_their_months_partition(db):
    # given a month boundary in Vietnam's time: 1st of next month 00:30 +07 is still the
    # previous month in UTC
    month = _this_month()
    following = partitions.next_month(month)
    edge = dt.datetime(following.year, following.month, 1, 0, 30, tzinfo=VN_TZ)
    # when
    now = record("HS-1", _noon(month, 2))
    later = record("HS-1", edge)
    old = record("HS-2", _noon(OLD_MONTH))
    # then
    assert _partition_of(now) == partitions.name_of(month)
    assert _partition_of(later) == partitions.name_of(following)
    assert _partition_of(old) == partitions.DEFAULT
    assert list(Event.objects.order_by("id").values_list("subject_id", "seq")) == [
        ("HS-1", 1),
        ("HS-1", 2),
        ("HS-2", 1),
    ]


@pytest.mark.parametrize("verb", ["UPDATE", "DELETE", "TRUNCATE"])
def test_changes_are_refused_on_the_parent_and_on_every_partition(db, verb):
    # given rows in a monthly partition, in the default one, and a partition created now
    month = _this_month()
    record("HS-1", _noon(month))
    record("HS-2", _noon(OLD_MONTH))
    far = partitions.next_month(month)
    for _ in range(partitions.AHEAD):
        far = partitions.next_month(far)
    created = partitions.partitions_ensure(connection, ahead=partitions.AHEAD + 1)
    assert created.created == [partitions.name_of(far)]
    record("HS-3", _noon(far))
    statements = {
        "UPDATE": "UPDATE {table} SET action = 'test.noted'",
        "DELETE": "DELETE FROM {table}",
        "TRUNCATE": "TRUNCATE {table}",
    }
    tables = [
        partitions.PARENT,
        partitions.name_of(month),
        partitions.DEFAULT,
        partitions.name_of(far),
    ]
    # when / then
    for table in tables:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _execute(statements[verb].format(table=table))
    assert Event.objects.count() == 3
    assert set(Event.objects.values_list("action", flat=True)) == {CHANGED}


@pytest.mark.parametrize("table", ["ledger_seal", "ledger_dailyroot", "ledger_checkpoint"])
def test_truncate_is_refused_on_the_other_ledger_tables(db, table):
    record("HS-1", _noon(OLD_MONTH))
    daily_roots_build(now=_noon(OLD_MONTH, 20))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"TRUNCATE {table}")


def test_a_month_with_rows_in_the_default_partition_is_not_created(db):
    # given an event of an old month, kept in the default partition
    old = record("HS-1", _noon(OLD_MONTH))
    # when the months since then are asked for
    result = partitions.partitions_ensure(connection, since=OLD_MONTH - dt.timedelta(days=40))
    # then the empty past months are created, the old one is reported, nothing moves
    name = partitions.name_of(OLD_MONTH)
    assert result.blocked == {name: 1}
    assert partitions.name_of(partitions.month_of(OLD_MONTH - dt.timedelta(days=40))) in (
        result.created
    )
    assert partitions.name_of(partitions.next_month(OLD_MONTH)) in result.created
    assert _partition_of(old) == partitions.DEFAULT
    # and an event of a created past month lands in it
    moved = record("HS-2", _noon(partitions.next_month(OLD_MONTH)))
    assert _partition_of(moved) == partitions.name_of(partitions.next_month(OLD_MONTH))
    # again: nothing new, the same report
    again = partitions.partitions_ensure(connection, since=OLD_MONTH)
    assert again.created == [] and again.blocked == {name: 1}
    assert triggers.active(connection)


def test_the_command_creates_and_lists_partitions(db):
    out, err = io.StringIO(), io.StringIO()
    record("HS-1", _noon(OLD_MONTH))
    call_command("ledger", "partitions", "--ahead", "5", stdout=out, stderr=err)
    month = _this_month()
    for _ in range(5):
        month = partitions.next_month(month)
    assert f"Đã tạo phân vùng {partitions.name_of(month)}." in out.getvalue()
    assert partitions.DEFAULT in out.getvalue()
    call_command("ledger", "partitions", "--since", "2026-03", stdout=out, stderr=err)
    assert "Không tạo ledger_event_y2026m03: 1 sự kiện" in err.getvalue()


def test_a_partition_created_by_hand_gets_the_truncate_guard_from_the_daily_job(db):
    # given a partition created without the command
    _execute(
        "CREATE TABLE ledger_event_y2030m01 PARTITION OF ledger_event "
        "FOR VALUES FROM ('2029-12-31 17:00+00') TO ('2030-01-31 17:00+00')"
    )
    assert not triggers.active(connection)  # rows refused, TRUNCATE not yet
    # when
    partitions.partitions_ensure(connection)
    # then
    assert triggers.active(connection)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute("TRUNCATE ledger_event_y2030m01")


def test_one_event_per_subject_and_seq_is_still_enforced(db):
    # given
    first = record("HS-1", _noon(_this_month()))
    # when the same seq is written again (another month: another partition)
    with pytest.raises(IntegrityError, match="ledger_event_subject_seq"), transaction.atomic():
        Event.objects.bulk_create([_copy(first, at=_noon(OLD_MONTH))])
    # and in one batch (its COPY raises psycopg's own UniqueViolation, as the index did)
    with pytest.raises(Exception, match="ledger_event_subject_seq"), event_batch():
        for _ in range(2):
            event_record(subject_type="dossier", subject_id="HS-2", action=CHANGED)
        Event.objects.bulk_create([_copy(first, subject_id="HS-2", seq=1)])
    # then the chain goes on
    assert record("HS-1", _noon(_this_month(), 16)).seq == 2


def _copy(event: Event, **changes) -> Event:
    fields = {
        f.attname: getattr(event, f.attname) for f in Event._meta.concrete_fields if f.name != "id"
    }
    return Event(**{**fields, **changes})


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_seq_exactly_one_wins():
    # given two transactions writing seq 2 of one subject; the first holds its row
    record("HS-1", _noon(_this_month()))
    holding, outcome = threading.Event(), {}
    first = _copy(Event.objects.get(), seq=2, hash="a" * 64)

    def other():
        try:
            with transaction.atomic():
                holding.wait(10)
                Event.objects.bulk_create([_copy(first, hash="b" * 64)])
            outcome["other"] = "committed"
        except IntegrityError:
            outcome["other"] = "refused"
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    with transaction.atomic():
        Event.objects.bulk_create([first])
        thread.start()
        holding.set()
        thread.join(0.5)
        assert thread.is_alive()  # waits for the first writer's subject head
    thread.join(10)
    # then
    assert outcome == {"other": "refused"}
    assert list(Event.objects.order_by("seq").values_list("seq", "hash")) == [
        (1, Event.objects.get(seq=1).hash),
        (2, "a" * 64),
    ]


def test_verify_passes_over_several_partitions(db):
    # given events in the default partition and in two monthly partitions, sealed and rooted
    month = _this_month()
    for when in (_noon(OLD_MONTH), _noon(month, 1), _noon(partitions.next_month(month), 2)):
        record("HS-1", when)
        record("HS-2", when)
    daily_roots_build(now=_noon(partitions.next_month(month), 20))
    # when / then
    report = verify()
    assert report.ok, report.first
    assert report.events == 6
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "Sổ cái toàn vẹn." in out.getvalue()


def _heads() -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT subject_id, seq, hash FROM {partitions.HEAD}")
        return {subject_id: (seq, digest) for subject_id, seq, digest in cursor.fetchall()}


def test_the_seq_guard_runs_once_per_statement_not_per_row(db):
    # the cheaper form (migration 0006): a statement trigger over the inserted rows
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgtype FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s",
            [partitions.PARENT, partitions.GUARD_TRIGGER],
        )
        (tgtype,) = cursor.fetchone()
    assert tgtype & 1 == 0  # TRIGGER_TYPE_ROW unset: FOR EACH STATEMENT
    assert tgtype & 4  # TRIGGER_TYPE_INSERT


def test_one_statement_of_many_subjects_moves_each_head_to_its_last_event(db):
    # given a subject with a stored event, then one batch (one COPY) of several subjects
    record("HS-0", _noon(_this_month(), 1))
    with event_batch():
        for subject in ("HS-0", "HS-1", "HS-2", "HS-1", "HS-1"):
            event_record(subject_type="dossier", subject_id=subject, action=CHANGED)
    # then every head is the subject's last event, as the row trigger left it
    last = {
        e.subject_id: (e.seq, e.hash)
        for e in Event.objects.filter(subject_type="dossier").order_by("seq")
    }
    assert {k: v for k, v in _heads().items() if k in last} == last
    assert last["HS-0"][0] == 2 and last["HS-1"][0] == 3 and last["HS-2"][0] == 1
    # and the next event of each follows it
    assert record("HS-1", _noon(_this_month(), 2)).seq == 4


def test_one_seq_twice_in_one_statement_is_refused(db):
    # given two rows of one (subject, seq) in one INSERT, for a subject without events
    first = record("HS-1", _noon(_this_month()))
    twins = [_copy(first, subject_id="HS-9", seq=1), _copy(first, subject_id="HS-9", seq=1)]
    # when / then
    with pytest.raises(IntegrityError, match="ledger_event_subject_seq"), transaction.atomic():
        Event.objects.bulk_create(twins)
    # and a statement whose new seqs overlap the stored head (2 and 1 again) is refused too
    with pytest.raises(IntegrityError, match="ledger_event_subject_seq"), transaction.atomic():
        Event.objects.bulk_create(
            [_copy(first, seq=2, hash="c" * 64), _copy(first, seq=1, hash="d" * 64)]
        )
    assert not Event.objects.filter(subject_id="HS-9").exists()
    assert _heads()["HS-1"] == (1, first.hash)
