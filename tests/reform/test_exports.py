"""Word and Excel progress reports, re-read with python-docx and openpyxl."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from motcua.organization.models import Role
from motcua.reform import exports, services

pytestmark = pytest.mark.django_db
TODAY = dt.date(2021, 12, 20)


@pytest.fixture
def reported(small_plan, make_user, departments):
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STTTT"])
    task = small_plan.tasks.get(text__startswith="Hoàn thiện, trình UBND tỉnh phê duyệt")
    services.task_report_progress(actor=officer, task=task, text="Đã trình UBND tỉnh", percent=80)
    return small_plan


def test_word_report_has_the_administrative_layout_and_every_task(reported, home_affairs_officer):
    data = exports.plan_report_docx(
        user=home_affairs_officer,
        plan=reported, issuer="Sở Nội vụ tỉnh Hà Tĩnh", report_number="215/BC-SNV",
        place="Hà Tĩnh", signer="Nguyễn Văn A", signer_title="Giám đốc", today=TODAY,
    )  # fmt: skip
    doc = Document(io.BytesIO(data))
    header = doc.tables[0]
    assert header.cell(0, 0).paragraphs[0].text == "SỞ NỘI VỤ TỈNH HÀ TĨNH"
    assert [p.text for p in header.cell(0, 1).paragraphs][:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert header.cell(1, 0).text == "Số: 215/BC-SNV"
    assert header.cell(1, 1).text == "Hà Tĩnh, ngày 20 tháng 12 năm 2021"
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Tiến độ thực hiện Kế hoạch số 359/KH-UBND ngày 27/09/2021" in texts
    assert any("19 nhiệm vụ" in t and "1 nhiệm vụ quá hạn" in t for t in texts)
    body = doc.tables[1]
    assert len(body.rows) == 1 + 19 and body.cell(0, 3).text == "Nhiệm vụ, giải pháp"
    rows = [[c.text for c in r.cells] for r in body.rows[1:]]
    arch = next(r for r in rows if r[3].startswith("Hoàn thiện, trình UBND tỉnh phê duyệt"))
    assert arch[4] == "Sở Thông tin và Truyền thông" and arch[5] == "Quý IV/2021"
    assert arch[6].startswith("Đã trình UBND tỉnh") and "80%" in arch[6]
    assert arch[7] == "Đang thực hiện"
    signature = doc.tables[2].cell(0, 1).text
    assert "GIÁM ĐỐC" in signature and "Nguyễn Văn A" in signature


def test_excel_report_lists_every_task_with_status(reported, home_affairs_officer):
    wb = load_workbook(
        io.BytesIO(exports.plan_report_xlsx(user=home_affairs_officer, plan=reported, today=TODAY))
    )
    ws = wb["Tiến độ"]
    assert ws["A1"].value.startswith("TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH SỐ 359/KH-UBND")
    assert ws["E3"].value == "Nhiệm vụ, giải pháp"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 19
    monthly = next(r for r in rows if r[1] == "PLII-IV.1.1")
    assert monthly[5] == "Văn phòng UBND tỉnh" and monthly[10] == "x"  # overdue on 20/12/2021
    arch = next(r for r in rows if str(r[4]).startswith("Hoàn thiện, trình UBND tỉnh"))
    assert arch[9] == "Đang thực hiện" and arch[11] == 80 and arch[12] == "Đã trình UBND tỉnh"
