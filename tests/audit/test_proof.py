"""A dossier's proof: who may download it, what it contains, and the standalone script."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from motcua.ledger import merkle
from motcua.ledger.services import daily_roots_build
from motcua.organization.services import api_token_create
from tests.dossiers.conftest import (  # noqa: F401 - the ``world`` fixture
    APPLICANT,
    at,
    receive,
    to_leader,
    to_specialist,
    world,
)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_proof.py"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def processed(world):  # noqa: F811
    """A dossier received Monday, worked on Tuesday, one more step Wednesday (not yet rooted),
    among other dossiers' events."""
    dossier = receive(world, at(0, 8))
    receive(world, at(0, 8, 30), applicant={**APPLICANT, "phone": "0987000111"})
    dossier = to_specialist(world, dossier, at(0, 9))
    receive(world, at(1, 7, 45))
    dossier = to_leader(world, dossier, at(1, 10))
    daily_roots_build(now=at(2, 1))
    receive(world, at(2, 8))
    return dossier


def _proof(client: Client, code: str, **query) -> tuple[int, dict]:
    """The applicant sends the digits by POST; an officer GETs with a token."""
    url = f"/api/ledger/dossiers/{code}/proof"
    headers = query.pop("headers", {})
    if "phone" in query:
        response = client.post(url, query, content_type="application/json", **headers)
    else:
        response = client.get(url, **headers)
    return response.status_code, response.json()


def test_applicant_gets_events_with_inclusion_proofs(processed):
    # when
    status, proof = _proof(Client(), processed.code, phone="5678")
    # then
    assert status == 200
    assert proof["format"] == "motcua-ledger-proof/1"
    assert proof["subject"] == {
        "type": "dossier",
        "id": processed.code,
        "code": processed.code,
        "history": {"source": "live"},  # worked on this platform, not imported
    }
    seqs = [e["canonical"]["seq"] for e in proof["events"]]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 3
    roots = {r["day"]: r for r in proof["roots"]}
    assert set(roots) == {"2026-03-02", "2026-03-03"}
    for event in proof["events"]:
        inclusion = event["inclusion"]
        root = roots[inclusion["day"]]
        assert merkle.verify_inclusion(
            event["hash"],
            inclusion["leaf_index"],
            inclusion["tree_size"],
            inclusion["audit_path"],
            root["merkle_root"],
        )
    assert roots["2026-03-02"]["event_count"] > sum(
        1 for e in proof["events"] if e["inclusion"]["day"] == "2026-03-02"
    )


@pytest.mark.parametrize(
    "code, phone",
    [("own", "0000"), ("own", ""), ("own", "678"), ("000.00.00.X-260302-9999", "5678")],
    ids=["wrong-digits", "no-digits", "three-digits", "unknown-code"],
)
def test_wrong_digits_and_unknown_codes_get_the_same_answer(processed, code, phone):
    code = processed.code if code == "own" else code
    status, body = _proof(Client(), code, phone=phone)
    assert status == 404
    assert body["code"] == "proof_not_found"
    assert "4 số cuối điện thoại" in body["message"]


def test_officer_token_needs_no_phone(processed, world):  # noqa: F811
    # given
    _, raw = api_token_create(actor=None, user=world.specialist, name="kiểm tra")
    # when
    status, proof = _proof(
        Client(), processed.code, headers={"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    )
    # then
    assert status == 200 and len(proof["events"]) >= 3


def test_a_user_without_any_role_is_not_an_officer(processed, django_user_model):
    user = django_user_model.objects.create_user(username="congdan", password="x-Mk-2026-kt")
    _, raw = api_token_create(actor=None, user=user, name="cá nhân")
    status, _ = _proof(Client(), processed.code, headers={"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    assert status == 404


def test_events_of_a_day_not_yet_rooted_have_no_inclusion(world):  # noqa: F811
    dossier = receive(world, at(0, 8))
    status, proof = _proof(Client(), dossier.code, phone="5678")
    assert status == 200
    assert proof["roots"] == [] and {e["inclusion"] for e in proof["events"]} == {None}


def _run_script(*args: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_standalone_script_checks_a_downloaded_proof(processed, tmp_path):
    # given: the proof downloaded from the public page, the roots from the public API
    client = Client()
    response = client.post(f"/so-cai/ho-so/{processed.code}/bang-chung.json", {"phone": "5678"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    proof_file = tmp_path / "bang-chung.json"
    proof_file.write_bytes(response.content)
    roots_file = tmp_path / "roots.json"
    roots_file.write_bytes(client.get("/api/ledger/roots", {"page_size": 200}).content)
    # when
    result = _run_script(proof_file, "--roots", roots_file)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KẾT QUẢ: HỢP LỆ" in result.stdout


@pytest.mark.parametrize("change", ["payload", "time", "drop", "swap", "root", "published"])
def test_standalone_script_rejects_a_changed_proof(processed, world, tmp_path, change):  # noqa: F811
    # given: the full proof, as an officer of the dossier's unit downloads it
    client = Client()
    _, raw = api_token_create(actor=None, user=world.specialist, name="kiểm tra")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    proof = client.get(f"/api/ledger/dossiers/{processed.code}/proof", **auth).json()
    assert not any(e.get("redacted") for e in proof["events"])
    roots = client.get("/api/ledger/roots").json()
    events = proof["events"]
    if change == "payload":
        events[1]["canonical"]["payload"]["status_to"] = "returned"
    elif change == "time":
        events[1]["canonical"]["at"] = "2026-03-01T01:00:00.000000Z"
    elif change == "drop":
        del events[1]
    elif change == "swap":
        events[1], events[2] = events[2], events[1]
    elif change == "root":
        proof["roots"][0]["event_count"] += 1
    else:
        roots["items"][0]["hash"] = "0" * 64
    proof_file, roots_file = tmp_path / "p.json", tmp_path / "r.json"
    proof_file.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    roots_file.write_text(json.dumps(roots), encoding="utf-8")
    # when
    result = _run_script(proof_file, "--roots", roots_file)
    # then
    assert result.returncode == 1, result.stdout
    assert "KHÔNG HỢP LỆ" in result.stdout


def test_roots_api_is_public_filtered_and_paginated(processed):
    client = Client()
    body = client.get("/api/ledger/roots").json()
    assert [r["day"] for r in body["items"]] == ["2026-03-03", "2026-03-02"]
    assert body["count"] == 2 and body["pages"] == 1
    one = client.get("/api/ledger/roots", {"from": "2026-03-03", "to": "2026-03-03"}).json()
    assert [r["day"] for r in one["items"]] == ["2026-03-03"]
    bad = client.get("/api/ledger/roots", {"from": "2026-03-03", "to": "2026-03-02"})
    assert bad.status_code == 400 and bad.json()["code"] == "date_range_invalid"
    assert client.get("/api/ledger/roots", {"from": "03/2026"}).status_code == 400


def test_public_pages_show_roots_and_a_dossier_history(processed):
    client = Client()
    page = client.get("/so-cai/").content.decode()
    assert "02/03/2026" in page and "03/03/2026" in page
    history = client.post("/so-cai/ho-so/", {"code": processed.code, "phone": "5678"})
    text = history.content.decode()
    assert history.status_code == 200
    assert "Tiếp nhận hồ sơ" in text and "Đã công bố" in text and "Tải bằng chứng" in text
    refused = client.post("/so-cai/ho-so/", {"code": processed.code, "phone": "1111"})
    assert "4 số cuối điện thoại" in refused.content.decode()
    assert APPLICANT["phone"] not in refused.content.decode()
    assert client.get("/so-cai/", {"from": "x"}).status_code == 200


def test_roots_page_is_paginated(db):
    from tests.ledger.conftest import record

    record("HS-1", dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC))
    daily_roots_build(now=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
    page = Client().get("/so-cai/", {"page": 2}).content.decode()
    assert "Trang 2 / 3" in page


def test_histories_written_by_the_dossier_services_verify_clean(world):  # noqa: F811
    from motcua.ledger.verify import verify

    # given: dossier histories in March, sealed and rooted by tonight's run (real clock)
    dossier = to_specialist(world, receive(world, at(0, 8)), at(0, 9))
    to_leader(world, dossier, at(1, 10))
    receive(world, at(1, 11), applicant={**APPLICANT, "phone": ""})
    daily_roots_build()
    # when
    report = verify()
    # then
    assert report.ok, [p.describe() for p in report.problems]
    assert report.roots > 2 and report.sealed == report.events


def test_anonymous_proof_lookups_cannot_probe_the_phone_digits(processed, settings):
    # given the public look-up limits of the portal (10 per code per window)
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 100, "per_code": 10}
    client = Client()
    # when someone tries endings one after another
    answers = [_proof(client, processed.code, phone=f"{n:04d}")[0] for n in range(10)]
    # then wrong digits give 404 until the limit, after which even the right ones are refused
    assert answers == [404] * 10
    status, body = _proof(client, processed.code, phone="5678")
    assert status == 429 and body["code"] == "rate_limited"


def test_officers_with_a_token_are_not_counted(processed, world, settings):  # noqa: F811
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 1, "per_code": 1}
    _, token = api_token_create(actor=world.desk, user=world.desk, name="kiểm thử")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for _ in range(3):
        status, _ = _proof(Client(), processed.code, headers=headers)
        assert status == 200
