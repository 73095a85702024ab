"""motcua calendar due --start … --days …  |  motcua calendar days --year 2026  |  import FILE"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.core.formats import vn_date
from motcua.organization.models import Unit
from motcua.workcalendar import selectors, services
from motcua.workcalendar.engine import VN_TZ
from motcua.workcalendar.inputs import parse_amount, parse_date, parse_instant


class Command(BaseCommand):
    help = "Lịch làm việc: tính hạn giải quyết, liệt kê ngày làm việc/ngày nghỉ, nhập CSV."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="Tính hạn giải quyết")
        due.add_argument("--start", required=True, help="Thời điểm tiếp nhận (ISO 8601)")
        due.add_argument("--days", required=True, help="Số ngày làm việc (hoặc số theo --kind)")
        due.add_argument(
            "--kind",
            default="working_days",
            choices=["working_days", "calendar_days", "hours", "same_day", "none"],
        )
        due.add_argument("--unit", help="Mã đơn vị (giờ làm việc riêng, nếu có)")
        days = sub.add_parser("days", help="Liệt kê ngày trong năm hoặc khoảng ngày")
        days.add_argument("--year", type=int)
        days.add_argument("--from", dest="date_from")
        days.add_argument("--to", dest="date_to")
        days.add_argument("--all", action="store_true", help="In cả ngày làm việc thường")
        days.add_argument("--json", action="store_true")
        days.add_argument("--unit")
        imp = sub.add_parser("import", help="Nhập thông báo lịch nghỉ từ CSV")
        imp.add_argument("file", help="CSV: date,kind,reason,document")

    def handle(self, *args, **options):
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _unit(self, code):
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị có mã '{code}'.")
        return unit

    def do_due(self, options):
        start = parse_instant(options["start"], name="--start")
        amount = parse_amount(options["days"], name="--days")
        result = services.deadline_for(
            start, kind=options["kind"], amount=amount, unit=self._unit(options["unit"])
        )
        self.stdout.write(result.astimezone(VN_TZ).isoformat() if result else "không có hạn")

    def do_days(self, options):
        if options["year"]:
            start = parse_date(f"{options['year']:04d}-01-01", name="--year")
            end = parse_date(f"{options['year']:04d}-12-31", name="--year")
        else:
            start = parse_date(options["date_from"], name="--from")
            end = parse_date(options["date_to"], name="--to")
        days = selectors.calendar_days(start=start, end=end, unit=self._unit(options["unit"]))
        if options["json"]:
            self.stdout.write(json.dumps([d.as_dict() for d in days], ensure_ascii=False))
            return
        shown = days if options["all"] else [d for d in days if d.kind != "weekend"]
        for d in shown:
            if d.kind == "working" and not options["all"]:
                continue
            state = "làm việc" if d.working else "nghỉ"
            self.stdout.write(f"{vn_date(d.date)}  {state:9}  {d.reason or ''}")
        working = sum(d.working for d in days)
        self.stdout.write(f"Tổng: {working} ngày làm việc / {len(days)} ngày.")

    def do_import(self, options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        rows = services.calendar_import_csv(actor=None, content=path.read_text(encoding="utf-8"))
        self.stdout.write(f"Đã nhập {len(rows)} ngày.")
