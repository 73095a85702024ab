"""What a ledger proof shows to whom: the applicant (code + digits) sees roles and units,
never an officer's name or login, nor their own contact data; an officer of the dossier's
units gets the full, recomputable history. The applicant's copy still proves the order and
the publication of every event."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from motcua.ledger.services import daily_roots_build
from motcua.organization.services import api_token_create
from tests.dossiers.conftest import APPLICANT, at, receive, to_leader, to_specialist

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_proof.py"
pytestmark = pytest.mark.django_db


@pytest.fixture
def processed(world):
    dossier = to_leader(world, to_specialist(world, receive(world, at(0, 8)), at(0, 9)), at(1, 10))
    daily_roots_build(now=at(2, 1))
    return dossier


def applicant_proof(code: str) -> dict:
    url = f"/api/ledger/dossiers/{code}/proof"
    response = Client().post(url, {"phone": "5678"}, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def test_the_applicant_sees_roles_and_units_not_officers(processed, world):
    text = json.dumps(applicant_proof(processed.code), ensure_ascii=False)
    for officer in (world.desk, world.specialist, world.leader):
        assert officer.get_full_name() not in text
        assert f'"{officer.username}"' not in text
    assert "Cán bộ một cửa — UBND xã Số Một" in text
    assert "Chuyên viên xử lý — UBND xã Số Một" in text
    for own in (APPLICANT["id_number"], APPLICANT["phone"], APPLICANT["address"]):
        assert own not in text


def test_an_officer_of_the_unit_gets_the_full_history(processed, world):
    _, raw = api_token_create(actor=None, user=world.leader, name="kiểm tra")
    proof = (
        Client()
        .get(f"/api/ledger/dossiers/{processed.code}/proof", HTTP_AUTHORIZATION=f"Bearer {raw}")
        .json()
    )
    assert not any(e.get("redacted") for e in proof["events"])
    assert "Lan Trần" in json.dumps(proof, ensure_ascii=False)


def _verify(tmp_path, proof: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(path)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


def test_the_applicants_copy_still_proves_order_and_publication(processed, tmp_path):
    proof = applicant_proof(processed.code)
    assert any(e.get("redacted") for e in proof["events"])
    result = _verify(tmp_path, proof)
    assert result.returncode == 0 and "HỢP LỆ" in result.stdout
    assert "đã ẩn" in result.stdout  # and it says which fields it could not recompute
    # a dropped or reordered event is still caught
    dropped = {**proof, "events": [proof["events"][0], *proof["events"][2:]]}
    assert _verify(tmp_path, dropped).returncode == 1
    events = proof["events"]
    swapped = {**proof, "events": [events[1], events[0], *events[2:]]}
    assert _verify(tmp_path, swapped).returncode == 1
