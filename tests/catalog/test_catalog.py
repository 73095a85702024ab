import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog import selectors
from motcua.catalog.models import Field, OnlineType, Procedure, ProcedureLevel, TimeLimitKind
from motcua.catalog.services import procedure_refresh_search, process_approve
from motcua.catalog.validation import step_allotment_error
from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.organization.models import Role, UnitKind


@pytest.fixture
def land(db):
    return Field.objects.create(code="DD", name="Đất đai")


@pytest.fixture
def make_procedure(land):
    def make(
        code,
        name,
        *,
        days="10",
        kind=TimeLimitKind.WORKING_DAYS,
        online=OnlineType.FULL,
        level="commune",
    ):
        procedure = Procedure.objects.create(
            code=code,
            name=name,
            field=land,
            competent_unit_kind=UnitKind.COMMUNE,
            time_limit_kind=kind,
            time_limit=Decimal(days),
            online_type=online,
        )
        ProcedureLevel.objects.create(procedure=procedure, level=level)
        procedure_refresh_search(procedure=procedure)
        return procedure

    return make


def test_search_finds_with_or_without_diacritics(make_procedure):
    wanted = make_procedure("1.000001", "Đăng ký đất đai lần đầu")
    make_procedure("1.000002", "Cấp giấy phép xây dựng")
    for query in ("đăng ký đất đai", "dang ky dat dai", "DANG KY", "dat dai lan dau", "1.000001"):
        assert list(selectors.procedure_search(q=query)) == [wanted], query
    assert list(selectors.procedure_search(q="dang ky dat dai xay")) == []


def test_search_ranks_names_starting_with_the_phrase_first(make_procedure):
    inside = make_procedure("1.000003", "Điều chỉnh nội dung cấp giấy phép xây dựng")
    starts = make_procedure("1.000004", "Cấp giấy phép xây dựng mới")
    assert list(selectors.procedure_search(q="cap giay phep xay dung")) == [starts, inside]


def test_search_filters_and_hides_abolished(make_procedure):
    online = make_procedure("1.1", "Thủ tục A", online=OnlineType.FULL, level="province")
    make_procedure("1.2", "Thủ tục B", online=OnlineType.NONE)
    gone = make_procedure("1.3", "Thủ tục C")
    gone.status = "abolished"
    gone.save()
    assert list(selectors.procedure_search(online_type="full", level="province")) == [online]
    assert gone not in selectors.procedure_search(q="thu tuc")


@pytest.mark.parametrize(
    ("total", "hours", "ok"),
    [
        (Decimal(80), ["4", "60", "12", "4"], True),
        (Decimal(80), ["4", "60", "12"], False),
        (Decimal(4), ["1", "2", "1"], True),
        (Decimal(4), ["0.5", "2.5", "1"], True),
        (Decimal(8), ["8", "0"], False),
        (None, ["3", "5"], True),
        (Decimal(8), [], False),
    ],
)
def test_step_allotments_must_sum_to_the_time_limit(total, hours, ok):
    error = step_allotment_error(total, [Decimal(h) for h in hours])
    assert (error is None) == ok
    if not ok:
        assert isinstance(error, str) and error


def test_process_approve_validates_and_versions(make_procedure, catalog_admin, make_unit):
    procedure = make_procedure("1.9", "Đăng ký biến động", days="0.5")
    steps = [
        {"name": "Tiếp nhận", "unit_kind": "commune", "role": Role.DESK_OFFICER, "hours": "1"},
        {"name": "Thẩm định", "unit_kind": "commune", "role": Role.SPECIALIST, "hours": "2"},
        {"name": "Ký", "unit_kind": "commune", "role": Role.UNIT_LEADER, "hours": "1"},
    ]
    first = process_approve(
        actor=catalog_admin, procedure=procedure, effective_from=dt.date(2025, 7, 1), steps=steps
    )
    second = process_approve(
        actor=catalog_admin, procedure=procedure, effective_from=dt.date(2026, 1, 1), steps=steps
    )
    assert (first.version, second.version) == (1, 2)
    assert first.total_hours() == Decimal(4)
    assert selectors.process_in_force(procedure=procedure, on=dt.date(2025, 12, 31)) == first
    assert selectors.process_in_force(procedure=procedure, on=dt.date(2026, 1, 1)) == second
    with pytest.raises(InvalidInput) as error:
        process_approve(
            actor=catalog_admin,
            procedure=procedure,
            effective_from=dt.date(2026, 2, 1),
            steps=steps[:2],
        )
    assert error.value.code == "process_allotment_mismatch"
    assert procedure.processes.count() == 2
    with pytest.raises(PermissionDenied):
        process_approve(
            actor=None, procedure=procedure, effective_from=dt.date(2026, 2, 1), steps=steps
        )


def test_time_limit_display_is_vietnamese(make_procedure):
    assert make_procedure("1.5", "A", days="0.5").time_limit_display() == "0,5 ngày làm việc"
    assert (
        make_procedure("1.6", "B", kind=TimeLimitKind.SAME_DAY, days="0").time_limit_display()
        == "trong ngày"
    )


def test_procedure_page_offers_a_word_form_built_from_the_catalog(client, demo_province):
    import io

    from docx import Document

    from motcua.catalog.models import DossierComponent

    component = DossierComponent.objects.filter(form_name__gt="").order_by("id").first()
    procedure = component.procedure
    page = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    url = f"/thu-tuc/{procedure.code}/mau/{component.order}.docx"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert f"{procedure.name} (mã {procedure.code})" in text
    other = procedure.components.exclude(pk=component.pk).order_by("order").first()
    assert other.name in text
    assert client.get(f"/thu-tuc/{procedure.code}/mau/99.docx").status_code == 404
    # and programs find the same form through the API
    api = client.get(f"/api/procedures/{procedure.code}").json()
    by_order = {c["order"]: c["form_url"] for c in api["components"]}
    assert by_order[component.order] == url
    plain = procedure.components.filter(form_name="").first()
    assert by_order[plain.order] is None
