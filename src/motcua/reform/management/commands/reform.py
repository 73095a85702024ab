"""`motcua reform …`: index frameworks, plan import, reminders, the sample workbook."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = "Cải cách hành chính: nạp bộ tiêu chí, nhập kế hoạch từ Excel, gửi nhắc hạn."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import-plan", help="nhập kế hoạch từ tệp .xlsx (mặc định chỉ xem trước)"
        )
        imp.add_argument("file")
        imp.add_argument("--commit", action="store_true", help="ghi vào cơ sở dữ liệu")
        imp.add_argument("--user", help="tên đăng nhập người nhập (kiểm tra quyền)")
        imp.add_argument("--json", action="store_true", help="in bản xem trước dạng JSON")
        imp.add_argument(
            "--tach",
            action="append",
            default=[],
            help="SHEET!DÒNG: tách dòng đoạn văn hoặc ô nhiều đoạn",
        )
        res = sub.add_parser("import-results", help="nhập kết quả chỉ số từ tệp mẫu .xlsx")
        res.add_argument("file")
        sub.add_parser("load-frameworks", help="nạp bộ tiêu chí PAR INDEX, SIPAS, PAPI")
        remind = sub.add_parser("remind", help="gửi nhắc hạn nhiệm vụ ngay")
        remind.add_argument("--days", type=int, default=None)
        build = sub.add_parser("build-sample", help="tạo lại tệp mẫu Kế hoạch 359/KH-UBND")
        build.add_argument("--out", default=None)

    def handle(self, *args, **options):
        from motcua.reform import services

        action = options["action"]
        if action == "load-frameworks":
            for fw in services.frameworks_load_shipped():
                self.stdout.write(f"Đã nạp {fw} ({fw.nodes.count()} tiêu chí).")
        elif action == "import-results":
            try:
                results = services.result_import(
                    actor=None, data=Path(options["file"]).read_bytes(), check_permission=False
                )
            except (DomainError, OSError) as error:
                raise CommandError(getattr(error, "message", str(error))) from error
            for result in results:
                self.stdout.write(f"Đã ghi {result} ({result.scores.count()} tiêu chí).")
        elif action == "remind":
            sent = services.reminders_send(days=options["days"])
            self.stdout.write(
                f"Sắp đến hạn: {sent['due_soon']}, quá hạn: {sent['overdue']}, thư: {sent['emails']}."
            )
            own = services.self_reminders_send(days=options["days"])
            self.stdout.write(
                f"Tự đánh giá — sắp đến hạn: {own['due_soon']}, quá hạn: {own['overdue']}, "
                f"thư: {own['emails']}."
            )
        elif action == "build-sample":
            from motcua.reform.sample_plan import SAMPLE_XLSX, build_workbook

            out = Path(options["out"] or SAMPLE_XLSX)
            out.write_bytes(build_workbook())
            self.stdout.write(f"Đã ghi {out}")
        else:
            self._import(options)

    def _import(self, options):
        from motcua.reform import services

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản {options['user']}")
        try:
            preview = services.plan_import(
                actor=actor,
                data=path.read_bytes(),
                filename=path.name,
                commit=options["commit"],
                split_rows=set(options["tach"]),
                check_permission=actor is not None,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        if options["json"]:
            self.stdout.write(json.dumps(preview, ensure_ascii=False, indent=1, default=str))
            return
        plan = preview["plan"]
        w = self.stdout.write
        issued = plan["issued_on"]
        issued = "/".join(reversed(issued.split("-"))) if issued else "?"
        w(f"Kế hoạch {plan['number']} ngày {issued}: {plan['title']}")
        for a in preview["appendices"]:
            w(f"  {a['title']} ({a['framework'] or 'không rõ chỉ số'}): {len(a['tasks'])} nhiệm vụ")
        w(f"Tổng: {preview['task_count']} nhiệm vụ.")
        for key, title in (
            ("unmatched_units", "Tên đơn vị chưa khớp"),
            ("ambiguous_units", "Tên đơn vị không rõ ràng"),
            ("unparsed_deadlines", "Thời hạn chưa hiểu được"),
            ("unmatched_criteria", "Tiêu chí chưa khớp bộ tiêu chí"),
            ("paragraph_rows", "Đoạn gộp vào nhiệm vụ phía trên (--tach SHEET!DÒNG để tách)"),
            (
                "paragraph_cells",
                "Ô nhiều đoạn «- », một nhiệm vụ (--tach SHEET!DÒNG: mỗi đoạn một nhiệm vụ)",
            ),
            ("rows_without_task", "Dòng không thành nhiệm vụ"),
            ("errors", "LỖI"),
        ):
            items = preview[key]
            w(f"{title}: {len(items)}")
            for item in items:
                where = f"{item.get('sheet', '')} dòng {item['row']}: " if item.get("row") else ""
                w(f"  - {where}{item.get('text') or item.get('message')}")
        if preview.get("committed"):
            w(self.style.SUCCESS(f"Đã ghi kế hoạch (mã {preview['plan_id']})."))
        elif options["commit"]:
            raise CommandError("Chưa ghi gì vì có lỗi.")
        else:
            w("Chưa ghi gì (thêm --commit để ghi).")
