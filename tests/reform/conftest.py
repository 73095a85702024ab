"""Reform fixtures: the demo province's departments, a few districts and communes."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.demo.data import DEPARTMENTS, SERVICE_CENTRE
from motcua.organization.models import Role, UnitKind
from motcua.organization.services import unit_create
from motcua.reform import services
from motcua.reform.sample_plan import SAMPLE_XLSX, build_workbook, sample_data

SINCE = dt.date(2015, 1, 1)


@pytest.fixture
def departments(province) -> dict:
    units = {}
    for code, eid, name, short in DEPARTMENTS:
        units[code] = unit_create(
            actor=None, code=code, electronic_id=eid, name=name, short_name=short,
            kind=UnitKind.DEPARTMENT, parent=province, valid_from=SINCE, check_permission=False,
        )  # fmt: skip
    code, eid, name, short = SERVICE_CENTRE
    units[code] = unit_create(
        actor=None, code=code, electronic_id=eid, name=name, short_name=short,
        kind=UnitKind.SERVICE_CENTRE, parent=province, valid_from=SINCE, check_permission=False,
    )  # fmt: skip
    for n, name in enumerate(["Thạch Hà", "Cẩm Xuyên"], 1):
        district = unit_create(
            actor=None, code=f"H{n:02d}", name=f"Ủy ban nhân dân huyện {name}",
            short_name=f"UBND huyện {name}", kind=UnitKind.DISTRICT, parent=province,
            valid_from=SINCE, check_permission=False,
        )  # fmt: skip
        units[district.code] = district
        commune = unit_create(
            actor=None, code=f"X{n:02d}", name=f"Ủy ban nhân dân xã {name} {n}",
            kind=UnitKind.COMMUNE, parent=district, valid_from=SINCE, check_permission=False,
        )  # fmt: skip
        units[commune.code] = commune
    return units


@pytest.fixture
def frameworks(db):
    return {f.index.code: f for f in services.frameworks_load_shipped()}


@pytest.fixture
def home_affairs_officer(make_user, departments):
    return make_user(Role.REFORM_OFFICER, unit=departments["SNV"], username="cchc_snv")


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE_XLSX.read_bytes()


@pytest.fixture
def imported_plan(home_affairs_officer, frameworks, sample_bytes):
    preview = services.plan_import(
        actor=home_affairs_officer, data=sample_bytes, filename="359.xlsx", commit=True
    )
    from motcua.reform.models import Plan

    return Plan.objects.get(pk=preview["plan_id"])


# A smaller plan for tests that do not need all 57 tasks: PAPI II, IV; PAR INDEX II, IV, VII.
SMALL_SECTIONS = {"PL1 PAPI": {"II", "IV"}, "PL2 PAR INDEX": {"II", "IV", "VII"}}
SMALL_TASKS = 19


def small_plan_bytes() -> bytes:
    data = sample_data()
    data["appendices"] = [a for a in data["appendices"] if a["sheet"] in SMALL_SECTIONS]
    for a in data["appendices"]:
        a["sections"] = [s for s in a["sections"] if s["number"] in SMALL_SECTIONS[a["sheet"]]]
    return build_workbook(data)


@pytest.fixture
def small_plan(home_affairs_officer, frameworks):
    from motcua.reform.models import Plan

    preview = services.plan_import(actor=home_affairs_officer, data=small_plan_bytes(), commit=True)
    assert preview["task_count"] == SMALL_TASKS
    return Plan.objects.get(pk=preview["plan_id"])


@pytest.fixture
def reader(make_user, province):
    """A member of the province's staff: reform selectors read for the requesting user."""
    return make_user(Role.UNIT_LEADER, unit=province, username="doc_cchc")
