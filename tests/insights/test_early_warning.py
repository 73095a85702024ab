"""Early warning: snapshots (only open, running, not overdue), queues, training on a tiny
history made by the dossier services, scores with reasons, pages, scope, jobs, no writes to
the dossier history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.core.errors import DomainError, PermissionDenied
from motcua.core.schedule import DAILY_JOBS
from motcua.dossiers import services
from motcua.dossiers.models import Classification, Dossier
from motcua.insights import early_warning as ew
from motcua.insights.errors import InsightsError
from motcua.insights.models import RiskModel, RiskScore
from motcua.insights.selectors_risk import risk_list
from motcua.insights.services import risk_model_train, risk_scores_refresh
from motcua.ledger.models import Event
from tests.dossiers.conftest import VN, approve, at, receive

T0 = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)


def _case(key, start_h, end_h, due_h, states, late=None):
    def t(h):
        return T0 + dt.timedelta(hours=h)

    return ew.Case(
        key=key,
        procedure="P",
        channel="desk",
        start=t(start_h),
        end=None if end_h is None else t(end_h),
        late=late,
        states=[
            ew.State(at=t(h), unit=u, officer=o, due=t(due_h), running=r, steps=n)
            for n, (h, u, o, r) in enumerate(states, start=1)
        ],
    )


def test_snapshots_only_see_open_running_not_overdue_cases_and_count_queues():
    cases = [
        _case("a", 0, 50, 30, [(0, "U", "an", True)], late=True),
        _case("b", 0, 10, 30, [(0, "U", "an", True)], late=False),  # ended before t=20
        _case("c", 0, None, 15, [(0, "U", "binh", True)]),  # overdue at t=20
        _case("d", 0, None, 40, [(0, "U", "binh", True), (18, "U", "binh", False)]),  # paused
        _case("e", 25, None, 60, [(25, "U", "an", True)]),  # not received yet at t=20
    ]
    t20 = T0 + dt.timedelta(hours=20)
    snaps = ew.snapshots(cases, [t20])
    assert snaps.keys == ["a"]
    assert snaps.numeric["elapsed"][0] == pytest.approx(20)
    assert snaps.numeric["remaining"][0] == pytest.approx(10)
    assert snaps.baseline[0] == pytest.approx(20 / 30)
    # at t=20, "an" holds a only (b ended); unit U holds a, c, d (all not ended)
    assert snaps.numeric["officer_queue"][0] == 1
    assert snaps.numeric["unit_queue"][0] == 3
    assert snaps.late.tolist() == [1]


def test_model_round_trips_as_json_and_explains_its_scores():
    rng_cases = []
    for i in range(40):
        slow = i % 3 == 0
        rng_cases.append(
            _case(
                f"k{i}",
                i,
                i + (40 if slow else 12),
                i + 30,
                [(i, "U", "an", True), (i + (30 if slow else 4), "U", "an", True)],
                late=slow,
            )
        )
    times = [T0 + dt.timedelta(hours=h) for h in range(2, 80, 6)]
    snaps = ew.snapshots(rng_cases, times)
    model = ew.train(snaps)
    again = ew.Model.from_json(model.to_json())
    p, parts = again.contributions(snaps)
    assert p == pytest.approx(model.predict(snaps))
    # contributions add up to the logit
    logit = parts.sum(axis=1) + again.intercept
    assert 1 / (1 + __import__("numpy").exp(-logit)) == pytest.approx(p)
    # the model separates the two kinds better than chance
    late = snaps.late == 1
    assert p[late].mean() > p[~late].mean()
    why = ew.reasons(snaps, parts)
    assert any(why) and all(isinstance(r, str) for rs in why for r in rs)
    with pytest.raises(ew.NotEnoughHistory):
        ew.train(snaps.take(__import__("numpy").arange(5)))


def _finished(world, day: int, *, slow: bool):
    """A dossier received on day ``day``: quick ones reach the leader the same morning and
    finish the next day; slow ones sit with the specialist a week and finish late."""
    d = receive(world, when=at(day, 8))
    d = services.dossier_transfer(actor=world.desk, dossier=d, at=at(day, 8, 30))
    d = services.dossier_self_assign(actor=world.specialist, dossier=d, at=at(day, 8, 45))
    step_at = at(day + (7 if slow else 0), 11)
    d = services.dossier_complete_step(
        actor=world.specialist, dossier=d, next_assignee=world.leader, at=step_at
    )
    return approve(world, d, when=at(day + (8 if slow else 1), 14))


@pytest.fixture
def history(world):
    done = [_finished(world, day, slow=day % 3 == 0) for day in range(0, 9)]
    # now: day 30, two open dossiers received on day 29 — one still with the specialist,
    # one already with the leader
    stuck = receive(world, when=at(29, 8))
    stuck = services.dossier_transfer(actor=world.desk, dossier=stuck, at=at(29, 8, 30))
    stuck = services.dossier_self_assign(actor=world.specialist, dossier=stuck, at=at(29, 8, 45))
    moving = receive(world, when=at(29, 8, 10))
    moving = services.dossier_transfer(actor=world.desk, dossier=moving, at=at(29, 8, 40))
    moving = services.dossier_self_assign(actor=world.specialist, dossier=moving, at=at(29, 8, 50))
    moving = services.dossier_complete_step(
        actor=world.specialist, dossier=moving, next_assignee=world.leader, at=at(29, 9, 30)
    )
    return done, stuck, moving


NOW = at(30, 10)


def test_train_and_score_the_open_dossiers(world, history):
    done, stuck, moving = history
    late = [d.code for d in done if Dossier.objects.get(pk=d.pk).classification == "late"]
    assert len(late) == 3 and len(done) - len(late) == 6
    before = Event.objects.filter(subject_type="dossier").count()
    with CaptureQueriesContext(connection) as queries:
        model = risk_model_train(now=NOW)
        scored = risk_scores_refresh(now=NOW)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "dossiers_" in q["sql"]
    ]
    assert writes == []  # the insights app never writes the dossiers
    assert Event.objects.filter(subject_type="dossier").count() == before
    assert model.active and model.late > 0 and model.snapshots > model.late
    assert Event.objects.filter(
        subject_type="risk_model", subject_id=str(model.pk), action="risk_model.trained"
    ).exists()
    assert Event.objects.filter(subject_type="risk_scores", action="risk_scores.refreshed").exists()
    assert scored == 2
    scores = {s.dossier_code: s for s in RiskScore.objects.all()}
    assert scores[stuck.code].probability > scores[moving.code].probability
    assert scores[stuck.code].reasons and all(
        isinstance(r, str) for r in scores[stuck.code].reasons
    )
    # training again keeps the old model, inactive
    risk_model_train(now=NOW)
    assert RiskModel.objects.filter(active=True).count() == 1
    assert RiskModel.objects.count() == 2


def test_not_enough_history_is_a_coded_error(world):
    receive(world, when=at(0, 8))
    with pytest.raises(DomainError) as caught:
        risk_model_train(now=NOW)
    assert caught.value.code == InsightsError.NOT_ENOUGH_HISTORY
    assert RiskModel.objects.count() == 0
    assert risk_scores_refresh(now=NOW) == 0  # no model: nothing scored, nothing written


def test_scope_by_role_and_unit(world, history, make_user):
    risk_model_train(now=NOW)
    risk_scores_refresh(now=NOW)
    _, stuck, moving = history
    rows, model = risk_list(user=world.leader)
    assert model is not None
    assert [r.code for r in rows] == [stuck.code, moving.code]  # riskiest first
    assert risk_list(user=world.other_leader)[0] == []
    # the specialist sees the dossiers assigned to him (the moving one went to the leader)
    assert [r.code for r in risk_list(user=world.specialist)[0]] == [stuck.code]
    with pytest.raises(PermissionDenied):
        risk_list(user=make_user())


def test_pages_show_the_risk_with_reasons(world, history, client):
    risk_model_train(now=NOW)
    risk_scores_refresh(now=NOW)
    _, stuck, moving = history
    client.force_login(world.leader)
    page = client.get(reverse("insights:risks")).content.decode()
    assert "Hồ sơ có nguy cơ trễ hạn" in page and "hồi quy logistic" in page
    assert page.index(stuck.code) < page.index(moving.code)
    reason = RiskScore.objects.get(dossier_code=stuck.code).reasons[0]
    assert reason in page
    queue = client.get(reverse("dossiers:queue")).content.decode()
    assert "Nguy cơ trễ hạn" in queue and "mc-risk" in queue
    assert "xem tất cả, kèm lý do" in client.get(reverse("insights:process_map")).content.decode()
    client.force_login(world.other_leader)
    assert stuck.code not in client.get(reverse("insights:risks")).content.decode()


def test_jobs_are_registered():
    assert DAILY_JOBS["motcua.insights.tasks.risk_model_train_task"] == dt.time(2, 30)
    assert DAILY_JOBS["motcua.insights.tasks.risk_scores_refresh_task"] == dt.timedelta(minutes=30)


def test_the_job_on_a_new_province_reports_instead_of_failing(world):
    from motcua.insights.tasks import risk_model_train_task

    assert risk_model_train_task.call()["trained"] is False
    assert Classification.LATE == "late"
    assert VN is not None


def test_the_scoring_job_trains_a_first_model_instead_of_waiting_for_the_night(world, history):
    """A new province (or the demo) has history but no model yet: the half-hourly scoring
    trains one when the history is enough, so the at-risk list is not empty until 02:30."""
    assert not RiskModel.objects.exists()
    assert risk_scores_refresh(now=NOW) == 0  # plain call: no model, nothing done
    assert risk_scores_refresh(now=NOW, train_if_missing=True) == 2
    assert RiskModel.objects.filter(active=True).count() == 1
    RiskScore.objects.all().delete()
    assert risk_scores_refresh(now=NOW, train_if_missing=True) == 2  # the same model, no retrain
    assert RiskModel.objects.count() == 1


def test_the_scoring_job_on_a_new_province_scores_nothing_and_does_not_fail(world):
    from motcua.insights.tasks import risk_scores_refresh_task

    assert risk_scores_refresh_task.call() == {"scored": 0}


def test_cases_read_the_payload_keys_of_every_event(world, history):
    """dossier_cases reads four payload keys in SQL: the states say what each event's payload
    said (holder, officer, due time, clock running)."""
    from motcua.dossiers.lifecycle import OPEN
    from motcua.insights.selectors_risk import dossier_cases

    cases = {c.key: c for c in dossier_cases(Dossier.objects.all())}
    assert len(cases) == Dossier.objects.count()
    for code, case in cases.items():
        payloads = [
            e.payload
            for e in Event.objects.filter(subject_type="dossier", subject_id=code)
            .exclude(action="dossier.due_soon_warned")
            .order_by("seq")
        ]
        assert [(s.unit, s.officer, s.running) for s in case.states] == [
            (p.get("holder_unit") or "", p.get("assignee") or "", p.get("status_to") in OPEN)
            for p in payloads
        ]
        assert [s.due for s in case.states] == [
            dt.datetime.fromisoformat(p["due_after"]) if p.get("due_after") else None
            for p in payloads
        ]
