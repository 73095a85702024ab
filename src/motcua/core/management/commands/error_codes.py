from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.core.error_codes import replace_generated


class Command(BaseCommand):
    help = "Ghi lại danh sách mã lỗi của mọi ứng dụng vào docs/errors.md (từ các errors.py)."

    def add_arguments(self, parser):
        parser.add_argument("--doc", default="docs/errors.md", help="tệp tài liệu cần cập nhật")

    def handle(self, *args, **options):
        doc = Path(options["doc"])
        doc.write_text(replace_generated(doc.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"Đã cập nhật danh sách mã lỗi trong {doc}.")
