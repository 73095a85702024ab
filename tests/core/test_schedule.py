import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from motcua.core import schedule
from motcua.core.formats import VN_TZ


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_next_run_is_today_or_tomorrow_in_vietnam_time():
    at = dt.time(7, 0)
    morning = dt.datetime(2026, 3, 2, 6, 0, tzinfo=VN_TZ)
    evening = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)
    assert schedule.next_run_after(at, morning) == dt.datetime(2026, 3, 2, 7, 0, tzinfo=VN_TZ)
    assert schedule.next_run_after(at, evening) == dt.datetime(2026, 3, 3, 7, 0, tzinfo=VN_TZ)


def test_interval_jobs_run_again_after_their_interval():
    now = dt.datetime(2026, 3, 2, 6, 0, tzinfo=VN_TZ)
    assert schedule.next_run_after(dt.timedelta(minutes=10), now) == now + dt.timedelta(minutes=10)


def test_schedule_all_queues_each_job_once(db, db_queue):
    now = dt.datetime(2026, 3, 2, 6, 0, tzinfo=VN_TZ)
    first = schedule.schedule_all(now=now)
    assert set(first) == {*schedule.DAILY_JOBS, "motcua.ledger.tasks.ledger_nightly"}
    assert schedule.schedule_all(now=now) == []
    waiting = DBTaskResult.objects.filter(status="READY", task_path=schedule.daily_job.module_path)
    assert waiting.count() == len(schedule.DAILY_JOBS)
    due = waiting.get(args_kwargs__args=["motcua.dossiers.tasks.dossier_warn_due_soon_task"])
    assert due.run_after == dt.datetime(2026, 3, 2, 7, 0, tzinfo=VN_TZ)


def test_a_daily_job_runs_and_queues_its_next_run(db, db_queue):
    path = "motcua.reform.tasks.send_reform_reminders"
    schedule.daily_job.call(path)
    assert DBTaskResult.objects.filter(
        status="READY", task_path=schedule.daily_job.module_path, args_kwargs__args=[path]
    ).exists()


def test_the_seal_job_extends_the_global_chain_and_requeues(db, db_queue, province):
    from motcua.ledger.models import Event, Seal

    # given events written (the province fixture's creation) and not yet sealed
    unsealed = Event.objects.count() - Seal.objects.count()
    assert unsealed > 0
    # when the interval job runs
    sealed = schedule.daily_job.call("motcua.ledger.tasks.ledger_seal_task")
    # then every event is sealed and the next run is waiting
    assert sealed == unsealed and Seal.objects.count() == Event.objects.count()
    assert DBTaskResult.objects.filter(
        status="READY", args_kwargs__args=["motcua.ledger.tasks.ledger_seal_task"]
    ).exists()
