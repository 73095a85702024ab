"""verify names the broken event for every kind of tampering, done with raw SQL and the
append-only triggers dropped, and passes untouched history."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from motcua.ledger import triggers
from motcua.ledger.hashing import event_hash
from motcua.ledger.models import DailyRoot, Event, Seal
from motcua.ledger.services import daily_roots_build, ledger_seal
from motcua.ledger.verify import verify
from tests.ledger.conftest import CHANGED, DAY1, DAY2, DAY3, at, json_param, record, tamper


def _event(subject: str, seq: int) -> Event:
    return Event.objects.get(subject_type="dossier", subject_id=subject, seq=seq)


def _assert_names(report, subject: str, seq: int, kinds: set[str]) -> None:
    assert not report.ok
    first = report.first
    assert (first.kind, first.subject_id, first.seq) in {(k, subject, seq) for k in kinds}, (
        first.describe()
    )


def test_untouched_history_verifies_clean(history):
    # when
    report = verify()
    # then
    assert report.ok, [p.describe() for p in report.problems]
    assert (report.events, report.sealed, report.pending, report.roots) == (12, 10, 2, 2)


def test_edited_payload_is_named(history):
    # given
    victim = _event("HS-2", 2)
    tamper(
        f"UPDATE ledger_event SET payload = {json_param()} WHERE id = %s",
        [json.dumps({"step": 99}), victim.pk],
    )
    # when
    report = verify()
    # then
    _assert_names(report, "HS-2", 2, {"content_changed"})
    assert report.first.at == victim.at
    assert "HS-2" in report.first.describe() and "thứ tự 2" in report.first.describe()


def test_changed_time_is_named(history):
    # given: the step is made to look an hour earlier
    victim = _event("HS-1", 3)
    tamper(
        "UPDATE ledger_event SET at = %s WHERE id = %s",
        [victim.at - dt.timedelta(hours=1), victim.pk],
    )
    # when
    report = verify()
    # then
    _assert_names(report, "HS-1", 3, {"content_changed"})


def test_deleted_event_is_named(history):
    # given
    victim = _event("HS-1", 2)
    tamper("DELETE FROM ledger_event WHERE id = %s", [victim.pk])
    # when
    report = verify()
    # then: its seal remembers it
    _assert_names(report, "HS-1", 2, {"event_deleted"})
    kinds = {p.kind for p in report.problems}
    assert {"sequence_gap", "root_mismatch"} <= kinds


def test_deleted_event_and_its_seal_are_named(history):
    # given: the administrator also removes the seal
    victim = _event("HS-1", 2)
    tamper("DELETE FROM ledger_seal WHERE event_id = %s", [victim.pk])
    tamper("DELETE FROM ledger_event WHERE id = %s", [victim.pk])
    # when
    report = verify()
    # then: the next event of the subject reports the hole, the global chain breaks there
    assert not report.ok
    gap = next(p for p in report.problems if p.kind == "sequence_gap")
    assert (gap.subject_id, gap.seq) == ("HS-1", 3)
    assert "thiếu sự kiện thứ tự 2" in gap.message
    assert "chain_broken" in {p.kind for p in report.problems}


def test_deleted_last_event_of_a_subject_is_named(history):
    # given: the last (late) event of HS-3 disappears
    victim = _event("HS-3", 2)
    tamper("DELETE FROM ledger_event WHERE id = %s", [victim.pk])
    # when
    report = verify()
    # then
    _assert_names(report, "HS-3", 2, {"event_deleted"})


def _forged_row(subject: str, seq: int, when: dt.datetime, prev_hash: str) -> dict:
    fields = {
        "subject_type": "dossier",
        "subject_id": subject,
        "seq": seq,
        "action": CHANGED,
        "actor_id": None,
        "actor_label": "Hệ thống",
        "unit_id": None,
        "at": when,
        "payload": {"step": 16, "forged": True},
        "prev_hash": prev_hash,
    }
    return {**fields, "hash": event_hash(**fields)}


def _insert(row: dict, event_id: int | None = None) -> None:
    columns = [c for c in row if c != "payload"] + ["payload"]
    values = [row[c] for c in columns[:-1]] + [json.dumps(row["payload"])]
    if event_id is not None:
        columns.insert(0, "id")
        values.insert(0, event_id)
    marks = ", ".join(["%s"] * (len(columns) - 1) + [json_param()])
    tamper(f"INSERT INTO ledger_event ({', '.join(columns)}) VALUES ({marks})", values)


@pytest.mark.parametrize("sealed_again", [False, True], ids=["pending", "sealed-later"])
def test_inserted_backdated_event_with_valid_hashes_is_named(history, sealed_again):
    # given: a perfect forgery appended to HS-3, dated on an already published day
    last = _event("HS-3", 2)
    _insert(_forged_row("HS-3", 3, at(DAY1, 16), last.hash))
    if sealed_again:
        ledger_seal(now=at(DAY3, 12))
    # when
    report = verify()
    # then
    _assert_names(report, "HS-3", 3, {"after_root", "backdated"})
    assert "root_mismatch" not in {p.kind for p in report.problems} or report.problem_count > 1


def test_inserted_event_before_sealed_ones_is_named(history):
    # given: a forged event given an id inside the sealed range (below the first one)
    _insert(_forged_row("HS-9", 1, at(DAY1, 7, 30), ""), event_id=0)
    # when
    report = verify()
    # then
    _assert_names(report, "HS-9", 1, {"not_sealed"})
    assert "root_mismatch" in {p.kind for p in report.problems}


def test_inserted_event_inside_a_subject_history_is_named(history):
    # given: seq 2.. of HS-2 renumbered to make room for a new seq 2
    tamper("UPDATE ledger_event SET seq = seq + 100 WHERE subject_id = %s AND seq >= 2", ["HS-2"])
    tamper("UPDATE ledger_event SET seq = seq - 99 WHERE subject_id = %s AND seq >= 100", ["HS-2"])
    first = _event("HS-2", 1)
    _insert(_forged_row("HS-2", 2, at(DAY1, 9, 30), first.hash))
    # when
    report = verify()
    # then: the first renumbered event no longer matches its hash
    _assert_names(report, "HS-2", 3, {"content_changed"})


def test_reordered_pair_is_named(history):
    # given: HS-1's steps 2 and 3 swap places
    two, three = _event("HS-1", 2), _event("HS-1", 3)
    tamper("UPDATE ledger_event SET seq = 0 WHERE id = %s", [two.pk])
    tamper("UPDATE ledger_event SET seq = 2 WHERE id = %s", [three.pk])
    tamper("UPDATE ledger_event SET seq = 3 WHERE id = %s", [two.pk])
    # when
    report = verify()
    # then
    _assert_names(report, "HS-1", 3, {"content_changed"})
    assert {"content_changed", "sequence_gap"} <= {p.kind for p in report.problems}


def test_swapped_rows_are_named(history):
    # given: two whole rows exchange their ids (their order in the global history)
    a, b = _event("HS-1", 1), _event("HS-2", 1)
    tamper("UPDATE ledger_event SET id = -1 WHERE id = %s", [a.pk])
    tamper("UPDATE ledger_event SET id = %s WHERE id = %s", [a.pk, b.pk])
    tamper("UPDATE ledger_event SET id = %s WHERE id = -1", [b.pk])
    # when
    report = verify()
    # then
    assert report.first.kind == "seal_mismatch"
    assert report.first.event_id == a.pk


def test_rehashed_edit_is_caught_by_the_global_chain(history):
    # given: the edit and every later hash of the subject recomputed consistently
    victim = _event("HS-3", 1)
    fields = {
        "subject_type": "dossier",
        "subject_id": "HS-3",
        "seq": 1,
        "action": victim.action,
        "actor_id": None,
        "actor_label": victim.actor_label,
        "unit_id": None,
        "at": victim.at,
        "payload": {"step": 1},
        "prev_hash": "",
    }
    new_hash = event_hash(**fields)
    tamper(
        f"UPDATE ledger_event SET payload = {json_param()}, hash = %s WHERE id = %s",
        [json.dumps(fields["payload"]), new_hash, victim.pk],
    )
    follower = _event("HS-3", 2)
    follower_fields = {
        "subject_type": "dossier",
        "subject_id": "HS-3",
        "seq": 2,
        "action": follower.action,
        "actor_id": None,
        "actor_label": follower.actor_label,
        "unit_id": None,
        "at": follower.at,
        "payload": follower.payload,
        "prev_hash": new_hash,
    }
    tamper(
        "UPDATE ledger_event SET prev_hash = %s, hash = %s WHERE id = %s",
        [new_hash, event_hash(**follower_fields), follower.pk],
    )
    # when
    report = verify()
    # then
    _assert_names(report, "HS-3", 1, {"seal_mismatch"})


def test_edited_daily_root_is_named(history):
    # given
    tamper("UPDATE ledger_dailyroot SET event_count = 4 WHERE day = %s", [DAY1])
    # when
    report = verify()
    # then
    assert report.first.kind in {"root_changed", "root_mismatch"}
    assert report.first.day == DAY1


def test_deleted_daily_root_is_named(history):
    # given
    tamper("DELETE FROM ledger_dailyroot WHERE day = %s", [DAY1])
    # when
    report = verify()
    # then: day 1's events are no longer covered, day 2's root no longer chains
    assert report.first.kind == "root_missing" and report.first.at.date() == DAY1
    assert "root_chain_broken" in {p.kind for p in report.problems}


def test_command_exits_non_zero_and_prints_the_first_broken_link(history):
    # given
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "toàn vẹn" in out.getvalue()
    victim = _event("HS-2", 2)
    tamper(
        f"UPDATE ledger_event SET payload = {json_param()} WHERE id = %s",
        [json.dumps({"step": 1}), victim.pk],
    )
    err = io.StringIO()
    # when
    with pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", stdout=io.StringIO(), stderr=err)
    # then
    assert raised.value.returncode == 1
    assert "đối tượng dossier:HS-2, thứ tự 2, lúc 14:15 02/03/2026" in err.getvalue()


def test_roots_cover_every_day_including_quiet_ones(db):
    # given: events on day 1 and day 3, nothing on day 2
    record("HS-1", at(DAY1, 9))
    record("HS-1", at(DAY3, 9))
    # when
    roots = daily_roots_build(now=at(DAY3 + dt.timedelta(days=1), 1))
    # then
    assert [(r.day, r.event_count) for r in roots] == [(DAY1, 1), (DAY2, 0), (DAY3, 1)]
    assert roots[1].prev_hash == roots[0].hash and roots[2].prev_hash == roots[1].hash
    assert daily_roots_build(now=at(DAY3 + dt.timedelta(days=1), 2)) == []
    assert verify().ok


def test_a_day_is_rooted_only_after_the_grace_period(db):
    # given
    record("HS-1", at(DAY1, 23, 59, 59))
    # when / then
    assert daily_roots_build(now=at(DAY2, 0, 5)) == []
    assert [r.day for r in daily_roots_build(now=at(DAY2, 0, 11))] == [DAY1]
    assert DailyRoot.objects.get().chain_head_event_id == Seal.objects.get().event_id


def test_a_consistent_rewrite_is_caught_by_roots_saved_earlier(history, tmp_path):
    # given: someone saved the published roots; later the whole day 1 is rewritten consistently
    saved = tmp_path / "roots.json"
    saved.write_bytes(Client().get("/api/ledger/roots").content)
    tamper("DELETE FROM ledger_dailyroot")
    tamper("DELETE FROM ledger_seal")
    tamper("DELETE FROM ledger_treetile")  # the signed checkpoints would catch it otherwise
    tamper("DELETE FROM ledger_checkpoint")
    victim = _event("HS-2", 1)
    tamper(
        f"UPDATE ledger_event SET payload = {json_param()} WHERE id = %s",
        [json.dumps({"step": 1}), victim.pk],
    )
    for event in Event.objects.order_by("id"):  # every hash recomputed, chains intact
        prev = (
            Event.objects.filter(
                subject_type=event.subject_type, subject_id=event.subject_id, seq=event.seq - 1
            )
            .values_list("hash", flat=True)
            .first()
            or ""
        )
        fields = {
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "seq": event.seq,
            "action": event.action,
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "unit_id": event.unit_id,
            "at": event.at,
            "payload": event.payload,
            "prev_hash": prev,
        }
        tamper(
            "UPDATE ledger_event SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, event_hash(**fields), event.pk],
        )
    triggers.install(connection)
    daily_roots_build(now=at(DAY3, 12))
    assert verify().ok  # the rewrite is internally consistent …
    # when
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "verify", "--published", str(saved), stderr=err)
    # then: … but not with what was published
    assert "published_root_differs" in err.getvalue() and "02/03/2026" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_verify_outside_any_transaction_reads_one_snapshot():
    # given: committed history, as the nightly task and the command see it
    record("HS-1", at(DAY1, 9))
    record("HS-2", at(DAY1, 10))
    daily_roots_build(now=at(DAY2, 1))
    record("HS-1", at(DAY2, 9))
    assert not connection.in_atomic_block
    # when
    report = verify()
    # then
    assert report.ok, [p.describe() for p in report.problems]
    assert (report.events, report.sealed, report.pending) == (3, 2, 1)
    assert not connection.in_atomic_block
