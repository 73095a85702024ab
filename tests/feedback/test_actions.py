"""Every row of the allowed-actions table: who may, from which status, to which status, event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from motcua.feedback import actions, events
from motcua.feedback.models import Status, Transfer
from motcua.feedback.services import can, feedback_perform, feedback_submit
from motcua.ledger.models import Event

from .conftest import MONDAY, png_bytes

H = dt.timedelta(hours=1)


def act(item, action, actor, now=None, **data):
    return feedback_perform(
        feedback=item, action=action, actor=actor, data=data, now=now or MONDAY + H
    )


def history(item) -> list[str]:
    return list(
        Event.objects.filter(subject_type="feedback", subject_id=str(item.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def to_handling(item, org):
    item = act(item, "transfer", org["desk"], to_unit=org["dept"].pk, reason="Thuộc thẩm quyền Sở")
    return act(item, "accept", org["specialist"], now=MONDAY + 2 * H)


def to_drafted(item, org):
    item = to_handling(item, org)
    return act(
        item,
        "draft",
        org["specialist"],
        now=MONDAY + 3 * H,
        answer="Sở đã chỉ đạo khơi thông cống trong tuần này.",
        legality="Phù hợp",
    )


def to_published(item, org):
    item = to_drafted(item, org)
    item = act(item, "approve", org["leader"], now=MONDAY + 4 * H)
    return act(item, "publish", org["leader"], now=MONDAY + 5 * H)


def test_every_table_row_has_a_service_and_a_registered_event():
    from motcua.feedback import services
    from motcua.ledger.actions import ACTIONS as REGISTERED

    assert {a.code for a in actions.ACTIONS} == {
        "accept",
        "request_info",
        "transfer",
        "reject",
        "merge",
        "reclassify",
        "draft",
        "approve",
        "send_back",
        "publish",
        "provide_info",
        "reopen",
        "rate",
    }
    for row in actions.ACTIONS:
        assert callable(getattr(services, row.service))
        assert row.event in REGISTERED
        assert actions.form_fields(row) is not None


def test_submit_records_the_receipt_event_and_the_classify_clock(submit):
    item = submit()
    assert item.status == Status.NEW and item.code.startswith("PA-260302-")
    assert history(item) == [events.SUBMITTED]
    assert item.due_at == dt.datetime(2026, 3, 9, 8, 0, tzinfo=item.due_at.tzinfo)


def test_accept_by_an_officer_of_the_current_unit_starts_round_one(submit, org):
    item = act(submit(), "accept", org["desk"])
    assert item.status == Status.HANDLING and item.round == 1
    assert history(item)[-1] == events.ACCEPTED


def test_officer_of_another_unit_may_not_classify(submit, org):
    item = submit()
    with pytest.raises(PermissionDenied):
        act(item, "accept", org["stranger"])
    with pytest.raises(PermissionDenied):
        act(item, "reject", org["citizen"], reason="Không thuộc phạm vi")
    item.refresh_from_db()
    assert item.status == Status.NEW and history(item) == [events.SUBMITTED]


def test_request_info_pauses_and_the_sender_provides_it(submit, org):
    item = act(submit(), "request_info", org["desk"], question="Ghi rõ số nhà nơi ngập")
    assert item.status == Status.INFO_REQUESTED and item.paused_at is not None
    with pytest.raises(PermissionDenied):
        act(item, "provide_info", None, info="Số 12", phone4="0000")
    item = act(item, "provide_info", None, now=MONDAY + 3 * H, info="Trước số 12", phone4="5678")
    assert item.status == Status.NEW and item.paused_at is None
    assert history(item)[-2:] == [events.INFO_REQUESTED, events.INFO_PROVIDED]


def test_transfer_within_the_province_moves_the_item_and_restarts_classification(submit, org):
    item = act(submit(), "transfer", org["desk"], to_unit=org["dept"].pk, reason="Thẩm quyền Sở")
    assert item.status == Status.NEW and item.current_unit == org["dept"]
    with pytest.raises(PermissionDenied):  # the centre no longer holds it
        act(item, "accept", org["desk"])
    transfer = Transfer.objects.get(feedback=item)
    assert transfer.on_time and transfer.from_unit == org["centre"]


def test_transfer_out_of_the_province_closes_it_with_the_body_name(submit, org):
    item = act(
        submit(),
        "transfer",
        org["desk"],
        body_name="Bộ Giao thông vận tải",
        reason="Quốc lộ do Bộ quản lý",
        conduct=False,
    )
    assert item.status == Status.TRANSFERRED_OUT and item.closed_at is not None
    assert history(item)[-1] == events.TRANSFERRED_OUT
    assert Transfer.objects.get(feedback=item).body_name == "Bộ Giao thông vận tải"


def test_transfer_needs_exactly_one_destination(submit, org):
    with pytest.raises(InvalidInput):
        act(submit(), "transfer", org["desk"], reason="Không rõ nơi nhận")
    with pytest.raises(InvalidInput):
        act(
            submit(),
            "transfer",
            org["desk"],
            to_unit=org["dept"].pk,
            body_name="Bộ X",
            reason="Hai nơi nhận",
        )
    with pytest.raises(InvalidInput):
        act(submit(), "transfer", org["desk"], to_unit=org["centre"].pk, reason="Chính mình")


def test_reject_closes_with_reasons(submit, org):
    item = act(submit(), "reject", org["desk"], reason="Nội dung là khiếu nại, không phải phản ánh")
    assert item.status == Status.REJECTED and "khiếu nại" in item.closed_reason
    with pytest.raises(TransitionNotAllowed):
        act(item, "accept", org["desk"])


def test_draft_by_a_specialist_then_the_leader_sends_back_or_approves(submit, org):
    item = to_drafted(submit(), org)
    assert item.status == Status.DRAFTED
    with pytest.raises(PermissionDenied):  # a specialist does not approve
        act(item, "approve", org["specialist"])
    item = act(item, "send_back", org["leader"], reason="Bổ sung căn cứ pháp lý")
    assert item.status == Status.HANDLING
    item = act(item, "draft", org["specialist"], answer="Trả lời đã bổ sung căn cứ pháp lý.")
    item = act(item, "approve", org["leader"], now=MONDAY + 4 * H)
    assert item.status == Status.ANSWERED
    rnd = item.rounds.get()
    assert rnd.assessment == {} and rnd.approved_by == org["leader"]


def test_draft_keeps_the_six_criteria_assessment(submit, org):
    item = to_drafted(submit(), org)
    assert item.rounds.get().assessment == {"legality": "Phù hợp"}


def test_desk_officer_may_not_draft(submit, org):
    item = act(submit(), "accept", org["desk"])
    with pytest.raises(PermissionDenied):
        act(item, "draft", org["desk"], answer="Một câu trả lời đủ dài.")


def test_publish_by_the_leader_closes_the_round(submit, org):
    item = to_published(submit(), org)
    assert item.status == Status.PUBLISHED
    assert item.rounds.get().published_on_time is True
    assert history(item)[-1] == events.PUBLISHED


def test_merge_into_an_open_original(submit, org):
    original, duplicate = submit(), submit(title="Ngập nước trước UBND")
    item = act(duplicate, "merge", org["desk"], into_code=original.code.lower())
    assert item.status == Status.MERGED and item.merged_into == original
    assert history(original)[-1] == events.MERGED_IN
    with pytest.raises(NotFound):
        act(submit(), "merge", org["desk"], into_code="PA-000000-XXXXXX")
    with pytest.raises(InvalidInput):
        act(original, "merge", org["desk"], into_code=original.code)
    with pytest.raises(InvalidInput):  # a merged item is no original
        act(submit(), "merge", org["desk"], into_code=duplicate.code)


def test_merge_moves_earlier_duplicates_to_the_new_original(submit, org):
    a, b, c = submit(), submit(), submit()
    act(c, "merge", org["desk"], into_code=b.code)
    act(b, "merge", org["desk"], into_code=a.code)
    c.refresh_from_db()
    assert c.merged_into == a


def test_reopen_and_rate_by_the_logged_in_sender(submit, org):
    item = to_published(submit(), org)
    item.sender_user = org["citizen"]
    item.save(update_fields=["sender_user"])
    with pytest.raises(PermissionDenied):
        act(item, "rate", org["stranger"], rating=5)
    item = act(item, "rate", org["citizen"], now=MONDAY + 6 * H, rating=2, comment="Chưa xong")
    assert item.rounds.get().rating == 2 and item.status == Status.PUBLISHED
    item = act(item, "reopen", org["citizen"], now=MONDAY + 7 * H, reason="Cống vẫn tắc")
    assert item.status == Status.HANDLING and item.round == 2
    assert history(item)[-2:] == [events.RATED, events.REOPENED]


def test_rating_twice_is_refused_and_out_of_range_is_invalid(submit, org):
    item = to_published(submit(), org)
    with pytest.raises(InvalidInput):
        act(item, "rate", None, rating=6, phone4="5678")
    act(item, "rate", None, rating=4, phone4="5678")
    with pytest.raises(Exception, match="đã được đánh giá"):
        act(item, "rate", None, rating=5, phone4="5678")


def test_actions_outside_their_statuses_are_refused(submit, org):
    item = submit()
    for code in ("draft", "approve", "send_back", "publish", "provide_info", "reopen", "rate"):
        row = actions.BY_CODE[code]
        assert not can(item, row, org["leader"], "5678")
        with pytest.raises(TransitionNotAllowed):
            act(
                item,
                code,
                org["centre_leader"],
                answer="x" * 20,
                reason="lý do dài",
                info="thông tin",
                rating=3,
                phone4="5678",
            )


def test_attachments_are_checked_by_content(org):
    base = {
        "title": "Ảnh hiện trường",
        "content": "Xem ảnh",
        "sender_name": "A",
        "sender_phone": "0912345678",
        "sender_address": "Số 1",
        "throttle": False,
    }
    item = feedback_submit(files=[SimpleUploadedFile("anh.png", png_bytes())], **base)
    assert item.attachments.get().content_type == "image/png"
    with pytest.raises(InvalidInput, match="không dựa vào tên tệp"):
        feedback_submit(files=[SimpleUploadedFile("anh.png", b"MZ\x90\x00 program")], **base)
    with pytest.raises(InvalidInput, match="tối đa 5"):
        feedback_submit(
            files=[SimpleUploadedFile(f"{n}.png", png_bytes()) for n in range(6)], **base
        )


def test_anonymous_sender_must_give_name_phone_and_address(org):
    with pytest.raises(InvalidInput, match="địa chỉ"):
        feedback_submit(
            title="T", content="C", sender_name="A", sender_phone="0912345678", throttle=False
        )


def test_hotline_intake_needs_an_officer_of_the_receiving_unit(org):
    values = {
        "channel": "hotline",
        "title": "Gọi đường dây nóng",
        "content": "Nội dung",
        "sender_name": "A",
        "sender_phone": "0912345678",
        "sender_address": "Số 1",
        "receiving_unit": org["centre"],
    }
    with pytest.raises(PermissionDenied):
        feedback_submit(actor=org["stranger"], **values)
    item = feedback_submit(actor=org["desk"], **values)
    assert (
        Event.objects.get(subject_type="feedback", subject_id=str(item.pk)).actor_id
        == org["desk"].pk
    )


def test_anonymous_portal_intake_is_rate_limited_per_client(org, settings):
    settings.MOTCUA_FEEDBACK_LIMITS = {"intake": 2}
    values = {
        "title": "T",
        "content": "C",
        "sender_name": "A",
        "sender_phone": "0912345678",
        "sender_address": "Số 1",
        "client": "10.0.0.9",
    }
    feedback_submit(**values)
    feedback_submit(**values)
    with pytest.raises(Exception, match="quá nhiều"):
        feedback_submit(**values)
    feedback_submit(**{**values, "client": "10.0.0.10"})


def test_a_stale_copy_cannot_act_twice(submit, org):
    item = submit()
    stale = type(item).objects.get(pk=item.pk)
    act(item, "accept", org["desk"])
    with pytest.raises(TransitionNotAllowed):
        act(stale, "reject", org["desk"], reason="Đã có người thụ lý")
    assert history(item) == [events.SUBMITTED, events.ACCEPTED]


def test_publication_notifies_the_sender_by_email(
    submit, org, mailoutbox, django_capture_on_commit_callbacks
):
    item = to_drafted(submit(sender_email="binh@example.vn"), org)
    item = act(item, "approve", org["leader"], now=MONDAY + 4 * H)
    with django_capture_on_commit_callbacks(execute=True):
        act(item, "publish", org["leader"], now=MONDAY + 5 * H)
    assert len(mailoutbox) == 1 and item.code in mailoutbox[0].body


def test_the_generic_registry_holds_the_same_table():
    table = actions.REGISTRY.table()
    assert table[Status.NEW] == (
        "accept", "request_info", "transfer", "reject", "merge", "reclassify"
    )  # fmt: skip
    assert "reclassify" in table[Status.ANSWERED] and "reclassify" not in table[Status.PUBLISHED]
    assert table[Status.PUBLISHED] == ("reopen", "rate")
    assert table[Status.REJECTED] == ()
    for row in actions.ACTIONS:
        assert set(actions.REGISTRY.allowed(row.sources[0])) >= {row.code}
