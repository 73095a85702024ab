"""Signed checkpoints (C2SP tlog-checkpoint), their API, the monitor, and a vanished history."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client

from motcua.ledger import checkpoints, merkle, monitor
from motcua.ledger.models import Checkpoint, Event
from motcua.ledger.services import ledger_seal
from motcua.ledger.verify import verify
from tests.dossiers.conftest import receive, world  # noqa: F401  (fixture)
from tests.ledger.conftest import DAY1, DAY3, at, tamper


def _api(path: str) -> dict:
    response = Client().get("/api/ledger" + path)
    if response.status_code != 200:
        raise OSError(response.status_code, response.content.decode())
    return response.json()


def test_a_checkpoint_is_signed_after_each_seal_in_the_c2sp_format(history):
    # given: the history fixture sealed 10 events; two more are sealed now
    ledger_seal(now=at(DAY3, 12))
    latest = Checkpoint.objects.order_by("-tree_size").first()
    # then: origin, size, base64 root, blank line, one signature line
    lines = latest.note.split("\n")
    assert lines[0] == "motcua.gov.vn/so-cai"
    assert lines[1] == "12" and latest.tree_size == 12
    assert base64.b64decode(lines[2]).hex() == latest.root_hash
    assert lines[3] == ""
    dash, name, blob = lines[4].split(" ")
    assert (dash, name, lines[5]) == ("\u2014", "motcua.gov.vn/so-cai", "")
    blob = base64.b64decode(blob)
    public = checkpoints.public_key()
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    assert blob[:4] == key_hash and len(blob) == 68
    Ed25519PublicKey.from_public_bytes(public).verify(
        blob[4:], "\n".join(lines[:3]).encode() + b"\n"
    )
    # the root is the RFC 9162 root of the sealed events' hashes, in id order
    hashes = list(Event.objects.order_by("id").values_list("hash", flat=True))
    assert latest.root_hash == merkle.merkle_root(hashes)
    # the daily roots are kept as named checkpoints
    assert Checkpoint.objects.filter(name=f"day:{DAY1.isoformat()}", tree_size=10).exists()
    # and verify checks them
    assert verify().ok


def test_an_edited_checkpoint_note_is_refused():
    vkey = checkpoints.server_verifier_key()
    note = checkpoints.sign(5, b"\x01" * 32)
    assert checkpoints.open_note(note, vkey).tree_size == 5
    with pytest.raises(checkpoints.CheckpointError):
        checkpoints.open_note(note.replace("\n5\n", "\n6\n", 1), vkey)
    with pytest.raises(checkpoints.CheckpointError):
        checkpoints.open_note(note.replace("AQEB", "AgEB", 1), vkey)


def test_api_serves_consistency_and_inclusion_proofs_that_verify(history):
    ledger_seal(now=at(DAY3, 12))
    latest = _api("/checkpoints/latest")
    vkey = _api("/key")["verifier_key"]
    parsed = checkpoints.open_note(latest["note"], vkey)
    assert parsed.tree_size == 12 and parsed.root_hash.hex() == latest["root_hash"]
    day1 = _api(f"/checkpoints?name=day:{DAY1.isoformat()}")["items"][0]
    answer = _api(f"/consistency?first={day1['tree_size']}&second=12")
    proof = [bytes.fromhex(p) for p in answer["proof"]]
    old, new = bytes.fromhex(day1["root_hash"]), parsed.root_hash
    assert merkle.verify_consistency(day1["tree_size"], 12, old, new, proof)
    event = Event.objects.order_by("id")[11]
    inc = _api(f"/inclusion?event={event.pk}&size=12")
    assert inc["leaf_index"] == 11 and inc["event_hash"] == event.hash
    leaf = merkle.leaf_hash(event.hash)
    path = [bytes.fromhex(p) for p in inc["audit_path"]]
    assert merkle.root_from_inclusion(leaf, 11, 12, path) == new
    # a size without a checkpoint is a 404 with a stable code
    response = Client().get("/api/ledger/consistency?first=3&second=12")
    assert response.status_code == 404 and response.json()["code"] == "checkpoint_not_found"


def test_monitor_accepts_an_extension_and_alarms_on_fork_and_rollback(history, tmp_path):
    state = tmp_path / "monitor.json"
    # first look: the checkpoint is kept
    assert monitor.check(state, _api).ok
    assert json.loads(state.read_text())["tree_size"] == 10
    # a consistent extension
    ledger_seal(now=at(DAY3, 12))
    outcome = monitor.check(state, _api)
    assert outcome.ok and "12 lá" in outcome.message
    saved = json.loads(state.read_text())
    # a fork: a validly signed checkpoint of the same size with another root
    forked = checkpoints.sign(12, hashlib.sha256(b"other history").digest())

    def forking(path):
        return {"note": forked} if path == "/checkpoints/latest" else _api(path)

    outcome = monitor.check(state, forking)
    assert not outcome.ok and "rẽ nhánh" in outcome.message
    assert json.loads(state.read_text()) == saved  # the alarm does not move the state
    # a larger tree that does not extend the one seen (rewritten history)
    rewritten = checkpoints.sign(13, hashlib.sha256(b"rewritten").digest())

    def rewriting(path):
        return {"note": rewritten} if path == "/checkpoints/latest" else _api(path)

    outcome = monitor.check(state, rewriting)
    assert not outcome.ok and "không mở rộng nhất quán" in outcome.message
    # a rollback: the site serves an older checkpoint
    older = Checkpoint.objects.filter(tree_size=10).first().note

    def rolling_back(path):
        return {"note": older} if path == "/checkpoints/latest" else _api(path)

    outcome = monitor.check(state, rolling_back)
    assert not outcome.ok and "quay lui" in outcome.message


def test_a_dossier_whose_whole_history_vanished_is_named(world):  # noqa: F811
    # given: two dossiers, sealed; then the first one's events and seals are deleted
    first = receive(world)
    second = receive(world)
    ledger_seal()
    assert verify().ok
    tamper("DELETE FROM ledger_seal WHERE subject_id = %s", [first.code])
    tamper("DELETE FROM ledger_event WHERE subject_id = %s", [first.code])
    # when
    report = verify()
    # then: the vanished dossier is named first, not the next dossier's event
    assert report.first.kind == "history_missing"
    assert (report.first.subject_type, report.first.subject_id) == ("dossier", first.code)
    assert second.code not in report.first.describe()


def test_a_dossier_row_without_any_event_is_reported(world):  # noqa: F811
    dossier = receive(world)
    tamper("DELETE FROM ledger_event WHERE subject_id = %s", [dossier.code])
    report = verify()
    assert any(
        p.kind == "history_missing" and p.subject_id == dossier.code for p in report.problems
    )


SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_proof.py"


def _script_module():
    spec = importlib.util.spec_from_file_location("verify_proof_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pure_python_ed25519_agrees_with_cryptography():
    script = _script_module()
    note = checkpoints.sign(7, b"\x02" * 32)
    body, _, sig_line = note.partition("\n\n")
    blob = base64.b64decode(sig_line.split(" ")[2])
    public, message = checkpoints.public_key(), (body + "\n").encode()
    assert script.ed25519_verify_pure(public, message, blob[4:])
    assert not script.ed25519_verify_pure(public, message + b"x", blob[4:])
    forged = blob[4:36] + bytes([blob[36] ^ 1]) + blob[37:]
    assert not script.ed25519_verify_pure(public, message, forged)


def test_the_offline_script_checks_signature_consistency_and_inclusion(history, tmp_path):
    ledger_seal(now=at(DAY3, 12))
    key = _api("/key")["verifier_key"]
    old = _api(f"/checkpoints?name=day:{DAY1.isoformat()}")["items"][0]
    new = _api("/checkpoints/latest")
    event = Event.objects.order_by("id")[3]
    files = {
        "old.txt": old["note"],
        "new.txt": new["note"],
        "cons.json": json.dumps(_api(f"/consistency?first={old['tree_size']}&second=12")),
        "inc.json": json.dumps(_api(f"/inclusion?event={event.pk}")),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def run(*extra):
        args = ["--key", key, "--checkpoint", tmp_path / "new.txt", *extra]
        return subprocess.run(
            [sys.executable, "-I", str(SCRIPT), *map(str, args)], capture_output=True, text=True
        )

    done = run("--old-checkpoint", tmp_path / "old.txt", "--consistency", tmp_path / "cons.json",
               "--inclusion", tmp_path / "inc.json")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mở rộng nhất quán" in done.stdout and "HỢP LỆ" in done.stdout
    # a checkpoint with a changed root no longer verifies
    forged = files["new.txt"].split("\n")
    forged[2] = base64.b64encode(b"\x00" * 32).decode()
    (tmp_path / "forged.txt").write_text("\n".join(forged), encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), "--key", key, "--checkpoint", tmp_path / "forged.txt"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "KHÔNG HỢP LỆ" in bad.stdout


def test_the_monitor_command_exits_2_with_a_warning_on_a_fork(history, tmp_path, monkeypatch):
    # the command reads the site over HTTP; here the "site" is this server through the test
    # client (only the transport is replaced, the answers are the real endpoints')
    import io
    import urllib.request

    from django.core.management import CommandError, call_command

    served = {}

    def urlopen(url, timeout=None):
        path = url.split("/api/ledger", 1)[1]
        if path in served:
            return io.BytesIO(json.dumps(served[path]).encode())
        return io.BytesIO(json.dumps(_api(path)).encode())

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    state = tmp_path / "state.json"
    out = io.StringIO()
    call_command("ledger", "monitor", "--url", "https://x", "--state", str(state), stdout=out)
    assert "10 lá" in out.getvalue()
    served["/checkpoints/latest"] = {"note": checkpoints.sign(10, b"\x07" * 32)}
    with pytest.raises(CommandError) as caught:
        call_command("ledger", "monitor", "--url", "https://x", "--state", str(state))
    assert caught.value.returncode == 2 and "rẽ nhánh" in str(caught.value)


def test_proof_look_ups_are_rate_limited(history, monkeypatch):
    from django.core.cache import cache

    from motcua.ledger import api

    cache.clear()
    monkeypatch.setattr(api, "PROOF_REQUESTS_PER_MINUTE", 2)
    codes = [
        Client().get("/api/ledger/consistency?first=10&second=10").status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert Client().get("/api/ledger/checkpoints/latest").json()["code"] == "rate_limited"
    cache.clear()
