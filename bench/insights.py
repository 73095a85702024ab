"""Insights benchmark on a database (issue 19): the process map and variants of one procedure
over a year of a province's dossiers (≥ 1 M events), and the early-warning scoring of all
open dossiers, each through the code the pages run (selectors, services), reading included.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/insights.py
    .venv/bin/python bench/insights.py          # temporary SQLite file (smaller by default)

Builds its own database (``BENCH_DB_NAME``, default ``bench_insights_<pid>``: created and
dropped by the run unless ``BENCH_KEEP=1``): a province (12 communes), one land procedure, and
``BENCH_TEMPLATES`` dossier lives through the real services over four weeks (finished) plus
``BENCH_OPEN_TEMPLATES`` lives cut at "now" (open). For volume, each finished life is then
copied ``n`` times, moved by whole weeks over a year (weekdays kept), and each open one
``BENCH_OPEN_COPIES`` times as received: the copies are the services' own rows — the same
dossier columns, the same ledger events with their payload times moved alike and the hash
chain of every copy computed again — inserted by COPY (PostgreSQL) until ``BENCH_EVENTS``
(default 1.000.000 on PostgreSQL, 100.000 on SQLite) events of the procedure.

Timed (best of ``BENCH_REPEAT``, default 3, after one untimed warm run):
- the process map as the page asks it (``selectors.process_map`` with the procedure and the
  year as filters: the query, the read as columns, working time on the calendar, graph,
  variants, units, hand-overs, rework) — target < 5 s;
- the early-warning scoring of all open dossiers as the 30-minute job runs it
  (``services.risk_scores_refresh``: the read, the snapshots in working time, the model, the
  reasons, the stored scores and the ledger event) — target < 10 s; the model is trained once
  before by ``services.risk_model_train`` on the last ``BENCH_TRAIN_DAYS`` (default 120) seen
  every 7 days (the nightly job; its time printed, not a target);
- the baseline of the same run: pm4py (a test-only dependency; skipped if absent) on the same
  log exported by our CSV export (``logs.csv_chunks`` of ``selectors.dossier_event_log``),
  read into a DataFrame (not timed) then the directly-follows graph, the variants and the case
  durations (clock time: pm4py has no work calendar) — and the ratio ours / pm4py; and the
  previous path (``mining.mine`` of ``LogEvent`` objects) once, checked equal (``BENCH_PLAIN``,
  default on up to 200.000 events).
Prints the load average and cores next to the figures, the verdicts, and exits 0.

A kept database (``BENCH_KEEP=1``) is reused by the next run with the same ``BENCH_DB_NAME``
(nothing is built when it holds dossier events). ``BENCH_BUILD_ONLY=1`` builds (or finds) it
and stops before timing anything: build without the shared bench lock, then time under it.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _common import machine, workspace  # noqa: E402

# bench/ holds statistics.py, which would shadow the standard library's: keep it off the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

IS_PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
TMP, DEFAULT_DB = workspace("insights")
DB_NAME = os.environ.get("BENCH_DB_NAME", DEFAULT_DB)
KEEP = os.environ.get("BENCH_KEEP") == "1"
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000" if IS_PG else "100000"))
TEMPLATES = int(os.environ.get("BENCH_TEMPLATES", "300"))
OPEN_TEMPLATES = int(os.environ.get("BENCH_OPEN_TEMPLATES", "150"))
OPEN_COPIES = int(os.environ.get("BENCH_OPEN_COPIES", "200" if IS_PG else "20"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
#: the previous path (LogEvent objects) once, checked equal: by default only up to 200.000 events
PLAIN = os.environ.get("BENCH_PLAIN", "1" if EVENTS <= 200_000 else "0") == "1"
#: build (or reuse) the database and stop: the build needs no lock, the timed run does
BUILD_ONLY = os.environ.get("BENCH_BUILD_ONLY") == "1"
TRAIN_DAYS = int(os.environ.get("BENCH_TRAIN_DAYS", "120"))  # the model's history window
MAP_TARGET_S, SCORING_TARGET_S = 5.0, 10.0

os.environ["MOTCUA_VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("DEBUG", "0")
os.environ["MOTCUA_TEST_DB_NAME"] = DB_NAME if IS_PG else str(TMP / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from motcua.core.formats import VN_TZ as VN  # noqa: E402
from motcua.core.formats import vn_number as fmt  # noqa: E402

PROCEDURE = "DD.1"
YEAR_FROM, YEAR_TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
#: "now" for the open dossiers: received in the three weeks before, clock running
NOW = dt.datetime(2025, 12, 19, 10, 0, tzinfo=VN)


def build_world(communes: int = 12):
    from motcua.catalog.models import (
        DossierComponent,
        FeeItem,
        Field,
        InternalProcess,
        Procedure,
        ProcessStep,
    )
    from motcua.dossiers.simulation import Cast
    from motcua.organization.models import Role, StaffRole, UnitKind
    from motcua.organization.services import unit_create

    start = dt.date(2015, 1, 1)
    province = unit_create(
        actor=None, code="T", name="UBND tỉnh Đo", kind=UnitKind.PROVINCE,
        electronic_id="000.00.00.B01", valid_from=start, check_permission=False,
    )  # fmt: skip
    dept = unit_create(
        actor=None, code="STNMT", name="Sở Nông nghiệp và Môi trường", kind=UnitKind.DEPARTMENT,
        parent=province, electronic_id="000.00.10.B01", valid_from=start, check_permission=False,
    )  # fmt: skip
    User = get_user_model()

    def person(username, role, unit):
        user = User.objects.create(username=username, first_name=username)
        StaffRole.objects.create(user=user, role=role, unit=unit, valid_from=start)
        return user

    consult_officer = person("cv.stnmt", Role.SPECIALIST, dept)
    casts = []
    for i in range(communes):
        unit = unit_create(
            actor=None, code=f"X{i:03d}", name=f"UBND xã Đo {i}", kind=UnitKind.COMMUNE,
            parent=province, electronic_id=f"000.{i:02d}.31.B01", valid_from=start,
            check_permission=False,
        )  # fmt: skip
        casts.append(
            Cast(
                desk=person(f"mc.{i}", Role.DESK_OFFICER, unit),
                receiving_unit=unit,
                specialist=person(f"cv.{i}", Role.SPECIALIST, unit),
                leader=person(f"ld.{i}", Role.UNIT_LEADER, unit),
                consult_unit=dept,
                consult_officer=consult_officer,
            )
        )
    field, _ = Field.objects.get_or_create(code="DD", defaults={"name": "Đất đai"})
    procedure = Procedure.objects.create(
        code=PROCEDURE, name="Đăng ký biến động quyền sử dụng đất", field=field,
        competent_unit_kind=UnitKind.COMMUNE, time_limit_kind="working_days",
        time_limit=Decimal("10"), online_type="full",
    )  # fmt: skip
    DossierComponent.objects.create(procedure=procedure, order=1, name="Đơn đăng ký")
    DossierComponent.objects.create(procedure=procedure, order=2, name="Giấy chứng nhận")
    FeeItem.objects.create(procedure=procedure, order=1, kind="charge", name="Lệ phí", amount=8000)
    process = InternalProcess.objects.create(
        procedure=procedure, version=1, effective_from=dt.date(2020, 1, 1)
    )
    hours = procedure.working_hours
    for order, (name, role, share) in enumerate(
        [
            ("Tiếp nhận", Role.DESK_OFFICER, "0.1"),
            ("Thẩm định", Role.SPECIALIST, "0.6"),
            ("Phê duyệt", Role.UNIT_LEADER, "0.2"),
            ("Trả kết quả", Role.DESK_OFFICER, "0.1"),
        ],
        start=1,
    ):
        ProcessStep.objects.create(
            process=process, order=order, name=name, role=role, hours=hours * Decimal(share)
        )
    from motcua.imports.sample import blank_pdf  # the storage checks a PDF's content

    default_storage.save("dossiers/results/bench.pdf", ContentFile(blank_pdf()))
    return casts, procedure


def live(casts, procedure) -> tuple[list[str], list[str], float]:
    """Dossier lives through the real services: finished ones received over four weeks of
    January, open ones received in the three weeks before ``NOW`` and cut there."""
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import dossier_batch
    from motcua.dossiers.simulation import Odds, simulate
    from motcua.workcalendar.services import add_working_time, working_time_between

    rng = random.Random(2026)
    odds = Odds(refuse_intake=0, completion_at_intake=0, withdraw=0, late=0.25)
    began = time.perf_counter()

    def run(n: int, start: dt.datetime, end: dt.datetime, now: dt.datetime, first: int) -> None:
        span = working_time_between(start, end)
        for lo in range(0, n, 100):
            with dossier_batch():
                for i in range(lo, min(lo + 100, n)):
                    simulate(
                        rng=rng, n=first + i, procedure=procedure, cast=casts[i % len(casts)],
                        received_at=add_working_time(start, span * i / n), now=now, odds=odds,
                        late_factor=2.0, result_file="dossiers/results/bench.pdf",
                    )  # fmt: skip

    run(TEMPLATES, dt.datetime(2025, 1, 6, 7, 30, tzinfo=VN), dt.datetime(2025, 1, 31, 17, tzinfo=VN),
        dt.datetime(2025, 6, 30, tzinfo=VN), 0)  # fmt: skip
    finished = list(Dossier.objects.values_list("code", flat=True))
    run(OPEN_TEMPLATES, NOW - dt.timedelta(days=21), NOW - dt.timedelta(hours=2), NOW, TEMPLATES)
    opened = list(Dossier.objects.exclude(code__in=finished).values_list("code", flat=True))
    return finished, opened, time.perf_counter() - began


# ---------------------------------------------------------------- copies of the services' rows


def _moved_payload(payload, shift: dt.timedelta):
    """The payload with every ISO date-time in it moved by ``shift`` (due times, step dues)."""
    out = {}
    for key, value in payload.items():
        if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
            try:
                at = dt.datetime.fromisoformat(value)
            except ValueError:
                out[key] = value
                continue
            out[key] = (at + shift).isoformat() if at.tzinfo else value
        else:
            out[key] = value
    return out


def copy_lives(codes: list[str], copies: list[tuple[str, dt.timedelta]]) -> tuple[int, int]:
    """Insert ``copies`` (suffix, shift) of the dossiers ``codes``: their rows and their
    history, each copy's hash chain computed again. Returns (dossiers, events)."""
    from motcua.dossiers.models import Dossier
    from motcua.ledger.hashing import canonical_time, event_hash_of
    from motcua.ledger.models import Event

    d_fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key]
    d_cols = [f.column for f in d_fields]
    d_rows = list(
        Dossier.objects.filter(code__in=codes).values_list(*[f.attname for f in d_fields])
    )
    when = [i for i, f in enumerate(d_fields) if f.get_internal_type() == "DateTimeField"]
    code_at = d_cols.index("code")
    e_cols = ["subject_type", "subject_id", "seq", "action", "actor_id", "actor_label",
              "unit_id", "at", "payload", "prev_hash", "hash"]  # fmt: skip
    history: dict[str, list[tuple]] = {}
    for row in (
        Event.objects.filter(subject_type="dossier", subject_id__in=codes)
        .order_by("subject_id", "seq")
        .values_list(
            "subject_id", "seq", "action", "actor_id", "actor_label", "unit_id", "at", "payload"
        )  # fmt: skip
    ):
        history.setdefault(row[0], []).append(row)
    n_d = n_e = 0

    def dossier_rows():
        nonlocal n_d
        for suffix, shift in copies:
            for row in d_rows:
                new = list(row)
                new[code_at] = f"{row[code_at]}-{suffix}"
                for i in when:
                    if new[i] is not None:
                        new[i] = new[i] + shift
                n_d += 1
                yield new

    def event_rows():
        nonlocal n_e
        for suffix, shift in copies:
            for code, events in history.items():
                subject, prev = f"{code}-{suffix}", ""
                for _, seq, action, actor, label, unit, at, payload in events:
                    at = at + shift
                    payload = _moved_payload(payload, shift)
                    digest = event_hash_of(
                        "dossier", subject, seq, action, actor, label, unit, canonical_time(at),
                        payload, prev,
                    )  # fmt: skip
                    n_e += 1
                    yield ("dossier", subject, seq, action, actor, label, unit, at,
                           json.dumps(payload, ensure_ascii=False), prev, digest)  # fmt: skip
                    prev = digest

    with transaction.atomic(), connection.cursor() as cursor:
        for table, cols, rows in (
            (Dossier._meta.db_table, d_cols, dossier_rows()),
            (Event._meta.db_table, e_cols, event_rows()),
        ):
            if IS_PG:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(cols))
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})"
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
    return n_d, n_e


def build() -> dict:
    from motcua.ledger.models import Event

    casts, procedure = build_world()
    finished, opened, lives_s = live(casts, procedure)
    per_life = Event.objects.filter(subject_type="dossier", subject_id__in=finished).count()
    open_events = Event.objects.filter(subject_type="dossier", subject_id__in=opened).count()
    wanted = EVENTS - per_life - open_events * (OPEN_COPIES + 1)
    n_copies = max(0, -(-wanted // max(per_life, 1)))
    began = time.perf_counter()
    # whole weeks (weekdays kept), January's lives spread over the year up to late November
    shifts = [(f"C{c}", dt.timedelta(weeks=1 + c % 42)) for c in range(n_copies)]
    d1, e1 = copy_lives(finished, shifts)
    d2, e2 = copy_lives(opened, [(f"M{c}", dt.timedelta(0)) for c in range(OPEN_COPIES)])
    copy_s = time.perf_counter() - began
    if IS_PG:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "lives": len(finished) + len(opened),
        "lives_s": lives_s,
        "copies_s": copy_s,
        "copied_dossiers": d1 + d2,
        "copied_events": e1 + e2,
        "open_templates": len(opened),
    }


# ---------------------------------------------------------------- timings


def best(fn, repeat: int = REPEAT) -> tuple[float, object]:
    fn()  # warm: calendars compiled, plans cached, as on a running server
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return min(times), result


def pm4py_baseline(path: Path) -> tuple[float, float, int] | None:
    try:
        import pandas as pd
        import pm4py
    except ImportError:
        return None
    began = time.perf_counter()
    df = pd.read_csv(path)
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    df = pm4py.format_dataframe(
        df, case_id="case:concept:name", activity_key="concept:name", timestamp_key="time:timestamp"
    )
    read_s = time.perf_counter() - began
    began = time.perf_counter()
    pm4py.discover_dfg(df)
    variants = pm4py.get_variants(df)
    pm4py.get_all_case_durations(df)
    return time.perf_counter() - began, read_s, len(variants)


def main() -> int:
    from motcua.dossiers.models import Dossier
    from motcua.insights import selectors
    from motcua.insights.logs import csv_chunks
    from motcua.insights.mining import mine
    from motcua.insights.services import risk_model_train, risk_scores_refresh
    from motcua.ledger.models import Event

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(
        verbosity=0, autoclobber=not KEEP, serialize=False, keepdb=KEEP
    )
    try:
        engine = "PostgreSQL" if IS_PG else "SQLite"
        print(
            f"Phân tích quy trình trên {engine} ({connection.settings_dict['NAME']}); {machine()}"
        )
        if not Event.objects.filter(subject_type="dossier").exists():
            made = build()
            print(
                f"  dữ liệu: {fmt(made['lives'])} vòng đời qua dịch vụ thật "
                f"({fmt(made['lives_s'], 1)} s), rồi {fmt(made['copied_dossiers'])} hồ sơ và "
                f"{fmt(made['copied_events'])} sự kiện chép từ chúng ({'COPY' if IS_PG else 'INSERT hàng loạt'}), chuỗi băm tính lại "
                f"({fmt(made['copies_s'], 1)} s)"
            )
        else:
            print("  dữ liệu: cơ sở dữ liệu giữ lại từ lần chạy trước (BENCH_KEEP=1)")
        if BUILD_ONLY:
            print("  chỉ dựng dữ liệu (BENCH_BUILD_ONLY=1): không đo")
            return 0
        admin = get_user_model().objects.filter(username="bench.admin").first()
        admin = admin or get_user_model().objects.create_superuser("bench.admin", password=None)
        filters = selectors.LogFilters(procedure=PROCEDURE, date_from=YEAR_FROM, date_to=YEAR_TO)
        total = Event.objects.filter(subject_type="dossier").count()
        print(f"  {fmt(Dossier.objects.count())} hồ sơ, {fmt(total)} sự kiện hồ sơ; {machine()}")

        # 1. the process map the page shows
        map_s, pm = best(lambda: selectors.process_map(user=admin, filters=filters))
        verdict = "ĐẠT" if map_s < MAP_TARGET_S else "CHƯA ĐẠT"
        print(
            f"\n1. Bản đồ quy trình thủ tục {PROCEDURE}, năm {YEAR_FROM.year} "
            f"(selectors.process_map, đọc CSDL + giờ làm việc + đồ thị + biến thể + đơn vị + "
            f"chuyển giao + làm lại): {fmt(pm.events)} sự kiện / {fmt(pm.cases)} hồ sơ, "
            f"{fmt(len(pm.variants))} biến thể, {fmt(len(pm.edges))} cạnh"
        )
        print(
            f"   tốt nhất {REPEAT} lần: {fmt(map_s, 2)} s (mục tiêu < {MAP_TARGET_S:.0f} s: "
            f"{verdict}); {machine()}"
        )
        began = time.perf_counter()
        cols = selectors.dossier_event_columns(user=admin, filters=filters)
        read_s = time.perf_counter() - began
        print(f"   trong đó đọc CSDL thành cột: {fmt(read_s, 2)} s")
        del cols
        if PLAIN:
            began = time.perf_counter()
            plain = mine(
                selectors.dossier_event_log(user=admin, filters=filters),
                durations=selectors.working_hours,
            )
            plain_s = time.perf_counter() - began
            same = plain == pm and list(plain.case_hours.items()) == list(pm.case_hours.items())
            print(
                f"   cách cũ (mining.mine trên đối tượng LogEvent, cùng câu truy vấn): "
                f"{fmt(plain_s, 2)} s — tỷ lệ mới / cũ = {fmt(map_s / plain_s, 2)}; "
                f"kết quả {'trùng khớp' if same else 'KHÁC NHAU'}"
            )
            del plain
            gc.collect()

        # the same log exported, for pm4py
        path = TMP / "log.csv"
        began = time.perf_counter()
        with path.open("w", encoding="utf-8", newline="") as out:
            for chunk in csv_chunks(selectors.dossier_event_log(user=admin, filters=filters)):
                out.write(chunk)
        export_s = time.perf_counter() - began
        print(
            f"   xuất CSV cùng nhật ký: {fmt(export_s, 1)} s, {fmt(path.stat().st_size / 1e6, 1)} MB"
        )
        theirs = pm4py_baseline(path)
        if theirs is None:
            print("   pm4py chưa cài (phụ thuộc chỉ cho kiểm thử): bỏ qua tỷ lệ")
        else:
            pm4py_s, pm4py_read_s, pm4py_variants = theirs
            print(
                f"   pm4py trên tệp đã xuất (DFG + biến thể + thời lượng ca, giờ đồng hồ, đã nạp "
                f"vào DataFrame trong {fmt(pm4py_read_s, 1)} s không tính): {fmt(pm4py_s, 2)} s, "
                f"{fmt(pm4py_variants)} biến thể; tỷ lệ của ta (kể cả đọc CSDL, giờ làm việc) / "
                f"pm4py = {fmt(map_s / pm4py_s, 2)}; {machine()}"
            )
        path.unlink()
        gc.collect()

        # 2. the early-warning scoring of all open dossiers
        began = time.perf_counter()
        model = risk_model_train(now=NOW, days=TRAIN_DAYS, every_days=7)
        train_s = time.perf_counter() - began
        print(
            f"\n2. Huấn luyện mô hình (services.risk_model_train, {TRAIN_DAYS} ngày, mỗi tuần; việc "
            f"hằng đêm, không là mục tiêu): {fmt(train_s, 1)} s, {fmt(model.snapshots)} mẫu học ({fmt(model.late)} trễ)"
        )
        score_s, scored = best(lambda: risk_scores_refresh(now=NOW))
        verdict = "ĐẠT" if score_s < SCORING_TARGET_S else "CHƯA ĐẠT"
        open_n = selectors_open_count()
        print(
            f"   chấm điểm mọi hồ sơ đang mở (services.risk_scores_refresh: đọc CSDL, đặc trưng "
            f"giờ làm việc + hàng chờ, mô hình, lý do, ghi điểm + sự kiện): {fmt(open_n)} hồ sơ "
            f"mở, {fmt(scored)} được chấm; tốt nhất {REPEAT} lần {fmt(score_s, 2)} s "
            f"(mục tiêu < {SCORING_TARGET_S:.0f} s: {verdict}); {machine()}"
        )
    finally:
        if KEEP:
            print(f"  giữ cơ sở dữ liệu {connection.settings_dict['NAME']} (BENCH_KEEP=1)")
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


def selectors_open_count() -> int:
    from motcua.insights.selectors_risk import open_dossiers

    return open_dossiers().count()


if __name__ == "__main__":
    tempfile.tempdir = str(TMP)
    sys.exit(main())
