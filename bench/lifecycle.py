"""Dossier lifecycle benchmark: N complete lifecycles through the real services.

    .venv/bin/python bench/lifecycle.py                      # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/lifecycle.py

Runs on its own throw-away database (a temporary SQLite file, or the test database
``bench_lifecycle`` on the PostgreSQL server of DATABASE_URL), never on the configured one.
Environment: BENCH_DOSSIERS (default 1000), BENCH_WORKERS (processes, each with its own
communes and connection; default 2 on PostgreSQL, 1 on SQLite), BENCH_BATCH (lifecycles per
``dossier_batch``, default 200; 0 = every action in its own transaction, as pages do),
BENCH_SEED.

Each lifecycle: intake (in person, postal or online + acceptance) → transfer → assignment →
(consultation, supplement with pause, financial obligation, apology, send-back: each for a
share) → step completed → approve/refuse with result → return, spread over one quarter with a
simulated clock, so deadlines, pauses and classification are computed as in production.
Prints dossiers/s, events/s, the time of a plain bulk insert of the same final rows
(dossiers, checklist items, events) and the ratio, and extrapolates the 221,167 dossiers of
the seed province's quarter (target: under 10 minutes on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

N = int(os.environ.get("BENCH_DOSSIERS", "1000"))
IS_PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2" if IS_PG else "1"))
BATCH = int(os.environ.get("BENCH_BATCH", "200"))
SEED = int(os.environ.get("BENCH_SEED", "2025"))
TARGET = 221_167

sys.path.insert(0, str(ROOT / "bench"))
from _common import bulk_copy, machine, peak_memory_mib, workspace  # noqa: E402

# bench/ holds a statistics.py: off sys.path, so that `import statistics` is the standard one
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

TMP, DB_NAME = workspace("lifecycle")  # removed at exit; a database name of this run only
os.environ["MOTCUA_VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("DEBUG", "0")  # production conditions: no SQL kept per query
os.environ["MOTCUA_TEST_DB_NAME"] = DB_NAME if IS_PG else str(TMP / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection  # noqa: E402

from motcua.core.formats import VN_TZ as VN  # noqa: E402
from motcua.core.formats import vn_number as fmt  # noqa: E402


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
        actor=None,
        code="T",
        name="UBND tỉnh Đo",
        kind=UnitKind.PROVINCE,
        electronic_id="000.00.00.B01",
        valid_from=start,
        check_permission=False,
    )
    dept = unit_create(
        actor=None,
        code="STP",
        name="Sở Tư pháp",
        kind=UnitKind.DEPARTMENT,
        parent=province,
        electronic_id="000.00.10.B01",
        valid_from=start,
        check_permission=False,
    )
    User = get_user_model()

    def person(username, role, unit):
        user = User.objects.create(username=username, first_name=username)
        StaffRole.objects.create(user=user, role=role, unit=unit, valid_from=start)
        return user

    consult_officer = person("cv.stp", Role.SPECIALIST, dept)
    casts = []
    for i in range(communes):
        unit = unit_create(
            actor=None,
            code=f"X{i:03d}",
            name=f"UBND xã Đo {i}",
            kind=UnitKind.COMMUNE,
            parent=province,
            electronic_id=f"000.{i:02d}.31.B01",
            valid_from=start,
            check_permission=False,
        )
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
    procedures = []
    for code, field, kind, amount in [
        ("B.1", "HT", "working_days", "3"),
        ("B.2", "HT", "working_days", "5"),
        ("B.3", "DD", "working_days", "10"),
        ("B.4", "CT", "same_day", "0"),
        ("B.5", "XD", "calendar_days", "15"),
    ]:
        f, _ = Field.objects.get_or_create(code=field, defaults={"name": field})
        p = Procedure.objects.create(
            code=code,
            name=f"Thủ tục đo {code}",
            field=f,
            competent_unit_kind=UnitKind.COMMUNE,
            time_limit_kind=kind,
            time_limit=Decimal(amount),
            online_type="full",
        )
        DossierComponent.objects.create(procedure=p, order=1, name="Tờ khai")
        DossierComponent.objects.create(procedure=p, order=2, name="Giấy tờ kèm theo")
        FeeItem.objects.create(procedure=p, order=1, kind="charge", name="Lệ phí", amount=8000)
        process = InternalProcess.objects.create(
            procedure=p, version=1, effective_from=dt.date(2020, 1, 1)
        )
        hours = p.working_hours
        split = [hours * Decimal(x) for x in ("0.1", "0.6", "0.2", "0.1")]
        for order, (name, role) in enumerate(
            [
                ("Tiếp nhận", Role.DESK_OFFICER),
                ("Thẩm định", Role.SPECIALIST),
                ("Phê duyệt", Role.UNIT_LEADER),
                ("Trả kết quả", Role.DESK_OFFICER),
            ],
            start=1,
        ):
            ProcessStep.objects.create(
                process=process, order=order, name=name, role=role, hours=split[order - 1]
            )
        procedures.append(p)
    from motcua.imports.sample import blank_pdf  # the storage checks a PDF's content

    default_storage.save("dossiers/results/bench.pdf", ContentFile(blank_pdf()))
    return casts, procedures


def run_services(casts, procedures) -> tuple[float, list[str]]:
    from contextlib import nullcontext

    from django.db import connections

    from motcua.dossiers.services import dossier_batch
    from motcua.dossiers.simulation import Odds, simulate
    from motcua.workcalendar.services import add_working_time, working_time_between

    start = dt.datetime(2026, 7, 1, 7, 30, tzinfo=VN)
    end = dt.datetime(2026, 9, 30, 17, 0, tzinfo=VN)
    span = working_time_between(start, end)
    arrivals = [add_working_time(start, span * i / N) for i in range(N)]
    now = end + dt.timedelta(days=120)
    odds = Odds()

    def work(worker: int, results) -> None:
        rng = random.Random(SEED + worker)
        mine = [c for k, c in enumerate(casts) if k % WORKERS == worker]
        indices = list(range(worker, N, WORKERS))
        cpu_began, error = time.process_time(), ""
        try:
            for first in range(0, len(indices), max(BATCH, 1)):
                with dossier_batch() if BATCH else nullcontext():
                    for i in indices[first : first + max(BATCH, 1)]:
                        procedure = procedures[i % len(procedures)]
                        simulate(
                            rng=rng,
                            n=i,
                            procedure=procedure,
                            cast=mine[i % len(mine)],
                            received_at=arrivals[i],
                            now=now,
                            odds=odds,
                            late_factor=3.0 if procedure.field.code == "DD" else 1.0,
                            result_file="dossiers/results/bench.pdf",
                        )
        except Exception as exc:  # reported, and the run fails
            error = f"worker {worker}: {exc!r}"
        results.put((time.process_time() - cpu_began, error))

    began = time.perf_counter()
    if WORKERS == 1:
        results = queue.SimpleQueue()
        work(0, results)
        reports = [results.get()]
    else:  # one process per worker: each has its own interpreter and connection
        context = multiprocessing.get_context("fork")
        results = context.SimpleQueue()
        connections.close_all()
        processes = [context.Process(target=work, args=(w, results)) for w in range(WORKERS)]
        for p in processes:
            p.start()
        reports = [results.get() for _ in processes]
        for p in processes:
            p.join()
    elapsed = time.perf_counter() - began
    CPU["services"] = sum(cpu for cpu, _ in reports)
    return elapsed, [error for _, error in reports if error]


CPU: dict[str, float] = {}


def main() -> int:
    from motcua.dossiers.models import Classification, Dossier
    from motcua.ledger.models import Event

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        engine = "PostgreSQL" if IS_PG else "SQLite"
        print(
            f"Vòng đời hồ sơ qua dịch vụ thật — {engine}, {fmt(N)} hồ sơ, {WORKERS} tiến trình, "
            f"{f'lô {BATCH} hồ sơ' if BATCH else 'từng thao tác một giao dịch'}; {machine()}"
        )
        casts, procedures = build_world()
        elapsed, errors = run_services(casts, procedures)
        if errors:
            print("LỖI:", *errors, sep="\n  ")
            return 1
        dossiers = Dossier.objects.count()
        events = Event.objects.filter(subject_type="dossier").count()
        finished = Dossier.objects.exclude(classification="")
        late = finished.filter(classification=Classification.LATE).count()
        supplements = Dossier.objects.filter(supplement_count__gt=0).count()
        print(f"  {fmt(dossiers)} hồ sơ, {fmt(events)} sự kiện trong {fmt(elapsed, 1)} s")
        print(f"  → {fmt(dossiers / elapsed, 1)} hồ sơ/s, {fmt(events / elapsed, 1)} sự kiện/s")
        print(
            f"  có kết quả {fmt(finished.count())}, quá hạn {fmt(late)} "
            f"({fmt(100 * late / max(1, finished.count()), 1)} %), bổ sung {fmt(supplements)}"
        )
        bulk, rows, ev_rows = bulk_copy()
        print(
            f"  Chèn hàng loạt cùng các dòng cuối ({fmt(rows)} hồ sơ + {fmt(ev_rows)} sự kiện):"
            f" {fmt(bulk, 2)} s"
        )
        print(f"  Tỷ lệ dịch vụ / chèn hàng loạt: {fmt(elapsed / bulk, 1)} lần")
        cpu = CPU["services"]
        print(
            f"  CPU của tiến trình Python: {fmt(1000 * cpu / dossiers, 1)} ms/hồ sơ "
            f"({fmt(dossiers / cpu, 1)} hồ sơ/s trên một lõi rảnh; máy đang tải "
            f"{fmt(os.getloadavg()[0], 1)})"
        )
        target = TARGET / (dossiers / elapsed)
        verdict = (
            ("đạt" if target < 600 else "CHƯA ĐẠT") if IS_PG else "đo với DATABASE_URL=postgres://…"
        )
        print(
            f"  Ước tính {fmt(TARGET)} hồ sơ (một quý của tỉnh mẫu): {fmt(target / 60, 1)} phút"
            f" với {WORKERS} tiến trình — mục tiêu < 10 phút trên PostgreSQL: {verdict}"
        )
        print(f"  Theo CPU (một lõi rảnh cho Python): {fmt(TARGET * cpu / dossiers / 60, 1)} phút")
        print(f"  Bộ nhớ đỉnh: {fmt(peak_memory_mib(), 0)} MiB; {machine()}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
