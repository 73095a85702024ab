"""A task cell of several "- " paragraphs, as officials type or paste it, is never lost: one task
by default, one task per paragraph if the officer says so, and every row that is not a task is
listed with its reason.

The case of issue 22: the PAR INDEX appendix, area VIII, criterion 3, third task — one cell of
two paragraphs each starting with "- ". The test workbooks are built with openpyxl here, with
that cell typed three ways: as text, as Excel stores "- …" typed by hand (the formula "=- …" with
no cached value), and pasted from Word (one paragraph per row)."""

from __future__ import annotations

import copy
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from motcua.reform import services
from motcua.reform.models import Plan, Task
from motcua.reform.sample_plan import build_workbook, sample_data

pytestmark = pytest.mark.django_db

POOR = '- Tiếp tục đẩy mạnh phong trào "Hà Tĩnh chung tay vì người nghèo'
SECOND = "- Hỗ trợ phát triển sản xuất; hỗ trợ về học nghề"
CRITERION = "Mức độ thực hiện các chỉ tiêu phát triển KT-XH"
SHEET = "PL2 PAR INDEX"


def _par(preview) -> list[dict]:
    return next(a for a in preview["appendices"] if a["index"] == "par-index")["tasks"]


def _viii3(preview) -> list[dict]:
    return [t for t in _par(preview) if t["criteria"][0].startswith(CRITERION)]


def _poor_cell(ws):
    return next(c for row in ws.iter_rows() for c in row if str(c.value).startswith(POOR))


def _as_typed(ws) -> None:
    """Excel keeps "- Tiếp tục …" typed in a cell as the formula "=- Tiếp tục …" (openpyxl
    writes formulas without a cached value: a reader of values sees nothing there)."""
    cell = _poor_cell(ws)
    cell.value = "=" + cell.value


def _pasted_from_word() -> bytes:
    """The same plan with the two paragraphs on two rows (Word → Excel paste): the second row
    has no unit, coordination or deadline of its own."""
    data = sample_data()
    for appendix in data["appendices"]:
        for section in appendix["sections"]:
            for group in section["groups"]:
                tasks = group["tasks"]
                for i, task in enumerate(list(tasks)):
                    if task["text"].startswith(POOR):
                        first, second = task["text"].split("\n")
                        task["text"] = first
                        tasks.insert(i + 1, {"text": second, "lead": "", "coord": "",
                                             "deadline": ""})  # fmt: skip
    return build_workbook(data)


def _workbook(variant: str) -> bytes:
    if variant == "pasted":
        return _pasted_from_word()
    wb = load_workbook(io.BytesIO(build_workbook()))
    if variant == "typed":
        _as_typed(wb[SHEET])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_repository_sample_holds_the_two_paragraph_cell_as_the_seed_prints_it(sample_bytes):
    ws = load_workbook(io.BytesIO(sample_bytes))[SHEET]
    text = _poor_cell(ws).value
    assert text.split("\n")[0].startswith(POOR) and text.split("\n")[1].startswith(SECOND)
    assert ws.cell(_poor_cell(ws).row, 4).value == "Sở Lao động - Thương binh và Xã hội"


@pytest.mark.parametrize("variant", ["text", "typed", "pasted"])
def test_the_cell_is_one_task_with_both_paragraphs_and_nothing_disappears_unseen(
    variant, home_affairs_officer, frameworks, departments
):
    preview = services.plan_import(actor=home_affairs_officer, data=_workbook(variant))
    viii3 = _viii3(preview)
    # the six tasks of VIII.3; the third is the two-paragraph cell, whole
    assert len(viii3) == 6 and viii3[2]["text"].startswith(POOR)
    assert SECOND in viii3[2]["text"]
    assert [p["status"] for p in viii3[2]["lead"]] == ["matched"]
    assert viii3[2]["lead"][0]["unit"] == "SLDTBXH"
    assert viii3[2]["deadline"]["text"] == "Quý IV/2021" and viii3[2]["deadline"]["end"]
    # what the seed's tables truly hold: 57 tasks, every one with its lead and its deadline
    assert preview["task_count"] == 57
    for task in (t for a in preview["appendices"] for t in a["tasks"]):
        assert task["lead_text"] and task["deadline_text"], task["number"]
    # every row that is not a task is listed, with its reason
    without = preview["rows_without_task"]
    notes = [r for r in without if "ghi chú" in r["reason"]]
    assert [r["text"] for r in notes] == [
        "Có giải pháp riêng tại Phụ lục III kèm theo Kế hoạch này."
    ]
    sections = [r for r in without if "La Mã" in r["reason"]]
    assert len(sections) == 7 + 8 + 3  # PAPI I–VII, PAR INDEX I–VIII, SIPAS I–III
    assert len(without) == len(sections) + 1 + (variant == "pasted")  # nothing else unseen
    if variant == "pasted":
        assert [r["text"][:48] for r in preview["paragraph_rows"]] == [SECOND[:48]]
        assert any(r["text"].startswith(SECOND) and "Đoạn tiếp theo" in r["reason"]
                   for r in without)  # fmt: skip
    else:
        cell = next(c for c in preview["paragraph_cells"] if c["paragraphs"][0].startswith(POOR))
        assert cell["count"] == 2 and cell["paragraphs"][1].startswith(SECOND)
        assert cell["key"] == f"{SHEET}!{viii3[2]['row']}"


@pytest.mark.parametrize("variant", ["text", "typed", "pasted"])
def test_if_the_plan_means_two_the_officer_splits_the_cell_and_gets_58(
    variant, home_affairs_officer, frameworks, departments
):
    data = _workbook(variant)
    preview = services.plan_import(actor=home_affairs_officer, data=data)
    choices = preview["paragraph_rows"] or preview["paragraph_cells"]
    key = next(c["key"] for c in choices if SECOND[:30] in str(c.get("paragraphs", c["text"])))
    result = services.plan_import(
        actor=home_affairs_officer, data=data, commit=True, split_rows={key}
    )
    assert result["task_count"] == 58
    plan = Plan.objects.get()
    assert plan.tasks.count() == 58
    poor = plan.tasks.get(text__startswith=POOR[:30])
    second = plan.tasks.get(text__startswith=SECOND[:30])
    assert SECOND[:20] not in poor.text
    for task in (poor, second):
        assert task.lead_unit == departments["SLDTBXH"]
        assert task.deadline_text == "Quý IV/2021" and task.period_end is not None
        assert task.nodes.get().name.startswith(CRITERION)
    assert poor.number != second.number


def test_a_workbook_typed_from_scratch_with_only_that_criterion(
    home_affairs_officer, frameworks, departments
):
    """A minimal appendix typed by hand (not our sample builder): one criterion, three tasks,
    the third a two-paragraph cell stored as "=- …"; a note row and a row with units only."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PL2"
    ws["A1"] = "PHỤ LỤC 2"
    ws["A2"] = "NHIỆM VỤ KHẮC PHỤC NỘI DUNG BỊ TRỪ ĐIỂM CHỈ SỐ PAR INDEX NĂM 2020"
    ws["A3"] = "(Kèm theo Kế hoạch số 359/KH-UBND ngày 27/9/2021 của UBND tỉnh)"
    ws.append([])
    ws.append(["STT", "Tiêu chí bị trừ điểm", "Nhiệm vụ, giải pháp", "Đơn vị chủ trì",
               "Đơn vị phối hợp", "Thời hạn"])  # fmt: skip
    ws.append(["VIII", "Tác động CCHC đối với sự phát triển kinh tế - xã hội tỉnh"])
    ws.append([3, CRITERION + " do HĐND tỉnh giao", "- Xây dựng kế hoạch thu NSNN.",
               "Sở Tài chính", "Cục Thuế tỉnh", "Quý IV/2021"])  # fmt: skip
    ws.append([None, None, "- Nâng cao chất lượng quy hoạch.\n- Xúc tiến đầu tư.",
               "Sở Kế hoạch và Đầu tư", "", "Quý IV/2021"])  # fmt: skip
    ws.append([None, None, "=" + POOR + '…"\n' + SECOND + "…",
               "Sở Lao động - Thương binh và Xã hội", "UBND các huyện", "Quý IV/2021"])  # fmt: skip
    ws.append([None, None, "Có giải pháp riêng tại Phụ lục III.", None, None, None])
    ws.append([None, None, None, "Sở Nội vụ", None, None])
    ws.merge_cells("A7:A11")
    ws.merge_cells("B7:B11")
    out = io.BytesIO()
    wb.save(out)
    preview = services.plan_import(actor=home_affairs_officer, data=out.getvalue())
    tasks = preview["appendices"][0]["tasks"]
    assert [t["lead"][0]["unit"] for t in tasks] == ["STC", "SKHDT", "SLDTBXH"]
    assert tasks[2]["text"].startswith(POOR) and SECOND in tasks[2]["text"]
    reasons = {r["row"]: r["reason"] for r in preview["rows_without_task"]}
    assert "La Mã" in reasons[6] and "ghi chú" in reasons[10] and "chỉ có" in reasons[11]
    assert [c["row"] for c in preview["paragraph_cells"]] == [8, 9]


def test_the_import_page_lists_rows_and_cells_and_lets_the_officer_split(
    client, home_affairs_officer, frameworks, departments
):
    data = _workbook("typed")
    client.force_login(home_affairs_officer)
    html = client.post(
        "/cai-cach/ke-hoach/nhap/", {"workbook": SimpleUploadedFile("359.xlsx", data)}
    ).content.decode()
    assert 'id="dong-khong-thanh-nhiem-vu"' in html and "coi là ghi chú" in html
    assert 'id="o-nhieu-doan"' in html and "thành 2 nhiệm vụ" in html
    labels = html.split('name="tach" value="')[1:]
    key = next(p.split('"')[0] for p in labels if "Hỗ trợ phát triển sản" in p.split("</div>")[0])
    assert key.startswith(SHEET + "!")
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        "/cai-cach/ke-hoach/nhap/", {"token": token, "filename": "359.xlsx", "tach": [key]}
    )
    assert done.status_code == 302 and Task.objects.count() == 58


def test_split_keys_are_per_cell(home_affairs_officer, frameworks, departments, sample_bytes):
    """Splitting one cell leaves every other multi-paragraph cell whole."""
    preview = services.plan_import(actor=home_affairs_officer, data=sample_bytes)
    cells = copy.deepcopy(preview["paragraph_cells"])
    assert len(cells) > 1
    split = services.plan_import(
        actor=home_affairs_officer, data=sample_bytes, split_rows={cells[0]["key"]}
    )
    assert split["task_count"] == 57 + cells[0]["count"] - 1
    assert [c["split"] for c in split["paragraph_cells"]] == [True] + [False] * (len(cells) - 1)
