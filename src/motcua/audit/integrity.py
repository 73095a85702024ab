"""The khống detector: patterns in dossier histories that look like "cập nhật khống".

Pure functions over the ledger's facts (a dossier's events in ``seq`` order) and the
dossier's row (its current result file). Every finding names the dossier, the event it is
about and the events it is based on (``events``: seq, action and recorded time of each), so
an inspector can check it against the dossier's proof. Times are the times the ledger
recorded for the events, never a file's time on disk: the result file's upload time is the
time of the event that recorded that file. A finding is a lead, not a verdict.

``services.findings_refresh`` stores the findings in ``IntegrityFinding`` incrementally; the
page, API and Excel read them there (``selectors.findings_list``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.formats import vn_date, vn_datetime
from motcua.dossiers import events as ev
from motcua.ledger.models import Event

#: Thresholds (documented in docs/ledger.md; change here with a reason).
STEP_SECONDS = 60  # a step completed this soon after the hand-over
BURST_WINDOW = dt.timedelta(minutes=60)  # resolutions this close before their due time …
BURST_MIN = 5  # … by one unit within one such window
NOT_RETURNED_AFTER = dt.timedelta(days=15)  # resolved, still not returned after this long
FILE_GRACE = dt.timedelta(minutes=5)  # result file recorded this long after the resolution

SUBJECT = ev.SUBJECT
RESOLUTIONS = ev.RESULT_EVENTS
# a step finished or decided too soon after one of these (a hand-over) is suspicious
HANDOVERS = (
    ev.RECEIVED,
    ev.ACCEPTED,
    ev.TRANSFERRED,
    ev.ASSIGNED,
    ev.SELF_ASSIGNED,
    ev.STEP_COMPLETED,
    ev.SENT_BACK,
    ev.SUPPLEMENT_RECEIVED,
    ev.PAYMENT_RECORDED,
    ev.OPINION_RECORDED,
)
#: kinds computed from one dossier's history alone (the others compare dossiers)
PER_DOSSIER = (
    "result_without_document",
    "result_file_late",
    "step_in_seconds",
    "not_returned",
    "catch_up",
    "repeated_reappointment",
)


class Kind(models.TextChoices):
    RESULT_WITHOUT_DOCUMENT = "result_without_document", _("Có kết quả khi chưa có văn bản")
    RESULT_FILE_LATE = "result_file_late", _("Tệp kết quả có sau khi đã giải quyết")
    STEP_IN_SECONDS = "step_in_seconds", _("Hoàn thành bước vài giây sau khi nhận")
    DEADLINE_BURST = "deadline_burst", _("Giải quyết dồn dập sát hạn")
    NOT_RETURNED = "not_returned", _("Giải quyết xong, lâu chưa trả kết quả")
    CATCH_UP = "catch_up", _("Nhập bù sự kiện")
    REPEATED_REAPPOINTMENT = "repeated_reappointment", _("Hẹn lại nhiều lần")


@dataclass
class Finding:
    kind: str
    code: str  # the dossier's code
    at: dt.datetime  # recorded time of the event the finding is about
    seq: int  # that event's place in the dossier's history
    detail: str
    unit_id: int | None = None
    unit_name: str = ""
    actor_label: str = ""
    #: the events it is based on: [{"seq", "action", "at"}] (ISO times as recorded)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: when it becomes a finding (not_returned: the resolution + NOT_RETURNED_AFTER)
    shown_from: dt.datetime | None = None
    #: the dossier's history came from an import of a previous system ({"run", "file", …})
    imported: dict[str, Any] | None = None

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.code, self.seq)


def cite(event: Event) -> dict[str, Any]:
    """How a finding names an event it is based on (checkable against the proof)."""
    return {"seq": event.seq, "action": event.action, "at": event.at.isoformat()}


def _late_text(delta: dt.timedelta) -> str:
    """A lag as people say it: "45 phút", "3 giờ 20 phút", "127 ngày 20 giờ" (calendar time)."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} ngày" + (f" {hours} giờ" if hours else "")
    if hours:
        return f"{hours} giờ" + (f" {minutes} phút" if minutes else "")
    return f"{minutes} phút"


def parse_time(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _payload(event: Event) -> dict:
    return event.payload if isinstance(event.payload, dict) else {}


def _result(payload: dict) -> dict:
    result = payload.get("result")
    return result if isinstance(result, dict) else {}


def _recorded_file(payload: dict) -> str:
    """The result file an event records (a decision's ``result.file``, or ``file``)."""
    name = _result(payload).get("file") or payload.get("file")
    return name if isinstance(name, str) else ""


def _uploads(events: list[Event]) -> dict[str, Event]:
    """File name → the first event of the history that recorded it (its upload)."""
    first: dict[str, Event] = {}
    for event in events:
        name = _recorded_file(_payload(event))
        if name:
            first.setdefault(name, event)
    return first


def dossier_findings(code: str, events: list[Event], result_file: str = "") -> list[Finding]:
    """The findings of one dossier's history (``events`` in seq order), one small check per
    kind. ``result_file``: the dossier row's current result file name."""
    out: list[Finding] = []
    uploads = _uploads(events)
    apologies: list[Event] = []
    previous: Event | None = None
    resolved: Event | None = None
    returned = False
    for event in events:
        payload = _payload(event)
        where = {"code": code, "at": event.at, "seq": event.seq, "actor_label": event.actor_label}
        if event.action == ev.APPROVED:
            out += _result_findings(event, payload, result_file, uploads, where)
        if event.action in RESOLUTIONS:
            resolved = event
        if event.action == ev.RETURNED:
            returned = True
        out += _step_in_seconds(event, previous, where)
        if event.action == ev.APOLOGIZED:
            apologies.append(event)
            out += _repeated_reappointment(apologies, where)
        out += _catch_up(event, payload, where)
        previous = event
    if resolved is not None and resolved.action == ev.APPROVED and not returned:
        out.append(_not_returned(code, resolved))
    return out


def _result_findings(
    event: Event, payload: dict, current: str, uploads: dict[str, Event], where
) -> list[Finding]:
    """A resolution without its document, or a result file recorded (uploaded) afterwards,
    or a current result file that no event recorded (replaced outside the platform)."""
    result = _result(payload)
    missing = [name for name in ("number", "file") if not result.get(name)]
    if missing:
        return [
            Finding(
                Kind.RESULT_WITHOUT_DOCUMENT,
                detail="Ghi nhận có kết quả nhưng thiếu "
                + " và ".join("số văn bản" if m == "number" else "tệp" for m in missing),
                events=[cite(event)],
                **where,
            )
        ]
    current = current or result["file"]
    upload = uploads.get(current)
    if upload is None:
        return [
            Finding(
                Kind.RESULT_FILE_LATE,
                detail=f"Tệp kết quả hiện tại ({current}) khác tệp lúc giải quyết "
                f"({result['file']}) và không có sự kiện nào ghi nhận việc tải lên: "
                "đã thay ngoài hệ thống",
                events=[cite(event)],
                **where,
            )
        ]
    if upload.at > event.at + FILE_GRACE:
        return [
            Finding(
                Kind.RESULT_FILE_LATE,
                detail=f"Tệp kết quả được ghi nhận {_late_text(upload.at - event.at)} sau khi "
                f"giải quyết (sự kiện thứ tự {upload.seq})",
                events=[cite(event), cite(upload)],
                **where,
            )
        ]
    return []


def _step_in_seconds(event: Event, previous: Event | None, where) -> list[Finding]:
    """A step completed (or the dossier resolved) seconds after it was handed over."""
    if (
        event.action not in (ev.STEP_COMPLETED, *RESOLUTIONS)
        or previous is None
        or previous.action not in HANDOVERS
    ):
        return []
    seconds = (event.at - previous.at).total_seconds()
    if not 0 <= seconds < STEP_SECONDS:
        return []
    return [
        Finding(
            Kind.STEP_IN_SECONDS,
            detail=f"Hoàn thành {int(seconds)} giây sau khi nhận bước "
            f"(sự kiện thứ tự {previous.seq})",
            events=[cite(previous), cite(event)],
            **where,
        )
    ]


def _repeated_reappointment(apologies: list[Event], where) -> list[Finding]:
    if len(apologies) <= 1:
        return []
    return [
        Finding(
            Kind.REPEATED_REAPPOINTMENT,
            detail=f"Xin lỗi, hẹn lại lần thứ {len(apologies)} (chỉ được hẹn lại một lần)",
            events=[cite(e) for e in apologies],
            **where,
        )
    ]


def _catch_up(event: Event, payload: dict, where) -> list[Finding]:
    """An event entered afterwards (late entry, catch-up, or with its own occurrence time)."""
    occurred = parse_time(payload.get("occurred_at"))
    if "late_entry" not in event.action and "catch_up" not in event.action and occurred is None:
        return []
    lag = f" (xảy ra lúc {vn_datetime(occurred)})" if occurred else ""
    reason = payload.get("reason") or payload.get("reasons") or "không ghi lý do"
    return [
        Finding(
            Kind.CATCH_UP,
            detail=f"Sự kiện nhập bù{lag}: {reason}",
            events=[cite(event)],
            **where,
        )
    ]


def _not_returned(code: str, resolved: Event) -> Finding:
    """Shown once NOT_RETURNED_AFTER has passed since the resolution (``shown_from``)."""
    return Finding(
        Kind.NOT_RETURNED,
        code=code,
        at=resolved.at,
        seq=resolved.seq,
        actor_label=resolved.actor_label,
        detail=f"Đã có kết quả từ {vn_date(resolved.at)}, quá {NOT_RETURNED_AFTER.days} ngày "
        "chưa trả cho người nộp",
        events=[cite(resolved)],
        shown_from=resolved.at + NOT_RETURNED_AFTER,
    )


def resolution_due(event: Event) -> dt.datetime | None:
    """The due time a resolution was measured against (as its event recorded it)."""
    payload = _payload(event)
    return parse_time(payload.get("due_before") or payload.get("due_after"))


def near_due(event: Event) -> bool:
    due = resolution_due(event)
    return due is not None and dt.timedelta(0) <= due - event.at <= BURST_WINDOW


def burst_findings(resolutions: list[Event]) -> list[Finding]:
    """Per unit: at least BURST_MIN resolutions within BURST_WINDOW before their due time,
    all inside one BURST_WINDOW-long span. Adding resolutions only ever adds findings."""
    by_unit: dict = defaultdict(list)
    for event in resolutions:
        if near_due(event):
            by_unit[event.unit_id].append(event)
    out = []
    for unit_events in by_unit.values():
        unit_events.sort(key=lambda e: (e.at, e.pk or 0))
        flagged: set[int] = set()
        start = 0
        for end, event in enumerate(unit_events):
            while event.at - unit_events[start].at > BURST_WINDOW:
                start += 1
            if end - start + 1 >= BURST_MIN:
                flagged.update(range(start, end + 1))
        for i in sorted(flagged):
            e = unit_events[i]
            out.append(
                Finding(
                    Kind.DEADLINE_BURST,
                    code=e.subject_id,
                    at=e.at,
                    seq=e.seq,
                    actor_label=e.actor_label,
                    detail=f"Một trong ít nhất {BURST_MIN} hồ sơ của đơn vị được giải quyết "
                    f"trong vòng {int(BURST_WINDOW.total_seconds() // 60)} phút trước hạn",
                    events=[cite(e)],
                )
            )
    return out
