from decimal import Decimal

import pytest

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.reform import selectors, services
from motcua.reform.demo import simulated_par_scores
from motcua.reform.models import Framework, NodeLevel

pytestmark = pytest.mark.django_db
D = Decimal


def test_shipped_frameworks_are_consistent(frameworks):
    par = frameworks["par-index"]
    areas = par.nodes.filter(level=NodeLevel.AREA)
    assert areas.count() == 8 and sum(a.max_points for a in areas) == D("100")
    for area in areas:
        assert sum(c.max_points for c in area.children.all()) == area.max_points
    papi = frameworks["papi"]
    assert papi.max_total == 80 and papi.nodes.filter(level=NodeLevel.AREA).count() == 8
    assert papi.nodes.filter(level=NodeLevel.CRITERION).count() == 28
    assert frameworks["sipas"].nodes.filter(level=NodeLevel.AREA).count() == 5
    for fw in frameworks.values():
        assert "Quyết định" in fw.methodology or "PAPI" in fw.methodology
    # loading again changes nothing
    assert par.nodes.count() == 8 + 44
    services.frameworks_load_shipped()
    assert Framework.objects.count() == 3 and par.nodes.count() == 8 + 44


def test_seed_results_2020_with_points_lost_and_change(frameworks, home_affairs_officer, reader):
    # given the 2020 PAR INDEX of plan 359 (85.31, rank 16/63) and a made-up 2019 for the change
    par = frameworks["par-index"]
    scores = simulated_par_scores(par, D("85.31"))
    services.result_record(
        actor=home_affairs_officer, index_code="par-index", year=2019, total=D("84"),
        rank=12, scores={"1": D("12"), "3.4": D("2")}, national={"1": D("12.5")},
    )  # fmt: skip
    services.result_record(
        actor=home_affairs_officer, index_code="par-index", year=2020, total=D("85.31"),
        rank=16, scores=scores, national={"1": D("12.6"), "3": D("12")},
    )  # fmt: skip
    # when
    view = selectors.index_tree(reader, index=par.index, year=2020)
    # then
    assert view.result.total == D("85.31") and view.result.rank == 16 and view.result.rank_of == 63
    assert view.total_lost == D("14.69") and view.total_change == D("1.31")
    rows = {r.node.code: r for r in view.rows}
    assert sum(r.lost for r in view.rows if r.node.level == NodeLevel.AREA) == D("14.69")
    assert rows["1"].lost == D("13.5") - rows["1"].score
    assert rows["1"].below_average is (rows["1"].score < D("12.6"))
    assert rows["3.4"].change == rows["3.4"].score - D("2")
    assert rows["1.1"].lost == 0  # not named in Appendix II: full marks
    chart = selectors.area_chart(view)
    assert len(chart["labels"]) == 8 and chart["lost"][0] == float(rows["1"].lost)
    assert selectors.index_trend(reader, par.index)["rank"] == [12, 16]
    assert Event.objects.filter(subject_type="reform_result").count() == 2


def test_sipas_total_is_the_mean_of_factors(frameworks):
    result = services.result_record(
        actor=None, index_code="sipas", year=2020, check_permission=False,
        scores={"1": "90", "2": "88", "3": "89", "4": "90", "5": "88.65"},
    )  # fmt: skip
    assert result.total == D("89.13")


def test_bad_results_are_refused_and_change_nothing(
    frameworks, home_affairs_officer, make_user, departments
):
    with pytest.raises(InvalidInput):
        services.result_record(actor=home_affairs_officer, index_code="papi", year=2020,
                               total=D("45.005"), scores={"1": D("11")})  # fmt: skip
    with pytest.raises(InvalidInput):
        services.result_record(actor=home_affairs_officer, index_code="papi", year=2020,
                               total=D("45"), rank=64)  # fmt: skip
    with pytest.raises(InvalidInput):
        services.result_record(actor=home_affairs_officer, index_code="papi", year=2020,
                               scores={"9.9": "1"}, total=1)  # fmt: skip
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STP"])
    with pytest.raises(PermissionDenied):
        services.result_record(actor=officer, index_code="papi", year=2020, total=D("45.005"))
    assert not frameworks["papi"].results.exists()
    # after 2025: 34 provinces
    r = services.result_record(actor=home_affairs_officer, index_code="papi", year=2025, total=40)
    assert r.rank_of == 34


def test_results_excel_template_round_trip(frameworks, home_affairs_officer, client):
    import io

    from openpyxl import load_workbook

    from motcua.reform.results_excel import result_template

    data = result_template(framework=frameworks["papi"], year=2020)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws["B1"].value == "papi" and ws["B2"].value == 2020
    ws["B3"], ws["B4"], ws["B7"] = 45.005, 5, "Báo cáo PAPI 2020"
    rows = {ws.cell(r, 1).value: r for r in range(10, ws.max_row + 1)}
    ws.cell(rows["1"], 4, 5.2)
    ws.cell(rows["1"], 5, 5.1)
    ws.cell(rows["2.2"], 4, 1.9)
    out = io.BytesIO()
    wb.save(out)
    [result] = services.result_import(actor=home_affairs_officer, data=out.getvalue())
    assert (result.year, result.total, result.rank) == (2020, D("45.005"), 5)
    scores = {s.node.code: s for s in result.scores.select_related("node")}
    assert scores["1"].score == D("5.2") and scores["1"].national_average == D("5.1")
    assert scores["2.2"].score == D("1.9")
    with pytest.raises(InvalidInput):
        services.result_import(actor=home_affairs_officer, data=b"x")
    client.force_login(home_affairs_officer)
    template = client.get("/cai-cach/chi-so/papi/mau-ket-qua.xlsx?nam=2021")
    assert (
        template.status_code == 200
        and load_workbook(io.BytesIO(template.content)).active["B2"].value == 2021
    )
