"""Dates, times and durations as Vietnamese people read them, on pages and in outputs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from motcua.catalog.models import TimeLimitKind
from motcua.core.formats import working_time
from motcua.core.templatetags.vn import vn_date, vn_datetime
from motcua.dossiers import services
from tests.dossiers.conftest import at, receive, to_specialist

pytestmark = pytest.mark.django_db

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_the_timeline_has_no_iso_times_and_no_unchanged_due_times(client, world):
    dossier = to_specialist(world, receive(world))
    dossier = services.dossier_request_supplement(
        actor=world.specialist, dossier=dossier, items=["Bản sao giấy chứng sinh"], at=at(0, 10)
    )
    dossier = services.dossier_receive_supplement(
        actor=world.desk, dossier=dossier, note="", at=at(2, 10)
    )
    client.force_login(world.desk)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert not ISO_TIME.search(html), ISO_TIME.search(html).group(0)
    changes = re.findall(r"data-due-change>Hạn trả: ([^<]*)</span>", html)
    # only the supplement's receipt moved the due time (by the two working days paused)
    assert len(changes) == 1, changes
    before, after = changes[0].split(" → ")
    assert re.fullmatch(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", before)
    assert re.fullmatch(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", after) and before != after


def test_time_limits_as_people_say_them(world):
    procedure = world.procedure
    procedure.time_limit_kind, procedure.time_limit = TimeLimitKind.HOURS, Decimal("16")
    assert procedure.time_limit_display() == "2 ngày làm việc"
    procedure.time_limit = Decimal("4")
    assert procedure.time_limit_display() == "4 giờ làm việc"
    assert working_time(12) == "1 ngày 4 giờ làm việc"
    assert working_time(Decimal("1.5")) == "1,5 giờ làm việc"


def test_iso_text_in_templates_becomes_vietnamese():
    assert vn_date("2021-09-27") == "27/09/2021"
    assert vn_datetime("2026-12-04T09:56:00+07:00") == "09:56 04/12/2026"
    assert vn_datetime(dt.date(2026, 12, 4)) == "04/12/2026"


def test_integrity_findings_say_local_time_and_human_lags():
    from motcua.audit.integrity import _late_text

    assert _late_text(dt.timedelta(minutes=184109)) == "127 ngày 20 giờ"
    assert _late_text(dt.timedelta(minutes=45)) == "45 phút"
    assert _late_text(dt.timedelta(minutes=200)) == "3 giờ 20 phút"
