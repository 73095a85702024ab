"""The demo's history can be loaded through the import (``motcua demo --via-import``): the
same dossiers, classifications, events and code counters as the direct path, a ledger that
verifies, and every dossier marked as imported."""

from __future__ import annotations

import io
import random
from collections import Counter

from django.db import transaction
from django.utils import timezone

from motcua.dossiers import demo as dossiers_demo
from motcua.dossiers.models import DailyCounter, Dossier
from motcua.imports.demo_history import load_through_import
from motcua.imports.models import ImportedDossier, ImportRun
from motcua.imports.sample import dossier_rows
from motcua.ledger.models import Event
from motcua.ledger.verify import verify

N = 24


class _Undo(Exception):
    pass


def _ours(payload: dict) -> list:
    """The payload but for a consultation row's id: PostgreSQL's sequences are not rolled
    back with the direct path, so the import's rows get other ids (SQLite reuses them)."""
    return [(k, v) for k, v in payload.items() if k != "consultation"]


def _state() -> dict:
    events = Counter(
        Event.objects.filter(subject_type="dossier").values_list("subject_id", "action")
    )
    return {
        "rows": dossier_rows(),
        "classes": Counter(Dossier.objects.values_list("classification", flat=True)),
        "events": events,
        "payloads": sorted(
            (e.subject_id, e.seq, e.action, e.at.isoformat(), str(sorted(_ours(e.payload))))
            for e in Event.objects.filter(subject_type="dossier")
        ),
        "counters": {(c.unit_id, c.day): c.last for c in DailyCounter.objects.all() if c.last},
    }


def test_demo_history_through_the_import_equals_the_direct_path(
    demo_province, monkeypatch, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = str(tmp_path / "media")
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # both paths draw the same times
    options = {"dossiers": N, "batch": 10}
    # the direct path, measured then undone
    try:
        with transaction.atomic():
            dossiers_demo.load(rng=random.Random(5), stdout=io.StringIO(), options=options)
            direct = _state()
            raise _Undo
    except _Undo:
        pass
    assert Dossier.objects.count() == 0 and len(direct["rows"]) == N
    assert direct["classes"] and direct["counters"]
    # through an import file
    out = io.StringIO()
    outcome = load_through_import(
        load=dossiers_demo.load, rng=random.Random(5), stdout=out, options=options
    )
    assert "qua tệp nhập lich-su-mau-000000.jsonl" in out.getvalue()
    assert (tmp_path / "demo-import" / "lich-su-mau-000000.jsonl").exists()
    through = _state()
    # the same dossier rows (status, times, classification …), events and payloads
    assert through["rows"] == direct["rows"]
    assert through["classes"] == direct["classes"]
    assert through["events"] == direct["events"]
    assert through["payloads"] == direct["payloads"]
    # the code counters moved past the kept codes: a live dossier cannot draw one again
    assert through["counters"] == direct["counters"]
    # marked as imported, and the ledger verifies
    assert outcome.dossiers == N and ImportRun.objects.get().finished_at is not None
    assert ImportedDossier.objects.count() == N
    report = verify()
    assert report.ok, report.problems
