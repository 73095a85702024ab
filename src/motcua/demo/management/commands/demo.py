"""`motcua demo`: load the synthetic demo province (deterministic for a given seed).

``--first`` loads what the site needs to be used (units, staff, catalog, the work calendar,
reform plans, a first batch of dossiers, the demo citizen) and records the rest as pending;
``--rest`` loads the pending history with a progress line per step (``make run`` starts it in
the background once the site is up; pages show its progress). Without either: everything.
"""

from __future__ import annotations

import importlib
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.demo import progress
from motcua.organization.models import Unit

# Each app may ship ``<app>/demo.py`` with ``load(*, rng, stdout, options)``; they run in
# this order after the province's units, staff and catalog exist.
APP_DEMOS = [
    "motcua.workcalendar",
    "motcua.reform",
    # the 2025 mergers, before the history of after them: the reform plans' open tasks move
    # to the successors, and the dossiers and feedback since are received by them
    "motcua.demo.departments",
    "motcua.dossiers",
    "motcua.portal",
    "motcua.payments",
    "motcua.surveys",
    "motcua.feedback",
    "motcua.audit",  # plants a few irregularities of each kind the khống detector finds
    # after every dossier: its aggregates count them all (nothing left for the catch-up job)
    "motcua.reporting",
    "motcua.ledger",  # last: seals and publishes the roots of everything above
]
#: before serving: enough to search, log in and work; dossiers beyond FIRST_DOSSIERS wait
FIRST = (
    "motcua.workcalendar", "motcua.reform", "motcua.demo.departments", "motcua.dossiers",
    "motcua.portal",
)  # fmt: skip
FIRST_DOSSIERS = 250
REST_CHUNK = 500  # the background's dossiers come in chunks, each a progress step
#: the background writes in small transactions (SQLite has one writer: the site and the
#: worker wait seconds, not minutes) and itself waits up to REST_LOCK_WAIT for the lock
REST_BATCH = 25
REST_LOCK_WAIT = 300
DEFAULT_DOSSIERS = 5000
#: rough share of the background's time per stage (for the progress bar)
WEIGHTS = {
    "motcua.dossiers": 10, "motcua.surveys": 8, "motcua.reporting": 3, "motcua.feedback": 1,
}  # fmt: skip
LABELS = {
    "motcua.dossiers": "hồ sơ",
    "motcua.payments": "thanh toán",
    "motcua.surveys": "phiếu khảo sát",
    "motcua.feedback": "phản ánh, kiến nghị",
    "motcua.reporting": "báo cáo định kỳ",
    "motcua.demo.departments": "sắp xếp các sở năm 2025",
    "motcua.audit": "dấu hiệu cập nhật khống mẫu",
    "motcua.ledger": "niêm phong sổ cái",
}


def _module(name: str):
    target = name if name.startswith("motcua.demo.") else f"{name}.demo"
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as error:
        if error.name != target:
            raise
        return None


def _wait_longer_for_locks() -> None:
    """SQLite: this process waits for the write lock instead of failing after 20 s."""
    from django.db import connection

    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        connection.close()
        connection.settings_dict["OPTIONS"] = {
            **connection.settings_dict.get("OPTIONS", {}),
            "timeout": REST_LOCK_WAIT,
        }


class Command(BaseCommand):
    help = "Nạp dữ liệu tỉnh mẫu (đơn vị, cán bộ, danh mục TTHC, hồ sơ, kế hoạch CCHC)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--if-empty", action="store_true", help="bỏ qua nếu đã có dữ liệu")
        parser.add_argument("--small", action="store_true", help="tỉnh thu nhỏ (dùng cho kiểm thử)")
        parser.add_argument("--dossiers", type=int, default=None, help="số hồ sơ mẫu")
        parser.add_argument(
            "--first", action="store_true",
            help="chỉ nạp phần cần để dùng ngay; phần lịch sử còn lại để `--rest` nạp nền",
        )  # fmt: skip
        parser.add_argument(
            "--first-dossiers", type=int, default=FIRST_DOSSIERS,
            help="số hồ sơ nạp trước khi phục vụ (với --first)",
        )  # fmt: skip
        parser.add_argument(
            "--rest", action="store_true", help="nạp phần lịch sử mẫu còn lại (sau --first)"
        )
        parser.add_argument(
            "--via-import", action="store_true",
            help="hồ sơ mẫu ghi ra tệp nhập (JSONL) rồi nạp bằng `motcua import history`",
        )  # fmt: skip

    def handle(self, *args, **options):
        if getattr(settings, "MOTCUA_ENV", "production") != "development":
            # Demo accounts have published passwords and the demo history is invented:
            # never in a production database.
            raise CommandError(
                "Không nạp dữ liệu mẫu vào cấu hình vận hành thật (production): tỉnh mẫu có "
                "tài khoản với mật khẩu công khai và hồ sơ giả lập. Chỉ dùng trong môi trường "
                "phát triển: đặt MOTCUA_ENV=development (như `make run`)."
            )
        if options["rest"]:
            return self._rest()
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
        self._load(options)

    def _load(self, options) -> None:
        from motcua.demo import province

        started = time.monotonic()
        stage = time.monotonic()
        province.load(rng=random.Random(options["seed"]), stdout=self.stdout, options=options)
        self._stage("đơn vị, cán bộ, danh mục thủ tục", stage)
        count = options["dossiers"] or (30 if options["small"] else DEFAULT_DOSSIERS)
        first = min(count, options["first_dossiers"]) if options["first"] else count
        for name in FIRST if options["first"] else APP_DEMOS:
            extra = {"dossiers": first} if name == "motcua.dossiers" else {}
            self._run(name, options, **extra)
        if options["first"]:
            stages = [n for n in APP_DEMOS if n not in FIRST]
            if count > first:
                stages.insert(0, "motcua.dossiers")
            progress.write(
                {
                    "seed": options["seed"], "small": options["small"], "stages": stages,
                    "via_import": options.get("via_import", False),
                    "done": [], "dossiers_loaded": first, "dossiers_total": count,
                    "weights": WEIGHTS, "finished": None, "current": None,
                }
            )  # fmt: skip
            self.stdout.write(
                f"Đã nạp phần đầu tỉnh mẫu trong {time.monotonic() - started:.1f} giây; "
                f"phần lịch sử còn lại ({', '.join(LABELS.get(s, s) for s in stages)}) "
                "được nạp nền bằng `motcua demo --rest`."
            )
            return
        self._findings()
        self.stdout.write(f"Đã nạp tỉnh mẫu trong {time.monotonic() - started:.1f} giây.")

    def _rest(self) -> None:
        state = progress.read()
        if state is None or state.get("finished") is not None:
            self.stdout.write("Không còn phần dữ liệu mẫu nào chờ nạp.")
            return
        started = time.monotonic()
        options = {"seed": state["seed"], "small": state["small"], "batch": REST_BATCH}
        options["via_import"] = state.get("via_import", False)
        _wait_longer_for_locks()
        for name in state["stages"]:
            if name in state["done"]:
                continue
            state.update(current=name, label=LABELS.get(name, name.rsplit(".", 1)[-1]))
            if name == "motcua.dossiers":
                self._rest_dossiers(state, options)
            else:
                state.update(current_done=0, current_total=0)
                progress.write(state)
                self._run(name, options, report=self._reporter(state))
            state["done"].append(name)
            progress.write(state)
            self.stdout.write(f"  [nạp nền {progress.percent(state):3d} %] xong {state['label']}")
        self._findings()
        state.update(current=None, finished=time.time())
        progress.write(state)
        self.stdout.write(f"Đã nạp xong lịch sử mẫu trong {time.monotonic() - started:.1f} giây.")

    def _rest_dossiers(self, state, options) -> None:
        """The dossiers beyond the first batch, chunk by chunk (each chunk commits)."""
        total = state["dossiers_total"]
        while state["dossiers_loaded"] < total:
            chunk = min(REST_CHUNK, total - state["dossiers_loaded"])
            done = state["dossiers_loaded"]
            state.update(current_done=done, current_total=total)
            state["label"] = f"hồ sơ {done:,}/{total:,}".replace(",", ".")
            progress.write(state)
            self._run(
                "motcua.dossiers", options, dossiers=chunk, dossier_offset=done,
                seed=options["seed"] + done,
            )  # fmt: skip
            state["dossiers_loaded"] = done + chunk
            progress.write(state)
        state["label"] = LABELS["motcua.dossiers"]

    @staticmethod
    def _reporter(state):
        """A stage's ``options["report"](done, total)``: its share on the pages' bar."""
        last = [0.0]

        def report(done: int, total: int) -> None:
            state.update(current_done=done, current_total=total)
            if time.monotonic() - last[0] >= 1 or done == total:
                last[0] = time.monotonic()
                progress.write(state)

        return report

    def _run(self, name: str, options, seed: int | None = None, **extra) -> None:
        module = _module(name)
        if module is None:
            return
        stage = time.monotonic()
        rng = random.Random(options["seed"] if seed is None else seed)
        if name == "motcua.dossiers" and options.get("via_import"):  # the import's hook
            from motcua.imports.demo_history import load_through_import

            load_through_import(
                load=module.load, rng=rng, stdout=self.stdout, options={**options, **extra}
            )
        else:
            module.load(rng=rng, stdout=self.stdout, options={**options, **extra})
        self._stage(name.rsplit(".", 1)[-1], stage)

    def _findings(self) -> None:
        """The inspector's report from the sealed history, then seal the refresh's own event
        so the demo ends fully sealed."""
        from motcua.audit.services import findings_refresh
        from motcua.ledger.services import ledger_seal

        stage = time.monotonic()
        findings_refresh()
        ledger_seal()
        self._stage("dấu hiệu cập nhật khống", stage)

    def _stage(self, what: str, since: float) -> None:
        """Each stage says how long it took, as it ends (no silent minutes)."""
        self.stdout.write(f"  [{time.monotonic() - since:6.1f} giây] {what}")
        self.stdout.flush()
