"""A month of dossiers (March 2026) made through the dossier services, some rated."""

from __future__ import annotations

import pytest

from motcua.dossiers import services as dossier_services
from motcua.surveys.models import Overall
from motcua.surveys.services import rating_submit
from tests.dossiers import conftest as dossier_fixtures
from tests.dossiers.conftest import (  # noqa: F401 - fixtures re-exported
    APPLICANT,
    _fast_passwords,
    approve,
    at,
    receive,
    to_leader,
    to_specialist,
)
from tests.surveys.conftest import answers

world = dossier_fixtures.world


def finish(w, dossier, *, day: int, leader_day: int, approve_day: int, returned: bool = True):
    dossier = to_specialist(w, dossier, when=at(day, 9))
    dossier = to_leader(w, dossier, when=at(leader_day, 10))
    dossier = approve(w, dossier, when=at(approve_day, 14))
    if returned:
        dossier = dossier_services.dossier_return_result(
            actor=w.desk,
            dossier=dossier,
            method="desk",
            received_by="Người nộp",
            at=at(approve_day + 1, 9),
        )
    return dossier


@pytest.fixture
def month(world):
    """March 2026 at the commune: early ×2 (rated), late ×1, online in progress ×1,
    one in progress at the desk; plus one dossier received in April."""
    early = finish(world, receive(world, when=at(0, 8)), day=0, leader_day=1, approve_day=1)
    early2 = finish(world, receive(world, when=at(7, 8)), day=7, leader_day=8, approve_day=8)
    late = finish(world, receive(world, when=at(14, 8)), day=14, leader_day=17, approve_day=18)
    online = dossier_services.dossier_submit_online(
        procedure=world.procedure, unit=world.commune, applicant=APPLICANT, at=at(15, 8)
    )
    online = dossier_services.dossier_accept(actor=world.desk, dossier=online, at=at(15, 9))
    waiting = receive(world, when=at(16, 8))
    april = receive(world, when=at(35, 8))
    rating_submit(dossier=early, overall=Overall.VERY_SATISFIED, answers=answers())
    rating_submit(dossier=early2, overall=Overall.UNSATISFIED, answers=answers(thai_do=0))
    return {
        "early": early,
        "early2": early2,
        "late": late,
        "online": online,
        "waiting": waiting,
        "april": april,
    }
