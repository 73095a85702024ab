"""Uploaded dossier files: PDF, JPEG or PNG, recognised by their content, never by their name.

The check itself is the one every upload path uses (``motcua.core.files.check_content``):
a PDF must parse, an image is decoded and re-encoded, SVG/HTML/scripts and a PDF header over
an HTML body are refused. The portal adds its own, smaller size limit.
"""

from __future__ import annotations

from django.conf import settings

from motcua.core.files import KINDS, CheckedContent, check_content, read_limited, sniff

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

CheckedFile = CheckedContent  # the portal's name for it

__all__ = ["KINDS", "CheckedFile", "check_upload", "max_bytes", "sniff"]


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_PORTAL_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def check_upload(upload, *, label: str) -> CheckedFile:
    """Read an uploaded file and check its size and real type; InvalidInput otherwise."""
    return check_content(read_limited(upload, label=label, limit=max_bytes()), label=label)
