"""Event logs in and out: XES (IEEE 1849-2016) and CSV export, streamed; CSV import (XES column names,
as process-mining tools write them, e.g. the WABO receipt log)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

from motcua.insights.mining import LogEvent

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>
  <classifier name="Resource" keys="org:resource"/>
  <string key="concept:name" value="Một Cửa"/>
"""


def _string(key: str, value: str) -> str:
    return f'<string key="{key}" value={quoteattr(value)}/>'


def _event(e: LogEvent) -> str:
    parts = [
        _string("concept:name", e.activity),
        f'<date key="time:timestamp" value="{e.at.isoformat(timespec="milliseconds")}"/>',
        _string("lifecycle:transition", e.lifecycle),
    ]
    if e.resource:
        parts.append(_string("org:resource", e.resource))
    if e.group:
        parts.append(_string("org:group", e.group))
    return "    <event>" + "".join(parts) + "</event>\n"


def xes_chunks(events: Iterable[LogEvent]) -> Iterator[str]:
    """The log as XES text, piece by piece. ``events`` must come case by case (as
    ``selectors.dossier_event_log`` gives them): a case is closed when the next one starts."""
    yield _HEAD
    current: str | None = None
    for e in events:
        if e.case != current:
            if current is not None:
                yield "  </trace>\n"
            current = e.case
            yield f"  <trace>{_string('concept:name', e.case)}\n"
        yield _event(e)
    if current is not None:
        yield "  </trace>\n"
    yield "</log>\n"


CSV_COLUMNS = (
    "case:concept:name",
    "concept:name",
    "time:timestamp",
    "lifecycle:transition",
    "org:resource",
    "org:group",
)


def csv_chunks(events: Iterable[LogEvent], *, chunk: int = 1000) -> Iterator[str]:
    """The log as CSV with XES column names (what ``read_csv`` and pm4py read), streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for i, e in enumerate(events, start=1):
        writer.writerow((e.case, e.activity, e.at.isoformat(), e.lifecycle, e.resource, e.group))
        if i % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _time(value: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(value)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at


def read_csv(path: str | Path) -> list[LogEvent]:
    """A CSV log with XES column names (``case:concept:name``, ``concept:name``,
    ``time:timestamp``; ``org:resource``, ``org:group``, ``lifecycle:transition`` if present)."""
    with open(path, newline="", encoding="utf-8") as f:
        return [
            LogEvent(
                case=row["case:concept:name"],
                activity=row["concept:name"],
                at=_time(row["time:timestamp"]),
                resource=row.get("org:resource") or "",
                group=row.get("org:group") or "",
                lifecycle=row.get("lifecycle:transition") or "complete",
            )
            for row in csv.DictReader(f)
        ]


def read_cases_csv(path: str | Path) -> list:
    """An external CSV log as cases for the early warning (see :func:`rows_to_cases`)."""
    with open(path, newline="", encoding="utf-8") as f:
        return rows_to_cases(csv.DictReader(f))


def rows_to_cases(rows: Iterable[dict]) -> list:
    """Rows with XES names as cases for the early warning (``early_warning.Case``): the
    case's deadline from ``case:deadline``, channel from ``case:channel``, procedure from
    ``case:procedure`` (or ``case:department``); each event hands the case to its
    ``org:resource`` / ``org:group``; the case ends at its last event, late when that is after
    the deadline. Cases without a deadline are left out (nothing to be late against)."""
    from motcua.insights.early_warning import Case, State

    by_case: dict[str, list[dict]] = {}
    for row in rows:
        by_case.setdefault(row["case:concept:name"], []).append(row)
    cases = []
    for key, events in by_case.items():
        first = events[0]
        if not first.get("case:deadline"):
            continue
        due = _time(first["case:deadline"])
        events.sort(key=lambda r: _time(r["time:timestamp"]))
        states = []
        supplements = 0
        for n, e in enumerate(events, start=1):
            supplements += "supplement" in (e.get("concept:name") or "").lower()
            states.append(
                State(
                    at=_time(e["time:timestamp"]),
                    unit=e.get("org:group") or "",
                    officer=e.get("org:resource") or "",
                    due=due,
                    steps=n,
                    supplements=supplements,
                )
            )
        start = _time(first["case:startdate"]) if first.get("case:startdate") else states[0].at
        end = states[-1].at
        cases.append(
            Case(
                key=key,
                procedure=first.get("case:procedure") or first.get("case:department") or "",
                channel=first.get("case:channel") or "",
                start=min(start, states[0].at),
                end=end,
                late=end > due,
                states=states,
            )
        )
    return cases


class LogFormatError(ValueError):
    pass


CASE_KEYS = ("case:deadline", "case:channel", "case:procedure", "case:department", "case:startdate")


def parse_upload(data: bytes, *, name: str = "") -> list[dict]:
    """An uploaded log (CSV with XES column names, or XES) as rows with XES names."""
    head = data[:2048].lstrip()
    if name.lower().endswith(".xes") or head.startswith(b"<"):
        return _parse_xes(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LogFormatError("Tệp CSV phải mã hóa UTF-8.") from error
    reader = csv.DictReader(io.StringIO(text))
    missing = {"case:concept:name", "concept:name", "time:timestamp"} - set(reader.fieldnames or ())
    if missing:
        raise LogFormatError("Thiếu cột: " + ", ".join(sorted(missing)) + ".")
    rows = list(reader)
    _check_times(rows)
    return rows


def _check_times(rows: list[dict]) -> None:
    for n, row in enumerate(rows, start=2):
        for key in ("time:timestamp", "case:deadline", "case:startdate"):
            if row.get(key):
                try:
                    _time(row[key])
                except ValueError:
                    raise LogFormatError(f"Dòng {n}: thời điểm {key} không hợp lệ.") from None
        if not row.get("case:concept:name") or not row.get("concept:name"):
            raise LogFormatError(f"Dòng {n}: thiếu mã ca hoặc tên hoạt động.")


def _parse_xes(data: bytes) -> list[dict]:
    import xml.etree.ElementTree as ET  # noqa: S405 - DOCTYPE/ENTITY refused below

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise LogFormatError("Tệp XES không được khai báo DOCTYPE hay ENTITY.")
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DOCTYPE/ENTITY (checked above)
    except ET.ParseError as error:
        raise LogFormatError(f"Tệp XES không đọc được: {error}.") from None

    def attrs(element) -> dict[str, str]:
        return {
            child.get("key", ""): child.get("value", "")
            for child in element
            if child.get("key") is not None and child.tag.split("}")[-1] != "global"
        }

    rows = []
    for trace in (c for c in root if c.tag.split("}")[-1] == "trace"):
        case = attrs(trace)
        extra = {f"case:{k}": v for k, v in case.items() if f"case:{k}" in CASE_KEYS}
        for event in (c for c in trace if c.tag.split("}")[-1] == "event"):
            row = {"case:concept:name": case.get("concept:name", ""), **extra, **attrs(event)}
            rows.append(row)
    _check_times(rows)
    return rows
