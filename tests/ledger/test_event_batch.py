"""``event_batch``: events chained in memory, inserted together, within the grace period."""

import pytest

from motcua.ledger.models import Event
from motcua.ledger.services import GRACE, event_batch, event_record
from motcua.ledger.verify import verify

pytestmark = pytest.mark.django_db


def record(subject_id: str):
    return event_record(subject_type="dossier", subject_id=subject_id, action="dossier.received")


def test_a_batch_continues_stored_chains_and_verifies():
    with event_batch():
        record("A")
    with event_batch() as buffer:
        record("A")
        record("B")
        record("A")
        assert Event.objects.count() == 1  # nothing inserted before the batch ends
        assert len(buffer.pending) == 3
    chain = list(Event.objects.filter(subject_id="A").order_by("seq"))
    assert [e.seq for e in chain] == [1, 2, 3]
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert verify().ok


def test_a_batch_longer_than_the_grace_period_writes_nothing():
    with pytest.raises(RuntimeError, match="grace period"):
        with event_batch() as buffer:
            record("A")
            buffer.started -= GRACE.total_seconds() + 1  # as if it had run that long
    assert Event.objects.count() == 0


def test_the_batch_hash_is_the_one_verify_recomputes():
    # given fields with quotes, Vietnamese text, nested payloads and empty ids
    import datetime as dt
    from decimal import Decimal

    from motcua.ledger.hashing import (
        canonical_time,
        event_hash_of,
        event_hash_text,
        payload_text,
    )
    from motcua.ledger.services import _json_safe

    at = dt.datetime(2026, 7, 1, 8, 30, 5, 123, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    cases = [
        ("dossier", "000.00.31.B01-260701-0001", 1, "dossier.received", 7, "Nguyễn \"A\"", 3,
         {"b": 1, "a": [{"x": None, "y": 1.5}], "c": "Tờ khai\n\\", "amount": Decimal("5")}, ""),
        ("import_run", "12", 40, "import.batch", None, "Hệ thống", None, {}, "ab" * 32),
    ]  # fmt: skip
    for subject_type, subject_id, seq, action, actor, label, unit, payload, prev in cases:
        safe = _json_safe(payload)
        expected = event_hash_of(
            subject_type, subject_id, seq, action, actor, label, unit, canonical_time(at),
            safe, prev,
        )  # fmt: skip
        # then the spliced body (payload encoded once) hashes to the same digest
        got = event_hash_text(
            subject_type, subject_id, seq, action, actor, label, unit, canonical_time(at),
            payload_text(safe), prev,
        )  # fmt: skip
        assert got == expected
    # and the fast canonical time is strftime's text, microseconds always written
    for moment in (at, at.replace(microsecond=0), dt.datetime(1999, 1, 1, tzinfo=dt.UTC)):
        utc = moment.astimezone(dt.UTC)
        assert canonical_time(moment) == utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_batch_event_reads_back_as_recorded_and_verifies():
    # given a payload with a Decimal, a date and Vietnamese text, recorded in a batch
    import datetime as dt
    from decimal import Decimal

    with event_batch():
        event_record(
            subject_type="dossier",
            subject_id="P",
            action="dossier.received",
            payload={"amount": Decimal("150000"), "day": dt.date(2026, 7, 1), "note": 'Tờ "x"'},
        )
    # then the stored payload is the JSON-safe one and the chain verifies
    stored = Event.objects.get(subject_id="P")
    assert stored.payload == {"amount": "150000", "day": "2026-07-01", "note": 'Tờ "x"'}
    assert verify().ok
