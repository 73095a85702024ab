"""The payment receipt as a PDF (A5 landscape), from the same template as its page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from motcua.payments import selectors


def receipt_context(payment: Any) -> dict[str, Any]:
    """What the receipt shows: the payment, the masked payer and where to check it."""
    site = getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/")
    return {
        "payment": payment,
        "applicant": selectors.mask_name(payment.dossier.applicant_name),
        # where anyone holding the receipt checks it (the PDF has no request to ask)
        "check_url": site + reverse("payments:receipt", args=[payment.receipt_key]),
    }


def receipt_pdf(context: dict[str, Any], base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("payments/_receipt_doc.html", {**context, "standalone": True})
    return HTML(string=html, base_url=base_url).write_pdf()
