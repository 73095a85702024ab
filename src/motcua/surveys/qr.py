"""QR codes as inline SVG (segno: pure Python, no image library), for pages and for the
PDF slips WeasyPrint renders."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, scale: int = 4, title: str = "Mã QR") -> SafeString:
    code = segno.make(data, error="m")
    svg = code.svg_inline(scale=scale, title=title, svgclass="qr", lineclass=None)
    return mark_safe(svg)  # noqa: S308 - segno's own SVG of our own URL; no user markup
