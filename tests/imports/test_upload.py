"""Upload on the page: the province administrator sends a history (and a mapping); it is
checked by content and size, validated in full (every problem with its line, nothing
written), then imported in the background as a job with a progress bar and a summary."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.core.files import minimal_pdf
from motcua.core.models import Job, JobStatus
from motcua.dossiers.models import Dossier
from motcua.imports.models import ImportRun
from motcua.ledger.models import Event
from motcua.organization.models import Role
from tests.imports.conftest import N, read_csv, write_csv


def _post(client, name: str, data: bytes, mapping: tuple[str, bytes] | None = None):
    files = {"history": SimpleUploadedFile(name, data, content_type="text/plain")}
    if mapping is not None:
        files["mapping"] = SimpleUploadedFile(mapping[0], mapping[1], content_type="text/plain")
    return client.post(reverse("imports:runs"), files)


def _nothing_written(events_before: int) -> None:
    assert Job.objects.count() == 0 and ImportRun.objects.count() == 0
    assert Dossier.objects.count() == 0 and Event.objects.count() == events_before


def test_valid_csv_is_imported_in_the_background(
    client,
    source,
    world,
    province_admin,
    run_jobs,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "lich-su-cu.csv", source["history"].read_bytes())
    # the upload is valid: a job is queued and the page follows it
    assert response.status_code == 302 and "?viec=" in response["Location"]
    job = Job.objects.get()
    assert job.kind == "imports.history" and job.requested_by == province_admin
    assert job.input_file.name.endswith(".csv")  # stored privately, under the job
    assert Dossier.objects.count() == 0  # nothing imported in the request
    page = client.get(response["Location"]).content.decode()
    assert 'id="viec-nen"' in page and "Nhập lịch sử hồ sơ" in page
    # the worker imports it
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.details
    assert job.summary.startswith(f"Đã nhập {N} hồ sơ")
    assert job.percent() == 100 and job.total == N
    run = ImportRun.objects.get()
    assert run.file_name == "lich-su-cu.csv" and run.finished_at is not None
    assert Dossier.objects.count() == N
    # recorded under the administrator's name in the ledger
    started = Event.objects.get(subject_type="import_run", action="import.started")
    assert started.actor_id == province_admin.pk
    # the job's steps: the bar went through the batches
    steps = list(job.events.values_list("message", flat=True))
    assert "Ghi lại từng lô qua các dịch vụ" in steps
    page = client.get(reverse("imports:runs")).content.decode()
    assert f"{N}/{N} hồ sơ" in page
    # the same file again: refused at once, nothing queued
    response = _post(client, "lai.csv", source["history"].read_bytes())
    assert response.status_code == 409 and "đã được nhập đầy đủ" in response.content.decode()
    assert Job.objects.count() == 1


def test_jsonl_with_a_mapping_is_recognized_by_content(
    client,
    source,
    world,
    province_admin,
    run_jobs,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rows = read_csv(source["history"])
    receiving = rows[0]["receiving_unit"]
    for row in rows:
        if row["receiving_unit"] == receiving:
            row["receiving_unit"] = "DON-VI-CU"
    lines = [
        json.dumps({**r, "payload": json.loads(r["payload"] or "{}")}, ensure_ascii=False)
        for r in rows
    ]
    mapping = json.dumps({"units": {"DON-VI-CU": receiving}}).encode()
    client.force_login(province_admin)
    # named .txt: the kind comes from the content, not the name
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "xuat.txt", "\n".join(lines).encode(), ("anh-xa.txt", mapping))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.input_file.name.endswith(".jsonl") and job.params["mapping"]["units"]
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.details
    assert Dossier.objects.filter(receiving_unit__code=receiving).count() >= 1
    assert Dossier.objects.count() == N


def test_every_problem_is_listed_with_its_line_and_nothing_is_written(
    client, source, world, province_admin, tmp_path
):
    rows = read_csv(source["history"])
    rows[0]["procedure"] = "KHONG.CO"
    # another dossier's officer is unknown
    i = next(i for i, r in enumerate(rows) if r["dossier"] != rows[0]["dossier"] and r["actor"])
    rows[i]["actor"] = "ai.do"
    events = Event.objects.count()
    client.force_login(province_admin)
    response = _post(client, "sai.csv", write_csv(tmp_path / "f.csv", rows).read_bytes())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp có 2 lỗi, chưa nhập gì." in page
    assert f"Dòng 2: hồ sơ {rows[0]['dossier']}: không tìm thấy thủ tục «KHONG.CO»." in page
    assert f"Dòng {i + 2}: không tìm thấy cán bộ «ai.do»." in page
    _nothing_written(events)


@pytest.mark.parametrize(
    "name, data",
    [
        ("lich-su.csv", minimal_pdf("x")),  # a PDF named .csv
        ("lich-su.csv", b"<html><script>alert(1)</script></html>"),
        ("lich-su.csv", b"dossier,seq\n\x00\x01\x02"),  # binary
        ("lich-su.csv", "Mã hồ sơ".encode("utf-16")),  # not UTF-8
        ("lich-su.csv", b""),
    ],
)
def test_a_file_that_is_not_csv_or_jsonl_is_refused(client, world, province_admin, name, data):
    events = Event.objects.count()
    client.force_login(province_admin)
    response = _post(client, name, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "CSV (UTF-8) hoặc JSON Lines (UTF-8)" in text or "rỗng" in text
    _nothing_written(events)


def test_a_bad_mapping_and_a_too_large_file_are_refused(
    client, source, world, province_admin, settings
):
    events = Event.objects.count()
    client.force_login(province_admin)
    response = _post(
        client, "a.csv", source["history"].read_bytes(), ("m.json", b'{"units": ["X"]}')
    )
    assert response.status_code == 400
    assert "mục «units» của tệp ánh xạ phải là một đối tượng JSON" in response.content.decode()
    settings.MOTCUA_IMPORT_MAX_BYTES = 1000
    response = _post(client, "a.csv", source["history"].read_bytes())
    assert response.status_code == 400
    assert "vượt quá dung lượng cho phép" in response.content.decode()
    _nothing_written(events)


def test_only_the_province_administrator_may_upload(client, source, world, make_user, province):
    events = Event.objects.count()
    for user in (
        make_user(Role.SPECIALIST, unit=province),
        make_user(Role.UNIT_LEADER, unit=province),
    ):
        client.force_login(user)
        assert _post(client, "a.csv", source["history"].read_bytes()).status_code == 403
    _nothing_written(events)


def test_the_service_refuses_someone_without_the_role(source, world, make_user, province):
    from motcua.core.errors import PermissionDenied
    from motcua.imports.jobs import history_upload_start

    upload = SimpleUploadedFile("a.csv", source["history"].read_bytes())
    with pytest.raises(PermissionDenied):
        history_upload_start(actor=make_user(Role.DESK_OFFICER, unit=province), history=upload)


def test_an_object_storage_without_local_paths_is_read_through_a_copy(
    client,
    source,
    world,
    province_admin,
    run_jobs,
    settings,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from django.db.models.fields.files import FieldFile

    settings.MEDIA_ROOT = str(tmp_path / "media")

    def no_path(self):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "lich-su.csv", source["history"].read_bytes())
    assert response.status_code == 302
    monkeypatch.setattr(FieldFile, "path", property(no_path))  # as S3's storage answers
    run_jobs()
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.details
    assert Dossier.objects.count() == N
