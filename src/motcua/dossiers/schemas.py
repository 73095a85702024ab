"""Typed inputs of the dossier actions and of intake, validated at the edge.

Limits match the model (a longer value would fail in the database, not here); amounts,
hours and dates are bounded so that ``1e30`` or the year 9999 is a 400, never a crash; a NUL
byte in any text is refused (PostgreSQL cannot store it). Pages and the API parse the same
schemas, so both refuse the same input with the same Vietnamese message.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, get_origin

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints, ValidationError, model_validator

from motcua.core.errors import InvalidInput

MAX_TEXT = 4000  # free text stored in a TextField or an event payload
MAX_AMOUNT = Decimal("1e14")  # fee_due / fee_paid: max_digits=14, decimal_places=0
MAX_HOURS = 10_000.0  # a consultation's working hours (≈ 4 years of working days)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _no_nul(value: Any) -> Any:
    """Refuse a NUL byte anywhere in the input (strings, lists, nested objects)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("không được chứa ký tự NUL")
    elif isinstance(value, dict):
        for item in value.values():
            _no_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)
    return value


def text(max_length: int, min_length: int = 0):
    """A string of at most ``max_length`` characters, without NUL bytes."""
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length),
        AfterValidator(_no_nul),
    ]


def _in_range(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("thời điểm phải có múi giờ")
    if not EARLIEST <= value < LATEST:
        raise ValueError("thời điểm phải trong khoảng năm 2000–2099")
    return value


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError("ngày phải trong khoảng năm 2000–2099")
    return value


def _email(value: str) -> str:
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as error:
            raise ValueError("địa chỉ thư điện tử không hợp lệ") from error
    return value


Moment = Annotated[dt.datetime, AfterValidator(_in_range)]
Day = Annotated[dt.date, AfterValidator(_date_in_range)]
Amount = Annotated[Decimal, Field(gt=0, lt=MAX_AMOUNT, allow_inf_nan=False)]
Code = text(64)
Username = text(150)
Reason = text(MAX_TEXT, min_length=1)
Note = text(MAX_TEXT)


class Input(Schema):
    """Base of every dossier input: no NUL byte anywhere, whatever the field's type."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        if isinstance(data, dict):
            _no_nul(data)
        return data


class Versioned(Input):
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="phiên bản hồ sơ đã đọc (chống ghi đè)"
    )


class ReasonIn(Versioned):
    reason: Reason


class ReasonsIn(Versioned):
    reasons: Reason


class TransferIn(Versioned):
    to_unit: Code | None = Field(None, description="mã đơn vị (mặc định: cơ quan giải quyết)")
    assignee: Username | None = None
    note: Note = ""


class AssignIn(Versioned):
    assignee: Username


class CompleteStepIn(Versioned):
    next_assignee: Username | None = None
    note: Note = ""


class SendBackIn(Versioned):
    to_step: int = Field(..., ge=1, le=1000)
    reason: Reason


class ConsultIn(Versioned):
    unit: Code
    question: Reason
    hours: float | None = Field(None, gt=0, le=MAX_HOURS, allow_inf_nan=False)


class OpinionIn(Versioned):
    consultation: int = Field(..., ge=1, le=2**63 - 1)
    opinion: Reason


class SupplementRequestIn(Versioned):
    items: list[text(500)] = Field(..., min_length=1, max_length=100)
    reason: Note = ""


class NoteIn(Versioned):
    note: Note = ""


class PaymentRequestIn(Versioned):
    amount: Amount
    note: Note = ""


class PaymentIn(Versioned):
    amount: Amount
    receipt: text(100) = ""


class ApproveIn(Versioned):
    number: text(100, min_length=1)
    date: Day
    signer: text(255, min_length=1)


class ReturnIn(Versioned):
    method: Literal["desk", "post", "online"]
    received_by: text(255, min_length=1)
    note: Note = ""


class LateEntryIn(Versioned):
    occurred_at: Moment
    description: Reason
    reason: Note


class ApologizeIn(Versioned):
    reason: Reason
    new_due_at: Moment


# ---------------------------------------------------------------- intake


class ApplicantIn(Input):
    kind: Literal["person", "organization"] = "person"
    name: text(255, min_length=1)
    id_number: text(20, min_length=1)
    phone: text(20) = ""
    email: Annotated[text(254), AfterValidator(_email)] = ""
    address: text(500) = ""


class ChecklistIn(Input):
    component: int | None = Field(
        None, ge=1, le=2**63 - 1, description="id thành phần hồ sơ của thủ tục"
    )
    name: text(500) = ""
    provided: bool = True
    copy_kind: Literal["original", "certified", "copy", "electronic"] = "original"
    quantity: int = Field(1, ge=1, le=1000)
    missing_note: text(500) = ""


class IntakeIn(Input):
    procedure: Code = Field(..., description="mã thủ tục")
    outcome: Literal["receive", "request_completion", "refuse"] = "receive"
    unit: Code | None = Field(None, description="mã đơn vị tiếp nhận (mặc định: của cán bộ)")
    competent_unit: Code | None = None
    channel: Literal["in_person", "postal"] = "in_person"
    postal_tracking: text(40) = ""
    return_method: Literal["desk", "post", "online"] = "desk"
    applicant: ApplicantIn
    checklist: list[ChecklistIn] | None = Field(
        None, max_length=200, description="bỏ trống: nộp đủ mọi thành phần theo danh mục"
    )
    fee_due: Decimal | None = Field(None, ge=0, lt=MAX_AMOUNT, allow_inf_nan=False)
    note: Note = ""
    reasons: Note = Field("", description="lý do từ chối / nội dung cần hoàn thiện")


class IntakeTextIn(Input):
    """The free-text fields of the intake page (the API takes them in ``IntakeIn``)."""

    postal_tracking: text(40) = ""
    note: Note = ""
    reasons: Note = ""


def parse(schema: type[Schema], data: dict[str, Any]) -> Any:
    """``data`` validated by ``schema``, or InvalidInput naming the fields (for pages)."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        names = sorted({".".join(str(p) for p in e["loc"]) or "?" for e in error.errors()})
        raise InvalidInput(
            f"Dữ liệu không hợp lệ ở: {', '.join(names)} (quá dài, sai định dạng hoặc vượt "
            "giới hạn).",
            fields=names,
        ) from error


def _page_value(annotation: Any, raw: str) -> Any:
    """A page's text field as the schema's type expects it (lists, VN amounts, local times)."""
    if get_origin(annotation) is list:
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if annotation is Decimal:
        return raw.replace(".", "").replace(",", ".").strip()  # 1.234,5 → 1234.5
    if annotation is dt.datetime:
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        try:
            moment = parse_datetime(raw)
        except ValueError:
            moment = None
        if moment is None:
            return raw
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    return raw


def from_page(schema: type[Schema], post) -> Any:
    """Build ``schema`` from a page's POST: empty optional fields take their default."""
    data: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        raw = post.get(name)
        if raw is None or (raw == "" and not info.is_required()):
            continue
        data[name] = _page_value(info.annotation, raw)
    if not str(data.get("version", "")).isdigit():
        data.pop("version", None)  # a missing or garbled version is not checked (as before)
    return parse(schema, data)
