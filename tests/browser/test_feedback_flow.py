"""A citizen sends feedback with a photo; the centre transfers it, the department answers, the
leader approves and publishes; the citizen reads it by code, reopens, and rates the final answer."""

from __future__ import annotations

import re

from motcua.feedback.models import Feedback, Status
from tests.browser.conftest import axe_violations
from tests.feedback.conftest import org, png_bytes  # noqa: F401

PASSWORD = "Mk-kiem-thu-2026"


def login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base + "/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()


def act(page, code: str, action: str, label: str, fields: dict | None = None) -> None:
    page.goto(f"{page.base}/phan-anh/can-bo/{code}/")
    box = page.locator(f"details[data-action='{action}']")
    box.locator("summary").click()
    for selector, value in (fields or {}).items():
        if selector.endswith("to_unit"):
            box.locator(selector).select_option(value)
        else:
            box.locator(selector).fill(value)
    box.get_by_role("button", name=f"Xác nhận: {label}").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1, page.locator(".alert").all_inner_texts()


def track(page, code: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base + "/phan-anh/tra-cuu/")
    page.fill("input[name=code]", code)
    page.fill("input[name=phone4]", "5678")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()


def sender(page, action: str, label: str, fields: dict) -> None:
    box = page.locator(f"details[data-action='{action}']")
    box.locator("summary").click()
    for selector, value in fields.items():
        if selector.endswith("rating"):
            box.locator(selector).select_option(value)
        else:
            box.locator(selector).fill(value)
    box.get_by_role("button", name=f"Xác nhận: {label}").click()
    page.wait_for_load_state()


def test_feedback_from_portal_to_published_answer_reopened_and_rated(page, org):  # noqa: F811
    # the citizen sends feedback with a photo, anonymously
    page.goto(page.base + "/phan-anh/gui/")
    assert axe_violations(page) == []
    page.get_by_label("Tiêu đề").fill("Cống thoát nước trước chợ bị tắc")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Nước tràn lên đường <b>mỗi</b> khi mưa."
    )
    page.get_by_label("Họ và tên người gửi").fill("Trần Thị Bình")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ liên hệ").fill("12 Lê Lợi")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "hien-truong.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.get_by_role("button", name="Gửi phản ánh").click()
    code = page.locator("#ma-phan-anh").inner_text()
    assert re.match(r"^PA-\d{6}-[A-Z0-9]{6}$", code)
    item = Feedback.objects.get(code=code)
    assert item.attachments.count() == 1

    # the centre's desk officer classifies it: outside its competence, transfer to the department
    login(page, "fb.motcua")
    page.goto(page.base + "/phan-anh/can-bo/?view=classify")
    assert code in page.content()
    act(
        page,
        code,
        "transfer",
        "Chuyển đơn vị có thẩm quyền",
        {
            "#transfer-to_unit": str(org["dept"].pk),
            "#transfer-reason": "Hạ tầng thoát nước do Sở Xây dựng quản lý",
        },
    )
    assert "Sở Xây dựng" in page.locator("#don-vi").inner_text()

    # the department: the specialist accepts and drafts, the leader approves and publishes
    login(page, "fb.chuyenvien")
    act(page, code, "accept", "Thụ lý xử lý")
    act(
        page,
        code,
        "draft",
        "Dự thảo trả lời",
        {"#draft-answer": "Sở đã nạo vét cống thoát nước trước chợ ngày hôm qua."},
    )
    login(page, "fb.lanhdao")
    act(page, code, "approve", "Duyệt trả lời")
    act(page, code, "publish", "Công khai, gửi trả lời")
    assert page.locator("#trang-thai").inner_text() == "Đã trả lời"

    # the citizen reads the answer by code and reopens
    track(page, code)
    assert "nạo vét cống" in page.locator("#noi-dung-tra-loi").inner_text()
    assert axe_violations(page) == []
    sender(page, "reopen", "Đề nghị xử lý lại", {"#reopen-reason": "Cống lại tắc sau 2 ngày"})
    assert page.locator("#trang-thai").inner_text() == "Đang xử lý"

    # second round, then the citizen rates the final answer
    login(page, "fb.chuyenvien")
    act(
        page,
        code,
        "draft",
        "Dự thảo trả lời",
        {"#draft-answer": "Sở đã thay nắp cống và nâng cốt mặt đường trước chợ."},
    )
    login(page, "fb.lanhdao")
    act(page, code, "approve", "Duyệt trả lời")
    act(page, code, "publish", "Công khai, gửi trả lời")
    track(page, code)
    assert "nâng cốt mặt đường" in page.locator("#noi-dung-tra-loi").inner_text()
    sender(page, "rate", "Đánh giá câu trả lời", {"#rate-rating": "5"})
    assert "Bạn đã đánh giá: 5/5" in page.content()
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.round == 2
    assert [r.rating for r in item.rounds.order_by("number")] == [None, 5]

    # the public page shows the answer, the HTML of the content as text, not the sender
    page.goto(page.base + "/phan-anh/?q=cong thoat nuoc")
    assert "Cống thoát nước trước chợ bị tắc" in page.content()
    assert "Trần Thị Bình" not in page.content()
    page.get_by_role("link", name="Cống thoát nước trước chợ bị tắc").click()
    assert "<b>mỗi</b>" in page.locator("#noi-dung-phan-anh").inner_text()
    assert axe_violations(page) == []
