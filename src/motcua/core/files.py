"""Stored files are never public. Each is served by a view that first checked who asks
(the dossier's officers, its applicant, the reform staff); nothing under MEDIA_ROOT has a URL
of its own."""

from __future__ import annotations

import contextvars
import hashlib
import io
import logging
import posixpath
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import FileResponse

from motcua.core.errors import CoreError, InvalidInput, NotFound

logger = logging.getLogger(__name__)

#: Shown in the browser; anything else is downloaded (an uploaded page never runs here).
INLINE = {".pdf", ".png", ".jpg", ".jpeg"}


def file_response(file, *, name: str | None = None) -> FileResponse:
    """The stored file as a private, non-cached response; NotFound if it is missing."""
    if not file or not file.name or not file.storage.exists(file.name):
        raise NotFound("Không tìm thấy tệp.", code=CoreError.FILE_NOT_FOUND)
    name = name or posixpath.basename(file.name)
    inline = posixpath.splitext(name)[1].lower() in INLINE
    response = FileResponse(
        file.storage.open(file.name, "rb"), filename=name, as_attachment=not inline
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ content check (uploads)
#
# Every uploaded file passes ``check_content`` before it is stored, whoever sends it and
# whatever it is called: the portal (``motcua.portal.uploads``), the officers' scans and
# results, the reform evidence. ``CheckedStorage`` (the default storage) applies it to every
# file written under ``UPLOAD_DIRS``, so a service that saves an upload cannot skip it.

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
}
#: Folders (FileField.upload_to) whose files come from outside and are checked on save.
UPLOAD_DIRS = ("dossiers/files/", "dossiers/results/", "reform/evidence/", "portal/")
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: Markup a browser would run or render, refused in the first bytes of a PDF.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed)\b"
    rb"|javascript:",  # not <?xml: a PDF's XMP metadata may sit in its first bytes
    re.IGNORECASE,
)
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


@dataclass(frozen=True)
class CheckedContent:
    """A file whose content was checked (images re-encoded); ``data`` is what to store."""

    kind: str
    content_type: str
    size: int
    sha256: str
    data: bytes

    @property
    def extension(self) -> str:
        return KINDS[self.kind][1]

    def as_django_file(self, stem: str) -> CheckedContentFile:
        return CheckedContentFile(self.data, name=f"{stem}{self.extension}")


class CheckedContentFile(ContentFile):
    """Content that already passed ``check_content``: the storage does not check it again."""

    checked = True


def max_upload_bytes() -> int:
    return int(getattr(settings, "MOTCUA_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def read_limited(upload, *, label: str, limit: int | None = None) -> bytes:
    """All the bytes of an upload, refusing more than ``limit`` without reading them all."""
    limit = limit or max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise too_big(label, limit)
    if hasattr(upload, "seek"):
        try:
            upload.seek(0)
        except (OSError, ValueError):
            pass
    chunks, total = [], 0
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        total += len(chunk)
        if total > limit:
            raise too_big(label, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_big(label: str, limit: int) -> InvalidInput:
    return InvalidInput(
        f"Tệp «{label}» vượt quá dung lượng cho phép ({limit / (1024 * 1024):g} MB).",
        code=CoreError.FILE_TOO_LARGE,
        component=label,
    )


def check_content(data: bytes, *, label: str) -> CheckedContent:
    """The file's real type from its content: a PDF that parses, or a JPEG/PNG image that
    Pillow decodes and re-encodes (dropping metadata and anything appended). Everything else
    (SVG, HTML, scripts, programs, a PDF header over an HTML body) is refused with
    InvalidInput ``file_type``; an empty file with ``file_empty``."""
    if not data:
        raise InvalidInput(f"Tệp «{label}» rỗng.", code=CoreError.FILE_EMPTY, component=label)
    kind, stored = None, None
    if data.startswith(b"%PDF-"):
        # a PDF header over an HTML or SVG body is a page a browser would render
        if _MARKUP.search(data[:4096]) is None and _pdf_ok(data):
            kind, stored = "pdf", data
    elif data.startswith(b"\xff\xd8\xff"):
        kind, stored = "jpeg", _reencoded(data, "JPEG")
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, stored = "png", _reencoded(data, "PNG")
    if kind is None or stored is None:
        raise InvalidInput(
            f"Tệp «{label}» không phải PDF, JPEG hoặc PNG hợp lệ (hệ thống kiểm tra nội dung "
            "tệp, không dựa vào tên tệp).",
            code=CoreError.FILE_TYPE,
            component=label,
        )
    return CheckedContent(
        kind=kind,
        content_type=KINDS[kind][0],
        size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        data=stored,
    )


def sniff(data: bytes) -> str | None:
    """The accepted kind of a file ("pdf", "jpeg", "png"), or None."""
    try:
        return check_content(data, label="").kind
    except InvalidInput:
        return None


def _pdf_ok(data: bytes) -> bool:
    """A PDF that pypdf reads to its pages, with no script, launch action or attachment."""
    import logging

    from pypdf import PdfReader

    if _PDF_ACTIVE.search(data):
        return False
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # a slightly damaged but readable PDF is fine
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return False
            pages = reader.pages
            if len(pages) < 1:
                return False
            for page in pages[:50]:
                page.mediabox  # noqa: B018 - each page object must resolve
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        return False
    finally:
        pypdf_log.setLevel(level)
    return True


def _reencoded(data: bytes, expected: str) -> bytes | None:
    """The image decoded and saved again by Pillow, or None if it is not one."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected or image.width * image.height > MAX_PIXELS:
                    return None
                image.load()
                out = io.BytesIO()
                if expected == "JPEG":
                    if image.mode not in ("RGB", "L", "CMYK"):
                        image = image.convert("RGB")
                    image.save(out, format="JPEG", quality=90, optimize=True)
                else:
                    image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning):
        return None
    except Image.DecompressionBombError:
        return None
    return out.getvalue()


class ContentCheckMixin:
    """For any storage class: files written under ``UPLOAD_DIRS`` are checked first (and
    stored under an extension that matches their content), and a file whose transaction is
    rolled back is deleted at the end of the request (``OrphanFilesMiddleware``)."""

    def _save(self, name, content):
        if name.replace("\\", "/").startswith(UPLOAD_DIRS) and not getattr(
            content, "checked", False
        ):
            label = posixpath.basename(name)
            checked = check_content(read_limited(content, label=label), label=label)
            name = posixpath.splitext(name)[0] + checked.extension
            content = CheckedContentFile(checked.data, name=posixpath.basename(name))
        saved = super()._save(name, content)
        _track(self, saved)
        return saved


class CheckedStorage(ContentCheckMixin, FileSystemStorage):
    """The file system storage with the content check (the default)."""


# ------------------------------------------------------------------ orphan files

_PENDING: contextvars.ContextVar[list | None] = contextvars.ContextVar("motcua_files", default=None)


class _Committed:
    """An on_commit marker: ``ran`` once the file's transaction committed."""

    ran = False

    def __call__(self):
        self.ran = True


def _track(storage, name: str) -> None:
    pending = _PENDING.get()
    if pending is None:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # autocommit: nothing can roll it back
    marker = _Committed()
    transaction.on_commit(marker)
    pending.append((storage, name, marker, connection))


def _rolled_back(marker: _Committed, connection) -> bool:
    if marker.ran:
        return False
    waiting = getattr(connection, "run_on_commit", [])
    return not any(entry[1] is marker for entry in waiting)


class OrphanFilesMiddleware:
    """Files stored during a request whose transaction was rolled back (a refused or losing
    request) are deleted once the response is ready: no file without its database row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _PENDING.set([])
        try:
            return self.get_response(request)
        finally:
            pending = _PENDING.get() or []
            _PENDING.reset(token)
            for storage, name, marker, connection in pending:
                if _rolled_back(marker, connection):
                    try:
                        storage.delete(name)
                    except OSError:
                        logger.warning("orphan file not deleted: %s", name)


def minimal_pdf(title: str = "") -> bytes:
    """A valid one-page blank PDF (with its cross-reference table), for demo data."""
    info = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Title (" + info + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
