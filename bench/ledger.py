"""Ledger benchmark: cost of hashing on writes, the global-chain design, verify throughput.

    .venv/bin/python bench/ledger.py            # temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/ledger.py

Runs on its own throw-away database (a temporary file, or the test database
``bench_ledger`` on the PostgreSQL server), never on the configured one. Environment:
BENCH_WRITES (default 4000), BENCH_EVENTS (default 1000000), BENCH_THREADS (default 8),
BENCH_PARTS (default "million,writes,contention").

2. events/s through ``event_record`` (one transaction per event, as a service does) with
   hashing, and the same code with the hash replaced by a constant, interleaved in rounds
   in the same run; overhead = 1 - hashed/plain (target < 20 %);
3. concurrency: T threads, each writing events of its own subjects in transactions that
   also hold the row 2 ms (the rest of a service's work); with a per-event lock on one
   global head row (the alternative design) versus without it (global chain by sealing);
1. 1,000,000 events bulk-inserted with precomputed hashes, then sealing, daily roots and a
   full ``verify``, each in events/s.
4. the global tree (BENCH_PARTS=tree, BENCH_TREE_EVENTS default 1000000): the events are
   sealed by ``ledger_seal`` (tiles + first signed checkpoint), then: the time to publish a
   checkpoint after a seal of 1,000 new events (tiles, root, consistency with the last
   checkpoint, Ed25519 signature), the signature alone, and consistency / inclusion proofs
   between random sizes as the API computes them (fresh reader each: tiles loaded, leaf
   blocks read). Then the same proof and root computations at 10,000,000 leaves on tiles
   held in memory (no database reads), and an extrapolation of the database part, printed
   as such.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WRITES = int(os.environ.get("BENCH_WRITES", "4000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
HOLD = 0.002

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, workspace  # noqa: E402

TMP, DB_NAME = workspace("ledger")  # removed at exit; a database name of this run only
os.environ["MOTCUA_VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("DEBUG", "0")  # production conditions: no SQL kept per query
IS_PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
os.environ["MOTCUA_TEST_DB_NAME"] = DB_NAME if IS_PG else str(TMP / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.db import close_old_connections, connection, transaction  # noqa: E402

from motcua.ledger import hashing, services, triggers  # noqa: E402
from motcua.ledger.actions import register  # noqa: E402
from motcua.ledger.models import Event  # noqa: E402

ACTION = register("bench.step", "Bước (đo hiệu năng)")
UTC = dt.UTC


from motcua.core.formats import vn_number as _fmt  # noqa: E402


def _record(i: int, prefix: str, subjects: int = 200) -> None:
    with transaction.atomic():
        services.event_record(
            subject_type="bench",
            subject_id=f"{prefix}-{i % subjects}",
            action=ACTION,
            payload={"status_from": "processing", "status_to": "processing", "step": i % 5},
        )


def bench_writes() -> None:
    rounds = 40
    per_round = max(1, WRITES // rounds)
    print(
        f"\n2. Ghi sự kiện qua event_record, mỗi sự kiện một giao dịch ({_fmt(per_round * rounds)} "
        f"sự kiện mỗi kiểu, {rounds} lượt xen kẽ)"
    )
    real_hash = services.event_hash
    plain_hash = lambda **_: "0" * 64  # noqa: E731
    totals = {"hashed": 0.0, "plain": 0.0}
    ratios = []
    counter = 0
    for r in range(rounds):
        spent = {}
        for kind in ("plain", "hashed") if r % 2 else ("hashed", "plain"):
            services.event_hash = real_hash if kind == "hashed" else plain_hash
            started = time.perf_counter()
            for _ in range(per_round):
                _record(counter, "H" if kind == "hashed" else "P")
                counter += 1
            spent[kind] = time.perf_counter() - started
            totals[kind] += spent[kind]
        ratios.append(spent["hashed"] / spent["plain"])
    services.event_hash = real_hash
    hashed = per_round * rounds / totals["hashed"]
    plain = per_round * rounds / totals["plain"]
    ratios.sort()
    median = ratios[len(ratios) // 2]
    sample = {
        "subject_type": "dossier", "subject_id": "000.00.31.H29-260302-0001", "seq": 7,
        "action": ACTION, "actor_id": 12, "actor_label": "Trần Thị Lan", "unit_id": 3,
        "at": dt.datetime.now(UTC), "prev_hash": "0" * 64,
        "payload": {"status_from": "processing", "status_to": "processing", "step": 2,
                    "from_unit": "U0001", "to_unit": "U0001", "late": False},
    }  # fmt: skip
    started = time.perf_counter()
    for _ in range(20_000):
        real_hash(**sample)
    hash_us = (time.perf_counter() - started) / 20_000 * 1e6
    print(f"   có băm:      {_fmt(hashed)} sự kiện/giây")
    print(f"   không băm:   {_fmt(plain)} sự kiện/giây")
    print(f"   chi phí băm (trung vị theo lượt): {_fmt((median - 1) * 100, 1)} % (mục tiêu < 20 %)")
    print(
        f"   riêng phép băm: {_fmt(hash_us, 1)} µs/sự kiện = "
        f"{_fmt(hash_us / (1e6 / plain) * 100, 1)} % thời gian ghi một sự kiện"
    )
    # the unhashed baseline rows would (rightly) fail verify: this database is thrown away
    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event WHERE subject_id LIKE 'P-%%'")
    triggers.install(connection)


def _contention(head_lock: bool, per_thread: int) -> float:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(per_thread):
                with transaction.atomic():
                    if head_lock:
                        with connection.cursor() as cursor:
                            cursor.execute("SELECT hash FROM bench_head WHERE id = 1 FOR UPDATE"
                                           if IS_PG else "SELECT hash FROM bench_head WHERE id = 1")  # fmt: skip
                            cursor.execute("UPDATE bench_head SET hash = %s WHERE id = 1", [str(i)])
                    services.event_record(
                        subject_type="bench",
                        subject_id=f"C-{n}-{i % 10}",
                        action=ACTION,
                        payload={"i": i},
                    )
                    time.sleep(HOLD)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return THREADS * per_thread / elapsed


def bench_contention() -> None:
    per_thread = 60
    print(
        f"\n3. Tranh chấp: {THREADS} luồng × {per_thread} giao dịch, mỗi giao dịch giữ "
        f"{HOLD * 1000:.0f} ms"
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_head (id integer PRIMARY KEY, hash varchar(64))")
        cursor.execute("INSERT INTO bench_head VALUES (1, '')")
    sealed_design = _contention(False, per_thread)
    head_design = _contention(True, per_thread)
    print(
        f"   chuỗi toàn cục bằng niêm phong (thiết kế chọn): {_fmt(sealed_design)} giao dịch/giây"
    )
    print(f"   khoá dòng đầu chuỗi toàn cục mỗi sự kiện:       {_fmt(head_design)} giao dịch/giây")
    print(f"   tỉ lệ niêm phong / khoá đầu chuỗi: {_fmt(sealed_design / head_design, 2)}×")
    if not IS_PG:
        print(
            "   (SQLite: mọi giao dịch ghi vốn đã tuần tự, hai thiết kế như nhau; đo trên PostgreSQL)"
        )
    started = time.perf_counter()
    sealed = services.ledger_seal()
    elapsed = time.perf_counter() - started
    print(f"   niêm phong {_fmt(sealed)} sự kiện sau đó: {_fmt(elapsed * 1000, 1)} ms")


def _generate(n: int):
    subjects = max(1, n // 8)
    prev = [""] * subjects
    start = dt.datetime.now(UTC).replace(tzinfo=None) - dt.timedelta(days=101)
    step = dt.timedelta(days=100) / n
    payload = {"status_from": "processing", "status_to": "processing", "step": 0}
    for i in range(n):
        s = i % subjects
        at = start + step * i  # naive UTC
        at_text = at.isoformat(timespec="microseconds") + "Z"
        payload = {**payload, "step": i % 5}
        seq = i // subjects + 1
        subject_id = f"H-{s:07d}"
        digest = hashing.event_hash_of(
            "dossier", subject_id, seq, ACTION, None, "Cán bộ đo", None, at_text, payload, prev[s]
        )
        yield (subject_id, seq, at, payload, prev[s]), digest
        prev[s] = digest


COLUMNS = "subject_type, subject_id, seq, action, actor_id, actor_label, unit_id, at, payload, prev_hash, hash"


def _row(fields: tuple, digest: str) -> tuple:
    subject_id, seq, at, payload, prev = fields
    at_text = at.isoformat() + "+00:00" if IS_PG else str(at)
    return ("dossier", subject_id, seq, ACTION, None, "Cán bộ đo", None, at_text,
            json.dumps(payload), prev, digest)  # fmt: skip


def bench_million() -> None:
    print(f"\n1. {_fmt(EVENTS)} sự kiện (100 ngày, {_fmt(max(1, EVENTS // 8))} hồ sơ)")
    started = time.perf_counter()
    rows = [_row(fields, digest) for fields, digest in _generate(EVENTS)]
    generated = time.perf_counter() - started
    print(f"   tạo và băm trước: {_fmt(generated, 1)} s ({_fmt(EVENTS / generated)} sự kiện/giây)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if IS_PG:
            raw = cursor.cursor
            with raw.copy(f"COPY ledger_event ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 11)
            cursor.executemany(f"INSERT INTO ledger_event ({COLUMNS}) VALUES ({marks})", rows)
    del rows
    print(f"   nạp hàng loạt: {_fmt(time.perf_counter() - started, 1)} s")
    started = time.perf_counter()
    sealed = services.ledger_seal()
    elapsed = time.perf_counter() - started
    print(
        f"   niêm phong: {_fmt(sealed)} sự kiện, {_fmt(elapsed, 1)} s ({_fmt(sealed / elapsed)} sự kiện/giây)"
    )
    started = time.perf_counter()
    roots = services.daily_roots_build()
    elapsed = time.perf_counter() - started
    print(
        f"   gốc ngày: {_fmt(len(roots))} ngày, {_fmt(elapsed, 1)} s ({_fmt(EVENTS / elapsed)} sự kiện/giây)"
    )
    from motcua.ledger.verify import verify

    total = Event.objects.count()
    report = verify()
    print(
        f"   verify: {_fmt(report.events)} sự kiện, {_fmt(report.roots)} gốc ngày, "
        f"{_fmt(report.seconds, 1)} s → {_fmt(report.events / report.seconds)} sự kiện/giây; "
        f"{'toàn vẹn' if report.ok else 'LỖI: ' + report.first.describe()}"
    )
    assert report.events == total and report.ok


def _median_ms(samples: list[float]) -> str:
    samples = sorted(samples)
    return _fmt(samples[len(samples) // 2] * 1000, 1)


def bench_tree() -> None:
    import hashlib
    import random

    from motcua.ledger import checkpoints, merkle, tree

    n = int(os.environ.get("BENCH_TREE_EVENTS", "1000000"))
    print(f"\n4. Cây toàn cục (RFC 9162) và điểm kiểm tra đã ký, {_fmt(n)} sự kiện")
    at = str(dt.datetime.now(UTC).replace(tzinfo=None) - dt.timedelta(days=1))

    def insert(start: int, count: int) -> None:
        rows = [
            (
                "tree",
                str(i),
                1,
                ACTION,
                None,
                "",
                None,
                at,
                "{}",
                "",
                hashlib.sha256(f"tree-{i}".encode()).hexdigest(),
            )  # fmt: skip
            for i in range(start, start + count)
        ]
        marks = ", ".join(["%s"] * 11)
        with transaction.atomic(), connection.cursor() as cursor:
            if IS_PG:
                with cursor.cursor.copy(f"COPY ledger_event ({COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO ledger_event ({COLUMNS}) VALUES ({marks})", rows)

    already = services.Seal.objects.count()
    started = time.perf_counter()
    for start in range(0, n, 200_000):
        insert(already + start, min(200_000, n - start))
    print(f"   nạp {_fmt(n)} sự kiện: {_fmt(time.perf_counter() - started, 1)} s")
    started = time.perf_counter()
    services.ledger_seal()
    print(
        f"   niêm phong lần đầu (chuỗi, {_fmt(n // 256)} khối, điểm kiểm tra): "
        f"{_fmt(time.perf_counter() - started, 1)} s"
    )
    publish, sign_only = [], []
    for r in range(5):
        insert(already + n + r * 1000, 1000)
        started = time.perf_counter()
        services.ledger_seal()
        publish.append(time.perf_counter() - started)
    size = tree.latest_checkpoint().tree_size
    root = merkle.from_hex(tree.latest_checkpoint().root_hash)
    for _ in range(20):
        started = time.perf_counter()
        checkpoints.sign(size, root)
        sign_only.append(time.perf_counter() - started)
    print(
        f"   niêm phong 1.000 sự kiện mới + lập và ký điểm kiểm tra ({_fmt(size)} lá): "
        f"trung vị {_median_ms(publish)} ms; riêng chữ ký Ed25519: "
        f"{_fmt(sorted(sign_only)[10] * 1000, 2)} ms"
    )
    rng = random.Random(1)
    cons, incl = [], []
    for _ in range(20):
        m = rng.randrange(1, size)
        started = time.perf_counter()
        merkle.consistency_path(tree.StoredTree(), m, size)
        cons.append(time.perf_counter() - started)
        i = rng.randrange(size)
        started = time.perf_counter()
        merkle.inclusion_path(tree.StoredTree(), i, size)
        incl.append(time.perf_counter() - started)
    print(
        f"   bằng chứng nhất quán (CSDL, trung vị 20 lần): {_median_ms(cons)} ms; "
        f"bằng chứng thuộc cây: {_median_ms(incl)} ms"
    )
    # 10,000,000 leaves: the same code on tiles held in memory (no database)
    big = 10_000_000

    class MemoryTiles(tree.StoredTree):
        def __init__(self) -> None:
            super().__init__()
            self._tiles = [hashlib.sha256(b"t%d" % k).digest() for k in range(big // 256)]

        def block_leaves(self, block: int) -> list[bytes]:
            count = min(256, big - block * 256)
            return [hashlib.sha256(b"l%d" % (block * 256 + j)).digest() for j in range(count)]

    memory = MemoryTiles()
    started = time.perf_counter()
    big_root = memory.root(big)
    root_s = time.perf_counter() - started
    started = time.perf_counter()
    checkpoints.sign(big, big_root)
    sign_s = time.perf_counter() - started
    cons_big = []
    for _ in range(10):
        m, fresh = rng.randrange(1, big), MemoryTiles()
        started = time.perf_counter()
        merkle.consistency_path(fresh, m, big)
        cons_big.append(time.perf_counter() - started)
    print(
        f"   10.000.000 lá, khối trong bộ nhớ (không đọc CSDL): gốc {_fmt(root_s * 1000, 1)} ms, "
        f"ký {_fmt(sign_s * 1000, 2)} ms, bằng chứng nhất quán trung vị {_median_ms(cons_big)} ms"
    )
    reader = tree.StoredTree()
    started = time.perf_counter()
    reader._load_tiles()
    tiles_s = time.perf_counter() - started
    print(
        f"   NGOẠI SUY (không đo): đọc {_fmt(size // 256)} khối từ CSDL mất "
        f"{_fmt(tiles_s * 1000, 1)} ms; ở 10.000.000 lá ({_fmt(big // 256)} khối) ước "
        f"{_fmt(tiles_s * big / size * 1000, 1)} ms cộng phần tính trong bộ nhớ ở trên"
    )


def main() -> None:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    vendor = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    print(f"Sổ cái — đo hiệu năng trên {vendor}; {machine()}")
    parts = os.environ.get("BENCH_PARTS", "million,writes,contention,tree")
    try:
        if "million" in parts:  # first: its bulk rows are dated in the past, before any sealing
            bench_million()
        if "writes" in parts:
            bench_writes()
        if "contention" in parts:
            bench_contention()
        if "tree" in parts:
            bench_tree()
        print(f"  {machine()}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
