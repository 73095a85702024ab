"""``motcua catalog export FILE`` / ``motcua catalog import FILE --user NAME``: the catalog
workbook (docs/catalog-excel.md) from the command line, with a progress line."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import catalog_export, catalog_import
from motcua.core.errors import DomainError
from motcua.core.jobs import Progress


class Command(BaseCommand):
    help = "Xuất hoặc nhập danh mục thủ tục hành chính (sổ tính Excel), có dòng tiến độ."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        export = sub.add_parser("export", help="xuất toàn bộ danh mục ra tệp .xlsx")
        export.add_argument("file", type=Path)
        imp = sub.add_parser("import", help="nhập danh mục từ tệp .xlsx (tất cả hoặc không)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--user", required=True, help="tên đăng nhập của quản trị danh mục")

    def handle(self, *args, what: str, file: Path, **options):
        progress = Progress(echo=self.stdout)
        if what == "export":
            file.write_bytes(catalog_export(progress=progress))
            progress.finish(f"Đã xuất danh mục vào {file}.")
            return
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản '{options['user']}'.")
        if not file.exists():
            raise CommandError(f"Không có tệp {file}.")
        try:
            result = catalog_import(actor=user, data=file.read_bytes(), progress=progress)
        except DomainError as error:
            raise CommandError(error.message) from error
        if not result.ok:
            progress.finish(f"Không nhập được: {len(result.errors)} lỗi, không có gì được ghi.")
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError("Tệp có lỗi.")
        total = result.counts.get("ThuTuc", 0)
        progress.finish(
            f"Đã nhập danh mục: {total} thủ tục"
            + ("." if result.changes else " (không có thay đổi).")
        )
