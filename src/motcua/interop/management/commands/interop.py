"""``motcua interop sync`` delivers the outbox; ``report`` reconciles (``--save`` keeps the
result for the operations page); ``inbound`` takes the dossiers submitted on the national
portal; ``catalog --user NAME`` shows the national catalog's differences and, with
``--apply --decision N --date DD/MM/YYYY``, applies them as a publication decision."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.core.parsing import parse_date


class Command(BaseCommand):
    help = (
        "Liên thông Cổng DVC quốc gia: sync (gửi bản ghi chờ), report (đối soát), "
        "inbound (nhận hồ sơ nộp trên Cổng quốc gia), catalog (đồng bộ danh mục TTHC)."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["sync", "report", "inbound", "catalog"])
        parser.add_argument("--limit", type=int, default=500, help="số hồ sơ mỗi lượt")
        parser.add_argument("--until-empty", action="store_true", help="gửi đến khi hết")
        parser.add_argument("--save", action="store_true", help="report: lưu kết quả đối soát")
        parser.add_argument("--user", help="catalog: tên đăng nhập của quản trị danh mục")
        parser.add_argument("--apply", action="store_true", help="catalog: áp dụng chênh lệch")
        parser.add_argument("--decision", default="", help="catalog: số quyết định công bố")
        parser.add_argument("--date", default="", help="catalog: ngày ban hành dd/mm/yyyy")
        parser.add_argument("--signer", default="", help="catalog: người ký")
        parser.add_argument("--title", default="", help="catalog: trích yếu")

    def handle(self, *args, what, **options):
        try:
            getattr(self, f"do_{what}")(**options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def do_sync(self, *, limit, until_empty, **options):
        from motcua.interop.services import interop_sync

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

    def do_report(self, *, save, **options):
        from motcua.interop.selectors import reconcile
        from motcua.interop.services import interop_reconcile

        body = interop_reconcile().report if save else reconcile().as_dict()
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        if not body["complete"]:
            raise CommandError("Đối soát chưa khớp: xem các danh sách chênh lệch ở trên.")

    def do_inbound(self, **options):
        from motcua.interop.inbound import interop_inbound_pull

        result = interop_inbound_pull()
        self.stdout.write(f"Đã nhận {result.taken}, đã có từ trước {result.again}.")
        for line in result.refused:
            self.stdout.write(f"Không nhận: {line}")
        if result.refused:
            raise CommandError(f"{len(result.refused)} hồ sơ không nhận được (xem ở trên).")

    def do_catalog(self, *, user, apply, decision, date, signer, title, **options):
        from motcua.interop.catalog_sync import catalog_diff, interop_catalog_apply

        actor = get_user_model().objects.filter(username=user or "").first()
        if actor is None:
            raise CommandError("Cần --user là tên đăng nhập của quản trị danh mục.")
        diff = catalog_diff(user=actor)
        labels = {"added": "Ban hành mới", "amended": "Sửa đổi", "abolished": "Bãi bỏ"}
        for change in diff.changes:
            self.stdout.write(f"{labels[change.kind]}: {change.code} — {change.name}")
            for line in change.details:
                self.stdout.write(f"    {line}")
        for title_, lines in (
            ("Giữ lại (của tỉnh)", diff.kept_local),
            ("Có ở tỉnh, không có trong bản xuất (không đổi)", diff.not_in_export),
            ("Lỗi trong bản xuất (chưa áp dụng được)", diff.errors),
        ):
            for line in lines:
                self.stdout.write(f"{title_}: {line}")
        self.stdout.write(f"Mã bản xuất: {diff.digest}")
        if not apply:
            return
        day = parse_date(date)
        if day is None:
            raise CommandError("Cần --date dd/mm/yyyy (ngày ban hành quyết định).")
        run = interop_catalog_apply(
            actor=actor, digest=diff.digest, number=decision, date=day, signer=signer, title=title
        )
        self.stdout.write(f"Đã áp dụng theo quyết định {run.decision_number}.")
