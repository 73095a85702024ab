"""A local stand-in for the payment gateway (demo and tests only; off unless
``PAYMENTS["SANDBOX"]``, which only ``MOTCUA_ENV=development`` turns on by default).

It plays the gateway's part of the VNPAY-style protocol with the merchant's secret:
checks the signed redirect, shows a "pay / cancel" page, then — like the real gateway —
calls the merchant's IPN URL server to server with a signed result and finally redirects the
browser to the signed return URL. The server must answer requests concurrently (runserver
and the test live server do), since the IPN call comes back to the same site.
"""

from __future__ import annotations

import json
import logging
import secrets
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from motcua.payments.providers import config, provider_settings, sandbox_enabled
from motcua.payments.providers.base import SignatureError
from motcua.payments.providers.vnpay import check_signature, sign, vn_stamp

logger = logging.getLogger(__name__)

PROVIDER = "vnpay"
CANCELLED = "24"


def _ipn_url(request) -> str:
    return config().get("SANDBOX_IPN_URL") or request.build_absolute_uri(
        reverse("api:payments_ipn", kwargs={"provider": PROVIDER})
    )


def deliver_ipn(url: str, params: dict[str, str]) -> dict:
    """Call the merchant's IPN endpoint like the gateway does (HTTP GET, JSON answer)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("IPN URL must be http(s)")
    with urlopen(f"{url}?{urlencode(params)}", timeout=15) as response:  # noqa: S310
        return json.loads(response.read().decode())


def gateway_result(params: dict[str, str], *, paid: bool, secret: str) -> dict[str, str]:
    """The signed result the gateway sends to the IPN and the return URL."""
    code = "00" if paid else CANCELLED
    result = {
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": "NCB" if paid else "",
        "vnp_BankTranNo": f"NCB{secrets.randbelow(10**8):08d}" if paid else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": params.get("vnp_OrderInfo", ""),
        "vnp_PayDate": vn_stamp(timezone.now()),
        "vnp_ResponseCode": code,
        "vnp_TransactionNo": f"{secrets.randbelow(10**8):08d}",
        "vnp_TransactionStatus": code if paid else "02",
        "vnp_TxnRef": params["vnp_TxnRef"],
    }
    result["vnp_SecureHash"] = sign(result, secret)
    return result


@csrf_exempt  # a gateway page: the form carries the signed request instead of a CSRF token
@require_http_methods(["GET", "POST"])
def gateway(request):
    if not sandbox_enabled():
        raise Http404("Cổng thanh toán thử nghiệm không được bật.")
    options = provider_settings(PROVIDER)
    data = request.GET if request.method == "GET" else request.POST
    params = {k: v for k, v in data.items() if k.startswith("vnp_")}
    try:
        check_signature(params, options["HASH_SECRET"])
        if params.get("vnp_TmnCode") != options["TMN_CODE"]:
            raise SignatureError("sai mã đơn vị")
    except SignatureError:
        return render(
            request,
            "payments/sandbox.html",
            {"error": "Yêu cầu thanh toán không hợp lệ (sai chữ ký)."},
            status=400,
        )
    if request.method == "GET":
        return render(
            request,
            "payments/sandbox.html",
            {"params": params, "amount": int(params["vnp_Amount"]) // 100},
        )
    result = gateway_result(params, paid="pay" in request.POST, secret=options["HASH_SECRET"])
    try:
        answer = deliver_ipn(_ipn_url(request), result)
        logger.info("sandbox IPN %s → %s", result["vnp_TxnRef"], answer)
    except (OSError, ValueError) as error:  # the real gateway would retry later
        logger.warning("sandbox IPN delivery failed: %s", error)
    return_url = params["vnp_ReturnUrl"]
    if urlsplit(return_url).scheme not in ("http", "https", ""):
        raise Http404("Địa chỉ trả về không hợp lệ.")
    return redirect(f"{return_url}?{urlencode(result)}")
