"""Demo: plant a few irregularities of each kind the khống detector finds, so the inspector's
report (/so-cai/kiem-tra/) has something true to show. Everything else in the demo history
is clean (the detector reads recorded event times, not file times on disk).

``PLANTED`` lists, per kind, how many dossiers are planted; tests check that the detector
finds exactly these in a built demo. Kinds the dossier services refuse to produce (a second
apology, a result without its document, a result file swapped afterwards) are planted the
way a history written around the services would look: an event appended straight to the
ledger, or the dossier row's file changed with no event. Runs before the ledger's demo,
which seals everything and publishes the daily roots.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from motcua.audit import integrity
from motcua.catalog.models import InternalProcess, Procedure, ProcedureStatus, TimeLimitKind
from motcua.core.files import minimal_pdf
from motcua.dossiers import events as ev
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.simulation import applicant
from motcua.ledger.services import event_record
from motcua.organization.models import Role, StaffRole, UnitKind
from motcua.workcalendar.services import add_working_time, next_working_instant

Kind = integrity.Kind
#: dossiers planted per kind (a deadline burst needs BURST_MIN dossiers of one unit)
PLANTED = {
    Kind.STEP_IN_SECONDS: 2,
    Kind.NOT_RETURNED: 2,
    Kind.CATCH_UP: 2,
    Kind.REPEATED_REAPPOINTMENT: 2,
    Kind.RESULT_WITHOUT_DOCUMENT: 2,
    Kind.RESULT_FILE_LATE: 2,
    Kind.DEADLINE_BURST: integrity.BURST_MIN,
}
RESULT_FILE = "dossiers/results/ket-qua-mau.pdf"
SWAPPED_FILE = "dossiers/results/ket-qua-thay-ngoai-he-thong.pdf"
FIRST_NUMBER = 900_000  # applicants' numbers, apart from the simulated ones


class _Plant:
    """One commune's desk officer, specialist and leader, and one of its procedures."""

    def __init__(self, rng, commune, staff, procedure):
        self.rng, self.commune, self.staff, self.procedure = rng, commune, staff, procedure
        self.n = FIRST_NUMBER

    def receive(self, t: dt.datetime) -> Dossier:
        self.n += 1
        return services.dossier_receive(
            actor=self.staff[Role.DESK_OFFICER],
            procedure=self.procedure,
            applicant=applicant(self.rng, self.n),
            unit=self.commune,
            at=t,
        )

    def to_leader(self, d: Dossier, t: dt.datetime, *, step_after=dt.timedelta(hours=3)):
        """Transfer (t + 1 h), taken by the specialist (t + 2 h), step done ``step_after``
        later."""
        d = services.dossier_transfer(
            actor=self.staff[Role.DESK_OFFICER], dossier=d, at=t + dt.timedelta(hours=1)
        )
        taken = t + dt.timedelta(hours=2)
        d = services.dossier_self_assign(actor=self.staff[Role.SPECIALIST], dossier=d, at=taken)
        return services.dossier_complete_step(
            actor=self.staff[Role.SPECIALIST],
            dossier=d,
            next_assignee=self.staff[Role.UNIT_LEADER],
            at=taken + step_after,
        )

    def approve(self, d: Dossier, t: dt.datetime) -> Dossier:
        leader = self.staff[Role.UNIT_LEADER]
        return services.dossier_approve(
            actor=leader,
            dossier=d,
            number=f"{self.n}/KQ",
            date=timezone.localtime(t).date(),
            signer=leader.get_full_name() or leader.username,
            file=RESULT_FILE,
            at=t,
        )

    def give_back(self, d: Dossier, t: dt.datetime) -> Dossier:
        return services.dossier_return_result(
            actor=self.staff[Role.DESK_OFFICER],
            dossier=d,
            method="desk",
            received_by=d.applicant_name,
            at=t,
        )

    def whole(self, t: dt.datetime, *, returned: bool = True, **kwargs) -> Dossier:
        d = self.to_leader(self.receive(t), t, **kwargs)
        d = self.approve(d, t + dt.timedelta(hours=6))
        return self.give_back(d, t + dt.timedelta(hours=8)) if returned else d

    def around_services(self, d: Dossier, action: str, t: dt.datetime, payload: dict) -> None:
        """An event appended to the ledger without the dossier services (their checks
        would refuse it): the dossier's row does not change."""
        due = timezone.localtime(d.due_at).isoformat() if d.due_at else None
        with transaction.atomic():  # the dossier row is locked, as a service would
            Dossier.objects.select_for_update().filter(pk=d.pk).exists()
            event_record(
                subject_type=ev.SUBJECT,
                subject_id=d.code,
                action=action,
                actor=self.staff[Role.UNIT_LEADER],
                unit=self.commune,
                payload={
                    "status_from": d.status,
                    "status_to": d.status,
                    "due_before": due,
                    "due_after": due,
                    **payload,
                },
                at=t,
            )


def _cast(rng):
    staff: dict = {}
    for sr in StaffRole.objects.filter(
        valid_to__isnull=True, unit__kind=UnitKind.COMMUNE, unit__valid_to__isnull=True
    ).select_related("user", "unit"):
        staff.setdefault(sr.unit, {}).setdefault(sr.role, sr.user)
    roles = (Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER)
    ready = sorted(
        (u for u, s in staff.items() if all(r in s for r in roles) and u.electronic_id),
        key=lambda u: u.code,
    )
    in_force = InternalProcess.objects.filter(withdrawn_at__isnull=True).values("procedure_id")
    procedure = (
        Procedure.objects.filter(
            status=ProcedureStatus.ACTIVE,
            competent_unit_kind=UnitKind.COMMUNE,
            time_limit_kind=TimeLimitKind.WORKING_DAYS,
            time_limit__gte=5,
            pk__in=in_force,
        )
        .order_by("code")
        .first()
    )
    if not ready or procedure is None:
        return None
    return _Plant(rng, ready[0], staff[ready[0]], procedure)


def _plant(p: _Plant, start: dt.datetime) -> None:
    day = dt.timedelta(days=1)

    def at(days: int) -> dt.datetime:
        return next_working_instant(start + days * day, unit=p.commune)

    for i in range(PLANTED[Kind.STEP_IN_SECONDS]):  # a step done 20 seconds after taking it
        p.whole(at(i), step_after=dt.timedelta(seconds=20))
    for i in range(PLANTED[Kind.NOT_RETURNED]):  # resolved, never handed to the applicant
        p.whole(at(2 + i), returned=False)
    for i in range(PLANTED[Kind.CATCH_UP]):  # a paper hand-over entered hours later
        t = at(4 + i)
        d = p.to_leader(p.receive(t), t)
        d = services.dossier_record_late_entry(
            actor=p.staff[Role.UNIT_LEADER],
            dossier=d,
            occurred_at=t + dt.timedelta(minutes=90),
            description="Bàn giao hồ sơ giấy cho bộ phận chuyên môn",
            reason="Mất điện, hệ thống không truy cập được",
            at=t + dt.timedelta(hours=5, minutes=30),
        )
        p.give_back(p.approve(d, t + dt.timedelta(hours=7)), t + dt.timedelta(hours=9))
    for i in range(PLANTED[Kind.REPEATED_REAPPOINTMENT]):  # a second apology
        t = at(6 + i)
        d = p.to_leader(p.receive(t), t)
        new_due = add_working_time(d.due_at, 16, unit=p.commune)
        d = services.dossier_apologize(
            actor=p.staff[Role.UNIT_LEADER],
            dossier=d,
            reason="Cần xác minh thêm thông tin",
            new_due_at=new_due,
            at=t + dt.timedelta(hours=5),
        )
        p.around_services(
            d,
            ev.APOLOGIZED,
            t + dt.timedelta(hours=6),
            {"reasons": "Chờ ý kiến của cơ quan liên quan", "new_due": new_due.isoformat()},
        )
        p.give_back(p.approve(d, t + dt.timedelta(hours=9)), t + dt.timedelta(hours=10))
    for i in range(PLANTED[Kind.RESULT_WITHOUT_DOCUMENT]):  # "resolved" with no document
        t = at(8 + i)
        d = p.to_leader(p.receive(t), t)
        p.around_services(
            d, ev.APPROVED, t + dt.timedelta(hours=6), {"result": {"number": "", "file": ""}}
        )
        p.give_back(p.approve(d, t + dt.timedelta(days=3)), t + dt.timedelta(days=3, hours=2))
    if not default_storage.exists(SWAPPED_FILE):
        default_storage.save(SWAPPED_FILE, ContentFile(minimal_pdf("Ket qua thay sau")))
    for i in range(PLANTED[Kind.RESULT_FILE_LATE]):  # the result file swapped, no event
        d = p.whole(at(10 + i))
        Dossier.objects.filter(pk=d.pk).update(result_file=SWAPPED_FILE)
    burst = [p.to_leader(p.receive(at(12)), at(12)) for _ in range(PLANTED[Kind.DEADLINE_BURST])]
    for i, d in enumerate(burst):  # five resolved within the hour before their due time
        p.give_back(
            p.approve(d, d.due_at - dt.timedelta(minutes=55 - 5 * i)),
            d.due_at + dt.timedelta(hours=2),
        )


def load(*, rng, stdout, options) -> None:
    plant = _cast(rng)
    if plant is None:
        stdout.write("  Dấu hiệu khống mẫu: chưa có xã đủ cán bộ và thủ tục, bỏ qua.")
        return
    start = timezone.now() - dt.timedelta(days=60)
    with transaction.atomic():
        _plant(plant, start)
    stdout.write(
        f"  Dấu hiệu khống mẫu: {sum(PLANTED.values())} hồ sơ tại {plant.commune.name} "
        f"({plant.procedure.code}), mỗi loại phát hiện vài hồ sơ."
    )
