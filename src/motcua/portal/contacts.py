"""A citizen's contacts as stored: phone numbers as 0xxxxxxxxx, e-mail addresses lower case.

Pure checks (no write): the account, submission and look-up services normalise with these.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from motcua.core.errors import InvalidInput
from motcua.portal.errors import PortalError


def normalize_phone(raw: str | None) -> str:
    """Vietnamese mobile numbers as 0xxxxxxxxx; '' for empty; InvalidInput if malformed."""
    digits = re.sub(r"[\s.()-]", "", raw or "")
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{9}", digits):
        raise InvalidInput(
            "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678).",
            code=PortalError.PHONE_INVALID,
        )
    return digits


def normalize_email(raw: str | None) -> str:
    email = (raw or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvalidInput(
            "Địa chỉ thư điện tử không hợp lệ.", code=PortalError.EMAIL_INVALID
        ) from error
    return email
