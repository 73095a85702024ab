"""Every write of the feedback app: intake, the actions of the allowed-actions table, Open311 keys.

Each service runs in one transaction, checks the table (status, role at the item's current
unit, or the sender), reads every clock from the work calendar and records its history event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError

from motcua.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from motcua.core.formats import VN_TZ, vn_datetime
from motcua.core.text import fold
from motcua.feedback import actions, clocks, events
from motcua.feedback import files as feedback_files
from motcua.feedback.limits import intake_throttle
from motcua.feedback.models import (
    Attachment,
    Channel,
    Feedback,
    Open311Key,
    Round,
    Status,
    Transfer,
)
from motcua.ledger.services import event_record
from motcua.organization.models import Role, Unit, UnitKind
from motcua.organization.permissions import has_role, require_role

PHONE = re.compile(r"^\+?[0-9 .-]{9,15}$")
OFFICE_CHANNELS = (Channel.DESK, Channel.HOTLINE, Channel.EMAIL)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _record(item: Feedback, event: str, actor, at, **payload) -> None:
    event_record(
        subject_type=events.SUBJECT,
        subject_id=item.pk,
        action=event,
        actor=actor,
        unit=item.current_unit,
        at=at,
        payload={"code": item.code, "status": item.status, **payload},
    )


def _limit(item: Feedback, name: str, now: dt.datetime) -> dict:
    """The stage limit ``name`` (pauses added) and whether ``now`` is within it."""
    limit_at = clocks.after(
        item.stage_started_at, name, unit=item.current_unit, extra_hours=item.stage_paused_hours
    )
    return {"limit": name, "limit_at": limit_at, "on_time": now <= limit_at}


def default_unit() -> Unit:
    """The unit that receives portal feedback with no unit named: the one-stop centre."""
    code = getattr(settings, "MOTCUA_FEEDBACK_UNIT", "")
    today = timezone.localdate()
    units = Unit.objects.exclude(valid_to__lt=today)
    unit = (units.filter(code=code).first() if code else None) or (
        units.filter(kind=UnitKind.SERVICE_CENTRE).order_by("code").first()
        or units.filter(kind=UnitKind.PROVINCE).order_by("code").first()
    )
    if unit is None:
        raise InvalidInput("Chưa có đơn vị tiếp nhận phản ánh.", code="no_receiving_unit")
    return unit


def _new_code(now: dt.datetime) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    suffix = "".join(secrets.choice(alphabet) for _ in range(6))
    return f"PA-{now.astimezone(VN_TZ):%y%m%d}-{suffix}"


def _coordinate(value, name: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{name} không hợp lệ.", code="coordinate_invalid") from None
    if not -bound <= number <= bound:
        raise InvalidInput(f"{name} phải trong khoảng ±{bound}.", code="coordinate_invalid")
    return number


def _clean_sender(name: str, phone: str, address: str) -> tuple[str, str, str]:
    name, phone, address = (name or "").strip(), (phone or "").strip(), (address or "").strip()
    missing = [
        label
        for label, value in (("họ tên", name), ("số điện thoại", phone), ("địa chỉ", address))
        if not value
    ]
    if missing:
        raise InvalidInput(
            "Người gửi phải ghi rõ " + ", ".join(missing) + " (Nghị định 20/2008/NĐ-CP).",
            code="sender_required",
        )
    if not PHONE.match(phone):
        raise InvalidInput("Số điện thoại không hợp lệ.", code="phone_invalid")
    return name[:200], phone, address[:500]


def feedback_submit(
    *,
    actor=None,
    channel: str = Channel.PORTAL,
    title: str,
    content: str,
    sender_name: str = "",
    sender_phone: str = "",
    sender_address: str = "",
    sender_email: str = "",
    show_name: bool = False,
    is_public: bool = True,
    procedure=None,
    field=None,
    subject_unit=None,
    place_address: str = "",
    lat=None,
    lon=None,
    files=(),
    receiving_unit=None,
    client: str = "",
    throttle: bool = True,
    now: dt.datetime | None = None,
) -> Feedback:
    """Receive one feedback (portal, desk, hotline, e-mail, Open311) and start its clock."""
    now = _now(now)
    if channel not in Channel.values:
        raise InvalidInput("Kênh tiếp nhận không hợp lệ.", code="channel_invalid")
    if channel in OFFICE_CHANNELS:
        if receiving_unit is None:
            raise InvalidInput("Chọn đơn vị tiếp nhận.", code="unit_required")
        require_role(actor, actions.OFFICERS, receiving_unit)
    elif channel == Channel.PORTAL and throttle and not (actor and actor.is_authenticated):
        intake_throttle(client=client, now=now)
    title, content = (title or "").strip(), (content or "").strip()
    if not title or not content:
        raise InvalidInput("Phản ánh phải có tiêu đề và nội dung.", code="content_required")
    if len(title) > 255 or len(content) > 20000:
        raise InvalidInput("Tiêu đề hoặc nội dung quá dài.", code="content_too_long")
    if actor is not None and actor.is_authenticated and channel == Channel.PORTAL:
        sender_name = sender_name or actor.get_full_name() or actor.get_username()
        sender_email = sender_email or actor.email
    name, phone, address = _clean_sender(sender_name, sender_phone, sender_address)
    checked = feedback_files.check_files(files)
    return _submit(
        actor=actor,
        channel=channel,
        title=title,
        content=content,
        name=name,
        phone=phone,
        address=address,
        email=(sender_email or "").strip()[:254],
        show_name=bool(show_name),
        is_public=bool(is_public),
        procedure=procedure,
        field=field or (procedure.field if procedure is not None else None),
        subject_unit=subject_unit,
        place_address=(place_address or "").strip()[:500],
        lat=_coordinate(lat, "Vĩ độ", 90),
        lon=_coordinate(lon, "Kinh độ", 180),
        checked=checked,
        receiving_unit=receiving_unit or subject_unit or default_unit(),
        now=now,
    )


@transaction.atomic
def _submit(
    *,
    actor,
    channel,
    title,
    content,
    name,
    phone,
    address,
    email,
    show_name,
    is_public,
    procedure,
    field,
    subject_unit,
    place_address,
    lat,
    lon,
    checked,
    receiving_unit,
    now,
) -> Feedback:
    sender = (
        actor
        if actor is not None and actor.is_authenticated and channel == Channel.PORTAL
        else None
    )
    item = Feedback(
        channel=channel,
        sender_user=sender,
        sender_name=name,
        sender_phone=phone,
        sender_address=address,
        sender_email=email,
        show_name=show_name,
        is_public=is_public,
        title=title,
        content=content,
        procedure=procedure,
        field=field,
        subject_unit=subject_unit,
        place_address=place_address,
        lat=lat,
        lon=lon,
        status=Status.NEW,
        receiving_unit=receiving_unit,
        current_unit=receiving_unit,
        received_at=now,
        stage_started_at=now,
        due_at=clocks.after(now, "classify", unit=receiving_unit),
        search_folded=fold(f"{title} {content}"),
    )
    for _ in range(5):
        item.code = _new_code(now)
        try:
            with transaction.atomic():
                item.save(force_insert=True)
            break
        except IntegrityError:
            item.pk = None
    else:  # pragma: no cover - 32^6 codes a day
        raise Conflict("Không tạo được mã phản ánh, vui lòng thử lại.", code="code_collision")
    for n, one in enumerate(checked, start=1):
        Attachment.objects.create(
            feedback=item,
            file=one.django_file(f"{item.code}-{n}"),
            name=one.name,
            content_type=one.content_type,
            size=one.size,
            sha256=one.sha256,
            uploaded_at=now,
        )
    _record(
        item,
        events.SUBMITTED,
        actor if channel in OFFICE_CHANNELS else None,
        now,
        channel=channel,
        due_at=item.due_at,
        files=len(checked),
    )
    return item


# ------------------------------------------------------------------ the table's actions


def is_sender(item: Feedback, actor, phone4: str = "") -> bool:
    if actor is not None and actor.is_authenticated and item.sender_user_id == actor.pk:
        return True
    digits = re.sub(r"\D", "", item.sender_phone)
    return bool(phone4) and len(phone4) == 4 and phone4.isdigit() and digits.endswith(phone4)


def can(item: Feedback, action: actions.Action, actor, phone4: str = "") -> bool:
    """Whether ``actor`` may take ``action`` on ``item`` now (the table, nothing else)."""
    if item.status not in action.sources:
        return False
    if action.for_sender:
        return is_sender(item, actor, phone4)
    return has_role(actor, action.roles, item.current_unit)


def _begin(feedback: Feedback, code: str, actor, phone4: str = "") -> Feedback:
    """Lock the item, then check the table's row for ``code``; the locked item is returned."""
    action = actions.get(code)
    item = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("current_unit")
        .get(pk=feedback.pk)
    )
    actions.REGISTRY.check(item.status, code)  # 409 outside the table
    if action.for_sender:
        if not is_sender(item, actor, phone4):
            raise PermissionDenied(
                "Chỉ người gửi phản ánh mới thực hiện được thao tác này.", code="not_sender"
            )
    else:
        require_role(actor, action.roles, item.current_unit)
    return item


def _resume(item: Feedback, now: dt.datetime) -> float:
    """End a pause: its working hours extend the stage's limits."""
    if item.paused_at is None:
        return 0.0
    hours = max(0.0, clocks.working_hours(item.paused_at, now, unit=item.current_unit))
    item.stage_paused_hours += hours
    item.paused_hours += hours
    item.paused_at = None
    return hours


def _start_stage(item: Feedback, now: dt.datetime, due: dt.datetime | None) -> None:
    item.stage_started_at, item.stage_paused_hours, item.due_at = now, 0.0, due


def _current_round(item: Feedback) -> Round:
    return Round.objects.select_for_update().get(feedback=item, number=item.round)


@transaction.atomic
def feedback_accept(*, feedback, actor, note: str = "", now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "accept", actor)
    limit = _limit(item, "classify", now)
    item.round += 1
    rnd = Round.objects.create(
        feedback=item,
        number=item.round,
        unit=item.current_unit,
        started_at=now,
        due_at=clocks.after(now, "handle", unit=item.current_unit),
    )
    item.status = Status.HANDLING
    _start_stage(item, now, rnd.due_at)
    item.save()
    _record(
        item, events.ACCEPTED, actor, now, note=note, round=rnd.number, due_at=rnd.due_at, **limit
    )
    return item


@transaction.atomic
def feedback_request_info(*, feedback, actor, question: str, now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "request_info", actor)
    limit = _limit(item, "request_info", now)
    item.status, item.paused_at = Status.INFO_REQUESTED, now
    item.save()
    _record(item, events.INFO_REQUESTED, actor, now, question=question, **limit)
    return item


@transaction.atomic
def feedback_provide_info(
    *, feedback, actor=None, info: str, phone4: str = "", now=None
) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "provide_info", actor, phone4)
    paused = _resume(item, now)
    item.status = Status.NEW
    item.due_at = clocks.after(
        item.stage_started_at,
        "classify",
        unit=item.current_unit,
        extra_hours=item.stage_paused_hours,
    )
    item.save()
    _record(
        item, events.INFO_PROVIDED, actor, now, info=info, paused_hours=paused, due_at=item.due_at
    )
    return item


@transaction.atomic
def feedback_reject(*, feedback, actor, reason: str, now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "reject", actor)
    _resume(item, now)
    limit = _limit(item, "reject", now)
    item.status, item.closed_reason, item.closed_at = Status.REJECTED, reason, now
    item.due_at = None
    item.save()
    _record(item, events.REJECTED, actor, now, reason=reason, **limit)
    return item


@transaction.atomic
def feedback_transfer(
    *,
    feedback,
    actor,
    reason: str,
    to_unit=None,
    body_name: str = "",
    conduct: bool = False,
    now=None,
) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "transfer", actor)
    body_name = (body_name or "").strip()
    if isinstance(to_unit, int):
        to_unit = Unit.objects.filter(pk=to_unit).first()
        if to_unit is None:
            raise NotFound("Không tìm thấy đơn vị nhận.", code="unit_not_found")
    if (to_unit is None) == (not body_name):
        raise InvalidInput(
            "Chọn một đơn vị trong tỉnh hoặc ghi tên cơ quan ngoài tỉnh (chỉ một).",
            code="transfer_destination",
        )
    if to_unit is not None:
        if to_unit.pk == item.current_unit_id:
            raise InvalidInput(
                "Không thể chuyển cho chính đơn vị đang giữ phản ánh.", code="transfer_same_unit"
            )
        if not to_unit.is_active_on(timezone.localdate(now)):
            raise InvalidInput("Đơn vị nhận không còn hoạt động.", code="unit_inactive")
    limit = _limit(item, "transfer", now)
    source = item.current_unit
    Transfer.objects.create(
        feedback=item,
        from_unit=source,
        to_unit=to_unit,
        body_name=body_name,
        reason=reason,
        conduct=bool(conduct),
        at=now,
        limit_at=limit["limit_at"],
        by=actor,
    )
    payload = {"reason": reason, "conduct": bool(conduct), "from_unit": source.name, **limit}
    if to_unit is None:
        item.status, item.closed_at, item.closed_reason = Status.TRANSFERRED_OUT, now, reason
        item.due_at = None
        item.save()
        _record(item, events.TRANSFERRED_OUT, actor, now, body_name=body_name, **payload)
        return item
    item.current_unit = to_unit
    _start_stage(item, now, clocks.after(now, "classify", unit=to_unit))
    item.save()
    _record(
        item, events.TRANSFERRED, actor, now, to_unit=to_unit.name, due_at=item.due_at, **payload
    )
    return item


@transaction.atomic
def feedback_merge(*, feedback, actor, into_code: str, now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "merge", actor)
    target = (
        Feedback.objects.select_for_update().filter(code=(into_code or "").strip().upper()).first()
    )
    if target is None:
        raise NotFound("Không tìm thấy phản ánh gốc với mã đã nhập.", code="original_not_found")
    if target.pk == item.pk:
        raise InvalidInput("Không thể gộp phản ánh vào chính nó.", code="merge_self")
    if target.status in (Status.MERGED, Status.REJECTED, Status.TRANSFERRED_OUT):
        raise InvalidInput(
            "Phản ánh gốc đã kết thúc hoặc đã được gộp, không gộp vào được.",
            code="merge_target_closed",
        )
    _resume(item, now)
    Feedback.objects.filter(merged_into=item).update(merged_into=target)
    item.status, item.merged_into, item.closed_at, item.due_at = Status.MERGED, target, now, None
    item.save()
    _record(item, events.MERGED, actor, now, into=target.code)
    event_record(
        subject_type=events.SUBJECT,
        subject_id=target.pk,
        action=events.MERGED_IN,
        actor=actor,
        unit=target.current_unit,
        at=now,
        payload={"code": target.code, "status": target.status, "duplicate": item.code},
    )
    return item


@transaction.atomic
def feedback_draft(*, feedback, actor, answer: str, now=None, **criteria) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "draft", actor)
    rnd = _current_round(item)
    rnd.answer = answer.strip()
    rnd.assessment = {k: v.strip() for k, v in criteria.items() if v and v.strip()}
    rnd.drafted_by = actor
    rnd.save()
    item.status = Status.DRAFTED
    item.save()
    _record(
        item,
        events.DRAFTED,
        actor,
        now,
        round=rnd.number,
        limit="handle",
        limit_at=rnd.due_at,
        on_time=now <= rnd.due_at,
    )
    return item


@transaction.atomic
def feedback_send_back(*, feedback, actor, reason: str, now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "send_back", actor)
    item.status = Status.HANDLING
    item.save()
    _record(item, events.SENT_BACK, actor, now, reason=reason)
    return item


@transaction.atomic
def feedback_approve(*, feedback, actor, note: str = "", now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "approve", actor)
    rnd = _current_round(item)
    unit = item.current_unit
    if rnd.number == 1:  # from receipt, the information pauses excluded
        hours = clocks.working_hours(item.received_at, now, unit=unit) - item.paused_hours
    else:
        hours = clocks.working_hours(rnd.started_at, now, unit=unit)
    rnd.answered_at, rnd.approved_by, rnd.handling_hours = now, actor, max(0.0, hours)
    rnd.publish_due_at = clocks.after(now, "publish", unit=unit)
    rnd.save()
    item.status = Status.ANSWERED
    _start_stage(item, now, rnd.publish_due_at)
    item.save()
    _record(
        item,
        events.APPROVED,
        actor,
        now,
        note=note,
        round=rnd.number,
        limit="handle",
        limit_at=rnd.due_at,
        on_time=now <= rnd.due_at,
        handling_hours=rnd.handling_hours,
        publish_due_at=rnd.publish_due_at,
    )
    return item


def _notify_sender(item: Feedback) -> None:
    if not item.sender_email:
        return
    from django.core.mail import send_mail

    send_mail(
        f"Trả lời phản ánh {item.code}",
        f"Phản ánh «{item.title}» của Ông/Bà đã có câu trả lời. Tra cứu bằng mã {item.code} "
        "trên Cổng dịch vụ công của tỉnh.",
        None,
        [item.sender_email],
        fail_silently=True,
    )


@transaction.atomic
def feedback_publish(*, feedback, actor, now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "publish", actor)
    rnd = _current_round(item)
    rnd.published_at = now
    rnd.save()
    item.status, item.closed_at, item.due_at = Status.PUBLISHED, now, None
    item.save()
    _record(
        item,
        events.PUBLISHED,
        actor,
        now,
        round=rnd.number,
        public=item.is_public,
        limit="publish",
        limit_at=rnd.publish_due_at,
        on_time=now <= rnd.publish_due_at,
    )
    transaction.on_commit(lambda: _notify_sender(item))
    return item


@transaction.atomic
def feedback_reopen(*, feedback, actor=None, reason: str, phone4: str = "", now=None) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "reopen", actor, phone4)
    last = _current_round(item)
    published_at = last.published_at or now  # "reopen" is allowed only from a published answer
    limit_at = clocks.after(published_at, "reopen", unit=item.current_unit)
    if now > limit_at:
        raise TransitionNotAllowed(
            f"Đã hết thời hạn đề nghị xử lý lại (đến {vn_datetime(limit_at)}).",
            code="reopen_expired",
        )
    item.round += 1
    rnd = Round.objects.create(
        feedback=item,
        number=item.round,
        unit=item.current_unit,
        started_at=now,
        due_at=clocks.after(now, "handle", unit=item.current_unit),
        reopen_reason=reason,
    )
    item.status, item.closed_at = Status.HANDLING, None
    _start_stage(item, now, rnd.due_at)
    item.save()
    _record(
        item,
        events.REOPENED,
        actor,
        now,
        reason=reason,
        round=rnd.number,
        due_at=rnd.due_at,
        limit="reopen",
        limit_at=limit_at,
        on_time=True,
    )
    return item


@transaction.atomic
def feedback_rate(
    *, feedback, actor=None, rating: int, comment: str = "", phone4: str = "", now=None
) -> Feedback:
    now = _now(now)
    item = _begin(feedback, "rate", actor, phone4)
    if not 1 <= int(rating) <= 5:
        raise InvalidInput("Mức hài lòng từ 1 đến 5.", code="rating_invalid")
    rnd = _current_round(item)
    if rnd.rating is not None:
        raise Conflict("Câu trả lời này đã được đánh giá.", code="already_rated")
    rnd.rating, rnd.rating_comment = int(rating), comment.strip()
    rnd.save()
    _record(item, events.RATED, actor, now, round=rnd.number, rating=int(rating))
    return item


def feedback_perform(
    *, feedback: Feedback, action: str, actor, data: dict, now: dt.datetime | None = None
) -> Feedback:
    """Validate ``data`` with the action's schema and call its service (pages and API)."""
    row = actions.get(action)
    try:
        clean = row.schema.model_validate(data)
    except ValidationError as error:
        fields = [actions.form_label(row, e["loc"]) for e in error.errors()]
        raise InvalidInput(
            f"Dữ liệu không hợp lệ ở: {', '.join(fields)}.", code="invalid_input"
        ) from None
    values = clean.model_dump()
    if not row.for_sender:
        values.pop("phone4", None)
    service = globals()[row.service]
    return service(feedback=feedback, actor=actor, now=now, **values)


# ------------------------------------------------------------------ Open311 keys


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_key_issue(
    *, actor, organization: str, receiving_unit: Unit, per_hour: int = 60, now=None
) -> tuple[Open311Key, str]:
    """Issue a key to a partner organization; the plain key is returned once, never stored."""
    require_role(actor, (Role.PROVINCE_ADMIN,))
    organization = (organization or "").strip()
    if not organization:
        raise InvalidInput("Ghi tên tổ chức được cấp khóa.", code="organization_required")
    plain = "o311_" + secrets.token_urlsafe(30)
    key = Open311Key.objects.create(
        organization=organization[:255],
        prefix=plain[:12],
        key_hash=_hash(plain),
        receiving_unit=receiving_unit,
        per_hour=max(1, int(per_hour)),
        created_at=_now(now),
    )
    event_record(
        subject_type=events.KEY_SUBJECT,
        subject_id=key.pk,
        action=events.KEY_ISSUED,
        actor=actor,
        payload={"organization": key.organization, "prefix": key.prefix},
    )
    return key, plain


@transaction.atomic
def open311_key_revoke(*, actor, key: Open311Key, now=None) -> Open311Key:
    require_role(actor, (Role.PROVINCE_ADMIN,))
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = _now(now)
        key.save(update_fields=["revoked_at"])
        event_record(
            subject_type=events.KEY_SUBJECT,
            subject_id=key.pk,
            action=events.KEY_REVOKED,
            actor=actor,
            payload={"prefix": key.prefix},
        )
    return key


def open311_key_check(plain: str) -> Open311Key:
    """The live key for ``plain`` (PermissionDenied otherwise), counted against its limit."""
    from motcua.feedback.limits import count

    key = Open311Key.objects.filter(key_hash=_hash(plain or ""), revoked_at__isnull=True).first()
    if not plain or key is None:
        raise PermissionDenied("Khóa API không hợp lệ hoặc đã bị thu hồi.", code="api_key_invalid")
    count(
        kind="open311",
        value=key.key_hash,
        limit=key.per_hour,
        message="Khóa API đã vượt số yêu cầu cho phép trong một giờ.",
    )
    return key
