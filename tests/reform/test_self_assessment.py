"""The yearly PAR INDEX self-assessment: open, prepare with evidence, submit, return,
accept, consolidate; who has not submitted; the Word/Excel report re-read."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.reform import events, self_exports, self_selectors, services
from motcua.reform.models import Assessment, Index, SelfItemStatus

pytestmark = pytest.mark.django_db


def png(name="bien-ban.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def par(frameworks):
    return Index.objects.get(code="par-index")


@pytest.fixture
def justice_officer(make_user, departments):
    return make_user(Role.REFORM_OFFICER, unit=departments["STP"], username="cchc_stp")


@pytest.fixture
def opened(par, home_affairs_officer, departments):
    return services.self_assessment_open(
        actor=home_affairs_officer, index=par, year=2021, deadline=dt.date(2022, 1, 15),
        units={"2.1": departments["STP"], "2.2": departments["STP"]},
    )  # fmt: skip


def test_open_makes_one_item_per_self_assessed_criterion(opened, frameworks, departments):
    leaves = frameworks["par-index"].nodes.filter(children__isnull=True)
    expected = leaves.exclude(assessment=Assessment.SURVEY).count()
    assert opened.items.count() == expected
    assert not opened.items.filter(node__assessment=Assessment.SURVEY).exists()
    assert opened.items.get(node__code="2.1").unit == departments["STP"]
    assert opened.items.get(node__code="1.1").unit == departments["SNV"]  # no task: Sở Nội vụ
    assert Event.objects.filter(subject_type=events.SUBJECT_SELF, action=events.SELF_OPENED)


def test_prepare_submit_return_accept_consolidate(
    opened, home_affairs_officer, justice_officer, make_user, departments, reader
):
    item = opened.items.get(node__code="2.1")  # max 2
    # a score above the maximum is refused
    with pytest.raises(InvalidInput) as error:
        services.self_item_save(actor=justice_officer, item=item, score="2,5", explanation="x")
    assert error.value.code == "reform_self_score_range"
    # another department may not prepare it
    other = make_user(Role.REFORM_OFFICER, unit=departments["STC"])
    with pytest.raises(PermissionDenied):
        services.self_item_save(actor=other, item=item, score="1", explanation="x")
    services.self_item_save(actor=justice_officer, item=item, score="1,75",
                            explanation="Ban hành 12/12 văn bản đúng quy trình.")  # fmt: skip
    # no evidence: cannot submit
    with pytest.raises(InvalidInput) as error:
        services.self_item_submit(actor=justice_officer, item=item)
    assert error.value.code == "reform_self_no_evidence"
    evidence = services.self_evidence_add(actor=justice_officer, item=item, upload=png())
    assert evidence.size > 0 and len(evidence.sha256) == 64 and evidence.file
    services.self_evidence_add(actor=justice_officer, item=item, link="/can-bo/thong-ke/",
                               name="Thống kê hồ sơ")  # fmt: skip
    with pytest.raises(InvalidInput):
        services.self_evidence_add(actor=justice_officer, item=item, link="https://x.example")
    progress = self_selectors.self_progress(reader, opened, today=dt.date(2022, 1, 20))
    stp = next(m for m in progress["missing"] if m["unit"] == departments["STP"])
    assert {i.node.code for i in stp["items"]} == {"2.1", "2.2"} and stp["late"]
    services.self_item_submit(actor=justice_officer, item=item)
    # Sở Nội vụ returns it (a reason is required), the unit corrects and resubmits
    with pytest.raises(InvalidInput):
        services.self_item_review(actor=home_affairs_officer, item=item, accept=False)
    with pytest.raises(PermissionDenied):
        services.self_item_review(actor=justice_officer, item=item, accept=True)
    services.self_item_review(actor=home_affairs_officer, item=item, accept=False,
                              note="Thiếu quyết định ban hành kế hoạch.")  # fmt: skip
    item.refresh_from_db()
    assert item.status == SelfItemStatus.RETURNED and "Thiếu" in item.review_note
    services.self_item_save(actor=justice_officer, item=item, score="1,5", explanation="Bổ sung.")
    services.self_item_submit(actor=justice_officer, item=item)
    services.self_item_review(actor=home_affairs_officer, item=item, accept=True)
    # consolidation needs every criterion accepted
    with pytest.raises(Conflict):
        services.self_assessment_consolidate(actor=home_affairs_officer, assessment=opened)
    for other_item in opened.items.exclude(pk=item.pk):
        services.self_item_save(actor=home_affairs_officer, item=other_item,
                                score=other_item.node.max_points, explanation="Đạt.")  # fmt: skip
        services.self_evidence_add(actor=home_affairs_officer, item=other_item,
                                   link="/cai-cach/", name="Kế hoạch")  # fmt: skip
        services.self_item_submit(actor=home_affairs_officer, item=other_item)
        services.self_item_review(actor=home_affairs_officer, item=other_item, accept=True)
    done = services.self_assessment_consolidate(actor=home_affairs_officer, assessment=opened)
    expected = sum(i.score for i in opened.items.all())
    assert done.total == expected and item.node.max_points - D("1.5") == D("0.5")
    with pytest.raises(Conflict):
        services.self_item_save(actor=justice_officer, item=item, score="2", explanation="y")
    actions = list(
        Event.objects.filter(
            subject_type=events.SUBJECT_SELF, subject_id=str(opened.pk)
        ).values_list("action", flat=True)
    )
    for action in (events.SELF_ITEM_SAVED, events.SELF_EVIDENCE_ADDED, events.SELF_ITEM_RETURNED,
                   events.SELF_ITEM_SUBMITTED, events.SELF_ITEM_ACCEPTED,
                   events.SELF_CONSOLIDATED):  # fmt: skip
        assert action in actions

    # the consolidated report, re-read
    doc = Document(io.BytesIO(self_exports.self_report_docx(
        user=home_affairs_officer, assessment=done, today=dt.date(2022, 1, 31))))  # fmt: skip
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "năm 2021" in text and "Dự thảo" not in text
    header = doc.tables[0].rows[0].cells
    assert header[1].paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    body = doc.tables[1]
    assert [c.text for c in body.rows[0].cells][:4] == [
        "STT", "Lĩnh vực, tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"]  # fmt: skip
    row = next(r for r in body.rows if r.cells[0].text == "2.1")
    assert row.cells[3].text == "1,50" and "bien-ban" in row.cells[4].text
    assert row.cells[6].text == "Sở Tư pháp"
    assert body.rows[-1].cells[3].text == self_exports._n(expected)
    wb = load_workbook(io.BytesIO(self_exports.self_report_xlsx(
        user=home_affairs_officer, assessment=done)))  # fmt: skip
    ws = wb.active
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["2.1"][3] == 1.5 and rows["2.1"][6] == "Sở Tư pháp"
    assert rows["2.4"][3] is None  # survey criterion: scored by the Ministry


def test_pages_for_the_unit_and_home_affairs(client, opened, justice_officer, home_affairs_officer):
    item = opened.items.get(node__code="2.2")
    client.force_login(justice_officer)
    page = client.get(f"/cai-cach/tu-danh-gia/{opened.pk}/?cua_toi=1")
    assert page.status_code == 200
    assert "Kiểm tra, rà soát văn bản" in page.content.decode()
    assert "Xây dựng và ban hành văn bản" in page.content.decode()
    assert "Kế hoạch cải cách hành chính năm" not in page.content.decode()
    client.post(f"/cai-cach/tu-danh-gia/tieu-chi/{item.pk}/",
                {"action": "save", "score": "1,5", "explanation": "Rà soát đủ."})  # fmt: skip
    client.post(f"/cai-cach/tu-danh-gia/tieu-chi/{item.pk}/",
                {"action": "evidence", "file": png("ket-qua-ra-soat.png")})  # fmt: skip
    client.post(f"/cai-cach/tu-danh-gia/tieu-chi/{item.pk}/", {"action": "submit"})
    item.refresh_from_db()
    assert item.status == SelfItemStatus.SUBMITTED and item.score == D("1.5")
    ev = item.evidence.get()
    assert client.get(f"/cai-cach/tu-danh-gia/tai-lieu/{ev.pk}/").status_code == 200
    # a citizen account (no role) gets 403
    client.logout()
    from django.contrib.auth import get_user_model

    citizen = get_user_model().objects.create_user("dan", password="x-Mk-2026-kiem")
    client.force_login(citizen)
    assert client.get(f"/cai-cach/tu-danh-gia/{opened.pk}/").status_code == 403
    assert client.get(f"/cai-cach/tu-danh-gia/tai-lieu/{ev.pk}/").status_code == 403
    client.force_login(home_affairs_officer)
    client.post(f"/cai-cach/tu-danh-gia/tieu-chi/{item.pk}/",
                {"action": "return", "note": "Bổ sung biên bản."})  # fmt: skip
    item.refresh_from_db()
    assert item.status == SelfItemStatus.RETURNED
    docx = client.get(f"/cai-cach/tu-danh-gia/{opened.pk}/bao-cao.docx")
    assert docx.status_code == 200
    assert "Dự thảo" in "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)


def test_api_prepare_submit_and_return(client, opened, justice_officer, home_affairs_officer):
    item = opened.items.get(node__code="2.1")
    client.force_login(justice_officer)
    r = client.post(f"/api/reform/self-items/{item.pk}/score", {"score": "3", "explanation": "x"})
    assert r.status_code == 400 and r.json()["code"] == "reform_self_score_range"
    r = client.post(f"/api/reform/self-items/{item.pk}/score", {"score": "1,5", "explanation": "x"})
    assert r.status_code == 200 and r.json()["score"] == "1.5"
    r = client.post(f"/api/reform/self-items/{item.pk}/evidence", {"file": png()})
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    assert client.post(f"/api/reform/self-items/{item.pk}/submit").json()["status"] == "submitted"
    r = client.post(f"/api/reform/self-items/{item.pk}/review", {"accept": "true"})
    assert r.status_code == 403
    client.force_login(home_affairs_officer)
    r = client.post(
        f"/api/reform/self-items/{item.pk}/review", {"accept": "false", "note": "Bổ sung"}
    )
    assert r.json()["status"] == "returned" and r.json()["review_note"] == "Bổ sung"
    body = client.get(f"/api/reform/self-assessments/{opened.pk}").json()
    assert "STP" in body["not_submitted"]
    assert next(i for i in body["items"] if i["code"] == "2.1")["evidence"][0]["size"] > 0


def test_reminders_to_units_that_have_not_submitted(
    opened, justice_officer, make_user, departments, mailoutbox, django_capture_on_commit_callbacks
):
    justice_officer.email = "cchc.stp@example.vn"
    justice_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        early = services.self_reminders_send(today=dt.date(2021, 12, 1), days=7)
    assert early == {"due_soon": 0, "overdue": 0, "emails": 0}
    with django_capture_on_commit_callbacks(execute=True):
        soon = services.self_reminders_send(today=dt.date(2022, 1, 10), days=7)
    assert soon["due_soon"] == 2  # Sở Tư pháp and Sở Nội vụ have items left
    stp_mail = next(m for m in mailoutbox if m.to == ["cchc.stp@example.vn"])
    assert "hạn gửi 15/01/2022" in stp_mail.subject and "2.1, 2.2" in stp_mail.body
    again = services.self_reminders_send(today=dt.date(2022, 1, 11), days=7)
    assert again["due_soon"] == 0  # once per unit and kind
    late = services.self_reminders_send(today=dt.date(2022, 1, 20), days=7)
    assert late["overdue"] == 2
    assert Event.objects.filter(action=events.SELF_REMINDED).count() == 4


def test_cli_remind_covers_the_self_assessment(opened):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("reform", "remind", "--days", "3", stdout=out)
    assert "Tự đánh giá — sắp đến hạn: 0, quá hạn: 2" in out.getvalue()


def test_a_measure_without_data_suggests_nothing(opened):
    item = opened.items.get(measure="on_time_rate")  # no dossier in 2021 here
    assert item.score is None and item.measured_value is None
    assert "chưa có số liệu" in item.explanation and "dossier_stats" in item.measure_query
