"""Grow a demo database on PostgreSQL to ``BENCH_DOSSIERS`` dossiers (default 1,000,000) for
bench/load.py: the demo's finished dossiers copied in bulk, as years of closed history.

    createdb motcua_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_load MOTCUA_VAR_DIR=/tmp/load-var \\
        .venv/bin/motcua migrate --noinput
    DATABASE_URL=… MOTCUA_VAR_DIR=/tmp/load-var .venv/bin/motcua demo      # ≈ 10 min
    DATABASE_URL=… .venv/bin/python bench/scale_demo.py                    # ≈ 1,000,000
    DATABASE_URL=… BENCH_VAR_DIR=/tmp/load-var .venv/bin/python bench/load.py

Copy ``k`` of a finished dossier (returned, refused at intake, withdrawn) is one ``INSERT …
SELECT … CROSS JOIN generate_series`` row: code ``<code>-C<k>``, every date moved back
``k × BENCH_SHIFT_HOURS`` hours (default 36: 1 M rows span about a year), the same units,
procedure and applicant. Copies have no events and no files, like rows imported from an
older system; the demo's open dossiers, accounts and histories stay as they were, so the
work queues hold what a province's desks hold on a normal day while the tables hold a
province's year. Running it again adds only what is missing. Ends with ``ANALYZE``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

TARGET = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
SHIFT_HOURS = float(os.environ.get("BENCH_SHIFT_HOURS", "36"))
CHUNK = int(os.environ.get("BENCH_COPY_CHUNK", "20"))
FINISHED = ("returned", "intake_refused", "withdrawn")


def main() -> None:
    import django

    django.setup()
    from django.db import connection, models, transaction

    from motcua.dossiers.models import Dossier

    if connection.vendor != "postgresql":
        raise SystemExit("bench/scale_demo.py cần PostgreSQL (DATABASE_URL=postgres://…)")
    table = Dossier._meta.db_table
    fields = Dossier._meta.concrete_fields
    dates = {f.column for f in fields if isinstance(f, models.DateTimeField | models.DateField)}
    columns = [f.column for f in fields if f.column != "id"]
    select = []
    for column in columns:
        if column == "code":
            select.append("code || '-C' || k")
        elif column in dates:
            select.append(f"\"{column}\" - interval '1 hour' * (k * {SHIFT_HOURS})")
        else:
            select.append(f'"{column}"')
    quoted = ", ".join(f'"{c}"' for c in columns)

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT count(*) FROM \"{table}\" WHERE status = ANY(%s) AND code NOT LIKE '%%-C%%'",
            [list(FINISHED)],
        )
        finished = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM \"{table}\" WHERE code LIKE '%%-C%%'")
        copied = cursor.fetchone()[0]
    if not finished:
        raise SystemExit("Không có hồ sơ đã xong để nhân bản: nạp dữ liệu mẫu trước (motcua demo)")
    done_copies = copied // finished
    needed = max(0, -(-(TARGET - total) // finished))  # ceil
    print(
        f"{total:,} hồ sơ ({copied:,} bản sao); {finished:,} hồ sơ đã xong → thêm {needed} bản "
        f"sao của mỗi hồ sơ (đích {TARGET:,})",
        flush=True,
    )
    began = time.perf_counter()
    first = done_copies + 1
    while first <= done_copies + needed:
        last = min(done_copies + needed, first + CHUNK - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{table}" ({quoted}) SELECT {", ".join(select)} '
                f'FROM "{table}" CROSS JOIN generate_series(%s, %s) AS k '
                "WHERE status = ANY(%s) AND code NOT LIKE %s",
                [first, last, list(FINISHED), "%-C%"],
            )
        print(
            f"  bản sao {first}–{last}: {(last - done_copies) * finished:,} hàng "
            f"({time.perf_counter() - began:.0f} s)",
            flush=True,
        )
        first = last + 1
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        total = cursor.fetchone()[0]
    print(f"Xong: {total:,} hồ sơ trong {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
