"""Long jobs: the catalog export and import run through the worker, report their steps, and
their result is downloadable only by the one who asked or the same role."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from motcua.catalog.excel import workbook_data
from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_export, catalog_export_start, catalog_import_start
from motcua.core.errors import PermissionDenied
from motcua.core.jobs import JobResult, register_job_kind
from motcua.core.models import Job, JobStatus
from motcua.core.selectors import job_for
from motcua.core.services import job_start
from motcua.organization.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(make_unit):
    """A small catalog of three procedures, read back from its own workbook."""
    from motcua.catalog.models import ProcedureLevel, ProcessStep
    from tests.dossiers.conftest import make_procedure

    for n in range(3):
        procedure = make_procedure(code=f"1.00{n}")
        ProcedureLevel.objects.create(procedure=procedure, level="commune")
    ProcessStep.objects.update(unit_kind="commune")
    return Procedure.objects.count()


def _edit(data: bytes, sheet: str, cell: str, value) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    workbook[sheet][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_export_runs_through_the_worker_and_reports_its_steps(
    client, catalog, catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    # given an export asked for by the catalog administrator
    with django_capture_on_commit_callbacks(execute=True):
        job = catalog_export_start(actor=catalog_admin)
    assert job.status == JobStatus.QUEUED
    # when the worker runs
    assert run_jobs() == 1
    # then the job went through its named steps, to 100 %
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent() == 100
    steps = [e.message for e in job.events.order_by("seq")]
    assert steps[0] == "Đang chờ tiến trình chạy nền nhận việc"
    assert steps[1:4] == ["Bắt đầu", "Đọc danh mục từ cơ sở dữ liệu", "Ghi trang LinhVuc"]
    assert "Ghi trang ThuTuc" in steps and "Nén và lưu tệp Excel" in steps
    assert steps[-1] == "Đã xuất danh mục thủ tục hành chính ra Excel."
    assert [e.status for e in job.events.order_by("seq")][-1] == JobStatus.DONE
    # and the status JSON the bar polls says so, with the download link
    client.force_login(catalog_admin)
    status = client.get(f"/viec-nen/{job.pk}/trang-thai/").json()
    assert status["percent"] == 100 and status["finished"] and status["status"] == "done"
    assert status["download_url"] == f"/viec-nen/{job.pk}/tai-ve/"
    # and the downloaded workbook is the catalog
    response = client.get(status["download_url"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="danh-muc-tthc.xlsx"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert workbook_data(data) == workbook_data(catalog_export())
    assert len(workbook_data(data)["ThuTuc"]) == catalog + 1


def test_the_result_is_refused_to_others_and_open_to_the_same_role(
    client,
    catalog,
    catalog_admin,
    make_user,
    province,
    run_jobs,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = catalog_export_start(actor=catalog_admin)
    run_jobs()
    urls = [f"/viec-nen/{job.pk}/", f"/viec-nen/{job.pk}/tai-ve/"]
    # an officer of another role: refused, in Vietnamese, with a stable code
    officer = make_user(Role.DESK_OFFICER, unit=province, username="kt.motcua")
    client.force_login(officer)
    for url in urls:
        assert client.get(url).status_code == 403
    refused = client.get(f"/viec-nen/{job.pk}/trang-thai/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "job_forbidden"
    assert "người khác" in refused.json()["message"]
    with pytest.raises(PermissionDenied):
        job_for(user=officer, job_id=job.pk)
    # nobody logged in: no file either
    client.logout()
    assert client.get(urls[1]).status_code == 302
    assert client.get(f"/viec-nen/{job.pk}/trang-thai/").status_code == 403
    # an unknown job: 404
    client.force_login(catalog_admin)
    assert (
        client.get("/viec-nen/00000000-0000-0000-0000-000000000000/trang-thai/").status_code == 404
    )
    # another catalog administrator (same role, province-wide): may download
    colleague = make_user(Role.CATALOG_ADMIN, unit=province, username="kt.danhmuc2")
    client.force_login(colleague)
    assert client.get(urls[1]).status_code == 200


def test_the_download_waits_for_the_end(client, catalog, catalog_admin):
    job = catalog_export_start(actor=catalog_admin)  # queued, the worker has not run
    client.force_login(catalog_admin)
    assert client.get(f"/viec-nen/{job.pk}/trang-thai/").json()["download_url"] == ""
    assert client.get(f"/viec-nen/{job.pk}/tai-ve/").status_code == 409


def test_only_catalog_roles_may_start_the_export(make_user, province, catalog):
    officer = make_user(Role.DESK_OFFICER, unit=province, username="kt.motcua")
    with pytest.raises(PermissionDenied):
        catalog_export_start(actor=officer)
    assert not Job.objects.exists()


def test_import_through_the_admin_page_runs_in_the_background(
    client, catalog, catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    # given a workbook in which one procedure is renamed
    data = _edit(catalog_export(), "ThuTuc", "B2", "Tên mới qua việc chạy nền")
    code = workbook_data(data)["ThuTuc"][1][0]
    catalog_admin.is_staff = True
    catalog_admin.save()
    client.force_login(catalog_admin)
    # when it is uploaded: the page follows a queued job
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/catalog/procedure/nhap-excel/",
            {"workbook": SimpleUploadedFile("dm.xlsx", data)},
            follow=True,
        )
    page = response.content.decode()
    assert 'data-job-status-url="/viec-nen/' in page and "Đang chờ" in page
    assert Procedure.objects.get(code=code).name != "Tên mới qua việc chạy nền"
    # then the worker imports it, step by step
    run_jobs()
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.summary
    assert job.summary == f"Đã nhập danh mục: {catalog} thủ tục."
    steps = [e.message for e in job.events.order_by("seq")]
    assert "Đọc trang ThuTuc" in steps and "Đọc trang CongBo" in steps
    assert "Kiểm tra tham chiếu và ghi vào cơ sở dữ liệu (tất cả hoặc không gì cả)" in steps
    assert Procedure.objects.get(code=code).name == "Tên mới qua việc chạy nền"
    again = client.get(response.redirect_chain[-1][0]).content.decode()
    assert f"Đã nhập danh mục: {catalog} thủ tục." in again


def test_an_import_with_errors_fails_and_lists_them(
    client, catalog, catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    data = _edit(catalog_export(), "ThuTuc", "C2", "KHONG-CO")
    with django_capture_on_commit_callbacks(execute=True):
        job = catalog_import_start(actor=catalog_admin, data=data, name="sai.xlsx")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.summary == "Không nhập được: 1 lỗi, không có gì được ghi."
    assert job.details == [
        "Trang 'ThuTuc', dòng 2, cột 'Mã lĩnh vực': không có lĩnh vực mã 'KHONG-CO'"
    ]
    client.force_login(catalog_admin)
    body = client.get(f"/viec-nen/{job.pk}/trang-thai/").json()
    assert body["status_label"] == "Không thành công" and body["download_url"] == ""
    assert body["details"] == job.details


def test_a_crashing_job_is_failed_with_a_vietnamese_message(
    catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    def crash(*, job, progress):
        progress.step("Bước đầu", done=1, total=4)
        raise RuntimeError("boom")

    register_job_kind("test.crash", label="Việc thử hỏng", run=crash)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=catalog_admin, kind="test.crash")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error_code == "server_error"
    assert job.summary.startswith("Việc không hoàn thành do lỗi hệ thống")
    assert [e.message for e in job.events.order_by("seq")][-2] == "Bước đầu"


def test_progress_is_kept_to_a_few_writes(
    catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    def many(*, job, progress):
        progress.step("Đếm", done=0, total=10_000)
        for _ in range(10_000):
            progress.advance()
        return JobResult(summary="Xong.")

    register_job_kind("test.many", label="Việc thử nhiều bước", run=many)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=catalog_admin, kind="test.many")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 10_000
    assert job.events.count() == 4  # queued, started, the step, done


def test_the_commands_print_a_progress_line(tmp_path, catalog, catalog_admin):
    out = io.StringIO()
    target = tmp_path / "dm.xlsx"
    call_command("catalog", "export", str(target), stdout=out)
    text = out.getvalue()
    assert "Ghi trang ThuTuc" in text and "100 %" in text and "\r" in text
    assert (
        text.rstrip().splitlines()[-1].split("\r")[-1].startswith(f"Đã xuất danh mục vào {target}")
    )
    assert workbook_data(target.read_bytes()) == workbook_data(catalog_export())
    out = io.StringIO()
    call_command("catalog", "import", str(target), "--user", catalog_admin.username, stdout=out)
    assert "Đọc trang QuyTrinh" in out.getvalue() and "Ghi trang CongBo" in out.getvalue()
    assert "Đã nhập danh mục: 3 thủ tục" in out.getvalue()


def test_finished_jobs_are_forgotten_with_their_files_after_a_week(
    catalog, catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from motcua.core.tasks import purge_old_jobs

    with django_capture_on_commit_callbacks(execute=True):
        old = catalog_export_start(actor=catalog_admin)
        recent = catalog_export_start(actor=catalog_admin)
    run_jobs()
    old.refresh_from_db()
    storage, name = old.result_file.storage, old.result_file.name
    assert storage.exists(name)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert purge_old_jobs.call() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(name)
