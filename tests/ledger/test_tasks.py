"""The nightly task: roots of ended days, a full verification kept for the public page,
and the next night queued exactly once."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.core.formats import VN_TZ
from motcua.ledger.models import DailyRoot, VerifyRun
from motcua.ledger.tasks import ledger_nightly, next_run_after, nightly_schedule
from tests.ledger.conftest import json_param, record, tamper


def test_next_run_is_the_coming_one_in_the_morning_vietnam_time():
    evening = dt.datetime(2026, 3, 2, 22, 0, tzinfo=VN_TZ)
    early = dt.datetime(2026, 3, 2, 0, 30, tzinfo=VN_TZ)
    assert next_run_after(evening) == dt.datetime(2026, 3, 3, 1, 0, tzinfo=VN_TZ)
    assert next_run_after(early) == dt.datetime(2026, 3, 2, 1, 0, tzinfo=VN_TZ)


def test_nightly_builds_roots_verifies_and_queues_the_next_night_once(db):
    # given: yesterday's history
    yesterday = timezone.now() - dt.timedelta(days=1)
    record("HS-1", yesterday)
    # when
    result = ledger_nightly.call()
    # then
    assert result["ok"] and result["events"] == 1 and result["roots_built"] >= 1
    assert DailyRoot.objects.filter(event_count=1).count() == 1
    run = VerifyRun.objects.get()
    assert run.ok and run.events == 1 and run.first_problem == ""
    queued = DBTaskResult.objects.filter(task_path=ledger_nightly.module_path, status="READY")
    assert queued.count() == 1
    assert queued.get().run_after == next_run_after(timezone.now())
    assert nightly_schedule() is None and queued.count() == 1
    out = io.StringIO()
    call_command("ledger", "schedule", stdout=out)
    assert "đã có trong hàng đợi" in out.getvalue()


def test_nightly_records_a_broken_ledger_for_the_public_page(db):
    # given
    event = record("HS-1", timezone.now() - dt.timedelta(days=1))
    ledger_nightly.call()
    tamper(
        f"UPDATE ledger_event SET payload = {json_param()} WHERE id = %s",
        [json.dumps({"x": 1}), event.pk],
    )
    # when
    result = ledger_nightly.call()
    # then
    assert not result["ok"] and "HS-1" in result["first_problem"]
    page = Client().get("/so-cai/").content.decode()
    assert f"phát hiện {result['problems']} lỗi" in page
    assert VerifyRun.objects.filter(ok=False).count() == 1


def test_seal_and_roots_commands(db):
    record("HS-1", timezone.now() - dt.timedelta(days=2))
    out = io.StringIO()
    call_command("ledger", "seal", stdout=out)
    assert "Đã niêm phong 1 sự kiện" in out.getvalue()
    call_command("ledger", "roots", stdout=out)
    assert "Đã lập" in out.getvalue() and DailyRoot.objects.count() >= 2
