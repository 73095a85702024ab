"""The HMAC-SHA512 signing rule of the VNPAY-style protocol."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from decimal import Decimal

import pytest

from motcua.core.formats import VN_TZ
from motcua.payments.providers.base import SignatureError
from motcua.payments.providers.vnpay import VnpayProvider, canonical, sign
from tests.payments.conftest import SECRET, query

OPTIONS = {"TMN_CODE": "KIEMTHU1", "HASH_SECRET": SECRET, "PAY_URL": "https://cong.vn/pay"}


def test_canonical_string_is_sorted_url_encoded_and_leaves_out_the_signature():
    params = {
        "vnp_TxnRef": "MC1",
        "vnp_Amount": "800000",
        "vnp_OrderInfo": "Nop phi ho so 000.00.31.H29-250715-0012",
        "vnp_SecureHash": "abc",
        "vnp_SecureHashType": "HmacSHA512",
        "other": "x",
    }
    expected = (
        "vnp_Amount=800000&vnp_OrderInfo=Nop+phi+ho+so+000.00.31.H29-250715-0012&vnp_TxnRef=MC1"
    )
    assert canonical(params) == expected
    assert (
        sign(params, SECRET)
        == hmac.new(SECRET.encode(), expected.encode(), hashlib.sha512).hexdigest()
    )


def test_checkout_url_is_signed_and_verifiable_by_the_gateway():
    provider = VnpayProvider(code="vnpay", options=OPTIONS)
    url = provider.checkout_url(
        order_ref="MC260302ABCD",
        amount=Decimal(58000),
        description="Nop phi",
        return_url="https://motcua.vn/thanh-toan/ket-qua/vnpay/",
        client_ip="10.0.0.1",
        created_at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ),
    )
    params = query(url)
    assert url.startswith("https://cong.vn/pay?")
    assert params["vnp_Amount"] == "5800000"
    assert params["vnp_CreateDate"] == "20260302080000"
    assert params["vnp_ExpireDate"] == "20260302081500"
    assert params["vnp_SecureHash"] == sign(params, SECRET)


def test_verify_refuses_a_changed_parameter_and_a_foreign_merchant():
    provider = VnpayProvider(code="vnpay", options=OPTIONS)
    params = {"vnp_TmnCode": "KIEMTHU1", "vnp_Amount": "100", "vnp_TxnRef": "A"}
    params["vnp_ResponseCode"] = params["vnp_TransactionStatus"] = "00"
    params["vnp_SecureHash"] = sign(params, SECRET)
    assert provider.verify(params).amount == 1
    with pytest.raises(SignatureError):
        provider.verify({**params, "vnp_Amount": "200"})
    foreign = {**params, "vnp_TmnCode": "KHAC"}
    foreign["vnp_SecureHash"] = sign(foreign, SECRET)
    with pytest.raises(SignatureError):
        provider.verify(foreign)
    with pytest.raises(SignatureError):
        provider.verify({k: v for k, v in params.items() if k != "vnp_SecureHash"})
