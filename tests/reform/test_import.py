"""Importing the sample workbook of plan 359/KH-UBND (the seed's three appendices)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.reform import events, services
from motcua.reform.models import DeadlineKind, Occurrence, Plan, Task, TaskAssignment, UnitGroup
from motcua.reform.sample_plan import build_workbook, sample_data

pytestmark = pytest.mark.django_db


def _task(plan, start: str) -> Task:
    return plan.tasks.get(text__startswith=start)


def test_preview_reports_counts_and_what_it_could_not_match(
    home_affairs_officer, frameworks, sample_bytes
):
    # when
    preview = services.plan_import(actor=home_affairs_officer, data=sample_bytes)
    # then nothing is written
    assert not Plan.objects.exists() and not Task.objects.exists()
    assert preview["committed"] is False and preview["errors"] == []
    assert preview["plan"]["number"] == "359/KH-UBND"
    assert preview["plan"]["issued_on"] == "2021-09-27"
    assert [len(a["tasks"]) for a in preview["appendices"]] == [17, 37, 3]
    assert preview["task_count"] == 57
    assert [a["framework"] for a in preview["appendices"]] == [
        "PAPI (2018)",
        "PAR INDEX (2020)",
        "SIPAS (2020)",
    ]
    unmatched = {u["text"] for u in preview["unmatched_units"]}
    assert {
        "UBMTTQ tỉnh",
        "Tòa án nhân dân tỉnh",
        "Cục Hải quan tỉnh Hà Tĩnh",
        "Kho bạc Nhà nước tỉnh",
        "Các Ban Quản lý Dự án thuộc tỉnh",
        "Các đơn vị được kiểm toán",
    } <= unmatched
    assert "Sở LĐTB&XH" not in unmatched and "Văn phòng UBND tỉnh" not in unmatched
    assert [d["text"] for d in preview["unparsed_deadlines"]] == [
        "Được thực hiện ngay khi có văn bản được gửi đến Sở Tư pháp, Phòng Tư pháp để thẩm định"
    ]
    assert preview["paragraph_rows"] == []  # the sample has the two-paragraph cell in one cell
    assert any(c["count"] == 2 and c["paragraphs"][1].startswith("- Hỗ trợ phát triển s")
               for c in preview["paragraph_cells"])  # fmt: skip
    assert [s["text"] for s in preview["skipped_rows"]] == [
        "Có giải pháp riêng tại Phụ lục III kèm theo Kế hoạch này."
    ]
    assert {c["text"] for c in preview["unmatched_criteria"]} == {
        "Công chức hưởng kê khai hồ sơ dễ hiểu"  # a typo in the published appendix
    }


def test_commit_creates_every_task_with_lead_unit_and_deadline(imported_plan, departments):
    plan = imported_plan
    assert plan.number == "359/KH-UBND" and plan.issued_on == dt.date(2021, 9, 27)
    assert plan.signer == "Nguyễn Hồng Lĩnh"
    assert plan.tasks.count() == 57
    assert plan.tasks.filter(index__code="papi").count() == 17
    assert plan.tasks.filter(index__code="par-index").count() == 37
    assert plan.tasks.filter(index__code="sipas").count() == 3

    # Phụ lục 1, II.1: "Sở LĐTB&XH" → Sở Lao động - Thương binh và Xã hội, Quý IV/2021
    poor = _task(plan, "Sở Lao động - Thương binh và Xã hội thông qua các đợt rà soát")
    assert poor.lead_unit == departments["SLDTBXH"]
    assert poor.deadline_text == "Quý IV/2021" and poor.deadline_kind == DeadlineKind.QUARTER
    assert (poor.period_start, poor.period_end) == (dt.date(2021, 10, 1), dt.date(2021, 12, 31))
    assert [n.code for n in poor.nodes.all()] == ["2.2"]  # PAPI: Công khai danh sách hộ nghèo
    groups = set(poor.assignments.filter(role="coordinate").values_list("group", flat=True))
    assert groups == {UnitGroup.DISTRICTS, UnitGroup.COMMUNES}

    # Phụ lục II, VII.1: Kiến trúc CQĐT → Sở TT&TT, coordinated by Văn phòng UBND tỉnh
    arch = _task(plan, "Hoàn thiện, trình UBND tỉnh phê duyệt Kiến trúc CQĐT")
    assert arch.lead_unit == departments["STTTT"]
    coord = arch.assignments.get(role="coordinate")
    assert coord.unit == departments["VPUBND"] and coord.name_text == "Văn phòng UBND tỉnh"
    assert arch.occurrences.get().due_on == dt.date(2021, 12, 31)

    # Phụ lục II, IV.1: monthly report → one occurrence per month up to the horizon (2025)
    monthly = _task(plan, "Theo dõi việc thực hiện các quy định về hội họp")
    assert monthly.deadline_kind == DeadlineKind.MONTHLY
    assert monthly.lead_unit == departments["VPUBND"]
    assert monthly.occurrences.count() == 4 * 12 + 4  # 9/2021 … 12/2025
    assert monthly.next_due_on == dt.date(2021, 9, 30)

    # yearly ("Hàng năm"): one occurrence per year 2021-2025
    yearly = _task(plan, "- Tiếp tục hướng dẫn nghiệp vụ chứng thực")
    assert yearly.lead_unit == departments["STP"] and yearly.deadline_kind == DeadlineKind.YEARLY
    assert list(yearly.occurrences.values_list("label", flat=True)) == [
        f"Năm {y}" for y in range(2021, 2026)
    ]

    # merged cells: the lead unit of VI.2-VI.4 is the Sở Tài chính cell merged from VI.1
    merged = _task(plan, "Tiếp tục đôn đốc các đơn vị khẩn trương đẩy nhanh tiến độ")
    assert merged.lead_unit == departments["STC"] and merged.deadline_text == "Quý IV/2021"
    # a task merged over two criteria rows is linked to both (PAPI IV.1 and IV.2)
    corruption = _task(plan, "- Tăng cường tuyên truyền, phổ biến quan điểm")
    assert sorted(n.code for n in corruption.nodes.all()) == ["4.1", "4.2"]
    assert corruption.lead_unit == departments["TTRA"]

    # kept as written: regularly, roadmap, unparsed
    assert _task(plan, "- Niêm yết, công khai đầy đủ các TTHC").deadline_kind == "regular"
    roadmap = _task(plan, "Tiếp tục triển khai chuyển giao một số nhiệm vụ")
    assert roadmap.deadline_kind == DeadlineKind.ROADMAP and roadmap.next_due_on is None
    unparsed = _task(plan, "Kiểm soát chặt chẽ việc tuân thủ quy trình")
    assert unparsed.deadline_kind == DeadlineKind.UNPARSED
    assert unparsed.deadline_text.startswith("Được thực hiện ngay khi")

    # an unmatched lead keeps its wording and no unit
    court = _task(plan, "- Tăng cường công tác tuyên truyền, thông tin phổ biến")
    assert court.lead_unit is None and court.lead_text.startswith("Tòa án nhân dân tỉnh")
    # a lead group: "UBND cấp huyện, UBND cấp xã"
    group_led = _task(plan, "UBND cấp xã, UBND cấp huyện hàng năm có trách nhiệm")
    assert set(group_led.assignments.filter(role="lead").values_list("group", flat=True)) == {
        UnitGroup.DISTRICTS,
        UnitGroup.COMMUNES,
    }


def test_commit_records_one_created_event_per_task(imported_plan):
    created = Event.objects.filter(
        subject_type=events.SUBJECT_TASK, action=events.TASK_CREATED
    ).count()
    assert created == 57
    assert Event.objects.filter(subject_type=events.SUBJECT_PLAN).count() == 1


def test_commit_is_all_or_nothing(home_affairs_officer, frameworks, sample_bytes, imported_plan):
    # given the plan was imported once: a second commit is refused and writes nothing
    tasks_before = Task.objects.count()
    with pytest.raises(InvalidInput) as error:
        services.plan_import(actor=home_affairs_officer, data=sample_bytes, commit=True)
    assert "đã được nhập" in error.value.message
    assert Task.objects.count() == tasks_before and Plan.objects.count() == 1


def test_broken_workbook_writes_nothing(home_affairs_officer, frameworks):
    data = sample_data()
    data["appendices"][1]["headers"] = ["STT", "Tiêu chí", "Nhiệm vụ", "A", "B", "C"]
    data["plan"]["number"] = "360/KH-UBND"
    broken = build_workbook(data)
    preview = services.plan_import(actor=home_affairs_officer, data=broken)
    assert preview["task_count"] == 20  # only the two readable appendices
    assert "Thiếu cột" in preview["errors"][0]["message"]
    with pytest.raises(InvalidInput):
        services.plan_import(actor=home_affairs_officer, data=broken, commit=True)
    with pytest.raises(InvalidInput):
        services.plan_import(actor=home_affairs_officer, data=b"not a workbook", commit=True)
    assert not Plan.objects.exists() and not Occurrence.objects.exists()
    assert not TaskAssignment.objects.exists()


def test_only_home_affairs_reform_officers_import(make_user, departments, frameworks, sample_bytes):
    other = make_user(Role.REFORM_OFFICER, unit=departments["STP"])
    with pytest.raises(PermissionDenied):
        services.plan_import(actor=other, data=sample_bytes)


def test_sample_workbook_has_merged_cells_and_roman_sections(sample_bytes):
    wb = load_workbook(io.BytesIO(sample_bytes))
    assert wb.sheetnames == ["Thông tin kế hoạch", "PL1 PAPI", "PL2 PAR INDEX", "PL3 SIPAS"]
    ws = wb["PL2 PAR INDEX"]
    assert ws["A6"].value == "I" and ws["B6"].value == "Chỉ đạo điều hành CCHC"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B6:F6", "D29:D32", "B46:B51"} <= merged  # section, lead over 4 rows, criterion
    # the committed file is what the builder produces from the transcription
    rebuilt = load_workbook(io.BytesIO(build_workbook()))
    assert [[c.value for c in r] for r in rebuilt["PL3 SIPAS"].iter_rows()] == [
        [c.value for c in r] for r in wb["PL3 SIPAS"].iter_rows()
    ]
