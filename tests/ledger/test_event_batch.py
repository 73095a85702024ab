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
