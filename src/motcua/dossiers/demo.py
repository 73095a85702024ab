"""Demo history: dossiers of the demo province generated through the real services.

`motcua demo` calls ``load``; ``options["dossiers"]`` sets the number (default 5,000;
``--small``: 30). They run in ``dossier_batch``es of 250: the same services, written together. Dossiers are received over the last months (since the two-level government
of 1/7/2025) with a simulated clock; land dossiers are late more often than average and about
a third of the online-capable procedures arrive online.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from motcua.catalog.models import InternalProcess, Procedure, ProcedureStatus
from motcua.core.files import minimal_pdf
from motcua.dossiers.action_rights import current_unit
from motcua.dossiers.services import dossier_batch
from motcua.dossiers.simulation import Cast, Odds, simulate
from motcua.organization.models import Role, StaffRole, UnitKind
from motcua.workcalendar.services import add_working_time, working_time_between

DEFAULT = 5000
BATCH = 250
SMALL = 30
RESULT_FILE = "dossiers/results/ket-qua-mau.pdf"
FIRST_DAY = dt.date(2025, 7, 1)
MINIMAL_PDF = minimal_pdf("Ket qua mau")  # a real PDF: stored files are checked by content


def _staff() -> dict:
    by_unit: dict = defaultdict(dict)
    for sr in StaffRole.objects.filter(valid_to__isnull=True).select_related("user", "unit"):
        by_unit[sr.unit_id].setdefault(sr.role, sr.user)
        by_unit[sr.unit_id].setdefault("unit", sr.unit)
    return by_unit


def _complete(staff: dict) -> bool:
    return all(r in staff for r in (Role.SPECIALIST, Role.UNIT_LEADER))


def load(*, rng, stdout, options) -> None:
    count = options.get("dossiers") or (SMALL if options.get("small") else DEFAULT)
    offset = options.get("dossier_offset", 0)  # dossiers loaded before (receipt numbers go on)
    # smaller batches hold SQLite's write lock shorter (loading beside a running site)
    batch_size = options.get("batch") or BATCH
    started = time.monotonic()
    staff = _staff()
    communes = [
        s
        for s in staff.values()
        if s["unit"].kind == UnitKind.COMMUNE
        and s["unit"].valid_to is None
        and s["unit"].electronic_id
        and Role.DESK_OFFICER in s
        and _complete(s)
    ]
    centre = next(
        (
            s
            for s in staff.values()
            if s["unit"].kind == UnitKind.SERVICE_CENTRE and Role.DESK_OFFICER in s
        ),
        None,
    )
    # the history is after the departments' 2025 mergers: today's departments only
    departments = {
        s["unit"].pk: s
        for s in staff.values()
        if s["unit"].kind == UnitKind.DEPARTMENT and s["unit"].valid_to is None and _complete(s)
    }
    if not communes:
        stdout.write("  Hồ sơ mẫu: chưa có xã đủ cán bộ, bỏ qua.")
        return
    in_force = set(
        InternalProcess.objects.filter(effective_from__lte=FIRST_DAY).values_list(
            "procedure_id", flat=True
        )
    )
    procedures = list(
        Procedure.objects.filter(
            status=ProcedureStatus.ACTIVE,
            pk__in=in_force,
            competent_unit_kind__in=(UnitKind.COMMUNE, UnitKind.DEPARTMENT),
        )
        .select_related("field")
        .prefetch_related("processes__steps__unit")
        .order_by("code")
    )
    commune_procs = [p for p in procedures if p.competent_unit_kind == UnitKind.COMMUNE]
    dept_procs = []
    for p in procedures:
        if p.competent_unit_kind != UnitKind.DEPARTMENT or centre is None:
            continue
        # a step naming a merged department is done by its successor (as the services do)
        units = [current_unit(s.unit) for proc in p.processes.all() for s in proc.steps.all()]
        dept = next((departments[u.pk] for u in units if u and u.pk in departments), None)
        if dept is not None:
            dept_procs.append((p, dept))
    if not commune_procs and not dept_procs:
        stdout.write("  Hồ sơ mẫu: chưa có thủ tục có quy trình nội bộ, bỏ qua.")
        return
    # A few procedures draw most dossiers (civil status, certification, land …).
    rng.shuffle(commune_procs)
    rng.shuffle(dept_procs)
    commune_weights = [1 / (i + 1) for i in range(len(commune_procs))]
    dept_weights = [1 / (i + 1) for i in range(len(dept_procs))]
    if not default_storage.exists(RESULT_FILE):
        default_storage.save(RESULT_FILE, ContentFile(MINIMAL_PDF))

    now = timezone.now()
    start = max(
        timezone.make_aware(dt.datetime.combine(FIRST_DAY, dt.time(7, 30))),
        now - dt.timedelta(days=150),
    )
    span = working_time_between(start, now)
    arrivals = sorted(rng.uniform(0, span) for _ in range(count))
    odds = Odds()
    consult = next(iter(departments.values()), None)
    made = 0
    for first in range(0, count, batch_size):
        if first and first % 1000 < batch_size:
            stdout.write(f"  … {first:,}/{count:,} hồ sơ".replace(",", "."))
        with dossier_batch():
            for i in range(first, min(first + batch_size, count)):
                received = add_working_time(start, arrivals[i])
                if dept_procs and (not commune_procs or rng.random() < 0.25):
                    procedure, dept = rng.choices(dept_procs, weights=dept_weights)[0]
                    cast = Cast(
                        desk=centre[Role.DESK_OFFICER],
                        receiving_unit=centre["unit"],
                        specialist=dept[Role.SPECIALIST],
                        leader=dept[Role.UNIT_LEADER],
                        competent_unit=dept["unit"],
                    )
                else:
                    procedure = rng.choices(commune_procs, weights=commune_weights)[0]
                    home = rng.choice(communes)
                    desk = home if rng.random() < 0.95 else rng.choice(communes)
                    cast = Cast(
                        desk=desk[Role.DESK_OFFICER],
                        receiving_unit=desk["unit"],
                        specialist=home[Role.SPECIALIST],
                        leader=home[Role.UNIT_LEADER],
                        competent_unit=home["unit"],
                        consult_unit=consult["unit"] if consult else None,
                        consult_officer=consult[Role.SPECIALIST] if consult else None,
                    )
                simulate(
                    rng=rng,
                    n=offset + i + 1,
                    procedure=procedure,
                    cast=cast,
                    received_at=received,
                    now=now,
                    odds=odds,
                    late_factor=3.0 if procedure.field.code == "DD" else 1.0,
                    result_file=RESULT_FILE,
                )
                made += 1
    stdout.write(
        f"  Hồ sơ mẫu: {made} hồ sơ qua dịch vụ thật trong {time.monotonic() - started:.1f} giây"
    )
