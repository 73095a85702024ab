"""Query plans at province scale: EXPLAIN (ANALYZE, BUFFERS) at ≥ 10 million dossiers.

    flock /work/helpers/bench.lock env DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/explain.py

Builds its own PostgreSQL database (``bench_lifecycle_<pid>``; dropped at the end unless
``BENCH_KEEP=1``; ``BENCH_DB_NAME=name`` reuses a kept one and skips the fill), migrates, and
fills it quickly in SQL (``INSERT … SELECT … generate_series``, loading indexes dropped during
the fill and rebuilt after it, foreign-key checks off for the fill session only):

- the world of bench/lifecycle.py with ``BENCH_UNITS`` communes (default 200) and their
  officers, plus ``BENCH_PROCEDURES`` procedures (default 2,000) under 20 fields;
- ``BENCH_ROWS`` dossiers (default 10,000,000) submitted evenly over the last 8 years, spread
  over the communes and (skewed) procedures, online half of the time; those of the last 45
  days are open (received, waiting, in progress, paused, result ready) in realistic shares,
  older ones are returned (on time, early or late), withdrawn or refused;
- ``BENCH_EVENT_MONTHS`` months (default 8) of history in the ledger: 6 events a dossier
  submitted in those months (≈ 5 million rows), in the monthly partitions of the event table
  (the partitions of the 8 years are created first, as ``motcua ledger partitions --since``).

Then ANALYZE, and for each read the platform runs — the officer work queue (the page: the
list and its counts, ``dossiers.selectors.dossier_list``/``queue_counts``), the public
tracking look-up (``portal.services.track_dossier`` and the public timeline), the public
procedure search (``catalog.selectors.procedure_search``), the officer statistics of a quarter
(``dossiers.selectors.dossier_stats``), the public statistics page
(``reporting.selectors.public_stats``, which reads the maintained aggregates) and the
reporting roll-up's read of the day's events — the calls are run through the real code with
their SQL captured, timed (best of ``BENCH_REPEAT``, default 3), and the slowest statements
that read the dossier or event tables are printed with their EXPLAIN (ANALYZE, BUFFERS).
Prints the load and cores; exits 0.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
os.environ.setdefault("BENCH_DOSSIERS", "0")
_reuse = os.environ.get("BENCH_DB_NAME")
_spec = importlib.util.spec_from_file_location("bench_lifecycle", HERE / "lifecycle.py")
lifecycle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lifecycle)  # sets up Django on its own throw-away database
sys.path.insert(0, str(HERE))
from _common import machine  # noqa: E402

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

ROWS = int(os.environ.get("BENCH_ROWS", "10000000"))
UNITS = int(os.environ.get("BENCH_UNITS", "200"))
PROCEDURES = int(os.environ.get("BENCH_PROCEDURES", "2000"))
EVENT_MONTHS = int(os.environ.get("BENCH_EVENT_MONTHS", "8"))
CHUNK = int(os.environ.get("BENCH_CHUNK", "1000000"))
KEEP = os.environ.get("BENCH_KEEP") == "1" or bool(_reuse)
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
PLAN_LINES = int(os.environ.get("BENCH_PLAN_LINES", "40"))
dt = lifecycle.dt
fmt = lifecycle.fmt
connection = lifecycle.connection
YEARS = 8


def load() -> str:
    return f"tải {os.getloadavg()[0]:.1f}".replace(".", ",")


def step(label: str, began: float) -> None:
    print(f"  {label}: {fmt(time.perf_counter() - began, 1)} s — {load()}", flush=True)


# ------------------------------------------------------------------------------ the fill

VERBS = ["Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi", "Đăng ký",
         "Xác nhận", "Thẩm định", "Phê duyệt"]  # fmt: skip
OBJECTS = ["giấy phép xây dựng", "giấy chứng nhận quyền sử dụng đất", "hộ kinh doanh",
           "khai sinh", "kết hôn", "khai tử", "giấy phép lái xe", "giấy phép kinh doanh rượu",
           "chứng chỉ hành nghề", "hỗ trợ hộ nghèo", "trợ cấp xã hội", "thường trú",
           "tạm trú", "phương án chữa cháy", "biển hiệu quảng cáo", "tàu cá",
           "cơ sở giáo dục mầm non", "nhà thuốc", "đăng ký tín ngưỡng", "lễ hội",
           "khai thác nước ngầm", "đánh giá tác động môi trường", "giấy phép biểu diễn",
           "câu lạc bộ thể thao", "xe ô tô"]  # fmt: skip


def build_catalog(procedures: int):
    """``procedures`` procedures (names combined from real verbs and objects) in 20 fields,
    searchable (their folded ``search_text`` as the catalog service writes it)."""
    from decimal import Decimal

    from motcua.catalog.models import Field, Procedure
    from motcua.catalog.selectors import procedure_search_text
    from motcua.organization.models import UnitKind

    fields = [Field.objects.get_or_create(code=f"F{i:02d}", defaults={"name": f"Lĩnh vực {o}"})[0]
              for i, o in enumerate(OBJECTS[:20])]  # fmt: skip
    rows = []
    for i in range(procedures):
        verb, obj = VERBS[i % len(VERBS)], OBJECTS[(i // len(VERBS)) % len(OBJECTS)]
        level = ["cấp xã", "cấp tỉnh", "cho tổ chức", "cho cá nhân", "trong khu công nghiệp",
                 "có yếu tố nước ngoài", "lần đầu", "do mất, hỏng"][i // 250 % 8]  # fmt: skip
        field = fields[i % len(fields)]
        p = Procedure(code=f"P.{i:05d}", name=f"{verb} {obj} {level}", field=field,
                      competent_unit_kind=UnitKind.COMMUNE, time_limit_kind="working_days",
                      time_limit=Decimal(5 + i % 10), online_type="full")  # fmt: skip
        p.search_text = procedure_search_text(p, field.name)
        rows.append(p)
    Procedure.objects.bulk_create(rows, batch_size=1000)


def _indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``table`` that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) "
            "ORDER BY i.relname",
            [table],
        )
        return cursor.fetchall()


def fill_dossiers(rows: int) -> None:
    from motcua.catalog.models import InternalProcess, Procedure
    from motcua.dossiers.models import RuleSet
    from motcua.organization.models import Role, StaffRole, Unit, UnitKind

    units = list(
        Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("code").values_list("pk", flat=True)
    )
    specialist = dict(
        StaffRole.objects.filter(role=Role.SPECIALIST, unit_id__in=units).values_list(
            "unit_id", "user_id"
        )
    )
    officers = [specialist[u] for u in units]
    procedures = list(Procedure.objects.order_by("pk").values_list("pk", flat=True))
    process = dict(InternalProcess.objects.values_list("procedure_id", "pk"))
    processes = [process.get(p) for p in procedures]
    rule_set = RuleSet.objects.order_by("pk").values_list("pk", flat=True).first()
    if rule_set is None:
        rule_set = RuleSet.objects.create(
            code="BENCH", name="Đo", legal_basis="-", effective_from=dt.date(2015, 1, 1)
        ).pk

    def arr(xs) -> str:
        return "(ARRAY[" + ",".join("NULL" if x is None else str(x) for x in xs) + "]::bigint[])"

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    # row g: submitted (g / rows) of the way through 8 years; r1..r3 uniform in [0, 1)
    sql = f"""
    INSERT INTO dossiers_dossier (code, procedure_id, process_id, rule_set_id, receiving_unit_id,
      competent_unit_id, holder_unit_id, current_step_id, assignee_id, step_started_at,
      step_due_at, channel, postal_tracking, return_method, applicant_kind, applicant_name,
      applicant_id_number, applicant_phone, applicant_email, applicant_address, note, fee_due,
      fee_paid, status, submitted_at, received_at, due_at, paused_since, paused_hours,
      supplement_count, apologized_at, reappointed_due_at, decision, result_number,
      result_date, result_signer, result_file, finished_at, returned_at, closed_at,
      classification, version)
    SELECT code, procedure_id, {arr(processes)}[pi], {rule_set}, unit, unit, unit, NULL,
      CASE WHEN status IN ('in_progress', 'consulting', 'supplement_requested',
                           'payment_requested', 'result_ready')
           THEN {arr(officers)}[ui] END,
      NULL, NULL, channel, '', 'desk', 'person', 'Nguyễn Văn ' || g,
      lpad((g %% 1000000000000)::text, 12, '0'), '09' || lpad((g %% 100000000)::text, 8, '0'),
      '', 'Xã Đo', '', 0, 0, status, submitted, submitted + interval '1 hour',
      submitted + interval '1 day' * (3 + pi %% 12), NULL, 0,
      CASE WHEN status = 'supplement_requested' THEN 1 ELSE 0 END, NULL, NULL,
      CASE WHEN status IN ('result_ready', 'returned') THEN 'approved'
           WHEN status = 'stopped' THEN 'refused' ELSE '' END,
      CASE WHEN status IN ('result_ready', 'returned') THEN 'KQ-' || g ELSE '' END,
      NULL, '', '',
      CASE WHEN status IN ('result_ready', 'returned', 'stopped') THEN finished END,
      CASE WHEN status = 'returned' THEN finished + interval '1 day' END,
      CASE WHEN status IN ('returned', 'withdrawn', 'stopped') THEN finished + interval '1 day' END,
      CASE WHEN status IN ('result_ready', 'returned', 'stopped') THEN
        CASE WHEN finished < submitted + interval '1 day' * (3 + pi %% 12) - interval '1 day'
             THEN 'early'
             WHEN finished <= submitted + interval '1 day' * (3 + pi %% 12) THEN 'on_time'
             ELSE 'late' END ELSE '' END,
      1
    FROM (
      SELECT g, code, submitted, unit, ui, pi, procedure_id, channel, finished,
        CASE WHEN age < interval '45 days' THEN
          (ARRAY['received', 'waiting_assignment', 'in_progress', 'in_progress', 'in_progress',
                 'consulting', 'supplement_requested', 'payment_requested', 'result_ready',
                 'returned'])[1 + floor(r3 * 10)::int]
        ELSE CASE WHEN r3 < 0.95 THEN 'returned' WHEN r3 < 0.98 THEN 'withdrawn'
                  ELSE 'stopped' END END AS status
      FROM (
        SELECT g, 'B' || lpad(g::text, 9, '0') AS code, submitted,
          %(now)s::timestamptz - submitted AS age,
          {arr(units)}[1 + g %% {len(units)}] AS unit, 1 + g %% {len(units)} AS ui,
          pi, {arr(procedures)}[pi] AS procedure_id,
          CASE WHEN r2 < 0.5 THEN 'online' ELSE 'in_person' END AS channel,
          submitted + interval '1 day' * (1 + r2 * (5 + pi %% 12)) AS finished, r3
        FROM (
          SELECT g, %(now)s::timestamptz - interval '1 day' * (365.25 * {YEARS})
                    * (1 - (g - 0.5) / {rows}) AS submitted,
                 1 + floor(power(random(), 2) * {len(procedures)})::int AS pi,
                 random() AS r2, random() AS r3
          FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
        ) a
      ) b
    ) c
    """
    indexes = _indexes("dossiers_dossier")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK checks in the fill
        cursor.execute("SELECT setseed(0.2025)")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        began = time.perf_counter()
        for first in range(1, rows + 1, CHUNK):
            last = min(rows, first + CHUNK - 1)
            cursor.execute(sql, {"now": now, "first": first, "last": last})
            print(f"    … {fmt(last)}/{fmt(rows)} hồ sơ, {fmt(time.perf_counter() - began, 0)} s"
                  f" — {load()}", flush=True)  # fmt: skip
        began = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        step(f"dựng lại {len(indexes)} chỉ mục của bảng hồ sơ", began)
        cursor.execute("SET session_replication_role = origin")


EVENT_ACTIONS = ["dossier.submitted", "dossier.received", "dossier.transferred",
                 "dossier.self_assigned", "dossier.step_completed", "dossier.approved"]  # fmt: skip


def fill_events(months: int) -> int:
    """6 events a dossier submitted in the last ``months`` months, in the monthly partitions
    (created for the 8 years first). Hashes are random: these rows are read, not verified."""
    from motcua.ledger import partitions

    now = dt.datetime.now(dt.UTC)
    since = (now - dt.timedelta(days=365.25 * YEARS)).date()
    partitions.partitions_ensure(connection, since=since)
    actions = "ARRAY[" + ",".join(f"'{a}'" for a in EVENT_ACTIONS) + "]"
    statuses = (
        "ARRAY['submitted','received','waiting_assignment','in_progress','result_ready','returned']"
    )
    sql = f"""
    INSERT INTO ledger_event (subject_type, subject_id, seq, action, actor_id, actor_label,
      unit_id, at, payload, prev_hash, hash)
    SELECT 'dossier', d.code, s, ({actions})[s], d.assignee_id, 'Cán bộ', d.competent_unit_id,
      d.submitted_at + interval '1 hour' * (s - 1) * (1 + d.id %% 20),
      jsonb_build_object('status_to', ({statuses})[s], 'step', s),
      CASE WHEN s > 1 THEN md5(d.code || (s - 1)) || md5(d.code || (s - 1) || 'x') ELSE '' END,
      md5(d.code || s) || md5(d.code || s || 'x')
    FROM dossiers_dossier d CROSS JOIN generate_series(1, 6) AS s
    WHERE d.submitted_at >= %s AND d.submitted_at < %s
    ORDER BY d.submitted_at, s
    """
    total, began = 0, time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # the guard trigger too
        start = now - dt.timedelta(days=30.44 * months)
        while start < now:
            end = min(now, start + dt.timedelta(days=30.44))
            cursor.execute(sql, [start, end])
            total += cursor.rowcount
            print(f"    … {fmt(total)} sự kiện, {fmt(time.perf_counter() - began, 0)} s — "
                  f"{load()}", flush=True)  # fmt: skip
            start = end
        # the subjects' heads, as the insert trigger (off for the fill) would have kept them
        cursor.execute(
            "INSERT INTO ledger_eventhead SELECT DISTINCT ON (subject_type, subject_id) "
            "subject_type, subject_id, seq, hash FROM ledger_event WHERE subject_type = "
            "'dossier' ORDER BY subject_type, subject_id, seq DESC ON CONFLICT DO NOTHING"
        )
        cursor.execute("SET session_replication_role = origin")
    return total


# ------------------------------------------------------------------------------ the reads


def captured(fn) -> tuple[float, list[dict]]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    times = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times), queries.captured_queries


def explain(sql: str) -> tuple[list[str], float]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    total = next((ln for ln in lines if ln.startswith("Execution Time")), "")
    ms = float(total.split(":")[1].split("ms")[0]) if total else 0.0
    return lines, ms


BIG = ("dossiers_dossier", "ledger_event", "ledger_eventhead")


def report(title: str, fn, *, top: int = 2) -> None:
    best, queries = captured(fn)
    print(f"\n=== {title}: {fmt(best * 1000, 1)} ms (tốt nhất {REPEAT} lần), "
          f"{len(queries)} truy vấn — {load()}")  # fmt: skip
    big = [q for q in queries if any(f'"{t}"' in q["sql"] or f" {t} " in q["sql"] for t in BIG)]
    big.sort(key=lambda q: -float(q["time"]))
    for q in big[:top]:
        lines, ms = explain(q["sql"])
        print(f"--- {q['sql'][:600]}{' …' if len(q['sql']) > 600 else ''}")
        print(f"    (EXPLAIN ANALYZE: {fmt(ms, 1)} ms)")
        for line in lines[:PLAN_LINES]:
            print("    " + line)
        if len(lines) > PLAN_LINES:
            print(f"    … {len(lines) - PLAN_LINES} dòng nữa")


def reads() -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import DurationField, Value
    from django.utils import timezone

    from motcua.catalog.selectors import procedure_search
    from motcua.core.periods import period_of
    from motcua.dossiers import selectors
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import (
        DossierFilters,
        StatsFilters,
        dossier_list,
        dossier_stats,
        queue_counts,
    )
    from motcua.ledger import services
    from motcua.ledger.models import Event
    from motcua.portal.selectors import public_timeline
    from motcua.portal.services import track_dossier
    from motcua.reporting.selectors import public_stats

    officer = get_user_model().objects.get(username="cv.17")
    now = timezone.now()

    def work_queue(queue: str, scope: str = "unit"):
        def run():
            filters = DossierFilters(scope=scope, queue=queue)
            list(dossier_list(user=officer, filters=filters, now=now)[:20])
            dossier_list(user=officer, filters=filters, now=now).count()

        return run

    report("Hàng việc cán bộ: việc cần làm (trang đầu 20 + tổng số)", work_queue("todo"))
    report("Hàng việc cán bộ: quá hạn", work_queue("overdue"))
    report("Hàng việc cán bộ: của tôi, việc cần làm", work_queue("todo", "mine"))
    report("Hàng việc cán bộ: danh sách tất cả (không lọc hàng)", work_queue(""))
    report("Số đếm các hàng việc (4 hàng)", lambda: queue_counts(user=officer, scope="unit",
                                                                 now=now))  # fmt: skip
    recent = Dossier.objects.filter(submitted_at__gte=now - dt.timedelta(days=20)).order_by(
        "submitted_at").values_list("code", "applicant_phone").first()  # fmt: skip
    code, phone = recent

    def track():
        dossier = track_dossier(code=code, phone4=phone[-4:], client="bench", now=now)
        public_timeline(dossier)

    report(f"Tra cứu hồ sơ công khai ({code}) + dòng thời gian", track)
    report("Tìm thủ tục công khai 'cap giay phep xay dung'", lambda: list(
        procedure_search(q="cap giay phep xay dung")[:20]))  # fmt: skip
    report("Tìm thủ tục công khai 'khai sinh'", lambda: list(procedure_search(q="khai sinh")[:20]))
    quarter = period_of("quarter", (now - dt.timedelta(days=100)).date())

    def stats():
        dossier_stats(filters=StatsFilters(date_from=quarter.start, date_to=quarter.end),
                      group_by="unit", now=now)  # fmt: skip

    # before: without the index of migration dossiers 0005 (dropped inside a transaction that
    # is rolled back) and with the look-up of each dossier's state not bounded by its
    # submission (a margin of a century: every partition searched, as before this change)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX dossier_submitted")
        report("TRƯỚC — danh sách tất cả, không có chỉ mục dossier_submitted", work_queue(""))
        bound = selectors._BEFORE_SUBMISSION
        selectors._BEFORE_SUBMISSION = Value(dt.timedelta(days=36525), DurationField())
        try:
            report(f"TRƯỚC — thống kê cán bộ quý {quarter.label}, không chỉ mục, không giới hạn "
                   "phân vùng", stats)  # fmt: skip
        finally:
            selectors._BEFORE_SUBMISSION = bound
        transaction.set_rollback(True)
    report(f"Thống kê cán bộ quý {quarter.label} (toàn tỉnh, theo đơn vị)", stats)
    report(f"Thống kê công khai quý {quarter.label} (bảng tổng hợp duy trì sẵn)", lambda: public_stats(
        period=quarter, group_by="unit", now=now))  # fmt: skip
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=30)
    report("Tổng hợp báo cáo: đọc sự kiện hồ sơ từ một mốc (30 ngày)", lambda: list(
        Event.objects.filter(subject_type="dossier", at__gte=midnight)
        .values_list("subject_id", "action", "at").order_by("id")[:50000]))  # fmt: skip

    def head():
        with transaction.atomic():
            assert services._head("dossier", code)[0] == 6

    report("Ghi sự kiện: đầu chuỗi của một hồ sơ (services._head, mỗi lần ghi)", head)
    report("Ghi sự kiện: đầu chuỗi đọc từ các phân vùng (cách cũ, để so sánh)", lambda: (
        Event.objects.filter(subject_type="dossier", subject_id=code).order_by("-seq")
        .values_list("seq", "hash").first()))  # fmt: skip


def main() -> int:
    from motcua.dossiers.models import Dossier

    old_name = connection.settings_dict["NAME"]
    if _reuse:
        from django.core.management import call_command

        connection.settings_dict["NAME"] = _reuse
        connection.close()
        began = time.perf_counter()
        call_command("migrate", verbosity=0)  # e.g. an index added since the kept run
        step("migrate (cơ sở dữ liệu giữ lại)", began)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Kế hoạch truy vấn ở {fmt(ROWS)} hồ sơ — PostgreSQL, {connection.settings_dict['NAME']};"
          f" {machine()}", flush=True)  # fmt: skip
    try:
        if not Dossier.objects.exists():
            began = time.perf_counter()
            lifecycle.build_world(communes=UNITS)
            build_catalog(PROCEDURES)
            step(f"{UNITS} xã, cán bộ, {fmt(PROCEDURES)} thủ tục", began)
            began = time.perf_counter()
            fill_dossiers(ROWS)
            step(f"{fmt(ROWS)} hồ sơ", began)
            began = time.perf_counter()
            events = fill_events(EVENT_MONTHS)
            step(f"{fmt(events)} sự kiện ({EVENT_MONTHS} tháng gần nhất)", began)
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            step("ANALYZE", began)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM dossiers_dossier), "
                "(SELECT count(*) FROM ledger_event), "
                "pg_size_pretty(pg_total_relation_size('dossiers_dossier')), "
                "(SELECT count(*) FROM pg_inherits WHERE inhparent = 'ledger_event'::regclass)"
            )
            dossiers, events, size, parts = cursor.fetchone()
        print(f"  {fmt(dossiers)} hồ sơ ({size} kể cả chỉ mục), {fmt(events)} sự kiện trong "
              f"{fmt(parts)} phân vùng — {machine()}", flush=True)  # fmt: skip
        reads()
        print(f"\n{machine()}")
    finally:
        if KEEP:
            print(f"Giữ cơ sở dữ liệu {connection.settings_dict['NAME']} (BENCH_KEEP=1)")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
