"""Imported history is told from live work: the khống report marks its findings with the
import (run, file, SHA-256, the batch's ledger event) and never takes its back-dated times
for late uploads; a dossier's proof says its events were imported, and from which file."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model

from motcua.audit import proof
from motcua.audit.integrity import Kind
from motcua.audit.selectors import findings_list
from motcua.audit.services import findings_refresh
from motcua.imports import events as import_events
from motcua.imports.models import ImportedDossier
from motcua.imports.services import history_import
from motcua.ledger.models import Event
from motcua.ledger.services import ledger_seal
from tests.imports.conftest import read_csv, write_csv


def _with_a_late_entry(source, tmp_path):
    """The source history plus one late entry the previous system recorded before handing
    a result over (a true lead, not an artefact of the import)."""
    rows = read_csv(source["history"])
    returned = next(r for r in rows if r["action"] == "dossier.returned")
    before = rows[rows.index(returned) - 1]
    start, end = (dt.datetime.fromisoformat(r["at"]) for r in (before, returned))
    entry = dict.fromkeys(returned, "")
    entry.update(
        dossier=returned["dossier"],
        seq=returned["seq"],
        action="dossier.late_entry",
        at=(start + (end - start) / 2).isoformat(),
        actor=before["actor"],
        unit=before["unit"],
        status=before["status"],
        payload=json.dumps(
            {
                "occurred_at": start.isoformat(),
                "description": "Ký văn bản trên giấy",
                "reason": "Mất kết nối mạng cả buổi sáng",
            },
            ensure_ascii=False,
        ),
    )
    returned["seq"] = str(int(returned["seq"]) + 1)
    rows.insert(rows.index(returned), entry)
    return write_csv(tmp_path / "history.csv", rows)


def test_findings_and_proofs_carry_the_import_mark(source, world, tmp_path):
    # given a previous system's history imported here (result files stored now, months
    # after the recorded decisions), with one late entry of its own
    path = _with_a_late_entry(source, tmp_path)
    run = history_import(path=path, batch_size=10).run
    ledger_seal()
    findings_refresh()
    imported = set(ImportedDossier.objects.values_list("code", flat=True))
    # then no finding takes the import's back-dating for a late upload: only the previous
    # system's own late entry is a lead …
    found = [f for f in findings_list() if f.code in imported]
    assert {f.kind for f in found} == {Kind.CATCH_UP}
    # … and every finding on an imported dossier says where its history came from
    for finding in found:
        assert finding.imported is not None
        assert (finding.imported["run"], finding.imported["sha256"]) == (run.pk, run.sha256)
    # and the proof of an imported dossier names the import and its ledger event
    admin = get_user_model().objects.create_superuser("kiemtra", password="x")
    code = found[0].code
    history = proof.dossier_proof(code=code, user=admin)["subject"]["history"]
    assert history["source"] == "import" and history["file"] == path.name
    assert history["sha256"] == run.sha256
    batch = Event.objects.get(
        subject_type=import_events.SUBJECT,
        subject_id=str(run.pk),
        seq=history["event"]["seq"],
    )
    assert batch.action == import_events.BATCH and code in batch.payload["dossiers"]
    assert "hệ thống cũ" in history["note"]


def test_a_live_dossiers_proof_says_live(source, world):
    from motcua.audit.proof import history_source

    assert history_source("khong-phai-ho-so-nhap") == {"source": "live"}
