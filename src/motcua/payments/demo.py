"""Demo payments: the gateway's service account, and online payments through the services.

Runs after the dossier demo. Dossiers waiting for fees are paid online (the dossier resumes),
some online submissions prepay their fee (kept for the desk to reconcile), one payment is
cancelled at the gateway. Notifications are signed exactly as the sandbox gateway signs them.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from django.conf import settings

from motcua.core.formats import vn_number
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.organization.models import Role
from motcua.payments.providers import provider_settings
from motcua.payments.sandbox import PROVIDER, gateway_result
from motcua.payments.services import outstanding as owed
from motcua.payments.services import payment_notify, payment_start

RETURN_PATH = "/thanh-toan/ket-qua/vnpay/"


def _pay(dossier: Dossier, *, paid: bool, secret: str) -> str:
    """Start a payment and deliver the gateway's signed notification in process."""
    _, url = payment_start(
        dossier=dossier,
        return_url=settings.MOTCUA_SITE_URL.rstrip("/") + RETURN_PATH,
        client_ip="127.0.0.1",
    )
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    result = gateway_result(params, paid=paid, secret=secret)
    return payment_notify(provider=PROVIDER, params=result).reply.code


def _request_fees(rng, count: int) -> None:
    """Have the officers holding a few dossiers ask for fees (through the dossier service)."""
    from motcua.dossiers.services import dossier_request_payment
    from motcua.organization.models import StaffRole

    candidates = Dossier.objects.filter(
        status__in=(Status.IN_PROGRESS, Status.WAITING_ASSIGNMENT)
    ).select_related("assignee", "holder_unit")
    for dossier in candidates.order_by("code")[:count]:
        actor = dossier.assignee
        if actor is None:
            role = StaffRole.objects.filter(
                unit=dossier.holder_unit, role=Role.UNIT_LEADER, valid_to__isnull=True
            ).first()
            actor = role.user if role else None
        if actor is None:
            continue
        dossier_request_payment(
            actor=actor,
            dossier=dossier,
            amount=rng.choice((50_000, 100_000, 150_000)),
            note="Phí thẩm định (dữ liệu mẫu)",
        )


def load(*, rng, stdout, options) -> None:
    _request_fees(rng, 4)
    secret = provider_settings(PROVIDER)["HASH_SECRET"]
    waiting = [
        d
        for d in Dossier.objects.filter(status=Status.PAYMENT_REQUESTED).order_by("code")
        if owed(d)
    ]
    submitted = [
        d
        for d in Dossier.objects.filter(status=Status.SUBMITTED).order_by("code")
        if owed(d) and rng.random() < 0.5
    ]
    left = waiting.pop() if waiting else None  # one left to pay in the sandbox by hand
    paid = cancelled = 0
    for index, dossier in enumerate([*waiting, *submitted]):
        ok = index != 0
        _pay(dossier, paid=ok, secret=secret)
        paid += ok
        cancelled += not ok
    stdout.write(
        f"  Thanh toán mẫu: {paid} giao dịch thành công, {cancelled} bị hủy "
        f"({len(waiting)} hồ sơ chờ nộp phí, {len(submitted)} hồ sơ nộp trực tuyến trả trước)."
    )
    if left is not None:
        stdout.write(
            f"  Còn hồ sơ {left.code} chờ nộp {vn_number(owed(left))} đồng: thử tại /thanh-toan/ "
            f"(4 số cuối điện thoại {left.applicant_phone[-4:]})."
        )
