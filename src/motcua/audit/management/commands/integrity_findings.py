"""`motcua integrity_findings [--full]`: bring the stored khống findings up to date."""

from django.core.management.base import BaseCommand

from motcua.audit.services import findings_refresh


class Command(BaseCommand):
    help = "Cập nhật danh sách dấu hiệu cập nhật khống theo các sự kiện đã niêm phong."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="tính lại toàn bộ lịch sử")

    def handle(self, *args, **options):
        done = findings_refresh(full=options["full"])
        self.stdout.write(
            f"Đã xét lại {done.dossiers} hồ sơ: thêm {done.added}, bỏ {done.removed} phát hiện "
            f"(đến sự kiện {done.last_event_id})."
        )
