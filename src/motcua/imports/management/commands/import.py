"""``motcua import history FILE [--mapping M]``: validate, then replay (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.formats import vn_number as fmt
from motcua.imports.services import ImportInvalid, Progress, history_import


class Command(BaseCommand):
    help = "Nhập lịch sử hồ sơ của hệ thống cũ qua các dịch vụ thật (tiếp tục được nếu bị ngắt)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        history = sub.add_parser("history", help="lịch sử sự kiện hồ sơ")
        history.add_argument("file", type=Path, help="tệp .csv hoặc .jsonl")
        history.add_argument("--mapping", type=Path, help="tệp ánh xạ (JSON)")
        history.add_argument(
            "--batch", type=int, default=None, help="số hồ sơ mỗi lô (mặc định 500)"
        )
        history.add_argument(
            "--workers", type=int, default=1,
            help="số tiến trình nhập song song (PostgreSQL; mỗi tiến trình một phần hồ sơ)",
        )  # fmt: skip
        history.add_argument(
            "--pause", type=float, default=0.0, help="giây nghỉ giữa hai lô (máy đang phục vụ)"
        )

    def handle(self, *args, what: str, file: Path, **options):
        if not file.exists():
            raise CommandError(f"Không tìm thấy tệp {file}.")

        def progress(p: Progress) -> None:
            rate = p.dossiers_done / p.elapsed if p.elapsed else 0
            self.stdout.write(
                f"Lô {fmt(p.batch)}: {fmt(p.dossiers_done)}/{fmt(p.dossiers_total)} hồ sơ, "
                f"{fmt(p.events_done)} sự kiện ({fmt(rate, 1)} hồ sơ/s)",
            )
            self.stdout.flush()

        try:
            out = history_import(
                path=file,
                mapping_path=options.get("mapping"),
                batch_size=max(1, options["batch"]) if options["batch"] else None,
                pause=options["pause"],
                on_progress=progress,
                workers=max(1, options["workers"]),
            )
        except ImportInvalid as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(error.message) from None
        run = out.run
        if out.already_finished:
            self.stdout.write(
                f"Tệp này (SHA-256 {run.sha256[:16]}…) đã được nhập đầy đủ: không nhập lại gì."
            )
            return
        self.stdout.write(
            f"Hoàn tất: lần này nhập {fmt(out.dossiers)} hồ sơ, {fmt(out.events)} sự kiện trong "
            f"{fmt(out.elapsed, 1)} s; tổng của tệp {fmt(run.dossiers_done)}/{fmt(run.dossiers)}"
            f" hồ sơ, {fmt(run.batches_done)} lô. SHA-256: {run.sha256}."
        )
        if out.skipped_events:
            self.stdout.write(
                f"Bỏ qua {fmt(out.skipped_events)} cảnh báo sắp đến hạn (hệ thống tự tạo lại)."
            )
        self.stdout.write(
            f"Khác biệt với cờ đúng hạn của hệ thống cũ: {fmt(out.difference_count)} hồ sơ."
        )
        for d in out.differences:
            old = "đúng hạn" if d.previous_on_time else "quá hạn"
            self.stdout.write(f"  {d.code}: hệ thống cũ «{old}», tính lại «{d.classification}»")
