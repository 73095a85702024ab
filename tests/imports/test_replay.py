"""Import of an export: the same dossier rows, classifications and event payloads; the
history verifies in the ledger, carries the run's file hash, and never comes in twice."""

from __future__ import annotations

import json
import re

from django.core.management import call_command

from motcua.dossiers.models import Dossier
from motcua.imports import events as import_events
from motcua.imports.models import ImportedDossier, ImportRun
from motcua.imports.sample import dossier_rows, export
from motcua.imports.services import history_import
from motcua.ledger.models import Event
from motcua.ledger.verify import verify
from tests.imports.conftest import N, load_rows, read_csv, write_csv


def same_export(a, b) -> bool:
    """Byte-identical exports, but for the ids of consultation rows: the import creates new
    rows, and PostgreSQL's sequences (unlike SQLite) never reuse the ids of deleted ones."""

    def norm(path):
        return re.sub(rb'(""?consultation""?: )\d+', rb"\1N", path.read_bytes())

    return norm(a) == norm(b)


def test_import_of_an_export_reproduces_rows_events_and_classifications(source, world, tmp_path):
    # given an export of another database's simulated quarter
    # when it is imported here in batches of 7
    outcome = history_import(path=source["history"], batch_size=7)
    # then every dossier row is identical (status, due times, pauses, classification …)
    assert outcome.dossiers == N and outcome.run.batches_done == 5
    assert dossier_rows() == load_rows(source["rows"])
    # and our export of it is byte for byte the source (every event, time and payload)
    again = tmp_path / "again.csv"
    export(again)
    assert same_export(again, source["history"])
    # and the classifications recorded per imported dossier are ours
    classes = dict(Dossier.objects.values_list("code", "classification"))
    assert {d.code: d.classification for d in ImportedDossier.objects.all()} == classes
    assert outcome.difference_count == 0


def test_imported_history_verifies_in_the_ledger_with_the_file_hash(source, world):
    outcome = history_import(path=source["history"], batch_size=10)
    report = verify()
    assert report.ok, report.problems
    run = outcome.run
    marks = list(
        Event.objects.filter(subject_type=import_events.SUBJECT, subject_id=str(run.pk))
        .order_by("seq")
        .values_list("action", "payload")
    )
    assert [a for a, _ in marks] == [
        import_events.STARTED,
        *[import_events.BATCH] * 3,
        import_events.FINISHED,
    ]
    assert all(p["sha256"] == run.sha256 for _, p in marks)
    imported = {c for _, p in marks[1:-1] for c in p["dossiers"]}
    assert imported == set(Dossier.objects.values_list("code", flat=True))


def test_running_twice_imports_nothing_twice(source, world):
    first = history_import(path=source["history"], batch_size=10)
    events = Event.objects.count()
    second = history_import(path=source["history"], batch_size=10)
    assert second.already_finished and second.dossiers == 0
    assert Event.objects.count() == events
    assert ImportRun.objects.get().pk == first.run.pk
    assert Dossier.objects.count() == N


def test_mapping_translates_the_previous_systems_names(source, world, tmp_path):
    # given a file that uses the previous system's unit codes, action and status names
    rows = read_csv(source["history"])
    for row in rows:
        for key in ("unit", "receiving_unit", "competent_unit"):
            if row[key]:
                row[key] = "CU-" + row[key]
        row["action"] = "CU " + row["action"]
        if row["status"] == "returned":
            row["status"] = "Đã trả kết quả"
        payload = json.loads(row["payload"])
        for key in ("to_unit", "from_unit"):
            if payload.get(key) in ("STP", "X000", "X001", "X002", "X003"):
                payload[key] = "CU-" + payload[key]
        row["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    old = write_csv(tmp_path / "old.csv", rows)
    codes = ("T", "STP", "X000", "X001", "X002", "X003")
    actions = {"CU " + r["action"][3:] for r in rows}
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "units": {f"CU-{c}": c for c in codes},
                "actions": {a: a[3:] for a in actions},
                "statuses": {"Đã trả kết quả": 10},
            },
            ensure_ascii=False,
        )
    )
    # when it is imported with the mapping
    history_import(path=old, mapping_path=mapping, batch_size=50)
    # then the result is the same as the platform's own export would give
    assert dossier_rows() == load_rows(source["rows"])


def test_on_time_flag_differences_are_reported(source, world, tmp_path):
    # given the previous system claimed every finished dossier on time ("khống" hides here)
    rows = read_csv(source["history"])
    for row in rows:
        if row["on_time"] == "0":
            row["on_time"] = "1"
    flagged = write_csv(tmp_path / "flag.csv", rows)
    outcome = history_import(path=flagged, batch_size=50)
    late = set(Dossier.objects.filter(classification="late").values_list("code", flat=True))
    assert late, "the sample quarter has late dossiers"
    assert outcome.difference_count == len(late)
    assert {d.code for d in outcome.differences} == late


def test_command_prints_progress_and_summary(source, world):
    from io import StringIO

    out = StringIO()
    call_command("import", "history", str(source["history"]), "--batch", "10", stdout=out)
    text = out.getvalue()
    assert "Lô 1: 10/30 hồ sơ" in text and "Lô 3: 30/30 hồ sơ" in text
    assert "Hoàn tất: lần này nhập 30 hồ sơ" in text


def test_json_lines_import_the_same(source, world, tmp_path):
    from motcua.imports.format import Writer

    path = tmp_path / "history.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        writer = Writer(stream, jsonl=True)
        for row in read_csv(source["history"]):
            writer.write(row)
    history_import(path=path, batch_size=50)
    assert dossier_rows() == load_rows(source["rows"])
    again = tmp_path / "again.jsonl"
    export(again)
    assert same_export(again, path)
