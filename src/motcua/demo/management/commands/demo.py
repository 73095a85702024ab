"""`motcua demo`: load the synthetic demo province (deterministic for a given seed)."""

from __future__ import annotations

import importlib
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.organization.models import Unit

# Each app may ship ``<app>/demo.py`` with ``load(*, rng, stdout, options)``; they run in
# this order after the province's units, staff and catalog exist.
APP_DEMOS = [
    "motcua.workcalendar",
    "motcua.reform",
    "motcua.dossiers",
    "motcua.portal",
    "motcua.payments",
    "motcua.surveys",
    "motcua.feedback",
    "motcua.reporting",
    "motcua.audit",  # plants a few irregularities of each kind the khống detector finds
    "motcua.ledger",  # last: seals and publishes the roots of everything above
]


class Command(BaseCommand):
    help = "Nạp dữ liệu tỉnh mẫu (đơn vị, cán bộ, danh mục TTHC, hồ sơ, kế hoạch CCHC)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--if-empty", action="store_true", help="bỏ qua nếu đã có dữ liệu")
        parser.add_argument("--small", action="store_true", help="tỉnh thu nhỏ (dùng cho kiểm thử)")
        parser.add_argument("--dossiers", type=int, default=None, help="số hồ sơ mẫu")

    def handle(self, *args, **options):
        from motcua.audit.services import findings_refresh
        from motcua.demo import province
        from motcua.ledger.services import ledger_seal

        if getattr(settings, "MOTCUA_ENV", "production") != "development":
            # Demo accounts have published passwords and the demo history is invented:
            # never in a production database.
            raise CommandError(
                "Không nạp dữ liệu mẫu vào cấu hình vận hành thật (production): tỉnh mẫu có "
                "tài khoản với mật khẩu công khai và hồ sơ giả lập. Chỉ dùng trong môi trường "
                "phát triển: đặt MOTCUA_ENV=development (như `make run`)."
            )
        if Unit.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu, không nạp tỉnh mẫu.")
                return
            # The demo history is back-dated: added to a ledger whose daily roots are
            # published, it would rightly be reported as tampering. Start afresh instead.
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu (tỉnh mẫu đã được nạp). Để nạp lại, chẳng hạn với "
                "số hồ sơ khác: dùng một cơ sở dữ liệu trống (với SQLite: xoá "
                f"{settings.DATABASES['default']['NAME']}, rồi `motcua migrate`) và chạy lại "
                "`motcua demo --dossiers N`."
            )
        started = time.monotonic()
        rng = random.Random(options["seed"])
        stage = time.monotonic()
        province.load(rng=rng, stdout=self.stdout, options=options)
        self._stage("đơn vị, cán bộ, danh mục thủ tục", stage)
        for name in APP_DEMOS:
            try:
                module = importlib.import_module(f"{name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{name}.demo":
                    raise
                continue
            stage = time.monotonic()
            module.load(rng=random.Random(options["seed"]), stdout=self.stdout, options=options)
            self._stage(name.rsplit(".", 1)[-1], stage)
        stage = time.monotonic()
        findings_refresh()  # the inspector's report, from the sealed history
        ledger_seal()  # and the refresh's own event, so the demo ends fully sealed
        self._stage("dấu hiệu cập nhật khống", stage)
        self.stdout.write(f"Đã nạp tỉnh mẫu trong {time.monotonic() - started:.1f} giây.")

    def _stage(self, what: str, since: float) -> None:
        """Each stage says how long it took, as it ends (no silent minutes)."""
        self.stdout.write(f"  [{time.monotonic() - since:6.1f} giây] {what}")
        self.stdout.flush()
