"""``motcua interop sync`` delivers the outbox; ``motcua interop report`` reconciles."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Liên thông Cổng DVC quốc gia: sync (gửi bản ghi chờ), report (đối soát)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["sync", "report"])
        parser.add_argument("--limit", type=int, default=500, help="số hồ sơ mỗi lượt")
        parser.add_argument("--until-empty", action="store_true", help="gửi đến khi hết")

    def handle(self, *args, what, limit, until_empty, **options):
        from motcua.interop.selectors import reconcile
        from motcua.interop.services import interop_sync

        if what == "sync":
            total = 0
            while True:
                result = interop_sync(limit=limit)
                total += result.sent
                self.stdout.write(
                    f"Đã gửi {result.sent} (trùng {result.duplicates}), lỗi {result.failed}, "
                    f"tạm dừng {result.parked}"
                )
                if not until_empty or result.sent == 0:
                    break
            self.stdout.write(f"Tổng đã gửi: {total}")
            return
        report = reconcile()
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        if not report.complete:
            raise CommandError("Đối soát chưa khớp: xem các danh sách chênh lệch ở trên.")
