"""Payments API: the gateway's server-to-server notification (IPN) and a dossier's payments."""

from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse
from ninja import Field, Router, Schema

from motcua.core.client import client_address
from motcua.core.throttle import lookup_guard
from motcua.core.validation import Text
from motcua.payments import selectors, services

router = Router(tags=["Thanh toán"])


class IpnReply(Schema):
    RspCode: str
    Message: str


@router.api_operation(
    ["GET", "POST"],
    "/{provider}/ipn",
    response=IpnReply,
    url_name="payments_ipn",
    summary="Thông báo kết quả thanh toán từ cổng (IPN, máy chủ tới máy chủ)",
)
def ipn(request, provider: str):
    """The gateway's signed notification; the only thing that makes a payment paid.

    Answers in the gateway's own format: RspCode 00 confirmed, 02 already confirmed,
    01 order not found, 04 invalid amount, 97 invalid signature.
    """
    params = {**request.GET.dict(), **request.POST.dict()}
    outcome = services.payment_notify(provider=provider, params=params)
    return outcome.reply.as_dict()


class PaymentOut(Schema):
    order_ref: str
    provider: str
    amount: Decimal
    status: str
    created_at: str
    paid_at: str | None
    receipt_number: str | None


class DossierPaymentsOut(Schema):
    dossier: str
    fee_due: Decimal
    fee_paid: Decimal
    outstanding: Decimal
    payments: list[PaymentOut]


class LookupIn(Schema):
    phone4: str = Field(..., max_length=4, description="4 số cuối điện thoại của người nộp")


@router.post(
    "/dossiers/{code}",
    response=DossierPaymentsOut,
    summary="Phí, lệ phí và các giao dịch của một hồ sơ (mã hồ sơ + 4 số cuối điện thoại)",
    description=(
        "Gửi 4 số cuối điện thoại trong thân yêu cầu (JSON), không trên địa chỉ. Mã không tồn "
        "tại và sai 4 số cuối cho cùng một câu trả lời 404; sai quá nhiều lần: 429."
    ),
)
def dossier_payments(request, code: Text(64), payload: LookupIn):
    with lookup_guard(subject=code, client=client_address(request)):
        dossier = selectors.dossier_for_applicant(code=code, phone4=payload.phone4)
    return {
        "dossier": dossier.code,
        "fee_due": dossier.fee_due,
        "fee_paid": dossier.fee_paid,
        "outstanding": services.outstanding(dossier),
        "payments": [
            {
                "order_ref": p.order_ref,
                "provider": p.provider,
                "amount": p.amount,
                "status": p.status,
                "created_at": p.created_at.isoformat(),
                "paid_at": p.paid_at.isoformat() if p.paid_at else None,
                "receipt_number": p.receipt_number,
            }
            for p in selectors.payments_of_dossier(dossier=dossier)
        ],
    }


@router.get(
    "/dossiers/{code}",
    response={303: None},
    summary="(Cũ) tra cứu bằng GET: chuyển về trang tra cứu, bỏ 4 số cuối khỏi địa chỉ",
    deprecated=True,
)
def dossier_payments_get(request, code: str):
    """Old links kept working without leaving the digits in access logs: 303 to the page."""
    target = reverse("payments:pay") + "?" + urlencode({"ma": code})
    return HttpResponseRedirect(target, status=303)
