"""The Ministry's published results of several years from one workbook: ranks, points lost
against the maximum and the national average, trends, simulated scores replaced; the gap
between self-assessment and appraisal; the accountability table."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from motcua.core.errors import InvalidInput
from motcua.organization.models import Role
from motcua.reform import selectors, self_selectors, services
from motcua.reform.accountability import accountability_table, accountability_xlsx
from motcua.reform.models import Index, Result
from motcua.reform.results_excel import result_template

pytestmark = pytest.mark.django_db

YEARS = {  # year: (total, rank, {code: (score, national average)})
    2020: ("85.31", 16, {"3": ("11.5", "11"), "3.4": ("1.5", "2.1"), "2.1": ("2", "1.8")}),
    2021: ("87.02", 12, {"3": ("12", "11.2"), "3.4": ("2", "2.2"), "2.1": ("1.25", "1.7")}),
    2022: ("88.40", 9, {"3": ("12.5", "11.4"), "3.4": ("2.5", "2.3"), "2.1": ("1.5", "1.9")}),
}


def _workbook(framework) -> bytes:
    """One sheet per year, each the template filled in as the Ministry publishes."""
    from openpyxl import Workbook

    out_wb = Workbook()
    out_wb.remove(out_wb.active)
    for year, (total, rank, scores) in YEARS.items():
        src = load_workbook(io.BytesIO(result_template(framework=framework, year=year))).active
        ws = out_wb.create_sheet(f"Năm {year}")
        for row in src.iter_rows(values_only=True):
            ws.append(list(row))
        ws["B3"], ws["B4"], ws["B7"] = float(total), rank, f"Bộ Nội vụ công bố PAR INDEX {year}"
        rows = {ws.cell(r, 1).value: r for r in range(10, ws.max_row + 1)}
        for code, (score, avg) in scores.items():
            ws.cell(rows[code], 4, float(score))
            ws.cell(rows[code], 5, float(avg))
    buf = io.BytesIO()
    out_wb.save(buf)
    return buf.getvalue()


def test_three_years_from_one_workbook_give_trends_and_points_lost(
    home_affairs_officer, frameworks, reader
):
    results = services.result_import(
        actor=home_affairs_officer, data=_workbook(frameworks["par-index"])
    )
    assert [(r.year, r.total, r.rank) for r in results] == [
        (2020, D("85.31"), 16), (2021, D("87.02"), 12), (2022, D("88.40"), 9)]  # fmt: skip
    index = Index.objects.get(code="par-index")
    trend = selectors.index_trend(reader, index)
    assert trend["years"] == [2020, 2021, 2022] and trend["rank"] == [16, 12, 9]
    history = selectors.results_history(reader, index)
    row = next(r for r in history["rows"] if r["code"] == "3.4")  # max 2.5
    assert [c["lost"] for c in row["cells"]] == [D("1.0"), D("0.5"), D("0")]
    assert [c["vs_national"] for c in row["cells"]] == [D("-0.6"), D("-0.2"), D("0.2")]
    area = next(s for s in history["chart"]["series"] if s["name"].startswith("3."))
    assert area["lost"] == [2.0, 1.5, 1.0]  # area 3: max 13.5
    assert history["simulated_years"] == []


def test_a_published_result_replaces_the_simulated_one(home_affairs_officer, frameworks, reader):
    services.result_record(
        actor=home_affairs_officer, index_code="par-index", year=2020, total="85.31",
        scores={"1.5": "0.5", "2.4": "4"}, simulated=True, source="mô phỏng",
    )  # fmt: skip
    index = Index.objects.get(code="par-index")
    assert selectors.results_history(reader, index)["simulated_years"] == [2020]
    services.result_import(actor=home_affairs_officer, data=_workbook(frameworks["par-index"]))
    result = Result.objects.get(index=index, year=2020)
    assert result.simulated is False
    assert sorted(result.scores.values_list("node__code", flat=True)) == ["2.1", "3", "3.4"]


def test_two_sheets_of_the_same_year_are_refused(home_affairs_officer, frameworks):
    data = _workbook(frameworks["par-index"])
    wb = load_workbook(io.BytesIO(data))
    wb["Năm 2022"]["B2"] = 2021
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InvalidInput) as error:
        services.result_import(actor=home_affairs_officer, data=out.getvalue())
    assert error.value.code == "result_file_duplicate_year"
    assert not Result.objects.exists()


def test_gap_between_self_assessment_and_appraisal(
    home_affairs_officer, frameworks, departments, reader
):
    services.result_import(actor=home_affairs_officer, data=_workbook(frameworks["par-index"]))
    index = Index.objects.get(code="par-index")
    assessment = services.self_assessment_open(
        actor=home_affairs_officer, index=index, year=2021, deadline=dt.date(2022, 1, 15)
    )
    item = assessment.items.get(node__code="2.1")
    services.self_item_save(actor=home_affairs_officer, item=item, score="2", explanation="x")
    gap = next(g for g in self_selectors.self_vs_appraisal(reader, assessment) if g["item"] == item)
    assert (gap["official"], gap["gap"]) == (D("1.25"), D("0.75"))  # over-scored by 0.75


def test_accountability_table_per_unit_head(
    home_affairs_officer, frameworks, departments, make_user, imported_plan, reader
):
    services.result_import(actor=home_affairs_officer, data=_workbook(frameworks["par-index"]))
    index = Index.objects.get(code="par-index")
    services.self_assessment_open(
        actor=home_affairs_officer, index=index, year=2021, deadline=dt.date(2022, 1, 15),
        units={"2.1": departments["STP"]},
    )  # fmt: skip
    make_user(Role.UNIT_LEADER, unit=departments["STP"], first_name="Nguyễn Văn", last_name="A")
    data = accountability_table(reader, year=2021, today=dt.date(2022, 3, 1))
    stp = next(r for r in data["rows"] if r["unit"] == departments["STP"])
    assert stp["head"] == "Nguyễn Văn A"
    by_code = {c["code"]: c for c in stp["criteria"]}
    assert by_code["2.1"]["lost"] == D("0.75")  # max 2, published 1.25
    assert stp["points_lost"] >= D("0.75")
    # the tasks it leads, alone or in a lead group ("các sở, ban, ngành"), as on the board
    led = selectors.task_list(reader, unit=departments["STP"], role="lead").filter(index=index)
    assert (
        stp["tasks"]["total"]
        == led.count()
        > imported_plan.tasks.filter(lead_unit=departments["STP"], index=index).count()
    )
    ws = load_workbook(io.BytesIO(accountability_xlsx(reader, year=2021))).active
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["Sở Tư pháp"][2] == "Nguyễn Văn A" and "2.1 (-0.750)" in rows["Sở Tư pháp"][3]


def test_papi_dimensions_over_three_years_and_pages(
    client, home_affairs_officer, frameworks, imported_plan, reader
):
    for year, (d4, d22) in {2019: ("5", "1"), 2020: ("5.5", "1.2"), 2021: ("6", "1.3")}.items():
        services.result_record(actor=home_affairs_officer, index_code="papi", year=year,
                               total="45", scores={"4": d4, "2.2": d22},
                               national={"4": "5.8"})  # fmt: skip
    papi = Index.objects.get(code="papi")
    history = selectors.results_history(reader, papi)
    assert history["years"] == [2019, 2020, 2021]
    row = next(r for r in history["rows"] if r["code"] == "4")
    assert [c["vs_national"] for c in row["cells"]] == [D("-0.8"), D("-0.3"), D("0.2")]
    client.force_login(home_affairs_officer)
    html = client.get("/cai-cach/chi-so/papi/?nam=2021").content.decode()
    assert 'id="diem-mat-qua-cac-nam"' in html and 'id="bieu-do-diem-mat-nam"' in html
    table = client.get("/cai-cach/trach-nhiem/?chi_so=papi&nam=2021")
    assert table.status_code == 200 and "PAPI năm 2021" in table.content.decode()
    # the Sở LĐTB&XH leads the PAPI task on 2.2 (poor households list): its points lost
    data = accountability_table(reader, year=2021, index_code="papi")
    labour = next(r for r in data["rows"] if r["unit"].code == "SLDTBXH")
    assert any(c["code"] == "2.2" and c["lost"] is not None for c in labour["criteria"])


def test_index_page_says_when_scores_are_simulated(client, home_affairs_officer, frameworks):
    services.result_record(
        actor=home_affairs_officer, index_code="par-index", year=2020, total="85.31",
        scores={"1.5": "0.5"}, simulated=True,
    )  # fmt: skip
    client.force_login(home_affairs_officer)
    html = client.get("/cai-cach/chi-so/par-index/?nam=2020").content.decode()
    assert 'id="mo-phong"' in html and "số liệu mô phỏng" in html
    page = client.get("/cai-cach/trach-nhiem/?nam=2020").content.decode()
    assert "số liệu mô phỏng" in page
