"""A task cell of several "- " paragraphs, as officials type or paste them, stays one task
(or two, if the officer says so), and every row that is not a task is listed with a reason."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from motcua.reform import services
from motcua.reform.models import Plan

pytestmark = pytest.mark.django_db

POOR = '- Tiếp tục đẩy mạnh phong trào "Hà Tĩnh chung tay vì người nghèo'
SECOND = "- Hỗ trợ phát triển sản xuất; hỗ trợ về học nghề"


def _par_tasks(preview):
    return next(a for a in preview["appendices"] if a["index"] == "par-index")["tasks"]


def test_two_paragraph_cell_is_one_task_with_both_paragraphs(
    home_affairs_officer, frameworks, departments, sample_bytes
):
    preview = services.plan_import(actor=home_affairs_officer, data=sample_bytes)
    tasks = _par_tasks(preview)
    poor = next(t for t in tasks if t["text"].startswith(POOR))
    assert SECOND in poor["text"]  # the second paragraph is not lost as a note
    assert [p["status"] for p in poor["lead"]] == ["matched"]
    assert poor["deadline"]["text"] == "Quý IV/2021"
    assert [p["text"][:48] for p in preview["paragraph_rows"]] == [SECOND[:48]]
    # every row that is not a task is listed with its reason
    reasons = {(r["sheet"], r["row"]): r["reason"] for r in preview["rows_without_task"]}
    assert (preview["paragraph_rows"][0]["sheet"], preview["paragraph_rows"][0]["row"]) in reasons
    assert any("ghi chú" in r for r in reasons.values())
    assert any("La Mã" in r for r in reasons.values())
    assert preview["task_count"] == 57


def test_the_officer_can_split_the_paragraphs_into_two_tasks(
    home_affairs_officer, frameworks, departments, sample_bytes
):
    key = services.plan_import(actor=home_affairs_officer, data=sample_bytes)["paragraph_rows"][0][
        "key"
    ]
    result = services.plan_import(
        actor=home_affairs_officer, data=sample_bytes, commit=True, split_rows={key}
    )
    assert result["task_count"] == 58
    plan = Plan.objects.get()
    assert plan.tasks.count() == 58
    second = plan.tasks.get(text__startswith=SECOND[:30])
    assert second.lead_unit == departments["SLDTBXH"]
    assert second.deadline_text == "Quý IV/2021"
    assert plan.tasks.filter(text__startswith=POOR).get().lead_unit == departments["SLDTBXH"]


def test_a_dash_cell_excel_stored_as_a_formula_is_read_as_typed(
    home_affairs_officer, frameworks, departments, sample_bytes
):
    # given the official typed "- Tiếp tục …" and Excel kept it as the formula "=- Tiếp tục …"
    wb = load_workbook(io.BytesIO(sample_bytes))
    ws = wb["PL2 PAR INDEX"]
    cell = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith(POOR))
    cell.value = "=" + cell.value
    out = io.BytesIO()
    wb.save(out)
    # when
    preview = services.plan_import(actor=home_affairs_officer, data=out.getvalue())
    # then the task is there, with both paragraphs
    poor = next(t for t in _par_tasks(preview) if t["text"].startswith(POOR))
    assert SECOND in poor["text"]
    assert preview["task_count"] == 57


def test_the_import_page_lists_rows_and_lets_the_officer_split(
    client, home_affairs_officer, frameworks, departments, sample_bytes
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.reform.models import Task

    client.force_login(home_affairs_officer)
    html = client.post(
        "/cai-cach/ke-hoach/nhap/", {"workbook": SimpleUploadedFile("359.xlsx", sample_bytes)}
    ).content.decode()
    assert 'id="dong-khong-thanh-nhiem-vu"' in html
    assert "Đoạn tiếp theo của nhiệm vụ ở dòng" in html and "coi là ghi chú" in html
    key = html.split('name="tach" value="')[1].split('"')[0]
    assert key.startswith("PL2 PAR INDEX!")
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        "/cai-cach/ke-hoach/nhap/", {"token": token, "filename": "359.xlsx", "tach": [key]}
    )
    assert done.status_code == 302 and Task.objects.count() == 58
