"""The work queue's cheap rows and counts say what the dossier model says, in a bounded number
of queries whatever the page size (docs/operations.md §Measured: the queue page's cost)."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.db import connection
from django.template.defaultfilters import truncatechars
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.core.templatetags.vn import vn_datetime
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import (
    COUNTED_QUEUES,
    DossierFilters,
    dossier_list,
    queue_counts,
)
from motcua.dossiers.selectors_queue import queue_rows, queue_values
from motcua.dossiers.simulation import simulate
from motcua.dossiers.templatetags.dossier_tags import officer_next
from tests.dossiers.conftest import VN, every_branch_odds, receive

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, tzinfo=VN)
STOP = dt.datetime(2026, 3, 20, 12, tzinfo=VN)  # lifecycles stopped at every stage


@pytest.fixture
def many(world, cast) -> list[Dossier]:
    rng = random.Random(11)
    odds = every_branch_odds(refuse_intake=0.05, completion_at_intake=0.05)
    for n in range(30):
        simulate(
            rng=rng,
            n=n,
            procedure=world.procedure,
            cast=cast,
            received_at=START + dt.timedelta(hours=13 * n),
            now=STOP,
            odds=odds,
        )
    # a name longer than both cuts, and a re-appointed due time (an apology)
    world.procedure.name = "Cấp giấy phép xây dựng " * 6
    world.procedure.save(update_fields=["name"])
    first = Dossier.objects.filter(status="in_progress").order_by("id").first()
    Dossier.objects.filter(pk=first.pk).update(reappointed_due_at=STOP + dt.timedelta(days=9))
    return list(Dossier.objects.all())


def test_each_row_says_what_the_dossier_model_says(world, many):
    statuses = {d.status for d in many}
    assert {"in_progress", "supplement_requested", "returned"} <= statuses, statuses
    assert any(d.assignee_id is None for d in many) and any(d.current_step_id for d in many)
    flags = set()
    for now in (START + dt.timedelta(days=5), STOP, timezone.now()):
        listed = dossier_list(user=world.leader, filters=DossierFilters(), now=now)
        rows = {r.code: r for r in queue_rows(queue_values(listed), now=now)}
        models = listed.select_related("procedure", "holder_unit", "current_step", "assignee")
        assert len(rows) == len(many)
        for d in models:
            row = rows[d.code]
            assignee = (d.assignee.get_full_name() or d.assignee.username) if d.assignee else ""
            assert (
                row.url,
                row.procedure_name,
                row.applicant_name,
                row.status_label,
                row.holder_unit,
                row.assignee,
                row.received_at,
                row.due_at,
                row.overdue,
                row.next_step,
                row.procedure_short,
                row.procedure_card,
                row.received_text,
                row.due_text,
            ) == (
                reverse("dossiers:detail", args=[d.code]),
                d.procedure.name,
                d.applicant_name,
                d.get_status_display(),
                d.holder_unit.name if d.holder_unit else "",
                assignee,
                d.received_at,
                d.effective_due_at,
                d.is_overdue(now),
                officer_next(d),
                truncatechars(d.procedure.name, 70),
                truncatechars(d.procedure.name, 90),
                vn_datetime(d.received_at),
                vn_datetime(d.effective_due_at) or "—",
            ), d.code
            flags.add(row.overdue)
    assert flags == {True, False}  # the comparison saw both answers


def test_the_tab_counts_are_the_sizes_of_the_queues(world, many):
    for now in (START + dt.timedelta(days=3), STOP, timezone.now()):
        for user, scope in ((world.leader, "unit"), (world.specialist, "mine")):
            counts = queue_counts(user=user, scope=scope, now=now)
            assert set(counts) == set(COUNTED_QUEUES)
            for queue in COUNTED_QUEUES:
                filters = DossierFilters(scope=scope, queue=queue)
                expected = dossier_list(user=user, filters=filters, now=now).count()
                assert counts[queue] == expected, (queue, scope, now)
    assert any(queue_counts(user=world.leader, scope="unit", now=STOP).values())


def _queries(client, url: str) -> list[str]:
    client.get(url)  # warm the process caches (roles, calendar, content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # the work calendar checks whether its data changed every few seconds (3 queries), not
    # at each request: those are left out
    return [q["sql"] for q in captured.captured_queries if "workcalendar_" not in q["sql"]]


def test_the_queue_page_queries_do_not_grow_with_the_page_size_or_the_rows(client, world, settings):
    client.force_login(world.leader)
    for _ in range(3):
        receive(world)
    settings.MOTCUA = {**settings.MOTCUA, "PAGE_SIZE": 2}
    small = _queries(client, "/can-bo/?queue=todo")
    for _ in range(12):
        receive(world)
    settings.MOTCUA = {**settings.MOTCUA, "PAGE_SIZE": 50}
    large = _queries(client, "/can-bo/?queue=todo")
    assert len(large) == len(small) <= 9, large
    # one count for the four tabs and the pages together; one query for the rows
    assert sum("COUNT(" in sql.upper() for sql in large) == 1
    assert sum('"dossiers_dossier"."applicant_name"' in sql for sql in large) == 1


def test_the_pages_are_counted_right_with_and_without_a_narrowing_filter(client, world, settings):
    client.force_login(world.leader)
    codes = [receive(world).code for _ in range(5)]
    settings.MOTCUA = {**settings.MOTCUA, "PAGE_SIZE": 2}
    page = client.get("/can-bo/", {"queue": "todo"}).content.decode()
    assert "Trang 1 / 3" in page  # the tab's count (5) gives the pages
    assert re.search(r"Cần xử lý <span[^>]*>5</span>", page)
    narrowed = _queries(client, f"/can-bo/?queue=todo&q={codes[0]}")
    assert sum("COUNT(" in sql.upper() for sql in narrowed) == 2  # the tabs, then the list
    one = client.get("/can-bo/", {"queue": "todo", "q": codes[0]}).content.decode()
    assert "Trang 1 /" not in one and one.count(f"/can-bo/ho-so/{codes[0]}/") == 2
    # the queues no tab counts ("done", everything) are counted for their pages
    everything = client.get("/can-bo/", {"queue": ""}).content.decode()
    assert "Trang 1 / 3" in everything
