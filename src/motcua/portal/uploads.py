"""Uploaded dossier files: PDF, JPEG or PNG, recognised by their content, never by their name.

A renamed program (``giay-to.pdf`` that starts with ``MZ``) is refused; so is a file whose
header is right but whose body is not a readable document (truncated PDF, broken image).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile

from motcua.core.errors import InvalidInput

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
}


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_PORTAL_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    """A file whose content was checked; ``name`` is ours, not the uploader's."""

    kind: str
    content_type: str
    size: int
    sha256: str
    data: bytes

    def as_django_file(self, stem: str) -> ContentFile:
        return ContentFile(self.data, name=f"{stem}{KINDS[self.kind][1]}")


def sniff(data: bytes) -> str | None:
    """The kind of a file from its first bytes and its structure, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf" if _pdf_ok(data) else None
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg" if _image_ok(data, "JPEG") else None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _image_ok(data, "PNG") else None
    return None


def _pdf_ok(data: bytes) -> bool:
    # A PDF ends with %%EOF (possibly followed by white space) and has at least one object.
    return b"%%EOF" in data[-1024:] and b" obj" in data


def _image_ok(data: bytes, expected: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return False
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def check_upload(upload, *, label: str) -> CheckedFile:
    """Read an uploaded file and check its size and real type; InvalidInput otherwise."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_big(label, limit)
    chunks, total = [], 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        total += len(chunk)
        if total > limit:
            raise _too_big(label, limit)
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise InvalidInput(f"Tệp «{label}» rỗng.", code="file_empty", component=label)
    kind = sniff(data)
    if kind is None:
        raise InvalidInput(
            f"Tệp «{label}» không phải PDF, JPEG hoặc PNG hợp lệ (hệ thống kiểm tra nội dung "
            "tệp, không dựa vào tên tệp).",
            code="file_type",
            component=label,
        )
    return CheckedFile(
        kind=kind,
        content_type=KINDS[kind][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def _too_big(label: str, limit: int) -> InvalidInput:
    megabytes = limit / (1024 * 1024)
    return InvalidInput(
        f"Tệp «{label}» vượt quá dung lượng cho phép ({megabytes:g} MB).",
        code="file_too_large",
        component=label,
    )
