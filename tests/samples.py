"""Small real files for upload tests: every upload is checked by its content
(motcua.core.files), so a test's PDF must really be a PDF and its image a real image."""

from __future__ import annotations

import io


def pdf(text: str = "") -> bytes:
    """A one-page PDF that pypdf reads; ``text`` goes into its metadata (tests tell files
    apart by their bytes)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(size: tuple[int, int] = (4, 4), color: str = "red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


RESULT_PDF = pdf("ket qua")
SCAN_PDF = pdf("ban sao giay chung sinh")
