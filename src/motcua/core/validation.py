"""Request validation errors (pydantic) said in Vietnamese, per field."""

from __future__ import annotations

from typing import Any

# pydantic error type → Vietnamese message ({…} filled from the error's ctx)
_MESSAGES = {
    "missing": "Bắt buộc nhập.",
    "string_too_short": "Cần ít nhất {min_length} ký tự.",
    "string_too_long": "Tối đa {max_length} ký tự.",
    "too_short": "Cần ít nhất {min_length} phần tử.",
    "too_long": "Tối đa {max_length} phần tử.",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "float_parsing": "Phải là số.",
    "float_type": "Phải là số.",
    "decimal_parsing": "Phải là số.",
    "decimal_type": "Phải là số.",
    "decimal_max_digits": "Quá nhiều chữ số.",
    "decimal_max_places": "Quá nhiều chữ số thập phân.",
    "bool_parsing": "Phải là đúng hoặc sai (true/false).",
    "bool_type": "Phải là đúng hoặc sai (true/false).",
    "string_type": "Phải là chuỗi ký tự.",
    "string_pattern_mismatch": "Không đúng định dạng.",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_from_datetime_inexact": "Chỉ nhập ngày, không kèm giờ.",
    "date_type": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "datetime_parsing": "Thời điểm không hợp lệ (định dạng ISO 8601).",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ (định dạng ISO 8601).",
    "datetime_type": "Thời điểm không hợp lệ (định dạng ISO 8601).",
    "time_parsing": "Giờ không hợp lệ (HH:MM).",
    "literal_error": "Chỉ nhận một trong các giá trị: {expected}.",
    "enum": "Chỉ nhận một trong các giá trị: {expected}.",
    "list_type": "Phải là danh sách.",
    "dict_type": "Phải là đối tượng JSON.",
    "model_type": "Phải là đối tượng JSON.",
    "model_attributes_type": "Phải là đối tượng JSON.",
    "json_invalid": "JSON không hợp lệ.",
    "json_type": "JSON không hợp lệ.",
    "extra_forbidden": "Trường không được phép.",
    "uuid_parsing": "Mã UUID không hợp lệ.",
    "url_parsing": "Địa chỉ URL không hợp lệ.",
    "value_error": "Giá trị không hợp lệ.",
}


def vietnamese(error: dict[str, Any]) -> str:
    """The Vietnamese message for one pydantic error (a validator's own message kept)."""
    kind = error.get("type", "")
    msg = str(error.get("msg", ""))
    if kind in ("value_error", "assertion_error"):
        # our validators raise ValueError("<Vietnamese>"): pydantic prefixes "Value error, "
        own = (
            msg.split(", ", 1)[1] if msg.startswith(("Value error, ", "Assertion failed, ")) else ""
        )
        if own:
            return own
    template = _MESSAGES.get(kind)
    if template is None:
        return "Giá trị không hợp lệ."
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip(": ") + "."
