"""`motcua reporting_aggregates [--full]`: bring the daily aggregates up to date now."""

from django.core.management.base import BaseCommand

from motcua.reporting.services import aggregates_catch_up


class Command(BaseCommand):
    help = "Cập nhật số liệu tổng hợp theo ngày của báo cáo lãnh đạo (--full: dựng lại toàn bộ)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="dựng lại toàn bộ")

    def handle(self, *args, **options):
        result = aggregates_catch_up(full=options["full"])
        mode = "toàn bộ" if result["mode"] == "full" else "các ngày có thay đổi"
        self.stdout.write(
            f"Đã cập nhật {mode}: {result['days']} ngày, {result['rows']} dòng tổng hợp."
        )
