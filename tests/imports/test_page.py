"""The administrators' page follows import runs with a progress bar (read only)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from motcua.imports.models import ImportRun
from motcua.imports.services import history_import
from motcua.organization.models import Role


def test_finished_run_shows_full_progress_and_differences(client, source, world, province_admin):
    history_import(path=source["history"], batch_size=10)
    client.force_login(province_admin)
    page = client.get(reverse("imports:runs")).content.decode()
    assert 'aria-valuenow="100"' in page and "30/30 hồ sơ" in page and "3 lô" in page
    assert "hx-trigger" not in page  # nothing running: no polling
    assert "Khác biệt với cờ đúng hạn của hệ thống cũ: <strong>0</strong>" in page


def test_running_run_polls_for_progress(client, db, province_admin):
    ImportRun.objects.create(
        sha256="a" * 64,
        file_name="cu.csv",
        rows=400,
        dossiers=40,
        dossiers_done=10,
        batches_done=1,
        started_at=timezone.now(),
    )
    client.force_login(province_admin)
    fragment = client.get(reverse("imports:runs"), headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert 'aria-valuenow="25"' in text and "đang nhập" in text
    assert 'hx-trigger="every 2s"' in text and "<html" not in text


def test_only_province_administrators_see_runs(client, make_user, province):
    client.force_login(make_user(Role.SPECIALIST, unit=province))
    assert client.get(reverse("imports:runs")).status_code == 403
