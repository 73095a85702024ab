"""The demo province is today's structure, and `make run` serves it before the history ends.

The departments merged on 1/3/2025 are ended through the admin's merger service, and no open
work is left at them (issue 16, item 1); `motcua demo --first` loads what the site needs and
`--rest` the remaining history, with its progress on the pages (issue 16, fast start).
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.audit.demo import PLANTED
from motcua.demo import progress
from motcua.demo.departments import MERGERS
from motcua.dossiers.events import SUBJECT as DOSSIER_SUBJECT
from motcua.dossiers.models import Consultation, Dossier
from motcua.dossiers.services.merger import CLOSED as DOSSIER_CLOSED
from motcua.feedback.models import OPEN as FEEDBACK_OPEN
from motcua.feedback.models import Feedback
from motcua.ledger.models import Event, VerifyRun
from motcua.organization.models import Role, StaffRole, Unit, UnitSuccession
from motcua.reform.models import Task, TaskAssignment, TaskStatus
from motcua.reporting.aggregates import pending_days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("development")]
ENDED = {code for codes, *_ in MERGERS for code in codes}
SUCCESSORS = {code for _, code, *_ in MERGERS}


def assert_todays_structure() -> None:
    ended = Unit.objects.filter(code__in=ENDED)
    assert ended.count() == len(ENDED) == 8
    assert set(ended.values_list("valid_to", flat=True)) == {dt.date(2025, 2, 28)}
    successors = dict(
        UnitSuccession.objects.filter(predecessor__code__in=ENDED).values_list(
            "predecessor__code", "successor__code"
        )
    )
    assert successors["STNMT"] == successors["SNNPTNT"] == "SNNMT"
    assert successors["SKHDT"] == "STC" and successors["STTTT"] == "SKHCN"
    assert UnitSuccession.objects.filter(applied_at__isnull=True).count() == 0
    # no open work is left at an ended department
    assert not Dossier.objects.filter(holder_unit__code__in=ENDED).exclude(
        status__in=DOSSIER_CLOSED
    )
    assert not Feedback.objects.filter(current_unit__code__in=ENDED, status__in=FEEDBACK_OPEN)
    open_tasks = Task.objects.exclude(status__in=(TaskStatus.DONE, TaskStatus.CANCELLED))
    assert not open_tasks.filter(lead_unit__code__in=ENDED)
    assert not TaskAssignment.objects.filter(task__in=open_tasks, unit__code__in=ENDED).exists()
    # the plan's tasks led by Sở TN&MT and Sở TT&TT moved, each with its event
    moved = Event.objects.filter(action="reform_task.moved_by_merger")
    assert moved.count() >= open_tasks.filter(lead_unit__code__in={"SNNMT", "SKHCN"}).count() > 0
    assert_no_unit_after_its_end()
    # the new department has staff to do the work it received
    roles = set(StaffRole.objects.filter(unit__code="SNNMT").values_list("role", flat=True))
    assert {Role.SPECIALIST, Role.UNIT_LEADER, Role.REFORM_OFFICER} <= roles


def assert_no_unit_after_its_end() -> None:
    """The history since the mergers is the successors': no dossier is received, held,
    consulted or acted on at a unit after that unit's end date."""
    local = timezone.localdate
    checked = 0
    for d in Dossier.objects.select_related("receiving_unit", "competent_unit", "holder_unit"):
        start = d.received_at or d.submitted_at
        end = d.closed_at or d.returned_at or timezone.now()
        for field in ("receiving_unit", "competent_unit"):
            unit = getattr(d, field)
            assert unit.valid_to is None or local(start) <= unit.valid_to, (d.code, field)
        held = d.holder_unit
        assert held.valid_to is None or local(end) <= held.valid_to, (d.code, "holder_unit")
        checked += 1
    assert checked > 10
    for c in Consultation.objects.select_related("unit"):
        assert c.unit.valid_to is None or local(c.requested_at) <= c.unit.valid_to, c.pk
    events = Event.objects.filter(subject_type=DOSSIER_SUBJECT, unit__valid_to__isnull=False)
    for e in events.select_related("unit"):
        assert local(e.at) <= e.unit.valid_to, (e.subject_id, e.action, e.unit.code)
    # the departments' work since the mergers went to the successors (not vacuous)
    assert Dossier.objects.filter(competent_unit__code__in=SUCCESSORS).exists()


def test_first_serves_then_rest_loads_the_history_with_progress(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command(
        "demo", "--if-empty", "--small", "--dossiers", "30", "--first", "--first-dossiers", "10",
        stdout=out,
    )  # fmt: skip
    assert Dossier.objects.count() == 10 + 3  # a first batch and the demo citizen's three
    state = progress.read()
    assert state["finished"] is None and "motcua.dossiers" in state["stages"]
    assert "nạp nền bằng `motcua demo --rest`" in out.getvalue()
    # the mergers come before the history of after them (issue 16: no dossier at an ended unit)
    assert "Sắp xếp các sở từ 1/3/2025: 8 sở kết thúc" in out.getvalue()
    page = client.get("/thu-tuc/").content.decode()
    assert "Đang nạp nền lịch sử mẫu: 0 %" in page  # the site answers and says so

    rest = io.StringIO()
    call_command("demo", "--rest", stdout=rest)
    assert Dossier.objects.count() == 30 + 3 + sum(PLANTED.values())  # + the khống leads
    assert "[nạp nền 100 %] xong niêm phong sổ cái" in rest.getvalue()
    # the ratings stage says how far it is, like the dossiers' stage
    assert re.search(r"… (\d+)/\1 hồ sơ đã trả kết quả, \d+ đánh giá", rest.getvalue()), (
        rest.getvalue()
    )
    assert "lanhdao.snnmt" in (tmp_path / "demo-logins.txt").read_text()
    assert progress.read()["finished"] is not None
    # the reporting aggregates count every dossier of the history: pages read them, no day
    # is left for the catch-up job to recount from the rows
    assert pending_days() == set()
    assert_todays_structure()
    assert VerifyRun.objects.get().ok  # the mergers' events are sealed with the rest
    assert "Đang nạp nền" not in client.get("/thu-tuc/").content.decode()
    again = io.StringIO()
    call_command("demo", "--rest", stdout=again)  # every later `make run`
    assert "Không còn phần dữ liệu mẫu nào chờ nạp." in again.getvalue()
    assert Dossier.objects.count() == 30 + 3 + sum(PLANTED.values())  # + the khống leads
