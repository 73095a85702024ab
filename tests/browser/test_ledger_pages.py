"""A citizen checks the public daily roots, opens their dossier's history with its code and
the last 4 digits of their phone, downloads the proof and checks it with the script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from motcua.ledger import triggers
from motcua.ledger.services import daily_roots_build
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import at, receive, to_leader, to_specialist, world  # noqa: F401

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_proof.py"


@pytest.fixture
def published(transactional_db, world):  # noqa: F811
    """Committed, for the live server (another thread) to read."""
    dossier = receive(world, at(0, 8))
    dossier = to_specialist(world, dossier, at(0, 9))
    dossier = to_leader(world, dossier, at(1, 10))
    daily_roots_build(now=at(2, 1))
    return dossier


def test_roots_page_and_dossier_proof_download(page, published, tmp_path):
    from django.db import connection

    assert triggers.active(connection)  # a live-server (transactional) test keeps them
    # the public list of daily roots
    page.goto(page.base + "/so-cai/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Sổ cái công khai")
    rows = page.locator("#goc-ngay tbody tr")
    assert rows.count() == 2
    assert rows.first.inner_text().startswith("03/03/2026")
    assert axe_violations(page) == []
    # the dossier's history
    page.get_by_role("link", name="tải lịch sử hồ sơ kèm bằng chứng").click()
    page.get_by_label("Mã hồ sơ").fill(published.code)
    page.get_by_label("4 số cuối điện thoại").fill("5678")
    page.get_by_role("button", name="Xem lịch sử").click()
    events = page.locator("#lich-su tbody tr")
    events.first.wait_for()
    assert events.count() >= 3
    assert "Tiếp nhận hồ sơ" in events.first.inner_text()
    assert "Đã công bố" in events.first.inner_text()
    # the applicant sees roles and units, never an officer's name or login
    table = page.locator("#lich-su").inner_text()
    assert "Cán bộ một cửa — UBND xã Số Một" in table and "Lan Trần" not in table
    assert "5678" not in page.url  # the digits went by POST, not in the address
    assert axe_violations(page) == []
    # the proof, checked offline
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải bằng chứng (JSON)").click()
    proof = tmp_path / "bang-chung.json"
    download.value.save_as(proof)
    result = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(proof)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "HỢP LỆ" in result.stdout


def test_wrong_digits_show_a_clear_message(page, published):
    page.goto(page.base + "/so-cai/ho-so/")
    page.get_by_label("Mã hồ sơ").fill(published.code)
    page.get_by_label("4 số cuối điện thoại").fill("0000")
    page.get_by_role("button", name="Xem lịch sử").click()
    alert = page.get_by_role("alert")
    assert "4 số cuối điện thoại không khớp" in alert.inner_text()
    assert page.locator("#lich-su").count() == 0
