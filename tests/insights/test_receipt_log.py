"""The WABO receipt log (a real Dutch municipality's permit desk, Buijs 2014,
doi:10.4121/uuid:a07386a5-7be3-4367-9535-70bc9e77dbe6) through the same mining functions as
the dossier history; figures checked against the README and against pm4py (test-only)."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from motcua.insights.logs import read_csv, xes_chunks
from motcua.insights.mining import mine

RECEIPT = Path("/work/shared/data/wabo-receipt/receipt.csv")
XES = "{http://www.xes-standard.org/}"

pytestmark = pytest.mark.skipif(not RECEIPT.exists(), reason="the WABO receipt log is absent")


@pytest.fixture(scope="module")
def log():
    return read_csv(RECEIPT)


@pytest.fixture(scope="module")
def receipt_map(log):
    return mine(log)


def test_the_readme_figures(receipt_map):
    assert receipt_map.cases == 1434
    assert receipt_map.events == 8577
    # every pair of consecutive events is one edge occurrence
    assert sum(e.count for e in receipt_map.edges) == 8577 - 1434
    assert sum(v.count for v in receipt_map.variants) == 1434
    assert abs(sum(v.share for v in receipt_map.variants) - 1) < 1e-9


@pytest.fixture(scope="module")
def pm4py_log():
    pm4py = pytest.importorskip("pm4py")
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(RECEIPT)
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    return pm4py, pm4py.format_dataframe(
        df,
        case_id="case:concept:name",
        activity_key="concept:name",
        timestamp_key="time:timestamp",
    )


def test_variants_and_directly_follows_equal_pm4py(receipt_map, pm4py_log):
    pm4py, df = pm4py_log
    variants = pm4py.get_variants(df)
    assert len(receipt_map.variants) == len(variants) == 116
    assert {v.activities: v.count for v in receipt_map.variants} == dict(variants)
    dfg, starts, ends = pm4py.discover_dfg(df)
    assert receipt_map.dfg() == dict(dfg)
    assert dict(receipt_map.starts) == dict(starts)
    assert dict(receipt_map.ends) == dict(ends)


def test_case_durations_equal_pm4py(receipt_map, pm4py_log):
    pm4py, df = pm4py_log
    theirs = pm4py.get_all_case_durations(df)  # seconds, sorted
    ours = sorted(h * 3600 for h in receipt_map.case_hours.values())
    assert len(ours) == len(theirs)
    assert all(abs(a - b) < 1e-3 for a, b in zip(ours, sorted(theirs), strict=True))


def test_xes_export_reread_by_the_standard_library_and_pm4py(log, tmp_path):
    path = tmp_path / "receipt.xes"
    path.write_text("".join(xes_chunks(log)), encoding="utf-8")
    root = ET.parse(path).getroot()  # noqa: S314 - our own export
    assert root.tag == f"{XES}log"
    assert {e.get("prefix") for e in root.findall(f"{XES}extension")} == {
        "concept",
        "time",
        "lifecycle",
        "org",
    }
    assert root.findall(f"{XES}classifier")
    traces = root.findall(f"{XES}trace")
    assert len(traces) == 1434
    assert sum(len(t.findall(f"{XES}event")) for t in traces) == 8577
    pm4py = pytest.importorskip("pm4py")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pm4py's notice about its own settings
        df = pm4py.read_xes(str(path))
    assert df["case:concept:name"].nunique() == 1434
    assert len(df) == 8577
