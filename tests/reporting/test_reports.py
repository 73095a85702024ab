"""The report regime: open, fill, submit (leader), correct (new version), who did not
report, reminders; the Word export re-read."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.core.periods import period_of
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.reporting import exports, services
from motcua.reporting.models import Report, ReportStatus
from motcua.reporting.reports import reporting_rates, template_get
from tests.reporting.conftest import at

Q1 = period_of("quarter", dt.date(2026, 1, 1))
TEXTS = {
    "ket_qua": "Đã giải quyết đúng hạn phần lớn hồ sơ.",
    "ton_tai": "Hồ sơ đất đai còn trễ hẹn.",
    "nhiem_vu": "Rà soát quy trình nội bộ lĩnh vực đất đai.",
    "kien_nghi": "Đề nghị tập huấn phần mềm.",
}


def open_report(world, actor=None):
    return services.report_open(
        actor=actor or world.leader,
        template=template_get("cchc-quy"),
        unit=world.commune,
        period_start=Q1.start,
        now=at(29),
    )


@pytest.mark.django_db
def test_a_commune_fills_and_its_leader_submits(world, quarter, make_user):
    # given a reform officer of the commune opens and fills the quarterly report
    officer = make_user(Role.REFORM_OFFICER, unit=world.commune)
    report = open_report(world, actor=officer)
    report = services.report_save_draft(actor=officer, report=report, narrative=TEXTS)
    # when the officer tries to submit, then only the leader may
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=officer, report=report)
    report = services.report_submit(actor=world.leader, report=report, now=at(30, 9))
    # then it is submitted with the figures frozen from the data
    assert report.status == ReportStatus.SUBMITTED
    stats = {r["key"]: r["value"] for r in report.figures["sections"][0]["rows"]}
    # received A–H, L1, L2; ended 6 (2 good, 4 late); open at the end D, E, G (E overdue)
    assert stats == {
        "received": 10, "finished": 6, "good": 2, "late": 4, "open": 3, "overdue": 1,
        "online": 1,
    }  # fmt: skip
    rows = {r["code"]: r for r in report.figures["sections"][1]["rows"]}
    assert (rows["dat-dai-tre-han"]["numerator"], rows["dat-dai-tre-han"]["denominator"]) == (1, 1)
    assert rows["dat-dai-tre-han"]["light"] == "red"  # 100 % late vs < 5 %
    actions = list(Event.objects.filter(subject_type="report").values_list("action", flat=True))
    assert actions.count("report.submitted") == 1 and "report.drafted" in actions


@pytest.mark.django_db
def test_another_unit_cannot_touch_the_report(world, quarter):
    with pytest.raises(PermissionDenied):
        open_report(world, actor=world.other_leader)
    report = open_report(world)
    with pytest.raises(PermissionDenied):
        services.report_save_draft(actor=world.other_leader, report=report, narrative=TEXTS)


@pytest.mark.django_db
def test_submitting_needs_every_written_section(world, quarter):
    report = open_report(world)
    services.report_save_draft(actor=world.leader, report=report, narrative={"ket_qua": "x"})
    with pytest.raises(InvalidInput) as error:
        services.report_submit(actor=world.leader, report=report)
    assert error.value.code == "report_incomplete"
    with pytest.raises(InvalidInput):
        services.report_save_draft(actor=world.leader, report=report, narrative={"la": "x"})


@pytest.mark.django_db
def test_a_correction_is_a_new_version_and_the_first_submission_counts(world, quarter):
    report = open_report(world)
    services.report_save_draft(actor=world.leader, report=report, narrative=TEXTS)
    first = services.report_submit(actor=world.leader, report=report, now=at(35, 9))
    with pytest.raises(Conflict):
        services.report_save_draft(actor=world.leader, report=first, narrative=TEXTS)
    second = services.report_correct(actor=world.leader, report=first, reason="Sửa số liệu")
    assert second.version == 2 and second.status == ReportStatus.DRAFT
    services.report_submit(actor=world.leader, report=second, now=at(60, 9))
    versions = Report.objects.filter(unit=world.commune).order_by("version")
    assert [(r.version, r.current) for r in versions] == [(1, False), (2, True)]
    # the quarter's due date is 10/4/2026 (quarter end + 10 days): the first send was on time
    rates = reporting_rates(template=template_get("cchc-quy"), period=Q1, now=at(70))
    row = next(r for r in rates["rows"] if r.unit == world.commune)
    assert row.status == "on_time"


@pytest.mark.django_db
def test_who_did_not_report(world, quarter, make_user):
    # given the first commune sent late and the second sent nothing
    report = open_report(world)
    services.report_save_draft(actor=world.leader, report=report, narrative=TEXTS)
    services.report_submit(actor=world.leader, report=report, now=at(45, 9))  # 16/4: late
    rates = reporting_rates(template=template_get("cchc-quy"), period=Q1, now=at(50))
    # then the province sees expected 2, submitted 1, on time 0, missing 1 — named
    assert (rates["expected"], rates["submitted"], rates["on_time"], rates["missing"]) == (
        2,
        1,
        0,
        1,
    )
    by_unit = {r.unit.pk: r for r in rates["rows"]}
    assert by_unit[world.commune.pk].status == "late"
    missing = by_unit[world.other.pk]
    assert missing.status == "missing"
    assert missing.head == world.other_leader.get_full_name()
    assert rates["rows"][0].unit == world.other  # missing first


@pytest.mark.django_db
def test_reminders_go_once_a_day_to_units_that_have_not_reported(world, quarter, mailoutbox):
    world.other_leader.email = "lanhdao.xa2@example.vn"
    world.other_leader.save()
    now = dt.datetime(2026, 4, 12, 8, 0, tzinfo=dt.UTC)
    with __import__("django.test", fromlist=["x"]).TestCase.captureOnCommitCallbacks(execute=True):
        sent = services.report_remind(now=now)
    assert sent >= 2  # both communes, at least for the quarterly CCHC report
    assert services.report_remind(now=now) == 0  # not twice the same day
    assert any("lanhdao.xa2@example.vn" in m.to for m in mailoutbox)
    assert Event.objects.filter(action="report.reminded").count() == sent


@pytest.mark.django_db
def test_word_export_in_administrative_layout(world, quarter):
    report = open_report(world)
    services.report_save_draft(
        actor=world.leader, report=report, narrative=TEXTS, number="15/BC-UBND"
    )
    report = services.report_submit(actor=world.leader, report=report, now=at(30, 9))
    doc = Document(io.BytesIO(exports.report_docx(report, place="Xã Số Một")))
    text = "\n".join(p.text for p in doc.paragraphs)
    header = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in h for h in header)
    assert any("Độc lập - Tự do - Hạnh phúc" in h for h in header)
    assert any("Số: 15/BC-UBND" in h for h in header)
    assert any("Xã Số Một, ngày 01 tháng 04 năm 2026" in h for h in header)
    assert "BÁO CÁO" in text and "quý 1/2026" in text
    assert TEXTS["ton_tai"] in text
    counts = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert ["Hồ sơ tiếp nhận trong kỳ", "10"] in counts
    figures = doc.tables[2]
    cells = [[c.text for c in row.cells] for row in figures.rows]
    land = next(r for r in cells if r[0].startswith("Tỷ lệ hồ sơ đất đai"))
    assert land[1] == "100,00%" and land[2] == "< 5,00%" and land[3] == "1 / 1"
    sign = [c.text for row in doc.tables[-1].rows for c in row.cells]
    assert any("Nơi nhận" in s for s in sign)
    assert any(world.leader.get_full_name() in s for s in sign)


def test_the_reminders_and_the_catch_up_are_scheduled():
    from motcua.core import schedule

    assert "motcua.reporting.tasks.report_reminders_task" in schedule.DAILY_JOBS
    assert "motcua.reporting.tasks.aggregates_catch_up_task" in schedule.DAILY_JOBS


@pytest.mark.django_db
def test_pdf_and_consolidation_exports(client, world, quarter, province_admin):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    report = open_report(world)
    services.report_save_draft(actor=world.leader, report=report, narrative=TEXTS)
    report = services.report_submit(actor=world.leader, report=report, now=at(30, 9))
    # the report as PDF, re-read
    client.force_login(world.leader)
    pdf = client.get(f"/thong-ke/bao-cao/{report.pk}/pdf/")
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "BÁO CÁO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert TEXTS["ton_tai"] in text and "100,00%" in text
    # the commune may not consolidate; the province may
    url = "/thong-ke/bao-cao/tinh-hinh/tong-hop.{}?mau=cchc-quy&ngay=2026-01-01"
    assert client.get(url.format("docx")).status_code == 403
    client.force_login(province_admin)
    doc = Document(io.BytesIO(client.get(url.format("docx")).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO TỔNG HỢP" in text and "chưa gửi 1" in text
    assert TEXTS["kien_nghi"] in text
    status = [[c.text for c in r.cells] for r in doc.tables[2].rows]  # header, figures, status
    assert [world.other.name, world.other_leader.get_full_name(), "Chưa báo cáo"] in status
    consolidated = PdfReader(io.BytesIO(client.get(url.format("pdf")).content)).pages
    words = " ".join(" ".join(p.extract_text() for p in consolidated).split())
    assert "BÁO CÁO TỔNG HỢP" in words and world.other.name in words
    assert "chưa gửi 1" in words and TEXTS["kien_nghi"] in words
    assert client.get(url.format("odt")).status_code == 404
    ws = load_workbook(io.BytesIO(client.get(url.format("xlsx")).content)).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    header = [c.value for c in ws[4]]
    land = header.index("dat-dai-tre-han")
    assert rows[world.commune.name][land] == 100.0
    assert rows[world.other.name][2] == "Chưa báo cáo"


@pytest.mark.django_db
def test_reports_page_opens_a_report_for_any_period(client, world, quarter):
    client.force_login(world.leader)
    page = client.get("/thong-ke/bao-cao/")
    assert "Lập báo cáo cho kỳ khác" in page.content.decode()
    response = client.post(
        "/thong-ke/bao-cao/lap/",
        {"mau": "cchc-quy", "don_vi": world.commune.code, "tu_ngay": "2026-01-01"},
    )
    report = Report.objects.get(unit=world.commune, period_start=dt.date(2026, 1, 1))
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/")
    wrong = client.post(
        "/thong-ke/bao-cao/lap/",
        {"mau": "cchc-quy", "don_vi": world.commune.code, "tu_ngay": "2026-01-15"},
        follow=True,
    )
    assert "bắt đầu ngày 01/01/2026" in wrong.content.decode()
    # the page saves the draft and the leader submits it
    page = client.post(
        f"/thong-ke/bao-cao/{report.pk}/", {**TEXTS, "thao_tac": "gui", "so": "7/BC"}, follow=True
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.number == "7/BC"
    assert "Đã gửi báo cáo." in page.content.decode()
