"""One label per status on every page a citizen reads (issue 16, item 7)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers.lifecycle import NATIONAL_LABELS, Status
from motcua.portal import services as portal_services
from motcua.portal.selectors import dossier_view
from tests.dossiers.conftest import APPLICANT, world  # noqa: F401
from tests.payments.conftest import waiting_for_payment

pytestmark = pytest.mark.django_db


def test_the_same_status_label_on_receipt_dossier_page_payment_and_tracking(
    world,  # noqa: F811
):
    dossier = waiting_for_payment(world)
    assert dossier.status == Status.PAYMENT_REQUESTED
    label = NATIONAL_LABELS[dossier.national_status]
    citizen = portal_services.citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", password="Mk-cong-dan-2026"
    )
    citizen.verified_at, citizen.id_number = timezone.now(), APPLICANT["id_number"]
    citizen.save(update_fields=["verified_at", "id_number"])
    client = Client()
    client.force_login(citizen.user)
    pages = {
        "receipt": client.get(f"/ca-nhan/ho-so/{dossier.code}/bien-nhan/"),
        "dossier": client.get(f"/ca-nhan/ho-so/{dossier.code}/"),
        "payment": client.post("/thanh-toan/", {"code": dossier.code, "phone4": "5678"}),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        shown = re.search(r'id="trang-thai">(?:<strong>)?([^<]*)<', html)
        assert shown and shown.group(1).strip() == label, (name, shown and shown.group(1))
        assert "(payment_requested)" not in html
    # the tracking timeline says the same words for the same status
    timeline = dossier_view(dossier).timeline
    assert timeline[-1].status == label


def test_emails_link_straight_to_paying_and_rating(world, settings):  # noqa: F811
    from motcua.dossiers import events as ev
    from motcua.portal.notify import render

    settings.MOTCUA_SITE_URL = "https://dichvucong.example.vn"
    dossier = waiting_for_payment(world)
    _, body, _ = render(dossier, ev.PAYMENT_REQUESTED)
    assert (
        f"Thanh toán trực tuyến: https://dichvucong.example.vn/thanh-toan/?ma={dossier.code}"
        in (body)
    )
    _, body, _ = render(dossier, ev.RETURNED)
    assert f"https://dichvucong.example.vn/danh-gia/?ma={dossier.code}" in body
