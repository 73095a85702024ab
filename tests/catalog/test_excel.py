import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from motcua.catalog.excel import workbook_data
from motcua.catalog.models import DossierComponent, Procedure, ProcessStep
from motcua.catalog.services import catalog_export, catalog_import
from motcua.core.errors import PermissionDenied
from motcua.ledger.models import Event


def _edit(data: bytes, sheet: str, cell: str, value) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    workbook[sheet][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _wipe_catalog():
    from motcua.catalog.models import Field, PublicationDecision

    PublicationDecision.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()


def test_round_trip_gives_identical_workbook_data(demo_province, catalog_admin):
    # given the demo catalog exported
    first = catalog_export()
    assert Procedure.objects.count() == 60
    # when the catalog is emptied and the workbook imported again
    _wipe_catalog()
    result = catalog_import(actor=catalog_admin, data=first)
    # then everything comes back and a second export has the same data
    assert result.ok, result.errors
    assert result.counts["ThuTuc"] == 60
    assert workbook_data(catalog_export()) == workbook_data(first)
    assert Event.objects.filter(action="catalog.imported").exists()


def test_import_reports_every_bad_row_and_writes_nothing(demo_province, catalog_admin):
    data = catalog_export()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    components_before = DossierComponent.objects.count()
    workbook.close()
    data = _edit(data, "ThuTuc", "H2", "mười")  # time limit not a number
    data = _edit(data, "ThuTuc", "K3", "Trực tuyến mức 5")  # unknown online type
    data = _edit(data, "ThanhPhanHoSo", "A2", "9.999999")  # unknown procedure
    data = _edit(data, "ThuTuc", "B4", "Tên đã sửa nhưng không được ghi")
    _ = Procedure.objects.order_by("code")[2].name
    result = catalog_import(actor=catalog_admin, data=data)
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert any(
        "Trang 'ThuTuc', dòng 2, cột 'Thời hạn'" in m and "không phải là số" in m for m in messages
    )
    assert any("dòng 3, cột 'Dịch vụ công trực tuyến'" in m for m in messages)
    assert any("Trang 'ThanhPhanHoSo', dòng 2" in m and "9.999999" in m for m in messages)
    # nothing changed
    assert not Procedure.objects.filter(name="Tên đã sửa nhưng không được ghi").exists()
    assert DossierComponent.objects.count() == components_before


def test_import_checks_step_allotments(demo_province, catalog_admin):
    data = catalog_export()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["QuyTrinh"]
    header = [c.value for c in sheet[1]]
    hours_col = header.index("Thời gian (giờ)")
    sheet.cell(row=2, column=hours_col + 1, value=999)
    code = sheet.cell(row=2, column=1).value
    out = io.BytesIO()
    workbook.save(out)
    result = catalog_import(actor=catalog_admin, data=out.getvalue())
    assert not result.ok
    assert any(
        f"thủ tục {code} v1" in str(e) and "phải bằng thời hạn giải quyết" in str(e)
        for e in result.errors
    )
    assert ProcessStep.objects.filter(hours=999).count() == 0


def test_import_rejects_a_file_that_is_not_a_workbook(catalog_admin):
    result = catalog_import(actor=catalog_admin, data=b"MZ\x90\x00 not excel")
    assert [e.message for e in result.errors] == ["Tệp không phải là sổ tính Excel (.xlsx) hợp lệ."]


def test_import_requires_catalog_admin(demo_province, make_user):
    with pytest.raises(PermissionDenied):
        catalog_import(actor=make_user(), data=catalog_export())


def test_exported_workbook_has_documented_sheets(demo_province):
    workbook = load_workbook(io.BytesIO(catalog_export()), read_only=True)
    assert workbook.sheetnames == [
        "LinhVuc", "ThuTuc", "ThanhPhanHoSo", "PhiLePhi", "QuyTrinh", "QuyetDinhCongBo", "CongBo",
    ]  # fmt: skip
    header = next(workbook["ThuTuc"].iter_rows(values_only=True))
    assert header[:3] == ("Mã thủ tục", "Tên thủ tục", "Mã lĩnh vực")
    first = next(workbook["ThuTuc"].iter_rows(min_row=2, values_only=True))
    procedure = Procedure.objects.get(code=first[0])
    assert Decimal(str(first[7])) == procedure.time_limit
    workbook.close()


def test_admin_export_and_import_pages(
    client, demo_province, run_jobs, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.core.models import Job

    # given the demo catalog admin (staff, catalog admin role)
    admin_user = get_user_model().objects.get(username="danhmuc")
    client.force_login(admin_user)
    # when exporting from the admin: a button starts a background job
    assert (
        "Bắt đầu xuất Excel" in client.get("/admin/catalog/procedure/xuat-excel/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/admin/catalog/procedure/xuat-excel/")
    assert started.status_code == 302 and "?viec=" in started["Location"]
    run_jobs()
    job = Job.objects.get(kind="catalog.export")
    exported = b"".join(client.get(f"/viec-nen/{job.pk}/tai-ve/").streaming_content)
    assert workbook_data(exported)["ThuTuc"][0][0] == "Mã thủ tục"
    # and importing a workbook with a renamed procedure
    data = _edit(exported, "ThuTuc", "B2", "Tên mới qua trang quản trị")
    code = workbook_data(exported)["ThuTuc"][1][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/catalog/procedure/nhap-excel/",
            {"workbook": SimpleUploadedFile("dm.xlsx", data)},
        )
    run_jobs()
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập danh mục: 60 thủ tục." in page
    assert Procedure.objects.get(code=code).name == "Tên mới qua trang quản trị"


def test_admin_catalog_is_closed_to_other_roles(client, demo_province):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="motcua.tinh")
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert client.get("/admin/catalog/procedure/").status_code == 403
    assert client.get("/admin/catalog/procedure/xuat-excel/").status_code == 403
