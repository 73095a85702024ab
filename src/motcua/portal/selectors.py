"""Portal reads shared by the pages and the API (same rules in both)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from motcua.dossiers import events as ev
from motcua.dossiers.lifecycle import NATIONAL_LABELS, NATIONAL_STATUS, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import submission_units  # noqa: F401 - portal callers
from motcua.ledger.actions import label as action_label
from motcua.ledger.selectors import events_for_subject
from motcua.portal.errors import PortalError
from motcua.portal.notify import payload_reasons

# What the applicant reads for each event (the ledger label is the officers' wording).
PUBLIC_LABELS = {
    ev.SUBMITTED: "Đã nộp hồ sơ trực tuyến",
    ev.RECEIVED: "Đã tiếp nhận hồ sơ",
    ev.ACCEPTED: "Bộ phận Một cửa đã tiếp nhận hồ sơ",
    ev.COMPLETION_REQUESTED: "Yêu cầu hoàn thiện hồ sơ (chưa tiếp nhận)",
    ev.INTAKE_REFUSED: "Từ chối tiếp nhận hồ sơ",
    ev.TRANSFERRED: "Chuyển hồ sơ xử lý",
    ev.ASSIGNED: "Hồ sơ đang được xử lý",
    ev.SELF_ASSIGNED: "Hồ sơ đang được xử lý",
    ev.STEP_COMPLETED: "Hoàn thành một bước xử lý",
    ev.SENT_BACK: "Xem xét lại ở bước trước",
    ev.CONSULTED: "Lấy ý kiến cơ quan liên quan",
    ev.OPINION_RECORDED: "Đã có ý kiến cơ quan liên quan",
    ev.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    ev.SUPPLEMENT_RECEIVED: "Đã nhận hồ sơ bổ sung",
    ev.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    ev.PAYMENT_RECORDED: "Đã thực hiện nghĩa vụ tài chính",
    ev.APPROVED: "Đã có kết quả giải quyết",
    ev.REFUSED: "Từ chối giải quyết (có văn bản nêu lý do)",
    ev.RETURNED: "Đã trả kết quả",
    ev.WITHDRAWN: "Hồ sơ được rút theo đề nghị",
    ev.STOPPED: "Dừng xử lý hồ sơ",
    ev.CANCELLED: "Hồ sơ bị hủy",
    ev.APOLOGIZED: "Xin lỗi vì chậm trễ và hẹn lại ngày trả kết quả",
}
# Events the public timeline leaves out (internal reminders).
HIDDEN = {ev.DUE_SOON_WARNED}
# Events whose written reasons the applicant must be able to read (the «why»).
WITH_REASONS = {
    ev.COMPLETION_REQUESTED,
    ev.INTAKE_REFUSED,
    ev.SUPPLEMENT_REQUESTED,
    ev.REFUSED,
    ev.APOLOGIZED,
    ev.STOPPED,
}


@dataclass
class TimelineEntry:
    at: dt.datetime
    action: str
    label: str
    unit: str
    status: str
    national_status: int | None
    new_due_at: dt.datetime | None = None
    reasons: str = ""


@dataclass
class DossierView:
    """What the tracking page and API show: no name, no ID number, no address, no phone."""

    code: str
    procedure_code: str
    procedure_name: str
    receiving_unit: str
    competent_unit: str
    channel: str
    status: str
    national_status: int
    national_status_label: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    reappointed_due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    reasons: str
    timeline: list[TimelineEntry] = field(default_factory=list)


def _status_label(status: str | None) -> tuple[str, int | None]:
    if not status or status not in NATIONAL_STATUS:
        return "", None
    # the citizen sees one label per status everywhere: the national one (as on the summary)
    return str(NATIONAL_LABELS[NATIONAL_STATUS[status]]), NATIONAL_STATUS[status]


def _parse(value) -> dt.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def public_timeline(dossier: Dossier, *, with_reasons: bool = True) -> list[TimelineEntry]:
    entries = []
    events = events_for_subject(subject_type="dossier", subject_id=dossier.code).select_related(
        "unit"
    )
    for event in events:
        if event.action in HIDDEN:
            continue
        payload = event.payload or {}
        status, national = _status_label(payload.get("status_to"))
        entries.append(
            TimelineEntry(
                at=event.at,
                action=event.action,
                label=PUBLIC_LABELS.get(event.action, action_label(event.action)),
                unit=event.unit.name if event.unit is not None else "",
                status=status,
                national_status=national,
                new_due_at=_parse(payload.get("new_due"))
                if event.action == ev.APOLOGIZED
                else None,
                reasons=payload_reasons(payload)
                if with_reasons and event.action in WITH_REASONS
                else "",
            )
        )
    return entries


def latest_reasons(dossier: Dossier) -> str:
    """Why the desk asked for completion or refused (shown to the applicant)."""
    if dossier.status in (Status.INTAKE_INCOMPLETE, Status.INTAKE_REFUSED):
        return dossier.note
    return ""


def dossier_view(dossier: Dossier, *, with_reasons: bool = True) -> DossierView:
    return DossierView(
        code=dossier.code,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        receiving_unit=dossier.receiving_unit.name,
        competent_unit=dossier.competent_unit.name,
        channel=dossier.get_channel_display(),
        status=str(Status(dossier.status).label),
        national_status=dossier.national_status,
        national_status_label=NATIONAL_LABELS[dossier.national_status],
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        reappointed_due_at=dossier.reappointed_due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        reasons=latest_reasons(dossier) if with_reasons else "",
        timeline=public_timeline(dossier, with_reasons=with_reasons),
    )


def citizen_dossiers(user) -> QuerySet[Dossier]:
    """Every dossier of a logged-in citizen: those submitted from the account, and — when the
    national identity provider vouched for the citizen's ID number — those received at a desk
    under that number."""
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    condition = Q(portal_submission__user=user)
    citizen = getattr(user, "citizen", None)
    if citizen is not None and citizen.id_number:
        condition |= Q(applicant_id_number=citizen.id_number)
    return (
        Dossier.objects.filter(condition)
        .select_related("procedure", "receiving_unit", "competent_unit")
        .distinct()
        .order_by("-submitted_at", "-id")
    )


def citizen_dossier(user, code: str) -> Dossier | None:
    return citizen_dossiers(user).filter(code=code).first()


def citizen_result_file(user, code: str):
    """The electronic result of the citizen's dossier, once it has been returned."""
    from motcua.core.errors import NotFound
    from motcua.dossiers.models import Decision

    dossier = citizen_dossier(user, code)
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.", code=PortalError.DOSSIER_NOT_FOUND)
    if dossier.status != Status.RETURNED or dossier.decision != Decision.APPROVED:
        raise NotFound("Hồ sơ chưa được trả kết quả.", code=PortalError.RESULT_NOT_RETURNED)
    return dossier.result_file
