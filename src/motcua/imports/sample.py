"""A small sample province and its simulated history, for the import's tests and benchmark.

    python -m motcua.imports.sample world                 # units, staff, procedures only
    python -m motcua.imports.sample history N FILE [ROWS.json]  # + N lifecycles, exported

Runs on the configured database (``MOTCUA_VAR_DIR`` / ``DATABASE_URL``), already migrated.
The same world built twice has the same codes and usernames, so the history of one
re-imports into the other.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal

from motcua.core.formats import VN_TZ

START = dt.date(2015, 1, 1)


def blank_pdf() -> bytes:
    """A one-page PDF that the storage's content check accepts."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def build_world(communes: int = 4):
    """Units, staff and five procedures; returns (casts, procedures)."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from motcua.catalog.models import (
        DossierComponent,
        FeeItem,
        Field,
        InternalProcess,
        Procedure,
        ProcessStep,
    )
    from motcua.dossiers.simulation import Cast
    from motcua.organization.models import Role, StaffRole, UnitKind
    from motcua.organization.services import unit_create

    def unit(code, name, kind, parent, eid):
        return unit_create(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            electronic_id=eid,
            valid_from=START,
            check_permission=False,
        )

    province = unit("T", "UBND tỉnh Mẫu", UnitKind.PROVINCE, None, "000.00.00.B01")
    dept = unit("STP", "Sở Tư pháp", UnitKind.DEPARTMENT, province, "000.00.10.B01")
    User = get_user_model()

    def person(username, role, at):
        user = User.objects.create(username=username, first_name=username)
        StaffRole.objects.create(user=user, role=role, unit=at, valid_from=START)
        return user

    consult_officer = person("cv.stp", Role.SPECIALIST, dept)
    casts = []
    for i in range(communes):
        commune = unit(
            f"X{i:03d}", f"UBND xã Mẫu {i}", UnitKind.COMMUNE, province, f"000.{i:02d}.31.B01"
        )
        casts.append(
            Cast(
                desk=person(f"mc.{i}", Role.DESK_OFFICER, commune),
                receiving_unit=commune,
                specialist=person(f"cv.{i}", Role.SPECIALIST, commune),
                leader=person(f"ld.{i}", Role.UNIT_LEADER, commune),
                consult_unit=dept,
                consult_officer=consult_officer,
            )
        )
    procedures = []
    for code, field, kind, amount in [
        ("B.1", "HT", "working_days", "3"),
        ("B.2", "HT", "working_days", "5"),
        ("B.3", "DD", "working_days", "10"),
        ("B.4", "CT", "same_day", "0"),
        ("B.5", "XD", "calendar_days", "15"),
    ]:
        f, _ = Field.objects.get_or_create(code=field, defaults={"name": field})
        p = Procedure.objects.create(
            code=code,
            name=f"Thủ tục mẫu {code}",
            field=f,
            competent_unit_kind=UnitKind.COMMUNE,
            time_limit_kind=kind,
            time_limit=Decimal(amount),
            online_type="full",
        )
        DossierComponent.objects.create(procedure=p, order=1, name="Tờ khai")
        DossierComponent.objects.create(procedure=p, order=2, name="Giấy tờ kèm theo")
        FeeItem.objects.create(procedure=p, order=1, kind="charge", name="Lệ phí", amount=8000)
        process = InternalProcess.objects.create(
            procedure=p, version=1, effective_from=dt.date(2020, 1, 1)
        )
        split = [p.working_hours * Decimal(x) for x in ("0.1", "0.6", "0.2", "0.1")]
        for order, (name, role) in enumerate(
            [
                ("Tiếp nhận", Role.DESK_OFFICER),
                ("Thẩm định", Role.SPECIALIST),
                ("Phê duyệt", Role.UNIT_LEADER),
                ("Trả kết quả", Role.DESK_OFFICER),
            ],
            start=1,
        ):
            ProcessStep.objects.create(
                process=process, order=order, name=name, role=role, hours=split[order - 1]
            )
        procedures.append(p)
    if not default_storage.exists("dossiers/results/mau.pdf"):
        default_storage.save("dossiers/results/mau.pdf", ContentFile(blank_pdf()))
    return casts, procedures


def generate(casts, procedures, *, n: int, seed: int = 2025, batch: int = 200, odds=None) -> None:
    """``n`` lifecycles over one quarter through the real services (dossier_batch).

    ``odds``: the shares of each path; by default consultations, supplements, payments and
    late dossiers are more frequent than in ``simulation.Odds`` so a few dossiers cover them.
    """
    from motcua.dossiers.services import dossier_batch
    from motcua.dossiers.simulation import Odds, simulate
    from motcua.workcalendar.services import add_working_time, working_time_between

    start = dt.datetime(2026, 7, 1, 7, 30, tzinfo=VN_TZ)
    end = dt.datetime(2026, 9, 30, 17, 0, tzinfo=VN_TZ)
    span = working_time_between(start, end)
    rng = random.Random(seed)
    odds = odds or Odds(consult=0.2, supplement=0.2, payment=0.1, late=0.15)
    now = end + dt.timedelta(days=120)
    for first in range(0, n, batch):
        with dossier_batch():
            for i in range(first, min(n, first + batch)):
                procedure = procedures[i % len(procedures)]
                simulate(
                    rng=rng,
                    n=i,
                    procedure=procedure,
                    cast=casts[i % len(casts)],
                    received_at=add_working_time(start, span * i / max(n, 1)),
                    now=now,
                    odds=odds,
                    result_file="dossiers/results/mau.pdf",
                )


def export(path) -> int:
    from pathlib import Path

    from motcua.imports.format import Writer, is_jsonl
    from motcua.imports.selectors import history_rows

    path, count = Path(path), 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = Writer(stream, jsonl=is_jsonl(path))
        for row in history_rows():
            writer.write(row)
            count += 1
    return count


def dossier_rows() -> list[dict]:
    """Every dossier row by code, references by their natural keys (comparable across
    databases): what an import of an export must reproduce exactly."""
    from motcua.dossiers.models import Dossier

    def natural(obj):
        for name in ("code", "username", "order"):
            if hasattr(obj, name):
                return getattr(obj, name)
        return str(obj)

    out = []
    for d in Dossier.objects.order_by("code"):
        row = {}
        for f in Dossier._meta.concrete_fields:
            if f.primary_key:
                continue
            value = getattr(d, f.name)
            if f.is_relation:
                value = natural(value) if value is not None else None
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif not isinstance(value, int | float | bool | type(None)):
                value = str(value)
            row[f.name] = value
        out.append(row)
    return out


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    casts, procedures = build_world()
    if argv[0] == "history":
        generate(casts, procedures, n=int(argv[1]))
        export(argv[2])
        if len(argv) > 3:
            import json
            from pathlib import Path

            Path(argv[3]).write_text(json.dumps(dossier_rows(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    main(sys.argv[1:])
