"""Integrity findings: patterns in dossier histories that look like "cập nhật khống".

Read-only, computed from the ledger (the facts) and the dossier rows (current result file,
competent unit). Each finding names a dossier and the event it is about; the inspector's
page, the API and the Excel export all read ``findings_list``. A finding is a lead for an
inspector, not a verdict.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import InvalidInput
from motcua.dossiers import events as ev
from motcua.ledger.models import Event
from motcua.ledger.services import day_bounds
from motcua.organization.selectors import unit_subtree_ids

#: Thresholds (documented in docs/ledger.md; change here with a reason).
STEP_SECONDS = 60  # a step completed this soon after the hand-over
BURST_WINDOW = dt.timedelta(minutes=60)  # resolutions this close before their due time …
BURST_MIN = 5  # … by one unit within one such window
NOT_RETURNED_AFTER = dt.timedelta(days=15)  # resolved, still not returned after this long
FILE_GRACE = dt.timedelta(minutes=5)  # result file stored this long after the resolution

SUBJECT = ev.SUBJECT
A_APPROVED = ev.APPROVED
A_REFUSED = ev.REFUSED
A_RETURNED = ev.RETURNED
A_APOLOGIZED = ev.APOLOGIZED
A_STEP_COMPLETED = ev.STEP_COMPLETED
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
    at: dt.datetime
    seq: int
    detail: str
    unit_id: int | None = None
    unit_name: str = ""
    actor_label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


def _parse(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _result(payload: dict) -> dict:
    result = payload.get("result")
    return result if isinstance(result, dict) else {}


def _dossier_findings(code: str, events: list[Event], dossier: dict | None, now, storage):
    """The findings of one dossier's history, one small check per kind of finding."""
    out: list[Finding] = []
    apologies = 0
    previous: Event | None = None
    resolved: Event | None = None
    returned = False
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        where = {"code": code, "at": event.at, "seq": event.seq, "actor_label": event.actor_label}
        if event.action == A_APPROVED:
            out += _result_findings(event, payload, dossier, storage, where)
        if event.action in RESOLUTIONS:
            resolved = event
        if event.action == A_RETURNED:
            returned = True
        out += _step_in_seconds(event, previous, where)
        if event.action == A_APOLOGIZED:
            apologies += 1
            out += _repeated_reappointment(apologies, where)
        out += _catch_up(event, payload, where)
        previous = event
    if resolved is not None and resolved.action == A_APPROVED and not returned:
        out += _not_returned(code, resolved, now)
    return out


def _result_findings(event: Event, payload: dict, dossier, storage, where) -> list[Finding]:
    """A resolution without its document, or a result file replaced or stored afterwards."""
    result = _result(payload)
    missing = [name for name in ("number", "file") if not result.get(name)]
    if missing:
        return [
            Finding(
                Kind.RESULT_WITHOUT_DOCUMENT,
                detail="Ghi nhận có kết quả nhưng thiếu "
                + " và ".join("số văn bản" if m == "number" else "tệp" for m in missing),
                **where,
            )
        ]
    current = (dossier or {}).get("result_file") or ""
    if not current:
        return []
    if current != result.get("file"):
        return [
            Finding(
                Kind.RESULT_FILE_LATE,
                detail=f"Tệp kết quả hiện tại ({current}) khác tệp lúc giải quyết "
                f"({result.get('file')}): đã thay sau khi giải quyết",
                **where,
            )
        ]
    stored = _stored_at(storage, current) if storage is not None else None
    if stored is not None and stored > event.at + FILE_GRACE:
        minutes = int((stored - event.at).total_seconds() // 60)
        return [
            Finding(
                Kind.RESULT_FILE_LATE,
                detail=f"Tệp kết quả được lưu {minutes} phút sau khi giải quyết",
                **where,
            )
        ]
    return []


def _step_in_seconds(event: Event, previous: Event | None, where) -> list[Finding]:
    """A step completed (or the dossier resolved) seconds after it was handed over."""
    if (
        event.action not in (A_STEP_COMPLETED, *RESOLUTIONS)
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
            **where,
        )
    ]


def _repeated_reappointment(apologies: int, where) -> list[Finding]:
    if apologies <= 1:
        return []
    return [
        Finding(
            Kind.REPEATED_REAPPOINTMENT,
            detail=f"Xin lỗi, hẹn lại lần thứ {apologies} (chỉ được hẹn lại một lần)",
            **where,
        )
    ]


def _catch_up(event: Event, payload: dict, where) -> list[Finding]:
    """An event entered afterwards (late entry, catch-up, or with its own occurrence time)."""
    occurred = _parse(payload.get("occurred_at"))
    if "late_entry" not in event.action and "catch_up" not in event.action and occurred is None:
        return []
    lag = f" (xảy ra lúc {occurred:%d/%m/%Y %H:%M} UTC)" if occurred else ""
    reason = payload.get("reason") or payload.get("reasons") or "không ghi lý do"
    return [Finding(Kind.CATCH_UP, detail=f"Sự kiện nhập bù{lag}: {reason}", **where)]


def _not_returned(code: str, resolved: Event, now) -> list[Finding]:
    waited = now - resolved.at
    if waited <= NOT_RETURNED_AFTER:
        return []
    return [
        Finding(
            Kind.NOT_RETURNED,
            code=code,
            at=resolved.at,
            seq=resolved.seq,
            actor_label=resolved.actor_label,
            detail=f"Đã có kết quả {waited.days} ngày, chưa trả cho người nộp",
        )
    ]


def _stored_at(storage, name: str) -> dt.datetime | None:
    try:
        return storage.get_modified_time(name)
    except (OSError, NotImplementedError):
        return None


def _bursts(resolutions: list[tuple[Event, dt.datetime]]) -> list[Finding]:
    """Per unit: at least BURST_MIN resolutions within BURST_WINDOW before their due time,
    all inside one BURST_WINDOW-long span."""
    by_unit: dict = defaultdict(list)
    for event, due in resolutions:
        if dt.timedelta(0) <= due - event.at <= BURST_WINDOW:
            by_unit[event.unit_id].append(event)
    out = []
    for unit_events in by_unit.values():
        unit_events.sort(key=lambda e: e.at)
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
                )
            )
    return out


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def findings_list(
    *,
    kind: str | None = None,
    unit=None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Finding]:
    """Findings whose event falls in [date_from, date_to] (Vietnam days), newest first.

    ``unit`` keeps dossiers whose competent unit is that unit or one below it.
    """
    from django.core.files.storage import default_storage

    from motcua.dossiers.models import Dossier

    if kind and kind not in Kind.values:
        raise InvalidInput(f"Loại phát hiện '{kind}' không hợp lệ.", code="finding_kind_invalid")
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", code="date_range_invalid"
        )
    now = now or timezone.now()
    in_range = Event.objects.filter(subject_type=SUBJECT)
    if date_from:
        in_range = in_range.filter(at__gte=day_bounds(date_from)[0])
    if date_to:
        in_range = in_range.filter(at__lt=day_bounds(date_to)[1])
    codes = sorted(set(in_range.values_list("subject_id", flat=True)))
    dossiers = {}
    for chunk in _chunks(codes):
        for row in Dossier.objects.filter(code__in=chunk).values(
            "code", "competent_unit_id", "competent_unit__name", "result_file"
        ):
            dossiers[row["code"]] = row
    if unit is not None:
        subtree = unit_subtree_ids({unit.pk})
        codes = [c for c in codes if c in dossiers and dossiers[c]["competent_unit_id"] in subtree]
    found: list[Finding] = []
    resolutions: list[tuple[Event, dt.datetime]] = []
    for chunk in _chunks(codes):
        histories: dict[str, list[Event]] = defaultdict(list)
        for event in Event.objects.filter(subject_type=SUBJECT, subject_id__in=chunk).order_by(
            "subject_id", "seq"
        ):
            histories[event.subject_id].append(event)
        for code, events in histories.items():
            found.extend(_dossier_findings(code, events, dossiers.get(code), now, default_storage))
            for event in events:
                if event.action in RESOLUTIONS:
                    payload = event.payload or {}
                    due = _parse(payload.get("due_before") or payload.get("due_after"))
                    if due is not None:
                        resolutions.append((event, due))
    found.extend(_bursts(resolutions))
    start = day_bounds(date_from)[0] if date_from else None
    end = day_bounds(date_to)[1] if date_to else None
    result = []
    for finding in found:
        if kind and finding.kind != kind:
            continue
        if (start and finding.at < start) or (end and finding.at >= end):
            continue
        info = dossiers.get(finding.code) or {}
        finding.unit_id = info.get("competent_unit_id")
        finding.unit_name = info.get("competent_unit__name") or ""
        result.append(finding)
    result.sort(key=lambda f: (f.at, f.code, f.seq), reverse=True)
    return result


def findings_workbook(findings: list[Finding]) -> bytes:
    """The inspector's Excel report: one row per finding."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from motcua.core.formats import VN_TZ

    book = Workbook()
    sheet = book.active
    sheet.title = "Phát hiện"
    sheet.append(
        [
            "Loại",
            "Mã hồ sơ",
            "Cơ quan giải quyết",
            "Thời điểm",
            "Thứ tự sự kiện",
            "Người thực hiện",
            "Chi tiết",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for f in findings:
        sheet.append(
            [
                f.kind_label,
                f.code,
                f.unit_name,
                f.at.astimezone(VN_TZ).replace(tzinfo=None),
                f.seq,
                f.actor_label,
                f.detail,
            ]
        )
        sheet.cell(row=sheet.max_row, column=4).number_format = "dd/mm/yyyy hh:mm"
    for column, width in zip("ABCDEFG", (38, 30, 36, 18, 10, 24, 70), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
