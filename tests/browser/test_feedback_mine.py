"""«Phản ánh của tôi» on a phone: a logged-in citizen sends feedback from the portal, finds it
among his own cards (nobody else's), opens it and reads the published answer."""

from __future__ import annotations

from django.test import Client

from motcua.feedback.models import Channel, Feedback
from motcua.feedback.services import feedback_perform, feedback_submit
from tests.browser.conftest import axe_violations
from tests.feedback.conftest import org, png_bytes  # noqa: F401

PHONE = {"width": 390, "height": 844}


def login_as(page, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )


def test_a_citizen_finds_his_feedback_on_a_phone_and_reads_the_answer(page, org, make_user):  # noqa: F811
    someone = make_user(username="fb.nguoikhac", first_name="Lê Thị Cúc")
    theirs = feedback_submit(
        actor=someone, channel=Channel.PORTAL, title="Phản ánh của người khác",
        content="Không phải của tôi.", sender_phone="0987654321", sender_address="1 Trần Phú",
        receiving_unit=org["centre"],
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    login_as(page, org["citizen"])

    # he sends feedback with a photo while logged in
    page.goto(page.base + "/phan-anh/gui/")
    page.get_by_label("Tiêu đề").fill("Đèn đường hỏng ở hẻm 5")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill("Ba đèn đường không sáng từ tuần trước.")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ liên hệ").fill("5 Lê Lợi")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "den.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.get_by_role("button", name="Gửi phản ánh").click()
    code = page.locator("#ma-phan-anh").inner_text()

    # the menu leads to his own feedback, as cards that fit the phone
    page.goto(page.base + "/phan-anh/")
    page.get_by_role("link", name="Phản ánh của tôi").first.click()
    page.wait_for_load_state()
    cards = page.locator("#phan-anh-cua-toi li.card")
    assert cards.count() == 1
    card = cards.first
    assert card.is_visible() and code in card.inner_text()
    assert "Chờ phân loại" in card.inner_text()
    assert theirs.code not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    # the centre answers; he opens the card and reads the published answer
    item = Feedback.objects.get(code=code)
    for action, data in (
        ("accept", {}),
        ("draft", {"answer": "Đã thay bóng đèn ở hẻm 5."}),
        ("approve", {}),
        ("publish", {}),
    ):
        item = feedback_perform(feedback=item, action=action, actor=org["centre_leader"], data=data)
    page.reload()
    page.locator("#phan-anh-cua-toi li.card a").first.click()
    page.wait_for_load_state()
    assert page.locator("#trang-thai").inner_text() == "Đã trả lời"
    assert "Đã thay bóng đèn" in page.locator("#noi-dung-tra-loi").inner_text()
    assert page.locator("details[data-action='rate']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
