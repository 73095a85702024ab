"""Pages and the JSON API: intake, receipt, tracking, the public list and its publication rules,
the officer page with the table's buttons, printed forms."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from motcua.feedback.models import Feedback, Status
from motcua.feedback.selectors import HIDDEN_NAME
from motcua.feedback.services import feedback_perform

from .conftest import png_bytes

H = dt.timedelta(hours=1)


def publish(item, org, answer="Sở đã khơi thông cống thoát nước."):
    for action, actor, data in (
        ("transfer", org["desk"], {"to_unit": org["dept"].pk, "reason": "Thuộc thẩm quyền Sở"}),
        ("accept", org["specialist"], {}),
        ("draft", org["specialist"], {"answer": answer}),
        ("approve", org["leader"], {}),
        ("publish", org["leader"], {}),
    ):
        item = feedback_perform(feedback=item, action=action, actor=actor, data=data)
    return item


def portal_data(**extra):
    data = {
        "title": "Cống thoát nước bị tắc",
        "content": "Đề nghị nạo vét cống <script>alert(1)</script> trước nhà văn hóa.",
        "sender_name": "Lê Văn Cường",
        "sender_phone": "0987654321",
        "sender_address": "5 Trần Phú",
        "is_public": "on",
    }
    data.update(extra)
    return data


def test_anonymous_citizen_sends_with_a_photo_and_gets_a_receipt(client, org):
    photo = SimpleUploadedFile("hien-truong.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("feedback:submit"), portal_data(files=[photo]))
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert item.attachments.count() == 1 and item.receiving_unit == org["centre"]
    receipt = client.get(response["Location"])
    assert item.code in receipt.content.decode()
    # another browser cannot open the receipt
    from django.test import Client

    assert Client().get(response["Location"]).status_code == 404


def test_a_renamed_program_is_refused_and_nothing_is_kept(client, org):
    bad = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00\x03 not an image", content_type="image/jpeg")
    response = client.post(reverse("feedback:submit"), portal_data(files=[bad]))
    assert response.status_code == 200
    assert "không dựa vào tên tệp" in response.content.decode()
    assert not Feedback.objects.exists()


def test_missing_address_is_refused_in_vietnamese(client, org):
    response = client.post(reverse("feedback:submit"), portal_data(sender_address=""))
    assert response.status_code == 200 and not Feedback.objects.exists()
    assert "Địa chỉ liên hệ" in response.content.decode()


def test_public_list_searches_without_diacritics_and_escapes_html(client, submit, org):
    item = publish(submit(content="Cống <b>tắc</b> ở phường Đông Hà"), org)
    private = publish(submit(title="Riêng tư", content="Cống riêng tư", is_public=False), org)
    page = client.get(reverse("feedback:public_list"), {"q": "cong dong ha"}).content.decode()
    assert item.title in page and "&lt;b&gt;tắc&lt;/b&gt;" in page and "<b>tắc</b>" not in page
    assert private.code not in page
    assert HIDDEN_NAME in page and "Trần Thị Bình" not in page and "0912345678" not in page
    detail = client.get(reverse("feedback:public_detail", args=[item.code])).content.decode()
    assert "Sở đã khơi thông" in detail and "Trần Thị Bình" not in detail
    assert client.get(reverse("feedback:public_detail", args=[private.code])).status_code == 404


def test_the_name_shows_only_when_the_sender_allowed_it(client, submit, org):
    publish(submit(show_name=True), org)
    page = client.get(reverse("feedback:public_list")).content.decode()
    assert "Trần Thị Bình" in page and "12 Lê Lợi" not in page


def test_unanswered_and_merged_items_are_not_listed(client, submit, org):
    open_item = submit(title="Chưa trả lời")
    original = publish(submit(title="Bản gốc"), org)
    duplicate = submit(title="Bản trùng")
    feedback_perform(
        feedback=duplicate, action="merge", actor=org["desk"], data={"into_code": original.code}
    )
    page = client.get(reverse("feedback:public_list")).content.decode()
    assert "Bản gốc" in page and "Bản trùng" not in page and open_item.code not in page


def test_tracking_a_merged_code_shows_the_original_answer(client, submit, org):
    original = publish(submit(), org)
    duplicate = submit(title="Bản trùng")
    feedback_perform(
        feedback=duplicate, action="merge", actor=org["desk"], data={"into_code": original.code}
    )
    page = client.get(reverse("feedback:track"), {"code": duplicate.code}).content.decode()
    assert "đã được gộp vào phản ánh" in page and "Sở đã khơi thông" in page


def test_private_answer_needs_the_phone_digits_sent_by_post(client, submit, org):
    item = publish(submit(is_public=False), org)
    page = client.get(reverse("feedback:track"), {"code": item.code}).content.decode()
    assert "Sở đã khơi thông" not in page and "Đã trả lời" in page
    page = client.post(reverse("feedback:track"), {"code": item.code, "phone4": "5678"})
    assert "Sở đã khơi thông" in page.content.decode()
    assert 'data-action="reopen"' in page.content.decode()
    assert (
        client.post(reverse("feedback:track"), {"code": item.code, "phone4": "0000"}).status_code
        == 403
    )
    # digits in a link are dropped from the URL (they never sit in access logs)
    response = client.get(reverse("feedback:track"), {"code": item.code, "phone4": "5678"})
    assert response.status_code == 303 and "5678" not in response["Location"]


def test_sender_rates_and_reopens_from_the_tracking_page(client, submit, org):
    item = publish(submit(), org)
    url = reverse("feedback:sender_action", args=[item.code, "rate"])
    page = client.post(url, {"rating": "2", "phone4": "5678"}).content.decode()
    assert item.rounds.get().rating == 2 and "Bạn đã đánh giá: 2/5" in page
    client.post(
        reverse("feedback:sender_action", args=[item.code, "reopen"]),
        {"reason": "Cống lại tắc", "phone4": "5678"},
    )
    item.refresh_from_db()
    assert item.status == Status.HANDLING and item.round == 2
    response = client.post(reverse("feedback:sender_action", args=[item.code, "accept"]), {})
    assert response.status_code == 403
    response = client.post(
        reverse("feedback:sender_action", args=[item.code, "provide_info"]),
        {"info": "Thông tin thêm", "phone4": "5678"},
    )
    assert response.status_code == 200
    assert "Không thể «Bổ sung thông tin»" in response.content.decode()


def test_failed_look_ups_are_limited_per_client(client, submit, settings):
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 2, "per_code": 10, "window_minutes": 15}
    item = submit()
    for _ in range(3):  # successful look-ups are not counted
        assert client.get(reverse("feedback:track"), {"code": item.code}).status_code == 200
    for _ in range(2):
        assert (
            client.get(reverse("feedback:track"), {"code": "PA-000000-AAAAAA"}).status_code == 404
        )
    assert client.get(reverse("feedback:track"), {"code": item.code}).status_code == 429


def test_officer_page_shows_only_the_allowed_buttons_and_dispatches(client, submit, org):
    item = submit()
    client.force_login(org["desk"])
    page = client.get(reverse("feedback:officer_detail", args=[item.code])).content.decode()
    for code in ("accept", "request_info", "transfer", "reject", "merge"):
        assert f'data-action="{code}"' in page
    assert 'data-action="approve"' not in page and "0912345678" in page
    client.post(
        reverse("feedback:officer_action", args=[item.code, "transfer"]),
        {"to_unit": org["dept"].pk, "reason": "Thuộc thẩm quyền Sở Xây dựng"},
    )
    item.refresh_from_db()
    assert item.current_unit == org["dept"]
    client.force_login(org["stranger"])
    assert client.get(reverse("feedback:officer_detail", args=[item.code])).status_code == 403


def test_officer_action_refusal_shows_the_message(client, submit, org):
    item = submit()
    client.force_login(org["desk"])
    response = client.post(
        reverse("feedback:officer_action", args=[item.code, "transfer"]),
        {"reason": "Thiếu nơi"},
        follow=True,
    )
    assert "Chọn một đơn vị trong tỉnh" in response.content.decode()


def test_transfer_letter_and_answer_print_as_pdf(client, submit, org):
    item = publish(submit(), org)
    client.force_login(org["leader"])
    transfer = item.transfers.get()
    letter = client.get(reverse("feedback:transfer_letter", args=[item.code, transfer.pk]))
    text = PdfReader(io.BytesIO(letter.content)).pages[0].extract_text()
    assert "PHIẾU CHUYỂN PHẢN ÁNH" in text and "Sở Xây dựng" in text and item.code in text
    answer = client.get(reverse("feedback:answer_pdf", args=[item.code, 1]))
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert "khơi thông cống" in text and "Trần Thị Bình" in text


def test_queue_page_lists_the_unit_items(client, submit, org):
    item = submit()
    client.force_login(org["desk"])
    assert item.code in client.get(reverse("feedback:queue")).content.decode()
    client.force_login(org["stranger"])
    assert item.code not in client.get(reverse("feedback:queue")).content.decode()


def test_desk_records_a_hotline_call(client, org):
    client.force_login(org["desk"])
    data = portal_data(channel="hotline", receiving_unit=org["centre"].pk)
    response = client.post(reverse("feedback:office_intake"), data)
    assert response.status_code == 302
    assert Feedback.objects.get().channel == "hotline"


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_api_endpoints_are_generated_from_the_table(client, submit, org, action):
    item = submit()
    client.force_login(org["desk"])
    body = {"reason": "Nội dung là khiếu nại"} if action == "reject" else {}
    response = client.post(
        f"/api/feedback/items/{item.code}/{action}", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ("handling" if action == "accept" else "rejected")
    again = client.post(
        f"/api/feedback/items/{item.code}/{action}", body, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


def test_api_refuses_another_unit_and_bad_input(client, submit, org):
    item = submit()
    client.force_login(org["stranger"])
    response = client.post(
        f"/api/feedback/items/{item.code}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 403
    client.force_login(org["desk"])
    response = client.post(
        f"/api/feedback/items/{item.code}/reject", {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    listing = client.get("/api/feedback/").json()
    assert listing["count"] == 1 and listing["items"][0]["code"] == item.code


def test_lists_use_a_fixed_number_of_queries(client, submit, org, django_assert_max_num_queries):
    for _ in range(3):
        publish(submit(), org)
    with django_assert_max_num_queries(12):
        client.get(reverse("feedback:public_list"))
    client.force_login(org["desk"])
    for _ in range(3):
        submit()
    with django_assert_max_num_queries(16):
        client.get(reverse("feedback:queue"))
