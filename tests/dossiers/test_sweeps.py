"""The due-soon warning sweep is idempotent and warns only within one working day."""

from __future__ import annotations

import pytest

from motcua.dossiers import events as ev
from motcua.dossiers.services import dossier_warn_due_soon
from motcua.ledger.models import Event
from tests.dossiers.conftest import at, receive, to_specialist

pytestmark = pytest.mark.django_db


def test_warns_once_for_dossiers_due_within_a_working_day(world):
    soon = to_specialist(world, receive(world))  # due Thursday 08:00
    later = receive(world, when=at(2, 8))  # due the next Monday 08:00
    # Wednesday 09:00: less than one working day before Thursday 08:00
    assert dossier_warn_due_soon(at=at(2, 9)) == 1
    assert dossier_warn_due_soon(at=at(2, 10)) == 0
    warned = Event.objects.filter(action=ev.DUE_SOON_WARNED).values_list("subject_id", flat=True)
    assert list(warned) == [soon.code]
    assert later.code not in warned
