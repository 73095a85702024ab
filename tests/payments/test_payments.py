"""Paying a dossier's fees online: signed redirect, IPN as the source of truth, receipt;
tampered notifications are refused and change nothing."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from motcua.dossiers import services as dossier_services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.ledger.models import Event
from motcua.payments import events as ev
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.providers.vnpay import sign
from motcua.payments.sandbox import gateway_result
from tests.dossiers.conftest import APPLICANT
from tests.payments.conftest import SECRET, query, waiting_for_payment

pytestmark = pytest.mark.django_db

IPN = "/api/payments/vnpay/ipn"


def start(client, dossier):
    """The citizen asks to pay: a pending payment and a redirect to the gateway."""
    response = client.post("/thanh-toan/", {"code": dossier.code, "phone4": "5678", "pay": "1"})
    assert response.status_code == 302
    return response["Location"]


def snapshot(dossier):
    dossier = Dossier.objects.get(pk=dossier.pk)
    payments = list(Payment.objects.values_list("status", "receipt_number", "dossier_updated"))
    return dossier.status, dossier.fee_paid, dossier.version, payments, Event.objects.count()


def test_lookup_shows_what_is_owed_without_personal_data(client, world, gateway_settings):
    dossier = waiting_for_payment(world)
    response = client.post("/thanh-toan/", {"code": dossier.code, "phone4": "5678"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "58.000 đồng" in text  # 8.000 at receipt + 50.000 requested
    assert "N***** V** An" in text
    assert APPLICANT["name"] not in text and APPLICANT["phone"] not in text


def test_wrong_digits_and_unknown_code_get_the_same_answer(client, world, gateway_settings):
    dossier = waiting_for_payment(world)
    wrong = client.post("/thanh-toan/", {"code": dossier.code, "phone4": "0000"})
    unknown = client.post("/thanh-toan/", {"code": dossier.code + "9", "phone4": "5678"})
    assert wrong.status_code == unknown.status_code == 404
    message = "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại đã nhập."
    assert message in wrong.content.decode() and message in unknown.content.decode()


def test_lookups_are_rate_limited(client, world, gateway_settings):
    dossier = waiting_for_payment(world)
    codes = [
        client.post("/thanh-toan/", {"code": dossier.code, "phone4": f"{n:04d}"}).status_code
        for n in range(11)
    ]
    assert codes == [404] * 10 + [429]
    right = client.post("/thanh-toan/", {"code": dossier.code, "phone4": "5678"})
    assert right.status_code == 429  # even the right digits wait for the window to pass


def test_pay_in_sandbox_updates_the_dossier_and_issues_a_receipt(
    client, world, gateway_settings, gateway_account
):
    # given a dossier waiting for 58.000 đồng
    dossier = waiting_for_payment(world)
    # when the citizen is sent to the gateway
    url = start(client, dossier)
    params = query(url)
    assert url.startswith("http://testserver/thanh-toan/sandbox/vpcpay.html?")
    assert params["vnp_Amount"] == "5800000"
    assert params["vnp_SecureHash"] == sign(params, SECRET)
    page = client.get(url)
    assert page.status_code == 200 and "58.000 đồng" in page.content.decode()
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PENDING
    # and the gateway notifies the site server to server
    result = gateway_result(params, paid=True, secret=SECRET)
    answer = client.get(IPN, result).json()
    # then
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.receipt_number and payment.dossier_updated
    assert dossier.fee_paid == 58_000
    assert dossier.status == Status.IN_PROGRESS  # the clock runs again
    history = Event.objects.filter(subject_type="payment", subject_id=payment.order_ref)
    assert [e.action for e in history.order_by("seq")] == [
        ev.CREATED,
        ev.PAID,
        ev.DOSSIER_UPDATED,
    ]
    assert Event.objects.filter(
        subject_type="dossier", subject_id=dossier.code, action="dossier.payment_recorded"
    ).exists()
    # the browser comes back with the signed return URL
    back = client.get(params["vnp_ReturnUrl"].replace("http://testserver", ""), result)
    assert "Thanh toán thành công 58.000 đồng" in back.content.decode()
    receipt = client.get(f"/thanh-toan/bien-lai/{payment.receipt_key}/")
    assert payment.receipt_number in receipt.content.decode()
    pdf = client.get(f"/thanh-toan/bien-lai/{payment.receipt_key}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert payment.receipt_number in text and "58.000 đồng" in text and dossier.code in text
    # where to check it: the site's receipt page, not an empty "Tra cứu tại ."
    assert f"/thanh-toan/bien-lai/{payment.receipt_key}/" in "".join(text.split())


def test_a_repeated_notification_changes_nothing(client, world, gateway_settings, gateway_account):
    dossier = waiting_for_payment(world)
    result = gateway_result(query(start(client, dossier)), paid=True, secret=SECRET)
    assert client.get(IPN, result).json()["RspCode"] == "00"
    before = snapshot(dossier)
    again = client.get(IPN, result).json()
    assert again == {"RspCode": "02", "Message": "Order already confirmed"}
    assert snapshot(dossier) == before


def _resign(params):
    params = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    return {**params, "vnp_SecureHash": sign(params, SECRET)}


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda p: {**p, "vnp_Amount": "100"}, "97"),  # changed, signature not redone
        (lambda p: {**p, "vnp_SecureHash": "0" * 128}, "97"),
        (lambda p: {k: v for k, v in p.items() if k != "vnp_SecureHash"}, "97"),
        (lambda p: {**p, "vnp_SecureHash": sign(p, "khoa-sai")}, "97"),
        (lambda p: _resign({**p, "vnp_Amount": "100"}), "04"),  # signed, amount differs
        (lambda p: _resign({**p, "vnp_TxnRef": "MC000000000000FFFF"}), "01"),
    ],
    ids=["amount-unsigned", "zero-hash", "no-hash", "wrong-key", "amount-signed", "unknown"],
)
def test_a_tampered_notification_is_refused_and_changes_nothing(
    client, world, gateway_settings, gateway_account, tamper, code
):
    dossier = waiting_for_payment(world)
    result = gateway_result(query(start(client, dossier)), paid=True, secret=SECRET)
    before = snapshot(dossier)
    answer = client.get(IPN, tamper(result)).json()
    assert answer["RspCode"] == code
    assert snapshot(dossier) == before
    # the genuine notification still goes through afterwards
    assert client.get(IPN, result).json()["RspCode"] == "00"


def test_a_tampered_return_url_shows_an_error_and_no_receipt(client, world, gateway_settings):
    dossier = waiting_for_payment(world)
    params = query(start(client, dossier))
    result = gateway_result(params, paid=True, secret=SECRET)
    response = client.get("/thanh-toan/ket-qua/vnpay/", {**result, "vnp_Amount": "100"})
    assert response.status_code == 400
    assert "sai chữ ký" in response.content.decode()
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_cancelled_payment_fails_and_can_be_tried_again(
    client, world, gateway_settings, gateway_account
):
    dossier = waiting_for_payment(world)
    result = gateway_result(query(start(client, dossier)), paid=False, secret=SECRET)
    assert client.get(IPN, result).json()["RspCode"] == "00"
    failed = Payment.objects.get()
    dossier.refresh_from_db()
    assert failed.status == PaymentStatus.FAILED and failed.receipt_number is None
    assert dossier.status == Status.PAYMENT_REQUESTED and dossier.fee_paid == 0
    back = client.get("/thanh-toan/ket-qua/vnpay/", result)
    assert "Khách hàng hủy giao dịch" in back.content.decode()
    assert client.get(f"/thanh-toan/bien-lai/{failed.receipt_key}/").status_code == 404
    second = gateway_result(query(start(client, dossier)), paid=True, secret=SECRET)
    assert client.get(IPN, second).json()["RspCode"] == "00"
    dossier.refresh_from_db()
    assert dossier.fee_paid == 58_000


def test_paying_when_submitting_online_is_recorded_on_the_dossier(
    client, world, gateway_settings, gateway_account
):
    # given an online submission not yet accepted (its fee is known from the catalog)
    dossier = dossier_services.dossier_submit_online(
        procedure=world.procedure, unit=world.commune, applicant=APPLICANT
    )
    result = gateway_result(query(start(client, dossier)), paid=True, secret=SECRET)
    # when the gateway confirms
    assert client.get(IPN, result).json()["RspCode"] == "00"
    # then the payment is paid with a receipt and the dossier shows the fee paid
    payment = Payment.objects.get()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.amount == 8000
    assert payment.dossier_updated
    assert dossier.status == Status.SUBMITTED and dossier.fee_paid == 8000
    actions = Event.objects.filter(subject_type="payment").values_list("action", flat=True)
    assert list(actions.order_by("seq")) == [ev.CREATED, ev.PAID, ev.DOSSIER_UPDATED]


def test_nothing_to_pay_is_refused(client, world, gateway_settings):
    dossier = waiting_for_payment(world)
    Dossier.objects.filter(pk=dossier.pk).update(fee_paid=dossier.fee_due)
    response = client.post("/thanh-toan/", {"code": dossier.code, "phone4": "5678", "pay": "1"})
    assert response.status_code == 400
    assert "không còn khoản phí" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_sandbox_refuses_an_unsigned_request_and_is_off_by_default(
    client, world, gateway_settings, settings
):
    dossier = waiting_for_payment(world)
    url = start(client, dossier).replace("http://testserver", "")
    assert client.get(url.replace("vnp_Amount=5800000", "vnp_Amount=100")).status_code == 400
    settings.PAYMENTS = {**settings.PAYMENTS, "SANDBOX": False}
    assert client.get(url).status_code == 404


def test_api_lists_the_payments_of_a_dossier(client, world, gateway_settings, gateway_account):
    dossier = waiting_for_payment(world)
    result = gateway_result(query(start(client, dossier)), paid=True, secret=SECRET)
    client.get(IPN, result)
    url = f"/api/payments/dossiers/{dossier.code}"
    body = client.post(url, {"phone4": "5678"}, content_type="application/json").json()
    assert body["outstanding"] == "0" or float(body["outstanding"]) == 0
    assert [p["status"] for p in body["payments"]] == ["paid"]
    wrong = client.post(url, {"phone4": "1111"}, content_type="application/json")
    assert wrong.status_code == 404 and wrong.json()["code"] == "dossier_not_found"
    old_link = client.get(url, {"phone4": "5678"})  # digits never stay in a URL
    assert old_link.status_code == 303 and old_link["Location"] == f"/thanh-toan/?ma={dossier.code}"


def test_a_payment_for_a_closed_dossier_keeps_the_money_and_flags_reconciliation(
    client, world, gateway_settings, gateway_account
):
    from motcua.payments.services import payments_reconcile_all

    # given an online submission whose payment was started, then the applicant withdrew
    dossier = dossier_services.dossier_submit_online(
        procedure=world.procedure, unit=world.commune, applicant=APPLICANT
    )
    url = query(start(client, dossier))
    dossier_services.dossier_withdraw(actor=world.desk, dossier=dossier, reason="Rút hồ sơ")
    # when the gateway confirms the payment afterwards
    assert client.get(IPN, gateway_result(url, paid=True, secret=SECRET)).json()["RspCode"] == "00"
    # then the money is kept with a receipt, flagged for the desk, never put on the dossier
    payment = Payment.objects.get()
    dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and not payment.dossier_updated
    assert payment.dossier_note  # the reason shown to the desk
    assert dossier.fee_paid == 0
    assert payments_reconcile_all() == 0
