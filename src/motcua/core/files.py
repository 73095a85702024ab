"""Stored files are never public. Each is served by a view that first checked who asks
(the dossier's officers, its applicant, the reform staff); nothing under MEDIA_ROOT has a URL
of its own."""

from __future__ import annotations

import contextvars
import csv
import hashlib
import io
import json
import logging
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterable
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


def file_response(file, *, name: str | None = None, download: bool = False) -> FileResponse:
    """The stored file as a private, non-cached response; NotFound if it is missing. PDFs
    and images are shown in the browser unless ``download``; anything else is downloaded."""
    if not file or not file.name or not file.storage.exists(file.name):
        raise NotFound("Không tìm thấy tệp.", code=CoreError.FILE_NOT_FOUND)
    name = name or posixpath.basename(file.name)
    inline = not download and posixpath.splitext(name)[1].lower() in INLINE
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

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "docx": (DOCX_TYPE, ".docx"),
    "xlsx": (XLSX_TYPE, ".xlsx"),
    "csv": ("text/csv", ".csv"),
    "jsonl": ("application/jsonl", ".jsonl"),
    "json": ("application/json", ".json"),
}
KIND_NAMES = {
    "pdf": "PDF",
    "jpeg": "JPEG",
    "png": "PNG",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "csv": "CSV (UTF-8)",
    "jsonl": "JSON Lines (UTF-8)",
    "json": "JSON (UTF-8)",
}
#: Data exchanged between systems as text (a previous system's history, a mapping).
TEXT_KINDS = ("csv", "jsonl", "json")
#: What citizens and officers send: scans, photos, signed results.
DOCUMENT_KINDS = ("pdf", "jpeg", "png")
#: A form to fill in (the catalog's templates of applications and declarations).
FORM_KINDS = ("pdf", "docx")
#: Folders (FileField.upload_to) whose files come from outside and are checked on save,
#: with the kinds each accepts.
UPLOAD_DIRS = {
    "dossiers/files/": DOCUMENT_KINDS,
    "dossiers/results/": DOCUMENT_KINDS,
    "reform/evidence/": DOCUMENT_KINDS,
    "portal/": DOCUMENT_KINDS,
    "catalog/forms/": FORM_KINDS,
}
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


def check_content(
    data: bytes, *, label: str, kinds: Iterable[str] = DOCUMENT_KINDS
) -> CheckedContent:
    """The file's real type from its content, one of ``kinds``: a PDF that parses, a
    JPEG/PNG image that Pillow decodes and re-encodes (dropping metadata and anything
    appended), a Word .docx without macros or embedded objects. Everything else (SVG, HTML,
    scripts, programs, a PDF header over an HTML body, a .docm, any other zip) is refused
    with InvalidInput ``file_type``; an empty file with ``file_empty``."""
    kinds = tuple(kinds)
    if not data:
        raise InvalidInput(f"Tệp «{label}» rỗng.", code=CoreError.FILE_EMPTY, component=label)
    kind, stored = None, None
    if data.startswith(b"%PDF-") and "pdf" in kinds:
        # a PDF header over an HTML or SVG body is a page a browser would render
        if _MARKUP.search(data[:4096]) is None and _pdf_ok(data):
            kind, stored = "pdf", data
    elif data.startswith(b"\xff\xd8\xff") and "jpeg" in kinds:
        kind, stored = "jpeg", _reencoded(data, "JPEG")
    elif data.startswith(b"\x89PNG\r\n\x1a\n") and "png" in kinds:
        kind, stored = "png", _reencoded(data, "PNG")
    elif data.startswith(b"PK\x03\x04") and {"docx", "xlsx"} & set(kinds):
        office, problem = "docx", "bad"
        for office in (k for k in ("docx", "xlsx") if k in kinds):
            problem = _docx_problem(data) if office == "docx" else _xlsx_problem(data)
            if problem != "bad":
                break
        if problem == _ACTIVE:
            plain = "Word .docx" if office == "docx" else "Excel .xlsx"
            raise InvalidInput(
                f"Tệp «{label}» chứa macro hoặc đối tượng nhúng (như tệp .docm, .xlsm): không "
                f"được phép. Hãy lưu lại thành tệp {plain} thông thường.",
                code=CoreError.FILE_TYPE,
                component=label,
            )
        if problem is None:
            kind, stored = office, data
    elif set(kinds) & set(TEXT_KINDS):
        kind = _text_kind(data, tuple(k for k in kinds if k in TEXT_KINDS))
        stored = data if kind is not None else None
    if kind is None or stored is None:
        raise InvalidInput(
            f"Tệp «{label}» không phải {_kind_list(kinds)} hợp lệ (hệ thống kiểm tra nội dung "
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


def _text_kind(data: bytes, kinds: tuple[str, ...]) -> str | None:
    """Which of the text ``kinds`` the data is, by its content: UTF-8 text without control
    bytes or markup a browser would run; "json" one JSON object, "jsonl" a JSON object per
    line (the first lines are parsed), "csv" a header line of at least two named columns."""
    if b"\x00" in data or _MARKUP.search(data[:4096]):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text[:65536]):
        return None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        if "json" in kinds:
            try:
                if isinstance(json.loads(text), dict):
                    return "json"
            except ValueError:
                pass
        if "jsonl" in kinds:
            lines = [line for line in text.splitlines()[:20] if line.strip()]
            try:
                if lines and all(isinstance(json.loads(line), dict) for line in lines):
                    return "jsonl"
            except ValueError:
                return None
        return None
    if "csv" in kinds and stripped:
        header = next(csv.reader([text.splitlines()[0]]), [])
        if len(header) >= 2 and all(name.strip() for name in header):
            return "csv"
    return None


def _kind_list(kinds: tuple[str, ...]) -> str:
    names = [KIND_NAMES[k] for k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " hoặc " + names[-1]


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


# A .docx is a zip (Office Open XML). Accepted only with the Word document's own content type
# (so not .docm/.dotm, nor an Excel or any other zip), without a VBA project, ActiveX
# controls or embedded objects, without links that fetch content from elsewhere when opened
# (a remote template is a known way to run a macro), and readable by python-docx.
_ACTIVE = "active"
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOCX_MAX_MEMBERS = 2_000
_DOCX_MAX_UNZIPPED = 200 * 1024 * 1024
_ACTIVE_PARTS = re.compile(
    r"(?:^|/)(?:vbaproject\.bin|vbadata\.xml)$|^word/(?:activex|embeddings)/"
)
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.IGNORECASE)
_EXTERNAL = re.compile(rb"TargetMode\s*=\s*[\"']External[\"']", re.IGNORECASE)
_HYPERLINK = re.compile(rb"Type\s*=\s*[\"'][^\"']*/hyperlink[\"']", re.IGNORECASE)


def _docx_problem(data: bytes) -> str | None:
    """None for a plain Word document; ``_ACTIVE`` for macros or embedded objects; "bad"
    for anything else."""
    problem = _ooxml_problem(data, main="word/document.xml", main_type=_DOCX_MAIN, folder="word")
    return problem if problem is not None or _docx_reads(data) else "bad"


#: An Excel workbook (.xlsx) the same way: its own main content type (not .xlsm), no VBA,
#: ActiveX or embedded objects, no external links (``xl/externalLinks`` point outside), and
#: readable by openpyxl.
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _xlsx_problem(data: bytes) -> str | None:
    """None for a plain Excel workbook; ``_ACTIVE`` for macros, embedded objects or links
    to other workbooks; "bad" for anything else."""
    problem = _ooxml_problem(data, main="xl/workbook.xml", main_type=_XLSX_MAIN, folder="xl")
    return problem if problem is not None or _xlsx_reads(data) else "bad"


def _xlsx_reads(data: bytes) -> bool:
    from openpyxl import load_workbook

    try:
        load_workbook(io.BytesIO(data), read_only=True).close()
    except Exception:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds
        return False
    return True


def _ooxml_problem(data: bytes, *, main: str, main_type: bytes, folder: str) -> str | None:
    """The checks an Office Open XML zip shares (Word, Excel): bounded, without active parts,
    with its main part and content type, nothing fetched from outside."""
    active = re.compile(rf"^{folder}/(?:activex|embeddings|externallinks)/")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > _DOCX_MAX_MEMBERS or (
                sum(m.file_size for m in members) > _DOCX_MAX_UNZIPPED
            ):
                return "bad"  # a zip bomb
            names = {m.filename for m in members}
            if any(
                _ACTIVE_PARTS.search(name.lower()) or active.search(name.lower()) for name in names
            ):
                return _ACTIVE
            if "[Content_Types].xml" not in names or main not in names:
                return "bad"
            types = archive.read("[Content_Types].xml")
            if b"macroenabled" in types.lower():
                return _ACTIVE
            if main_type not in types or archive.testzip() is not None:
                return "bad"
            for name in names:
                if name.endswith(".rels") and _fetches_from_outside(archive.read(name)):
                    return _ACTIVE
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, EOFError):
        return "bad"
    except (NotImplementedError, RuntimeError):  # unknown compression, encrypted member
        return "bad"
    return None


def _fetches_from_outside(rels: bytes) -> bool:
    """A relationship to an outside target other than a hyperlink (a remote template,
    frame, image or object is fetched when the document opens)."""
    return any(
        _EXTERNAL.search(tag) and not _HYPERLINK.search(tag) for tag in _RELATIONSHIP.findall(rels)
    )


def _docx_reads(data: bytes) -> bool:
    from docx import Document

    try:
        Document(io.BytesIO(data)).paragraphs  # noqa: B018 - the body must parse
    except Exception:  # noqa: BLE001 - python-docx and lxml raise many kinds on a broken file
        return False
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


def upload_kinds(name: str) -> tuple[str, ...] | None:
    """The kinds a file stored under ``name`` may be, or None when it is not an upload."""
    name = name.replace("\\", "/")
    return next((kinds for folder, kinds in UPLOAD_DIRS.items() if name.startswith(folder)), None)


class ContentCheckMixin:
    """For any storage class: files written under ``UPLOAD_DIRS`` are checked first (and
    stored under an extension that matches their content), and a file whose transaction is
    rolled back is deleted at the end of the request (``OrphanFilesMiddleware``)."""

    def _save(self, name, content):
        kinds = upload_kinds(name)
        if kinds is not None and not getattr(content, "checked", False):
            label = posixpath.basename(name)
            checked = check_content(read_limited(content, label=label), label=label, kinds=kinds)
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
