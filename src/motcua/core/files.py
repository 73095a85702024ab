"""Stored files are never public. Each is served by a view that first checked who asks
(the dossier's officers, its applicant, the reform staff); nothing under MEDIA_ROOT has a URL
of its own."""

from __future__ import annotations

import posixpath

from django.http import FileResponse

from motcua.core.errors import NotFound

#: Shown in the browser; anything else is downloaded (an uploaded page never runs here).
INLINE = {".pdf", ".png", ".jpg", ".jpeg"}


def file_response(file, *, name: str | None = None) -> FileResponse:
    """The stored file as a private, non-cached response; NotFound if it is missing."""
    if not file or not file.name or not file.storage.exists(file.name):
        raise NotFound("Không tìm thấy tệp.", code="file_not_found")
    name = name or posixpath.basename(file.name)
    inline = posixpath.splitext(name)[1].lower() in INLINE
    response = FileResponse(
        file.storage.open(file.name, "rb"), filename=name, as_attachment=not inline
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
