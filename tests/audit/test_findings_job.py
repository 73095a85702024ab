"""The findings Excel from the page runs as a background job with a progress bar; the
workbook goes only to inspectors over the same units."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.audit.integrity_views import findings_for
from motcua.core.models import Job, JobStatus
from motcua.organization.models import Role
from tests.audit.test_integrity import histories, inspector  # noqa: F401
from tests.dossiers.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files of this test's own (the histories store a result file), beside no other test's."""
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_page_exports_through_a_job_with_progress(
    histories,  # noqa: F811
    inspector,  # noqa: F811
    world,  # noqa: F811
    make_user,
    run_jobs,
    django_capture_on_commit_callbacks,
):
    client = Client()
    client.force_login(inspector)
    # when the inspector clicks «Xuất Excel» with a filter
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/so-cai/kiem-tra/xuat-excel/?kind=step_in_seconds")
    # then the page shows the job's bar, the filter kept
    assert response.status_code == 302
    assert "kind=step_in_seconds" in response["Location"] and "viec=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'id="viec-nen"' in page and "Xuất Excel các dấu hiệu cập nhật khống" in page
    # and the worker writes the workbook, step by step
    run_jobs()
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.summary
    steps = [e.message for e in job.events.order_by("seq")]
    assert "Tìm các dấu hiệu trong lịch sử hồ sơ" in steps
    expected = findings_for(inspector, kind="step_in_seconds")
    assert f"Ghi {len(expected)} phát hiện vào sổ tính Excel" in steps
    download = client.get(f"/viec-nen/{job.pk}/tai-ve/")
    assert download.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][:2] == ("Loại", "Mã hồ sơ")
    assert [r[1] for r in rows[1:]] == [f["code"] for f in expected] != []
    # an inspector of one commune only, or a specialist: no workbook
    local = make_user(Role.INSPECTOR, unit=world.commune, username="thanhtra.xa")
    for other in (local, world.specialist):
        client.force_login(other)
        assert client.get(f"/viec-nen/{job.pk}/tai-ve/").status_code == 403
    # a specialist cannot start one either
    assert client.post("/so-cai/kiem-tra/xuat-excel/").status_code == 403
    assert Job.objects.count() == 1
