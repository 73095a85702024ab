"""motcua ledger verify | seal | roots | schedule | partitions

verify    recompute every hash, both chains and every published daily root; print the
          first broken link (subject, seq, time); exit code 1 when anything is broken;
          --published roots.json also compares with roots saved earlier from the public API
seal      extend the global chain over the events written since the last run
roots     seal, then store the daily roots of the days that have ended
schedule  queue the nightly task (roots + verify) if it is not queued yet
partitions  PostgreSQL: create the event table's monthly partitions up to --ahead months
          after this one (from --since YYYY-MM, e.g. before importing history) and list
          them; a month whose rows already sit in the default partition is reported and
          left there (nothing is moved: see ledger.partitions)
monitor   fetch the newest signed checkpoint from a site's public API, check its signature
          and that it consistently extends the last one seen (kept in a state file); exit
          code 2 and a warning on a fork, a rollback or an inconsistent extension
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from motcua.core.formats import vn_number


class Command(BaseCommand):
    help = "Sổ cái: kiểm tra toàn vẹn (verify), niêm phong (seal), lập gốc ngày (roots)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra toàn bộ sổ cái")
        verify.add_argument("--max-problems", type=int, default=20)
        verify.add_argument(
            "--record", action="store_true", help="Lưu kết quả (như tác vụ hằng đêm)"
        )
        verify.add_argument(
            "--published",
            help="Tệp JSON các gốc ngày đã lưu từ /api/ledger/roots, để đối chiếu",
        )
        sub.add_parser("seal", help="Niêm phong các sự kiện mới vào chuỗi toàn cục")
        sub.add_parser("roots", help="Niêm phong và lập gốc Merkle các ngày đã kết thúc")
        sub.add_parser("schedule", help="Xếp lịch tác vụ kiểm tra hằng đêm")
        parts = sub.add_parser(
            "partitions", help="Tạo trước các phân vùng theo tháng của bảng sự kiện (PostgreSQL)"
        )
        parts.add_argument("--ahead", type=int, default=None, help="Số tháng tạo trước")
        parts.add_argument("--since", default=None, help="Tạo từ tháng này (YYYY-MM)")
        monitor = sub.add_parser("monitor", help="Theo dõi điểm kiểm tra đã ký của một trang")
        monitor.add_argument("--url", required=True, help="Địa chỉ trang, ví dụ https://motcua.vn")
        monitor.add_argument(
            "--state", default=None, help="Tệp lưu điểm kiểm tra đã thấy (mặc định var/)"
        )
        monitor.add_argument("--key", default=None, help="Khoá xác minh (mặc định: lấy lần đầu)")

    def handle(self, *args, action: str, **options):
        return getattr(self, f"_{action}")(**options)

    def _verify(self, *, max_problems: int, record: bool, published: str | None, **_):
        from motcua.ledger.verify import verify

        saved = None
        if published:
            try:
                with open(published, encoding="utf-8") as f:
                    data = json.load(f)
            except (OSError, ValueError) as error:
                raise CommandError(f"Không đọc được tệp gốc ngày {published}: {error}") from error
            saved = data["items"] if isinstance(data, dict) else data
        if record:
            from motcua.ledger.services import verify_run_record

            report = verify_run_record(max_problems=max_problems, published=saved)
        else:
            report = verify(max_problems=max_problems, published=saved)
        rate = report.events / report.seconds if report.seconds else 0
        self.stdout.write(
            f"Đã kiểm tra {vn_number(report.events)} sự kiện "
            f"({vn_number(report.sealed)} đã niêm phong, {vn_number(report.pending)} chờ niêm "
            f"phong), {vn_number(report.roots)} gốc ngày, {vn_number(report.checkpoints)} điểm kiểm tra trong {vn_number(report.seconds, 1)} giây "
            f"({vn_number(rate)} sự kiện/giây)."
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Sổ cái toàn vẹn."))
            return
        first = report.first
        self.stderr.write(f"Mắt xích hỏng đầu tiên: {first.describe()}")
        for problem in report.problems[1:]:
            self.stderr.write(f"  {problem.describe()}")
        if report.problem_count > len(report.problems):
            self.stderr.write(f"  … và {report.problem_count - len(report.problems)} lỗi khác")
        raise CommandError(
            f"Sổ cái KHÔNG toàn vẹn: {vn_number(report.problem_count)} lỗi.", returncode=1
        )

    def _seal(self, **_):
        from motcua.ledger.services import ledger_seal

        count = ledger_seal()
        self.stdout.write(f"Đã niêm phong {vn_number(count)} sự kiện.")

    def _roots(self, **_):
        from motcua.ledger.services import daily_roots_build

        built = daily_roots_build()
        for root in built:
            self.stdout.write(
                f"{root.day:%d/%m/%Y}: {vn_number(root.event_count)} sự kiện, gốc {root.merkle_root}"
            )
        self.stdout.write(f"Đã lập {vn_number(len(built))} gốc ngày.")

    def _monitor(self, *, url: str, state: str | None, key: str | None, **_):
        import urllib.request
        from pathlib import Path

        from django.conf import settings

        from motcua.ledger import monitor

        base = url.rstrip("/") + "/api/ledger"

        def fetch(path: str) -> dict:
            with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                return json.load(response)

        state_file = Path(state) if state else Path(settings.VAR_DIR) / "ledger_monitor.json"
        try:
            outcome = monitor.check(state_file, fetch, key)
        except OSError as error:
            raise CommandError(f"Không lấy được điểm kiểm tra từ {url}: {error}") from error
        if not outcome.ok:
            raise CommandError(outcome.message, returncode=2)
        self.stdout.write(self.style.SUCCESS(outcome.message))

    def _partitions(self, *, ahead: int | None, since: str | None, **_):
        import datetime as dt

        from django.db import connection

        from motcua.ledger import partitions

        if not partitions.is_partitioned(connection):
            self.stdout.write("Cơ sở dữ liệu này không phân vùng bảng sự kiện (chỉ PostgreSQL).")
            return
        first = None
        if since:
            try:
                first = dt.date.fromisoformat(f"{since}-01")
            except ValueError as error:
                raise CommandError(f"Tháng không hợp lệ: {since} (dạng YYYY-MM)") from error
        result = partitions.partitions_ensure(
            connection, ahead=partitions.AHEAD if ahead is None else ahead, since=first
        )
        for name in result.created:
            self.stdout.write(f"Đã tạo phân vùng {name}.")
        for name, rows in result.blocked.items():
            self.stderr.write(
                f"Không tạo {name}: {vn_number(rows)} sự kiện của tháng này đang ở phân vùng "
                "mặc định (không di chuyển; vẫn đọc được bình thường)."
            )
        for part in partitions.partitions_list(connection):
            rows = "chưa thống kê" if part.rows < 0 else f"~{vn_number(part.rows)} dòng"
            self.stdout.write(f"  {part.name}: {part.bound} ({rows})")

    def _schedule(self, **_):
        from motcua.ledger.tasks import nightly_schedule

        result = nightly_schedule()
        if result is None:
            self.stdout.write("Tác vụ hằng đêm đã có trong hàng đợi.")
        else:
            self.stdout.write(f"Đã xếp lịch tác vụ hằng đêm (mã {result.id}).")
