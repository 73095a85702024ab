"""``motcua export history FILE``: every dossier event, one row each (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.core.formats import vn_number
from motcua.imports.format import Writer, is_jsonl
from motcua.imports.selectors import history_rows


class Command(BaseCommand):
    help = "Xuất lịch sử hồ sơ (mỗi sự kiện một dòng, CSV hoặc JSON Lines)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        history = sub.add_parser("history", help="lịch sử sự kiện của mọi hồ sơ")
        history.add_argument("file", type=Path, help="tệp .csv hoặc .jsonl")

    def handle(self, *args, what: str, file: Path, **options):
        count = 0
        with file.open("w", encoding="utf-8", newline="") as stream:
            writer = Writer(stream, jsonl=is_jsonl(file))
            for row in history_rows():
                writer.write(row)
                count += 1
        self.stdout.write(f"Đã xuất {vn_number(count)} sự kiện vào {file}.")
