"""The operations page lists the long jobs: those running or waiting first, then the recent
ones, with who asked, the state, the progress and the times (issue 16, item 4)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from motcua.catalog.services import catalog_export_start
from motcua.core.formats import vn_datetime
from motcua.core.models import Job, JobStatus
from motcua.organization.models import Role

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    section = html.split('id="jobs"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr data-job=.*?</tr>", section, flags=re.S)


def test_operations_page_lists_running_and_recent_jobs(
    client, make_user, province, catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    # given an export that ran and another still waiting for the worker
    with django_capture_on_commit_callbacks(execute=True):
        done = catalog_export_start(actor=catalog_admin)
    assert run_jobs() == 1
    waiting = catalog_export_start(actor=catalog_admin)
    done.refresh_from_db()
    assert done.status == JobStatus.DONE and waiting.status == JobStatus.QUEUED
    # when a province administrator opens the operations page
    admin = make_user(Role.PROVINCE_ADMIN, unit=province)
    client.force_login(admin)
    rows = _rows(client.get("/van-hanh/").content.decode())
    # then both are listed, the waiting one first, with kind, who, state, progress and times
    assert [re.search(r'data-job="([^"]+)"', r)[1] for r in rows] == [
        str(waiting.pk),
        str(done.pk),
    ]
    first, second = rows
    assert "Xuất danh mục TTHC ra Excel" in first and "Đang chờ" in first
    assert catalog_admin.get_full_name() in first and 'value="0"' in first
    assert "Hoàn thành" in second and 'value="100"' in second and "100 %" in second
    started, finished = vn_datetime(done.started_at), vn_datetime(done.finished_at)
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", started)
    assert started in second and finished in second
    # the administrator may follow a catalog job: its row links to the job's page
    assert f'href="/viec-nen/{done.pk}/"' in second
    assert client.get(f"/viec-nen/{done.pk}/").status_code == 200
    # a job no one else may follow (here, of a kind no longer offered) is listed unlinked
    other = Job.objects.create(kind="cu.da-bo", label="Việc cũ", requested_label="Người khác")
    rows = _rows(client.get("/van-hanh/").content.decode())
    assert str(other.pk) in rows[1] and "cu.da-bo" in rows[1] and "Người khác" in rows[1]
    assert f"/viec-nen/{other.pk}/" not in rows[1]


def test_operations_page_keeps_the_list_short(client, province_admin, catalog_admin):
    # given many finished jobs (the page lists the running ones and the 20 most recent)
    now = timezone.now()
    Job.objects.bulk_create(
        Job(kind="catalog.export", label="x", requested_by=catalog_admin, status=JobStatus.DONE,
            started_at=now, finished_at=now)
        for _ in range(25)
    )  # fmt: skip
    client.force_login(province_admin)
    assert len(_rows(client.get("/van-hanh/").content.decode())) == 20
