"""Periodic jobs are registered by the apps that own them (core names no task of its own)."""

import datetime as dt
import re
from pathlib import Path

import pytest

from motcua.core import schedule


def test_each_app_registers_its_jobs_from_its_app_config():
    assert schedule.DAILY_JOBS["motcua.dossiers.tasks.dossier_warn_due_soon_task"] == dt.time(7)
    assert schedule.DAILY_JOBS["motcua.reform.tasks.send_reform_reminders"] == dt.time(7, 15)
    seal = schedule.DAILY_JOBS["motcua.ledger.tasks.ledger_seal_task"]
    assert seal == dt.timedelta(minutes=10)
    assert "motcua.ledger.tasks.ledger_nightly" in schedule.SELF_SCHEDULED


def test_a_job_is_registered_at_one_time_only():
    path = "motcua.dossiers.tasks.dossier_warn_due_soon_task"
    assert schedule.register_job(path, dt.time(7)) == path  # again, the same: fine
    with pytest.raises(ValueError):
        schedule.register_job(path, dt.time(8))
    assert schedule.DAILY_JOBS[path] == dt.time(7)


def test_core_names_no_task_of_another_app():  # a task path is a string: no import to lint
    source = Path(schedule.__file__).read_text(encoding="utf-8")
    assert re.findall(r"motcua\.(?!core)\w+", source) == []
