"""Demo: seal the demo province's history and publish the daily roots of the days that have
ended, so that the public ledger page has something to show; the nightly job (``motcua
schedule``) does the same from then on, and verifies everything."""

from __future__ import annotations

import time

from motcua.ledger.models import Seal
from motcua.ledger.services import daily_roots_build, verify_run_record


def load(*, rng, stdout, options) -> None:
    started = time.monotonic()
    roots = daily_roots_build()
    report = verify_run_record()
    sealed = f"{Seal.objects.count():,}".replace(",", ".")
    seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
    verdict = "toàn vẹn" if report.ok else "CÓ LỖI"
    stdout.write(
        f"  Sổ cái: {sealed} sự kiện niêm phong, {len(roots)} gốc ngày công bố, "
        f"kiểm tra: {verdict} ({seconds} giây)"
    )
