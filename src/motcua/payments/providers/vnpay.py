"""VNPAY-style gateway protocol (version 2.1.0): HMAC-SHA512 over sorted, URL-encoded
``vnp_*`` parameters.

Signing: keep the ``vnp_`` parameters except ``vnp_SecureHash`` / ``vnp_SecureHashType``,
sort them by name, join ``name=quote_plus(value)`` with ``&``, HMAC-SHA512 that string with
the shared secret and send the hex digest as ``vnp_SecureHash``. Amounts are in VND × 100.
The same rule signs the redirect (merchant → gateway), the return URL and the IPN
(gateway → merchant). The IPN answer is JSON ``{"RspCode", "Message"}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote_plus

from motcua.core.formats import VN_TZ
from motcua.payments.providers.base import GatewayResult, NotificationReply, SignatureError

VERSION = "2.1.0"
SIGNATURE_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
SUCCESS = "00"

REPLIES = {
    "confirmed": NotificationReply("00", "Confirm Success", True),
    "already_confirmed": NotificationReply("02", "Order already confirmed", False),
    "order_not_found": NotificationReply("01", "Order not found", False),
    "invalid_amount": NotificationReply("04", "invalid amount", False),
    "invalid_signature": NotificationReply("97", "Invalid signature", False),
    "error": NotificationReply("99", "Unknow error", False),
}

# Response codes the gateway uses (a subset), shown to the citizen in Vietnamese.
RESPONSE_LABELS = {
    "00": "Giao dịch thành công",
    "07": "Giao dịch bị nghi ngờ gian lận",
    "11": "Hết hạn chờ thanh toán",
    "24": "Khách hàng hủy giao dịch",
    "51": "Tài khoản không đủ số dư",
    "99": "Lỗi không xác định",
}


def canonical(params: Mapping[str, Any]) -> str:
    """The signed string: sorted ``vnp_`` fields, URL-encoded, signature fields left out."""
    items = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in SIGNATURE_FIELDS and v is not None
    )
    return "&".join(f"{k}={quote_plus(v)}" for k, v in items)


def sign(params: Mapping[str, Any], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode(), hashlib.sha512).hexdigest()


def signed_query(params: Mapping[str, Any], secret: str) -> str:
    return f"{canonical(params)}&vnp_SecureHash={sign(params, secret)}"


def check_signature(params: Mapping[str, str], secret: str) -> None:
    given = (params.get("vnp_SecureHash") or "").lower()
    if not given or not hmac.compare_digest(given, sign(params, secret)):
        raise SignatureError("chữ ký không hợp lệ")


def vn_stamp(value: dt.datetime) -> str:
    return value.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_stamp(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except (TypeError, ValueError):
        return None


class VnpayProvider:
    name = "VNPAY (HMAC-SHA512)"

    def __init__(self, *, code: str, options: Mapping[str, Any]) -> None:
        self.code = code
        self.tmn_code = options["TMN_CODE"]
        self.secret = options["HASH_SECRET"]
        self.pay_url = options["PAY_URL"]
        self.expire = dt.timedelta(minutes=int(options.get("EXPIRE_MINUTES", 15)))

    def checkout_url(
        self,
        *,
        order_ref: str,
        amount: Decimal,
        description: str,
        return_url: str,
        client_ip: str,
        created_at: dt.datetime,
    ) -> str:
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(int(amount * 100)),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order_ref,
            "vnp_OrderInfo": description,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": vn_stamp(created_at),
            "vnp_ExpireDate": vn_stamp(created_at + self.expire),
        }
        return f"{self.pay_url}?{signed_query(params, self.secret)}"

    def verify(self, params: Mapping[str, str]) -> GatewayResult:
        check_signature(params, self.secret)
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise SignatureError("sai mã đơn vị chấp nhận thanh toán")
        try:
            amount = Decimal(params.get("vnp_Amount", "")) / 100
        except InvalidOperation as error:
            raise SignatureError("số tiền không hợp lệ") from error
        code = params.get("vnp_ResponseCode", "")
        status = params.get("vnp_TransactionStatus", code)
        return GatewayResult(
            order_ref=params.get("vnp_TxnRef", ""),
            amount=amount,
            success=code == SUCCESS and status == SUCCESS,
            response_code=code,
            provider_txn=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            paid_at=parse_stamp(params.get("vnp_PayDate", "")),
            raw=dict(params),
        )

    def reply(self, outcome: str) -> NotificationReply:
        return REPLIES[outcome]

    @staticmethod
    def response_label(code: str) -> str:
        return RESPONSE_LABELS.get(code, f"Mã phản hồi {code}")
