"""Input checked at the edge, with limits that match the model fields.

Reusable field types for ninja schemas (and plain pydantic):

- ``Text(max_length)``: a string cleaned like every stored name (NFC, zero-width characters
  removed, stripped: ``motcua.core.text.clean_text``), at most ``max_length`` characters and
  free of NUL and other control characters (tab and line breaks allowed);
- ``Amount``: a whole number of đồng, 0 … 10^12 (a ``BigIntegerField``/``PositiveBigIntegerField``
  and a ``DecimalField(max_digits=15)`` both hold it);
- ``Money(max_digits, decimal_places)``: a decimal that fits ``DecimalField(max_digits,
  decimal_places)``, finite, not negative;
- ``Hours``: a number of hours, 0 … 10,000, finite (``1e30`` is refused);
- ``Day``: a date between 01/01/1900 and 31/12/2100 (no 31/12/9999);
- ``Email``: an e-mail address checked by Django's validator, at most 254 characters.

Each refusal carries a Vietnamese message; ``vietnamese_errors`` turns pydantic's errors (these
and every other: missing fields, wrong types, JSON) into ``{"field", "type", "error"}`` items in
Vietnamese, which ``motcua.api`` answers as ``{"code": "invalid_input", "message", ...}``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from motcua.core.text import clean_text

MAX_AMOUNT = 10**12  # đồng: far above any fee, well inside a 64-bit integer
MAX_HOURS = 10_000
MIN_DAY = dt.date(1900, 1, 1)
MAX_DAY = dt.date(2100, 12, 31)

_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def _no_control(value: str) -> str:
    if any(ch in _CONTROL for ch in value):
        raise PydanticCustomError("control_character", "chứa ký tự điều khiển không hợp lệ")
    return value


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def Text(max_length: int, *, min_length: int = 0, **field: Any) -> Any:  # noqa: N802
    """A cleaned string of at most ``max_length`` characters (the model field's max_length)."""
    # the constraints come before the cleaning validator so that they apply to the string
    # (``string_too_long``) after it was cleaned
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, **field),
        BeforeValidator(_clean),
        AfterValidator(_no_control),
    ]


def _finite(value: Any) -> Any:
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "phải là một số hữu hạn")
    return value


Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT, description="Số tiền (đồng)")]


def Money(max_digits: int = 15, decimal_places: int = 0, **field: Any) -> Any:  # noqa: N802
    """A decimal that fits ``DecimalField(max_digits, decimal_places)``."""
    return Annotated[
        Decimal,
        Field(ge=0, max_digits=max_digits, decimal_places=decimal_places, **field),
        BeforeValidator(_finite),
    ]


Hours = Annotated[float, Field(ge=0, le=MAX_HOURS, allow_inf_nan=False), BeforeValidator(_finite)]


def _sane_day(value: dt.date) -> dt.date:
    if not MIN_DAY <= value <= MAX_DAY:
        raise PydanticCustomError(
            "date_range",
            "phải trong khoảng 01/01/1900 – 31/12/2100",
        )
    return value


Day = Annotated[dt.date, AfterValidator(_sane_day)]


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise PydanticCustomError("email", "không phải địa chỉ thư điện tử hợp lệ") from None
    return value.lower() if value else value


Email = Annotated[
    str,
    Field(max_length=254, description="Địa chỉ thư điện tử"),
    BeforeValidator(_clean),
    AfterValidator(_email),
]

# ------------------------------------------------------------------ messages in Vietnamese

_MESSAGES = {
    "missing": "bắt buộc phải có",
    "string_too_long": "dài quá {max_length} ký tự",
    "string_too_short": "phải có ít nhất {min_length} ký tự",
    "string_type": "phải là chuỗi ký tự",
    "string_pattern_mismatch": "sai định dạng",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "finite_number": "phải là một số hữu hạn",
    "decimal_type": "phải là số",
    "decimal_parsing": "phải là số",
    "decimal_max_digits": "có quá {max_digits} chữ số",
    "decimal_max_places": "có quá {decimal_places} chữ số thập phân",
    "decimal_whole_digits": "phần nguyên có quá {whole_digits} chữ số",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "không được vượt quá {le}",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "date_type": "phải là ngày (YYYY-MM-DD)",
    "date_parsing": "phải là ngày (YYYY-MM-DD)",
    "date_from_datetime_parsing": "phải là ngày (YYYY-MM-DD)",
    "date_from_datetime_inexact": "phải là ngày (YYYY-MM-DD)",
    "datetime_type": "phải là thời điểm (ISO 8601)",
    "datetime_parsing": "phải là thời điểm (ISO 8601)",
    "datetime_from_date_parsing": "phải là thời điểm (ISO 8601)",
    "time_parsing": "phải là giờ (HH:MM)",
    "uuid_parsing": "phải là mã UUID",
    "uuid_type": "phải là mã UUID",
    "enum": "phải là một trong: {expected}",
    "literal_error": "phải là một trong: {expected}",
    "list_type": "phải là danh sách",
    "dict_type": "phải là đối tượng JSON",
    "model_type": "phải là đối tượng JSON",
    "model_attributes_type": "phải là đối tượng JSON",
    "too_long": "có quá nhiều phần tử (tối đa {max_length})",
    "too_short": "phải có ít nhất {min_length} phần tử",
    "json_invalid": "không phải JSON hợp lệ",
    "extra_forbidden": "không được phép",
    "value_error": "không hợp lệ",
    "assertion_error": "không hợp lệ",
    "date_range": "phải trong khoảng 01/01/1900 – 31/12/2100",
    "control_character": "chứa ký tự điều khiển không hợp lệ",
    "email": "không phải địa chỉ thư điện tử hợp lệ",
}


def vietnamese_message(error: dict) -> str:
    kind = error.get("type", "")
    template = _MESSAGES.get(kind)
    if template is None:
        return "không hợp lệ"
    ctx = {k: _show(v).replace(" or ", " hoặc ") for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].strip() or "không hợp lệ"


def _show(value: Any) -> str:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}".replace(",", ".")
    return str(value)
