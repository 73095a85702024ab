"""A month of dossiers (March 2026) made through the dossier services, some rated."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.formats import VN_TZ
from motcua.dossiers import services as dossier_services
from motcua.feedback.services import feedback_perform, feedback_submit
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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Open data answers are cached for minutes: each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


def _supplement(w, dossier, when, reason=""):
    return dossier_services.dossier_request_supplement(
        actor=w.specialist, dossier=dossier, items=["Bản sao giấy tờ"], reason=reason, at=when
    )


def _resume(w, dossier, when):
    return dossier_services.dossier_receive_supplement(actor=w.desk, dossier=dossier, at=when)


@pytest.fixture
def quarter(world, make_unit, make_user):
    """Q1/2026 at the first commune, built by hand through the dossier services:

    early ×1 (A), late ×1 (B), two supplement requests ×1 (C, late), paused for a supplement
    at the quarter's end and past its old due time (D), overdue and open at the end (E),
    withdrawn (F), online and still within its deadline (G), early but with a late entry (H),
    land: a household late (L1) and an organization late (L2, outside the household filter).
    """
    from motcua.catalog.models import Field

    w = world
    land = dossier_fixtures.make_procedure(code="1.000099")
    land.field, _ = Field.objects.get_or_create(code="DD", defaults={"name": "Đất đai"})
    land.save()
    d = {}
    d["A"] = finish(w, receive(w, when=at(0, 8)), day=0, leader_day=1, approve_day=1)
    d["B"] = finish(w, receive(w, when=at(7, 8)), day=7, leader_day=15, approve_day=18)
    c = to_specialist(w, receive(w, when=at(14, 8)), when=at(14, 9))
    c = _supplement(w, c, at(14, 10))
    c = _resume(w, c, at(14, 11))
    c = _supplement(w, c, at(14, 13), reason="Giấy tờ bổ sung chưa đúng mẫu")
    c = _resume(w, c, at(14, 14))
    c = to_leader(w, c, when=at(14, 15))
    d["C"] = approve(w, c, when=at(15, 9))
    e = to_specialist(w, receive(w, when=at(21, 8)), when=at(21, 9))
    d["D"] = _supplement(w, e, at(21, 10))
    d["E"] = to_specialist(w, receive(w, when=at(22, 8)), when=at(22, 9))
    f = receive(w, when=at(23, 8))
    d["F"] = dossier_services.dossier_withdraw(
        actor=w.desk, dossier=f, reason="Công dân xin rút", at=at(23, 9)
    )
    g = dossier_services.dossier_submit_online(
        procedure=w.procedure, unit=w.commune, applicant=APPLICANT, at=at(28, 7)
    )
    d["G"] = dossier_services.dossier_accept(actor=w.desk, dossier=g, at=at(28, 8))
    h = receive(w, when=at(1, 8))
    h = dossier_services.dossier_record_late_entry(
        actor=w.desk,
        dossier=h,
        occurred_at=at(1, 8, 30),
        description="Bàn giao hồ sơ giấy khi mất điện",
        reason="Mất điện cả buổi sáng tại bộ phận một cửa",
        at=at(1, 9),
    )
    d["H"] = finish(w, h, day=1, leader_day=2, approve_day=2)
    d["L1"] = finish(
        w, receive(w, when=at(2, 8), procedure=land), day=2, leader_day=12, approve_day=14
    )
    org = {**APPLICANT, "kind": "organization", "name": "Công ty TNHH An Bình"}
    d["L2"] = finish(
        w,
        receive(w, when=at(3, 8), procedure=land, applicant=org),
        day=3,
        leader_day=12,
        approve_day=14,
    )
    return d


def answered_feedback(world, day: int, answer_day: int):
    """One feedback item at the commune, received on March ``day`` and answered (approved)
    on March ``answer_day``: on time within 15 working days, late after."""

    def when(d, hour=9):
        return dt.datetime(2026, 3, d, hour, 0, tzinfo=VN_TZ)

    def act(item, action, actor, now, **data):
        return feedback_perform(feedback=item, action=action, actor=actor, data=data, now=now)

    item = feedback_submit(
        now=when(day), title="Đường ngập trước UBND xã", content="Đề nghị khơi thông cống.",
        sender_name="Trần Thị Bình", sender_phone="0912345678", sender_address="Thôn 1",
        receiving_unit=world.commune, throttle=False,
    )  # fmt: skip
    item = act(item, "accept", world.desk, when(day, 10))
    item = act(item, "draft", world.leader, when(answer_day), answer="Đã khơi thông cống.")
    return act(item, "approve", world.leader, when(answer_day, 10))
