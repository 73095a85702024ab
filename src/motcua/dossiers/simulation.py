"""Realistic dossier histories generated through the real services with a simulated clock.

Used by the demo province (``demo.py``) and the benchmark (``bench/lifecycle.py``). Only these
trusted internal callers pass ``at=``; pages and the API never do. Every figure (due times,
pauses, classification) comes from the services and the work calendar, as in production.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Channel, Dossier, ReturnMethod
from motcua.dossiers.services.processing import _steps
from motcua.workcalendar.services import (
    add_working_time,
    next_working_instant,
    working_time_between,
)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thanh", "Minh", "Ngọc", "Quang", "Thu", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Oanh",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Vy",
    "Yến",
]


@dataclass
class Cast:
    """Who handles one dossier."""

    desk: object  # desk officer at the receiving unit
    receiving_unit: object
    specialist: object  # at the competent unit
    leader: object
    competent_unit: object | None = None  # None: the services decide
    consult_unit: object | None = None
    consult_officer: object | None = None


@dataclass
class Odds:
    online: float = 0.35  # of procedures offered online
    postal: float = 0.03
    refuse_intake: float = 0.01
    completion_at_intake: float = 0.03
    supplement: float = 0.10
    second_supplement: float = 0.01
    payment: float = 0.05
    consult: float = 0.04
    send_back: float = 0.03
    late: float = 0.04
    apology: float = 0.5  # of late dossiers, when still possible
    withdraw: float = 0.01
    refuse: float = 0.02


def applicant(rng, n: int) -> dict:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return {
        "name": name,
        "id_number": f"0{rng.randint(1, 96):02d}{rng.randint(0, 999999999):09d}",
        "phone": f"09{rng.randint(10000000, 99999999)}",
        "email": "" if rng.random() < 0.6 else f"cong.dan{n}@example.vn",
        "address": f"Số {rng.randint(1, 300)}, thôn {rng.randint(1, 12)}",
    }


class _Stop(Exception):
    """The simulated clock reached 'now': the dossier stays where it is."""


def simulate(
    *,
    rng,
    n: int,
    procedure,
    cast: Cast,
    received_at: dt.datetime,
    now: dt.datetime,
    odds: Odds,
    late_factor: float = 1.0,
    result_file: str = "dossiers/results/ket-qua-mau.pdf",
) -> Dossier | None:
    """One dossier's life from intake to return (or wherever ``now`` stops it)."""
    unit = cast.competent_unit or cast.receiving_unit
    t = next_working_instant(received_at, unit=cast.receiving_unit)
    if t > now:
        return None
    person = applicant(rng, n)
    roll = rng.random()
    if roll < odds.refuse_intake + odds.completion_at_intake:
        service = (
            services.dossier_refuse_at_intake
            if roll < odds.refuse_intake
            else services.dossier_request_completion_at_intake
        )
        return service(
            actor=cast.desk,
            procedure=procedure,
            applicant=person,
            reasons="Hồ sơ chưa đủ thành phần theo quy định"
            if service is services.dossier_request_completion_at_intake
            else "Yêu cầu không thuộc phạm vi giải quyết của thủ tục",
            unit=cast.receiving_unit,
            at=t,
        )
    state = {"t": t}

    def step(hours: float, target=None) -> dt.datetime:
        state["t"] = add_working_time(state["t"], max(hours, 0.05), unit=target or unit)
        if state["t"] > now:
            raise _Stop
        return state["t"]

    online = procedure.online_type != "none" and rng.random() < odds.online
    try:
        if online:
            submitted = t - dt.timedelta(hours=rng.uniform(0.5, 14))
            dossier = services.dossier_submit_online(
                procedure=procedure,
                unit=cast.receiving_unit,
                applicant=person,
                competent_unit=cast.competent_unit,
                at=submitted,
            )
            dossier = services.dossier_accept(actor=cast.desk, dossier=dossier, at=t)
        else:
            postal = rng.random() < odds.postal
            dossier = services.dossier_receive(
                actor=cast.desk,
                procedure=procedure,
                applicant=person,
                unit=cast.receiving_unit,
                competent_unit=cast.competent_unit,
                channel=Channel.POSTAL if postal else Channel.IN_PERSON,
                postal_tracking=f"EB{rng.randint(10**8, 10**9 - 1)}VN" if postal else "",
                return_method=ReturnMethod.POST if postal else ReturnMethod.DESK,
                at=t,
            )
        return _process(
            dossier,
            rng=rng,
            n=n,
            cast=cast,
            odds=odds,
            step=step,
            state=state,
            late_factor=late_factor,
            result_file=result_file,
        )
    except _Stop:
        return None


def _process(dossier, *, rng, n, cast, odds, step, state, late_factor, result_file):
    unit = dossier.competent_unit
    total = dossier.procedure.working_hours if dossier.procedure.working_hours else 40
    total = float(total)
    dossier = services.dossier_transfer(
        actor=cast.desk, dossier=dossier, at=step(min(1.0, total * 0.05), dossier.receiving_unit)
    )
    dossier = services.dossier_self_assign(
        actor=cast.specialist, dossier=dossier, at=step(min(0.5, total * 0.02))
    )
    if rng.random() < odds.withdraw:
        return services.dossier_withdraw(
            actor=cast.desk,
            dossier=dossier,
            reason="Công dân đề nghị rút hồ sơ",
            at=step(total * 0.1),
        )
    if cast.consult_unit is not None and rng.random() < odds.consult:
        consultation = services.dossier_consult(
            actor=cast.specialist,
            dossier=dossier,
            unit=cast.consult_unit,
            question="Đề nghị cho ý kiến về hồ sơ",
            at=step(total * 0.1),
        )
        dossier = services.dossier_record_opinion(
            actor=cast.consult_officer,
            dossier=consultation.dossier,
            consultation=consultation,
            opinion="Thống nhất",
            at=step(min(16, total * 0.2)),
        )
    if rng.random() < odds.supplement:
        dossier = services.dossier_request_supplement(
            actor=cast.specialist,
            dossier=dossier,
            items=["Bản sao giấy tờ chứng minh nơi cư trú", "Tờ khai (ký đầy đủ)"],
            at=step(total * 0.15),
        )
        dossier = services.dossier_receive_supplement(
            actor=cast.desk, dossier=dossier, at=step(rng.uniform(4, 40), dossier.receiving_unit)
        )
        if rng.random() < odds.second_supplement / max(odds.supplement, 1e-9):
            dossier = services.dossier_request_supplement(
                actor=cast.specialist,
                dossier=dossier,
                items=["Bản chính để đối chiếu"],
                reason="Giấy tờ bổ sung chưa hợp lệ",
                at=step(2),
            )
            dossier = services.dossier_receive_supplement(
                actor=cast.desk, dossier=dossier, at=step(rng.uniform(4, 24))
            )
    if rng.random() < odds.payment:
        dossier = services.dossier_request_payment(
            actor=cast.specialist,
            dossier=dossier,
            amount=rng.choice((50000, 100000, 500000)),
            note="Lệ phí trước bạ",
            at=step(total * 0.05),
        )
        dossier = services.dossier_record_payment(
            actor=cast.desk,
            dossier=dossier,
            amount=dossier.fee_due,
            receipt=f"BL{n:07d}",
            at=step(rng.uniform(2, 24), dossier.receiving_unit),
        )
    late = rng.random() < odds.late * late_factor
    due = dossier.due_at
    if late and due is not None and rng.random() < odds.apology:
        if working_time_between(state["t"], due, unit=unit) > 9:
            new_due = add_working_time(due, rng.choice((8, 16, 24, 40)), unit=unit)
            dossier = services.dossier_apologize(
                actor=cast.leader,
                dossier=dossier,
                reason="Cần xác minh thêm thông tin",
                new_due_at=new_due,
                at=step(0.5),
            )
    has_next = dossier.current_step_id is not None and any(
        s.order > dossier.current_step.order and s.role == "unit_leader" for s in _steps(dossier)
    )
    if has_next:
        dossier = services.dossier_complete_step(
            actor=cast.specialist,
            dossier=dossier,
            next_assignee=cast.leader,
            at=step(total * rng.uniform(0.1, 0.35)),
        )
        if rng.random() < odds.send_back:
            dossier = services.dossier_send_back(
                actor=cast.leader,
                dossier=dossier,
                to_step=dossier.current_step.order - 1,
                reason="Đề nghị thẩm định lại",
                at=step(1),
            )
            dossier = services.dossier_self_assign(
                actor=cast.specialist, dossier=dossier, at=step(0.5)
            )
            dossier = services.dossier_complete_step(
                actor=cast.specialist, dossier=dossier, next_assignee=cast.leader, at=step(2)
            )
    # The decision: before the due time, or after it for the late ones.
    if due is None:
        wait = rng.uniform(1, 40)
    else:
        due = dossier.due_at
        left = working_time_between(state["t"], due, unit=unit)
        wait = left + rng.uniform(1, 40) if late else max(0.1, left * rng.uniform(0.05, 0.9))
    when = step(wait)
    if rng.random() < odds.refuse:
        dossier = services.dossier_refuse(
            actor=cast.leader,
            dossier=dossier,
            reasons="Không đủ điều kiện theo quy định",
            at=when,
        )
    else:
        dossier = services.dossier_approve(
            actor=cast.leader,
            dossier=dossier,
            number=f"{n}/KQ",
            date=when.date(),
            signer=cast.leader.get_full_name() or cast.leader.username,
            file=result_file,
            at=when,
        )
    method = dossier.return_method if dossier.channel != Channel.ONLINE else ReturnMethod.ONLINE
    try:
        dossier = services.dossier_return_result(
            actor=cast.desk,
            dossier=dossier,
            method=method,
            received_by=dossier.applicant_name,
            at=step(rng.uniform(0.5, 24), dossier.receiving_unit),
        )
    except _Stop:
        return dossier
    return dossier


__all__ = ["Cast", "DomainError", "Odds", "Status", "simulate"]
