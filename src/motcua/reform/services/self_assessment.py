"""The yearly self-assessment: open (Sở Nội vụ), prepare and submit (the responsible unit),
return or accept and consolidate (Sở Nội vụ). Every write is one transaction with its event
(subject ``reform_self``, id = the self-assessment)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit
from motcua.organization.permissions import has_role
from motcua.reform import events, prefill
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    Aggregation,
    Assessment,
    Framework,
    Index,
    Node,
    NodeLevel,
    SelfAssessment,
    SelfAssessmentStatus,
    SelfEvidence,
    SelfItem,
    SelfItemStatus,
    Task,
)
from motcua.reform.services.permissions import can_manage, coordinator_units, require_manage

#: Criteria scored by the Ministry's surveys are not self-assessed.
SCORED_HERE = (Assessment.SELF, Assessment.APPRAISAL, Assessment.MIXED, Assessment.NONE)
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def _event(item_or_assessment, action: str, *, actor, unit=None, payload=None) -> None:
    assessment = getattr(item_or_assessment, "assessment", item_or_assessment)
    event_record(
        subject_type=events.SUBJECT_SELF,
        subject_id=assessment.pk,
        action=action,
        actor=actor,
        unit=unit,
        payload=payload or {},
    )


def can_prepare(user, item: SelfItem) -> bool:
    """The responsible unit's reform officer or leader (or Sở Nội vụ, the province admin)."""
    if can_manage(user):
        return True
    return item.unit is not None and has_role(
        user, [Role.REFORM_OFFICER, Role.UNIT_LEADER], item.unit
    )


def _require_prepare(user, item: SelfItem) -> None:
    if not can_prepare(user, item):
        raise PermissionDenied(
            "Chỉ đơn vị được giao chuẩn bị tiêu chí này (cán bộ CCHC, lãnh đạo) được thực hiện.",
            code=ReformError.REFORM_SELF_DENIED,
        )


def _lock(item: SelfItem) -> SelfItem:
    return (
        SelfItem.objects.select_for_update(of=("self",))
        .select_related("assessment", "node", "unit")
        .get(pk=item.pk)
    )


def _require_open(item: SelfItem) -> None:
    if item.assessment.status != SelfAssessmentStatus.OPEN:
        raise Conflict(
            "Đợt tự đánh giá đã tổng hợp, không sửa được.", code=ReformError.REFORM_SELF_CLOSED
        )


def _default_unit(node: Node, index: Index) -> Unit | None:
    """The lead unit of the latest remediation task on this criterion, else Sở Nội vụ."""
    task = (
        Task.objects.filter(index=index, nodes__code=node.code, lead_unit__isnull=False)
        .order_by("-plan__issued_on", "-pk")
        .select_related("lead_unit")
        .first()
    )
    if task is not None:
        return task.lead_unit
    return next(iter(coordinator_units()), None)


@transaction.atomic
def self_assessment_open(
    *, actor, index: Index, year: int, deadline: dt.date, units: dict[str, Unit] | None = None
) -> SelfAssessment:
    """One item per criterion the province scores itself (leaves of the framework in force
    for ``year``, survey criteria left out), each with its responsible unit and, where the
    platform measures it, the measured value, the query behind it and a suggested score."""
    require_manage(actor)
    if SelfAssessment.objects.filter(index=index, year=year).exists():
        raise Conflict(f"Đã mở tự đánh giá năm {year}.", code=ReformError.REFORM_SELF_EXISTS)
    framework = (
        Framework.objects.filter(index=index, year__lte=year).order_by("-year").first()
        or Framework.objects.filter(index=index).order_by("year").first()
    )
    if framework is None:
        raise InvalidInput("Chỉ số chưa có bộ tiêu chí.", code=ReformError.REFORM_NO_FRAMEWORK)
    assessment = SelfAssessment.objects.create(
        index=index, framework=framework, year=year, deadline=deadline, opened_by=actor
    )
    units = units or {}
    leaves = framework.nodes.filter(children__isnull=True, assessment__in=SCORED_HERE)
    surveyed: dict[str, prefill.Measured] | None = None
    if not leaves.exists():
        # SIPAS: every criterion is the Ministry's survey; the province estimates each factor
        # (satisfied %, at most 100), pre-filled from its own survey (the surveys app)
        leaves = framework.nodes.filter(level=NodeLevel.AREA)
        surveyed = prefill.survey_factors(year)
    for node in leaves.order_by("order"):
        item = SelfItem(assessment=assessment, node=node)
        item.unit = units.get(node.code) or _default_unit(node, index)
        measured = _prefill(item, year, surveyed)
        item.save()
        if measured is not None:  # the evidence is the data: a link to the page showing it
            SelfEvidence.objects.create(
                item=item, name=f"Số liệu nền tảng: {measured.label}"[:255], link=measured.link
            )
    _event(assessment, events.SELF_OPENED, actor=actor,
           payload={"index": index.code, "year": year, "deadline": deadline.isoformat(),
                    "items": assessment.items.count()})  # fmt: skip
    return assessment


def _prefill(item: SelfItem, year: int, surveyed=None) -> prefill.Measured | None:
    """Fill the item from the platform's measure of its criterion (``surveyed``: the SIPAS
    factors measured by the province's own survey, by node code)."""
    if surveyed is not None:
        measured = surveyed.get(item.node.code)
        if measured is None:
            item.explanation = f"Chưa có phiếu khảo sát SIPAS của tỉnh trong năm {year}."
            return None
    else:
        code = prefill.measure_for(item.node.name)
        if not code:
            return None
        measured = prefill.MEASURES[code](year)
    item.measure = measured.code[:40]
    item.measure_query = measured.query
    if not measured.denominator:  # nothing to measure this year: no number, no suggestion
        item.explanation = f"{measured.label}: chưa có số liệu trên nền tảng cho năm {year}."
        return measured
    item.measured_value = measured.value
    item.score = prefill.suggested_score(item.node.max_points, measured)
    item.explanation = (
        f"{measured.label}: {measured.numerator}/{measured.denominator} "
        f"({str(measured.percent).replace('.', ',')} %), số liệu của nền tảng Một Cửa."
    )
    return measured


@transaction.atomic
def sipas_self_refresh(*, actor, assessment: SelfAssessment) -> list[dict]:
    """Re-read the province's own survey (answers accrue all year) into the SIPAS factors
    still being prepared (draft or returned): measured share, query, suggested % and the
    link to the survey index as evidence. Records ``reform_self.survey_refreshed`` with
    what changed; submitted or accepted factors are left as the unit sent them."""
    require_manage(actor)
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != SelfAssessmentStatus.OPEN:
        raise Conflict("Đợt tự đánh giá đã tổng hợp.", code=ReformError.REFORM_SELF_CLOSED)
    if assessment.index.code != "sipas":
        raise InvalidInput(
            "Chỉ đợt tự đánh giá SIPAS lấy số liệu từ khảo sát.", code=ReformError.SIPAS_ONLY
        )
    surveyed = prefill.survey_factors(assessment.year)
    changed = []
    pending = assessment.items.filter(status__in=(SelfItemStatus.DRAFT, SelfItemStatus.RETURNED))
    for item in pending.select_related("node").order_by("node__order"):
        measured = surveyed.get(item.node.code)
        if measured is None or not measured.denominator:
            continue
        _prefill(item, assessment.year, surveyed)
        item.save(update_fields=["measure", "measured_value", "measure_query", "score",
                                 "explanation"])  # fmt: skip
        if not item.evidence.filter(link=measured.link).exists():
            SelfEvidence.objects.create(
                item=item, name=f"Số liệu nền tảng: {measured.label}"[:255], link=measured.link
            )
        changed.append({"node": item.node.code, "value": str(measured.value),
                        "answers": measured.denominator, "score": str(item.score)})  # fmt: skip
    _event(assessment, events.SELF_SURVEY_REFRESHED, actor=actor,
           payload={"year": assessment.year, "items": changed})  # fmt: skip
    return changed


@transaction.atomic
def self_item_assign(*, actor, item: SelfItem, unit: Unit) -> SelfItem:
    require_manage(actor)
    item = _lock(item)
    _require_open(item)
    item.unit = unit
    item.save(update_fields=["unit"])
    _event(item, events.SELF_ITEM_ASSIGNED, actor=actor,
           payload={"node": item.node.code, "unit": unit.code})  # fmt: skip
    return item


def _score(value, node: Node) -> Decimal:
    try:
        score = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            "Điểm tự đánh giá phải là số.", code=ReformError.REFORM_SELF_SCORE
        ) from None
    if not Decimal(0) <= score <= node.max_points:
        maximum = str(node.max_points.normalize()).replace(".", ",")
        raise InvalidInput(
            f"Điểm tự đánh giá của tiêu chí {node.code} phải từ 0 đến {maximum}.",
            code=ReformError.REFORM_SELF_SCORE_RANGE,
        )
    return score


@transaction.atomic
def self_item_save(*, actor, item: SelfItem, score, explanation: str) -> SelfItem:
    item = _lock(item)
    _require_prepare(actor, item)
    _require_open(item)
    if item.status in (SelfItemStatus.SUBMITTED, SelfItemStatus.ACCEPTED):
        raise Conflict(
            "Tiêu chí đã gửi, chờ Sở Nội vụ xem xét.", code=ReformError.REFORM_SELF_SUBMITTED
        )
    item.score = _score(score, item.node)
    item.explanation = (explanation or "").strip()
    item.status = SelfItemStatus.DRAFT if item.status != SelfItemStatus.RETURNED else item.status
    item.save(update_fields=["score", "explanation", "status"])
    _event(item, events.SELF_ITEM_SAVED, actor=actor, unit=item.unit,
           payload={"node": item.node.code, "score": str(item.score)})  # fmt: skip
    return item


def _checked(upload) -> tuple[bytes, str]:
    """The upload's bytes after the platform's content check, when it exists (core.files
    ``check_content``); otherwise the size limit only."""
    from motcua.core import files as core_files

    label = Path(upload.name or "tai-lieu").name
    if getattr(upload, "size", 0) and upload.size > MAX_EVIDENCE_BYTES:
        raise InvalidInput(f"Tệp {label} quá 20 MB.", code=ReformError.EVIDENCE_TOO_LARGE)
    check = getattr(core_files, "check_content", None)
    read = getattr(core_files, "read_limited", None)
    data = read(upload, label=label) if read else upload.read()
    if check is not None:
        checked = check(data, label=label)
        return checked.data, Path(label).stem + checked.extension
    return data, label


@transaction.atomic
def self_evidence_add(
    *, actor, item: SelfItem, upload=None, link: str = "", name: str = ""
) -> SelfEvidence:
    """Attach an uploaded document (checked like every upload) or a link to platform data
    (a path on this platform, e.g. the statistics page of the year)."""
    item = _lock(item)
    _require_prepare(actor, item)
    _require_open(item)
    if upload is None and not link:
        raise InvalidInput("Cần tải tệp hoặc nhập liên kết.", code=ReformError.REFORM_SELF_EVIDENCE)
    evidence = SelfEvidence(item=item, added_by=actor)
    if upload is not None:
        data, label = _checked(upload)
        evidence.name = (name or label)[:255]
        evidence.size, evidence.sha256 = len(data), hashlib.sha256(data).hexdigest()
        evidence.file.save(label, ContentFile(data), save=False)
    else:
        link = link.strip()
        if not link.startswith("/") or link.startswith("//"):
            raise InvalidInput(
                "Liên kết phải là đường dẫn trong nền tảng (bắt đầu bằng /).",
                code=ReformError.REFORM_SELF_LINK,
            )
        evidence.link, evidence.name = link[:500], (name or link)[:255]
    evidence.save()
    _event(item, events.SELF_EVIDENCE_ADDED, actor=actor, unit=item.unit,
           payload={"node": item.node.code, "evidence": evidence.pk, "name": evidence.name,
                    "sha256": evidence.sha256, "link": evidence.link})  # fmt: skip
    return evidence


@transaction.atomic
def self_item_submit(*, actor, item: SelfItem) -> SelfItem:
    item = _lock(item)
    _require_prepare(actor, item)
    _require_open(item)
    if item.status not in (SelfItemStatus.DRAFT, SelfItemStatus.RETURNED):
        raise Conflict("Tiêu chí đã gửi.", code=ReformError.REFORM_SELF_SUBMITTED)
    if item.score is None or not item.explanation:
        raise InvalidInput("Cần điểm tự đánh giá và giải trình trước khi gửi.",
                           code=ReformError.REFORM_SELF_INCOMPLETE)  # fmt: skip
    if not item.measure and not item.evidence.exists():
        raise InvalidInput("Cần ít nhất một tài liệu kiểm chứng trước khi gửi.",
                           code=ReformError.REFORM_SELF_NO_EVIDENCE)  # fmt: skip
    item.status, item.submitted_at, item.submitted_by = (
        SelfItemStatus.SUBMITTED, timezone.now(), actor,
    )  # fmt: skip
    item.save(update_fields=["status", "submitted_at", "submitted_by"])
    _event(item, events.SELF_ITEM_SUBMITTED, actor=actor, unit=item.unit,
           payload={"node": item.node.code, "score": str(item.score)})  # fmt: skip
    return item


@transaction.atomic
def self_item_review(*, actor, item: SelfItem, accept: bool, note: str = "") -> SelfItem:
    """Sở Nội vụ accepts a submitted item or returns it with the reason."""
    require_manage(actor)
    item = _lock(item)
    _require_open(item)
    if item.status != SelfItemStatus.SUBMITTED:
        raise Conflict("Chỉ xem xét tiêu chí đã gửi.", code=ReformError.REFORM_SELF_NOT_SUBMITTED)
    note = (note or "").strip()
    if not accept and not note:
        raise InvalidInput("Cần nêu lý do trả lại.", code=ReformError.REFORM_SELF_RETURN_REASON)
    item.status = SelfItemStatus.ACCEPTED if accept else SelfItemStatus.RETURNED
    item.reviewed_at, item.review_note = timezone.now(), note
    item.save(update_fields=["status", "reviewed_at", "review_note"])
    action = events.SELF_ITEM_ACCEPTED if accept else events.SELF_ITEM_RETURNED
    _event(item, action, actor=actor, unit=item.unit,
           payload={"node": item.node.code, "note": note[:500]})  # fmt: skip
    return item


@transaction.atomic
def self_assessment_consolidate(*, actor, assessment: SelfAssessment) -> SelfAssessment:
    """Close the year: every item must have been accepted; the total is their sum (their mean
    for a framework that averages, as SIPAS does over its factors)."""
    require_manage(actor)
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != SelfAssessmentStatus.OPEN:
        raise Conflict("Đợt tự đánh giá đã tổng hợp.", code=ReformError.REFORM_SELF_CLOSED)
    pending = assessment.items.exclude(status=SelfItemStatus.ACCEPTED)
    if pending.exists():
        codes = ", ".join(pending.values_list("node__code", flat=True)[:10])
        raise Conflict(
            f"Còn {pending.count()} tiêu chí chưa được chấp nhận: {codes}.",
            code=ReformError.REFORM_SELF_PENDING,
        )
    scores = [i.score or Decimal(0) for i in assessment.items.all()]
    assessment.total = sum(scores, Decimal(0))
    if assessment.framework.aggregation == Aggregation.MEAN and scores:
        assessment.total = (assessment.total / len(scores)).quantize(Decimal("0.001"))
    assessment.status = SelfAssessmentStatus.CONSOLIDATED
    assessment.consolidated_at = timezone.now()
    assessment.save(update_fields=["total", "status", "consolidated_at"])
    _event(assessment, events.SELF_CONSOLIDATED, actor=actor,
           payload={"total": str(assessment.total), "items": assessment.items.count()})  # fmt: skip
    return assessment


def _pending_by_unit(assessment: SelfAssessment) -> list[tuple]:
    """(unit, its criteria not yet submitted), by unit name: the scheduler's own read (no user
    to check, so not the staff-guarded ``self_selectors.self_progress``)."""
    pending = assessment.items.filter(
        status__in=(SelfItemStatus.DRAFT, SelfItemStatus.RETURNED), unit__isnull=False
    ).select_related("unit", "node")
    by_unit: dict = {}
    for item in pending.order_by("node__order"):
        by_unit.setdefault(item.unit, []).append(item)
    return sorted(by_unit.items(), key=lambda pair: pair[0].name)


@transaction.atomic
def self_reminders_send(*, today: dt.date | None = None, days: int | None = None) -> dict:
    """Remind the units that have not submitted everything: once ``days`` before the
    deadline and once after it (idempotent: each unit at most once of each kind a year).
    Mails their reform officers and leaders; each reminder is a ``reform_self.reminded``."""
    from django.core.mail import send_mail

    from motcua.ledger.models import Event
    from motcua.organization.models import StaffRole
    from motcua.reform.services.permissions import _setting

    today = today or timezone.localdate()
    days = days if days is not None else int(_setting("REFORM_REMINDER_DAYS", 7))
    sent = {"due_soon": 0, "overdue": 0, "emails": 0}
    for assessment in SelfAssessment.objects.filter(status=SelfAssessmentStatus.OPEN):
        if today > assessment.deadline:
            kind = "overdue"
        elif today >= assessment.deadline - dt.timedelta(days=days):
            kind = "due_soon"
        else:
            continue
        done = Event.objects.filter(subject_type=events.SUBJECT_SELF,
                                    subject_id=str(assessment.pk), action=events.SELF_REMINDED,
                                    payload__kind=kind)  # fmt: skip
        for unit, pending in _pending_by_unit(assessment):
            if done.filter(payload__unit=unit.code).exists():
                continue
            users = {
                r.user
                for r in StaffRole.objects.filter(
                    unit=unit, role__in=[Role.REFORM_OFFICER, Role.UNIT_LEADER],
                    valid_from__lte=today,
                ).exclude(valid_to__lt=today).select_related("user")
                if r.user.is_active
            }  # fmt: skip
            emails = sorted(u.email for u in users if u.email)
            codes = ", ".join(i.node.code for i in pending)
            when = assessment.deadline.strftime("%d/%m/%Y")
            subject = (f"[CCHC] {assessment}: hạn gửi {when}" if kind == "due_soon"
                       else f"[CCHC] {assessment}: đã quá hạn gửi ({when})")  # fmt: skip
            body = f"Tiêu chí đơn vị chưa gửi Sở Nội vụ: {codes}."
            if emails:
                transaction.on_commit(
                    partial(send_mail, subject, body, None, emails, fail_silently=True)
                )
                sent["emails"] += len(emails)
            _event(assessment, events.SELF_REMINDED, actor=None, unit=unit,
                   payload={"kind": kind, "unit": unit.code, "items": codes,
                            "recipients": sorted(u.get_username() for u in users)})  # fmt: skip
            sent[kind] += 1
    return sent
