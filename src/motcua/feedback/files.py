"""Attachments of feedback: JPEG, PNG or PDF recognised by their content, at most 5 per item.

The content check is the project's ``motcua.core.files.check_content`` (being strengthened by
the security work: PDFs parsed, images re-encoded); until that function is on this branch the
same check as the portal's runs here (first bytes and structure, never the name).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile

from motcua.core import files as core_files
from motcua.core.errors import InvalidInput
from motcua.feedback.errors import FeedbackError

MAX_FILES = 5
KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
}


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_FEEDBACK_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))


@dataclass(frozen=True)
class Checked:
    name: str
    kind: str
    size: int
    sha256: str
    data: bytes

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    def django_file(self, stem: str) -> ContentFile:
        # content already checked: the shared checked storage, when present, takes it as is
        cls = getattr(core_files, "CheckedContentFile", ContentFile)
        return cls(self.data, name=f"{stem}{KINDS[self.kind][1]}")


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


def _local_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf" if b"%%EOF" in data[-1024:] and b" obj" in data else None
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg" if _image_ok(data, "JPEG") else None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _image_ok(data, "PNG") else None
    return None


def check_content(data: bytes, *, label: str) -> tuple[str, bytes]:
    """(kind, bytes to store) of a checked file; InvalidInput ``file_type`` otherwise."""
    shared = getattr(core_files, "check_content", None)
    if shared is not None:
        checked = shared(data, label=label)
        return checked.kind, checked.data
    kind = _local_kind(data)
    if kind is None:
        raise InvalidInput(
            f"Tệp «{label}» không phải ảnh JPEG, PNG hoặc PDF hợp lệ (hệ thống kiểm tra "
            "nội dung tệp, không dựa vào tên tệp).",
            code=FeedbackError.FILE_TYPE,
        )
    return kind, data


def check_files(uploads) -> list[Checked]:
    """Read and check every upload; InvalidInput (nothing kept) at the first bad one."""
    uploads = [u for u in uploads or [] if u is not None]
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            f"Chỉ được đính kèm tối đa {MAX_FILES} tệp.", code=FeedbackError.TOO_MANY_FILES
        )
    limit, checked = max_bytes(), []
    for upload in uploads:
        label = getattr(upload, "name", "") or "tệp"
        data = upload.read() if hasattr(upload, "read") else bytes(upload)
        if len(data) > limit:
            raise InvalidInput(
                f"Tệp «{label}» vượt quá dung lượng cho phép ({limit / 1048576:g} MB).",
                code=FeedbackError.FILE_TOO_LARGE,
            )
        if not data:
            raise InvalidInput(f"Tệp «{label}» rỗng.", code=FeedbackError.FILE_EMPTY)
        kind, stored = check_content(data, label=label)
        checked.append(
            Checked(label[:255], kind, len(stored), hashlib.sha256(stored).hexdigest(), stored)
        )
    return checked
