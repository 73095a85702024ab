"""Personal data shown on lists, public pages and in logs: enough to recognise, not to use."""

from __future__ import annotations


def mask_middle(value: str, keep: int = 3) -> str:
    """An identifier with only its ends shown: 038090001234 → 038******234."""
    if len(value) <= keep * 2:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - keep * 2) + value[-keep:]


def mask_phone(phone: str) -> str:
    """Only the last 4 digits: 0912000111 → ******0111."""
    return f"{'*' * max(len(phone) - 4, 0)}{phone[-4:]}" if phone else ""


def mask_email(email: str) -> str:
    """The first letter and the domain: an@example.vn → a***@example.vn."""
    if "@" not in email:
        return ""
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' → 'N***** V** An': enough for the applicant, not for a stranger."""
    parts = (name or "").split()
    if len(parts) <= 1:
        return (name[:1] + "***") if name else ""
    return " ".join([*(p[0] + "*" * (len(p) - 1) for p in parts[:-1]), parts[-1]])
