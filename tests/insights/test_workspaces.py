"""An external log (CSV or XES) imported into an analysis workspace: the same map and the same
early-warning evaluation as on the file itself; bad files change nothing; owner only."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from motcua.core.errors import DomainError
from motcua.insights import early_warning as ew
from motcua.insights.errors import InsightsError
from motcua.insights.logs import read_cases_csv, read_csv, xes_chunks
from motcua.insights.mining import LogEvent, mine
from motcua.insights.models import Workspace, WorkspaceEvent
from motcua.insights.selectors_workspace import workspace_evaluation, workspace_map
from motcua.insights.services import workspace_import
from motcua.ledger.models import Event
from motcua.organization.models import Role

RECEIPT = Path("/work/shared/data/wabo-receipt/receipt.csv")
pytestmark = pytest.mark.skipif(not RECEIPT.exists(), reason="the WABO receipt log is absent")


@pytest.fixture(scope="module")
def part(tmp_path_factory) -> Path:
    """The first 300 cases of the WABO receipt log (Buijs 2014), as the same CSV."""
    path = tmp_path_factory.mktemp("wabo") / "receipt-300.csv"
    with open(RECEIPT, newline="", encoding="utf-8") as f, open(path, "w", newline="") as out:
        reader = csv.DictReader(f)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        seen: set[str] = set()
        for row in reader:
            seen.add(row["case:concept:name"])
            if len(seen) > 300:
                break
            writer.writerow(row)
    return path


@pytest.fixture
def analyst(make_user, province):
    return make_user(Role.PROVINCE_ADMIN, unit=province)


def test_a_csv_log_gives_the_same_map_and_evaluation(analyst, part):
    ws = workspace_import(actor=analyst, name="WABO", data=part.read_bytes(), filename=part.name)
    direct = mine(read_csv(part))
    stored = workspace_map(ws)
    assert (ws.cases, ws.events) == (direct.cases, direct.events) == (300, stored.events)
    assert stored.dfg() == direct.dfg()
    assert [v.activities for v in stored.variants] == [v.activities for v in direct.variants]
    assert Event.objects.filter(
        subject_type="insights_workspace",
        subject_id=str(ws.pk),
        action="insights_workspace.imported",
    ).exists()
    cases = read_cases_csv(part)
    starts = sorted(c.start for c in cases)
    expected = ew.evaluate(
        cases, split_at=starts[int(0.6 * len(starts))], until=max(c.end for c in cases if c.end)
    )
    got = workspace_evaluation(ws)
    assert isinstance(got, ew.Evaluation)
    assert got.test_snapshots == expected.test_snapshots > 0
    assert got.model["auc"] == pytest.approx(expected.model["auc"])
    assert got.baseline["brier"] == pytest.approx(expected.baseline["brier"])


def test_an_xes_log_and_the_pages(analyst, client, make_user, province):
    t = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    log = [
        LogEvent(f"c{i}", a, t + dt.timedelta(hours=i + n), resource=f"r{n}", group="G")
        for i in range(3)
        for n, a in enumerate(["Nhận", "Xem xét", "Trả"])
    ]
    xes = "".join(xes_chunks(log)).encode()
    client.force_login(analyst)
    response = client.post(
        reverse("insights:workspaces"),
        {"name": "Nhật ký XES", "log": _upload("log.xes", xes)},
    )
    ws = Workspace.objects.get(name="Nhật ký XES")
    assert response.status_code == 302 and response["Location"].endswith(f"/{ws.pk}/")
    assert (ws.cases, ws.events) == (3, 9)
    page = client.get(reverse("insights:workspace", args=[ws.pk])).content.decode()
    assert "5 bước tốn nhiều thời gian nhất" in page and 'id="do-thi-svg"' in page
    assert "Xem xét" in page
    # no deadline: the evaluation says why instead of failing
    page = client.get(reverse("insights:workspace", args=[ws.pk]), {"danh_gia": 1})
    assert "case:deadline" in page.content.decode()
    # someone else does not see it
    other = make_user(Role.PROVINCE_ADMIN, unit=province)
    client.force_login(other)
    assert client.get(reverse("insights:workspace", args=[ws.pk])).status_code == 404
    assert "Nhật ký XES" not in client.get(reverse("insights:workspaces")).content.decode()
    assert client.get(f"/api/insights/workspaces/{ws.pk}/process-map").status_code == 404


def test_bad_files_change_nothing(analyst, client):
    before = Event.objects.count()
    for data in (
        b"case,activity\n1,a\n",  # not XES column names
        b"case:concept:name,concept:name,time:timestamp\n1,a,not-a-time\n",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><log/>',
        b"<log><trace>",
    ):
        with pytest.raises(DomainError) as caught:
            workspace_import(actor=analyst, name="x", data=data, filename="x.csv")
        assert caught.value.code == InsightsError.LOG_INVALID
    assert Workspace.objects.count() == WorkspaceEvent.objects.count() == 0
    assert Event.objects.count() == before
    client.force_login(analyst)
    body = client.post("/api/insights/workspaces", {"log": _upload("x.csv", b"a,b\n1,2\n")}).json()
    assert body["code"] == InsightsError.LOG_INVALID


def test_the_api_imports_and_answers_the_map(analyst, client, part):
    client.force_login(analyst)
    response = client.post(
        "/api/insights/workspaces", {"name": "WABO", "log": _upload(part.name, part.read_bytes())}
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    body = client.get(f"/api/insights/workspaces/{pk}/process-map").json()
    assert body["cases"] == 300
    assert [w["id"] for w in client.get("/api/insights/workspaces").json()] == [pk]


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
