"""Printed forms (Vietnamese administrative layout): the transfer letter and the answer."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, Round, Transfer


def _day(value) -> str:
    local = timezone.localtime(value)
    return f"ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"


def transfer_letter_html(item: Feedback, transfer_id: int) -> str:
    transfer = (
        Transfer.objects.select_related("from_unit", "to_unit")
        .filter(feedback=item, pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise NotFound("Không tìm thấy lượt chuyển này.", code=FeedbackError.TRANSFER_NOT_FOUND)
    return render_to_string(
        "feedback/pdf_transfer.html",
        {
            "item": item,
            "t": transfer,
            "issuer": transfer.from_unit,
            "issuer_parent": transfer.from_unit.parent,
            "issued_day": _day(transfer.at),
            "to_name": transfer.to_unit.name if transfer.to_unit else transfer.body_name,
        },
    )


def answer_html(item: Feedback, number: int) -> str:
    rnd = (
        Round.objects.select_related("unit", "approved_by")
        .filter(feedback=item, number=number, answered_at__isnull=False)
        .first()
    )
    if rnd is None:
        raise NotFound(
            "Chưa có câu trả lời được duyệt ở lượt này.", code=FeedbackError.ANSWER_NOT_FOUND
        )
    return render_to_string(
        "feedback/pdf_answer.html",
        {
            "item": item,
            "r": rnd,
            "issuer": rnd.unit,
            "issuer_parent": rnd.unit.parent,
            "issued_day": _day(rnd.answered_at),
        },
    )


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
