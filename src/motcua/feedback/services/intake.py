"""Intake of feedback from every channel (portal, desk, hotline, e-mail, Open311).

One transaction: the item, its checked attachments and its first history event; the clock of
the classification stage starts from the work calendar of the receiving unit.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput
from motcua.core.formats import VN_TZ
from motcua.core.text import fold
from motcua.feedback import actions, clocks, events
from motcua.feedback import files as feedback_files
from motcua.feedback.errors import FeedbackError
from motcua.feedback.limits import intake_throttle
from motcua.feedback.models import Attachment, Channel, Feedback, Status
from motcua.feedback.services.common import now_or, record
from motcua.organization.models import Unit, UnitKind
from motcua.organization.permissions import require_role

PHONE = re.compile(r"^\+?[0-9 .-]{9,15}$")
OFFICE_CHANNELS = (Channel.DESK, Channel.HOTLINE, Channel.EMAIL)


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
        raise InvalidInput(
            "Chưa có đơn vị tiếp nhận phản ánh.", code=FeedbackError.NO_RECEIVING_UNIT
        )
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
        raise InvalidInput(f"{name} không hợp lệ.", code=FeedbackError.COORDINATE_INVALID) from None
    if not -bound <= number <= bound:
        raise InvalidInput(
            f"{name} phải trong khoảng ±{bound}.", code=FeedbackError.COORDINATE_INVALID
        )
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
            code=FeedbackError.SENDER_REQUIRED,
        )
    if not PHONE.match(phone):
        raise InvalidInput("Số điện thoại không hợp lệ.", code=FeedbackError.PHONE_INVALID)
    return name[:200], phone, address[:500]


def _media_url(value: str) -> str:
    """A link to media the client hosts (Open311 ``media_url``): kept as a link for the
    officers, never fetched by the server and never served again (docs/feedback.md)."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise InvalidInput(
            "media_url phải là địa chỉ http(s) hợp lệ.", code=FeedbackError.MEDIA_URL_INVALID
        ) from None
    if len(value) > 500:
        raise InvalidInput("media_url dài quá 500 ký tự.", code=FeedbackError.MEDIA_URL_INVALID)
    return value


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
    media_url: str = "",
    receiving_unit=None,
    client: str = "",
    throttle: bool = True,
    now: dt.datetime | None = None,
) -> Feedback:
    """Receive one feedback (portal, desk, hotline, e-mail, Open311) and start its clock."""
    now = now_or(now)
    if channel not in Channel.values:
        raise InvalidInput("Kênh tiếp nhận không hợp lệ.", code=FeedbackError.CHANNEL_INVALID)
    if channel in OFFICE_CHANNELS:
        if receiving_unit is None:
            raise InvalidInput("Chọn đơn vị tiếp nhận.", code=FeedbackError.UNIT_REQUIRED)
        require_role(actor, actions.OFFICERS, receiving_unit)
    elif channel == Channel.PORTAL and throttle and not (actor and actor.is_authenticated):
        intake_throttle(client=client, now=now)
    title, content = (title or "").strip(), (content or "").strip()
    if not title or not content:
        raise InvalidInput(
            "Phản ánh phải có tiêu đề và nội dung.", code=FeedbackError.CONTENT_REQUIRED
        )
    if len(title) > 255 or len(content) > 20000:
        raise InvalidInput("Tiêu đề hoặc nội dung quá dài.", code=FeedbackError.CONTENT_TOO_LONG)
    if actor is not None and actor.is_authenticated and channel == Channel.PORTAL:
        sender_name = sender_name or actor.get_full_name() or actor.get_username()
        sender_email = sender_email or actor.email
    name, phone, address = _clean_sender(sender_name, sender_phone, sender_address)
    checked = feedback_files.check_files(files)
    return _submit(
        media_url=_media_url(media_url),
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
    media_url,
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
        media_url=media_url,
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
        raise Conflict(
            "Không tạo được mã phản ánh, vui lòng thử lại.", code=FeedbackError.CODE_COLLISION
        )
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
    record(
        item,
        events.SUBMITTED,
        actor if channel in OFFICE_CHANNELS else None,
        now,
        channel=channel,
        due_at=item.due_at,
        files=len(checked),
    )
    return item
