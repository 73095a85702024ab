"""A dossier from the desk to the applicant, through the officer pages in Chromium.

The desk receives and prints the receipt, a specialist appraises and asks for a supplement,
the desk receives it (the due time moves by the working time paused), the leader approves
with the result document, the desk returns it, and the timeline shows every step.

The services read the server clock; to make the pause last two working days inside a test,
the clock of the dossier services (only) is a controllable one here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from motcua.catalog.services import procedure_refresh_search
from motcua.dossiers.services import _base
from motcua.organization.models import Role, UnitKind
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import VN, make_procedure
from tests.samples import SCAN_PDF

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    def __init__(self, start: dt.datetime):
        self.value = start

    def now(self):
        return self.value


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN))  # Monday 08:00
    stand_in = SimpleNamespace(
        now=fake.now,
        localtime=timezone.localtime,
        get_current_timezone=timezone.get_current_timezone,
    )
    monkeypatch.setattr(_base, "timezone", stand_in)
    return fake


@pytest.fixture
def people(make_unit, make_user):
    commune = make_unit("UBND xã Hòa Bình", kind=UnitKind.COMMUNE)
    procedure = make_procedure()
    procedure_refresh_search(procedure=procedure)
    return SimpleNamespace(
        commune=commune,
        procedure=procedure,
        desk=make_user(Role.DESK_OFFICER, unit=commune, first_name="Lan", last_name="Trần"),
        specialist=make_user(Role.SPECIALIST, unit=commune, first_name="Minh", last_name="Lê"),
        leader=make_user(Role.UNIT_LEADER, unit=commune, first_name="Hùng", last_name="Phạm"),
    )


def login_as(page, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )


def act(page, action: str, fill=None):
    box = page.locator(f'details[data-action="{action}"]')
    box.locator("summary").click()
    if fill:
        fill(box)
    box.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() == 0, page.locator(".alert-danger").inner_text()


def test_desk_to_applicant_flow(page, people, clock):
    # the desk officer receives the dossier
    login_as(page, people.desk)
    page.goto(page.base + "/can-bo/")
    assert page.locator("h1").inner_text().startswith("Hồ sơ")
    assert axe_violations(page) == []
    page.get_by_role("link", name="+ Tiếp nhận hồ sơ").click()
    page.get_by_label("Tên hoặc mã thủ tục").fill("khai sinh")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=re.compile("Đăng ký khai sinh")).click()
    page.get_by_label("Họ tên / tên tổ chức").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số định danh / mã số thuế").fill("038190004567")
    page.get_by_label("Điện thoại").fill("0987654321")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn (mẫu 01)").click()
    code = page.locator("#dossier-code").inner_text()
    assert code.startswith(people.commune.electronic_id + "-260302-")
    due_before = page.locator("#dossier-due").inner_text()
    assert "05/03/2026" in due_before
    assert axe_violations(page) == []
    # and prints the receipt (form 01)
    link = page.get_by_role("link", name=re.compile("Mẫu 01"))
    pdf = page.request.get(page.base + link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert code in " ".join(text.split())
    clock.value = clock.value.replace(hour=9)
    act(page, "transfer")

    # the specialist takes it and asks for a supplement (Monday 10:00)
    login_as(page, people.specialist)
    page.goto(page.base + "/can-bo/")
    page.get_by_role("link", name=code).click()
    act(page, "self_assign")
    clock.value = clock.value.replace(hour=10)
    act(
        page,
        "request_supplement",
        lambda box: box.locator("textarea").fill("Bản chính giấy chứng sinh"),
    )
    assert "Chờ công dân bổ sung" in page.locator("#dossier-status").inner_text()

    # the desk receives the supplement on Wednesday 10:00: the due time moves by 16 h
    clock.value = dt.datetime(2026, 3, 4, 10, 0, tzinfo=VN)
    login_as(page, people.desk)
    page.goto(page.base + f"/can-bo/ho-so/{code}/")
    act(page, "receive_supplement")
    due_after = page.locator("#dossier-due").inner_text()
    assert "09/03/2026" in due_after and due_after != due_before

    # the specialist completes the appraisal and hands it to the leader
    clock.value = dt.datetime(2026, 3, 4, 14, 0, tzinfo=VN)
    login_as(page, people.specialist)
    page.goto(page.base + f"/can-bo/ho-so/{code}/")
    act(
        page,
        "complete_step",
        lambda box: box.get_by_label("Chuyển cho").select_option(label="Hùng Phạm"),
    )

    # the leader approves with the result document
    clock.value = dt.datetime(2026, 3, 5, 9, 0, tzinfo=VN)
    login_as(page, people.leader)
    page.goto(page.base + "/can-bo/?scope=mine")
    page.get_by_role("link", name=code).click()

    def result(box):
        box.get_by_label("Số văn bản").fill("25/GKS")
        box.get_by_label("Tệp kết quả").set_input_files(
            {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": SCAN_PDF}
        )

    act(page, "approve", result)
    assert "Đã có kết quả" in page.locator("#dossier-status").inner_text()

    # the desk returns the result
    clock.value = dt.datetime(2026, 3, 5, 15, 0, tzinfo=VN)
    login_as(page, people.desk)
    page.goto(page.base + f"/can-bo/ho-so/{code}/")
    act(page, "return_result")
    assert "Đã trả kết quả" in page.locator("#dossier-status").inner_text()

    # the timeline shows every step
    actions = page.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == [
        "dossier.received",
        "dossier.transferred",
        "dossier.self_assigned",
        "dossier.supplement_requested",
        "dossier.supplement_received",
        "dossier.step_completed",
        "dossier.approved",
        "dossier.returned",
    ]
    assert "Bản chính giấy chứng sinh" in page.locator("#timeline").inner_text()
