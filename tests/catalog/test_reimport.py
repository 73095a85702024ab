"""Re-importing the catalog workbook once dossiers exist: versions, never a server error.

Dossiers point to the internal process version they were received under (a protected
foreign key). The import used to delete and recreate every process of the workbook, so a
second import failed with ``ProtectedError`` as soon as one dossier existed.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from motcua.catalog.models import (
    DossierComponent,
    FeeItem,
    Field,
    InternalProcess,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    PublicationDecision,
    PublicationEntry,
)
from motcua.catalog.services import catalog_export, catalog_import, process_delete
from motcua.core.errors import Conflict
from motcua.ledger.models import Event
from tests.dossiers.conftest import receive, world  # noqa: F401 (the fixture)

CATALOG_MODELS = (
    Field,
    Procedure,
    ProcedureLevel,
    DossierComponent,
    FeeItem,
    InternalProcess,
    ProcessStep,
    PublicationDecision,
    PublicationEntry,
)


def _catalog_rows() -> dict[str, list[dict]]:
    """Every catalog row with its id: equal snapshots mean nothing was added or replaced."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in CATALOG_MODELS}


def _edit(data: bytes, sheet: str, cell: str, value) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    workbook[sheet][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _versions(procedure) -> dict[int, str]:
    return {
        p.version: "withdrawn" if p.withdrawn_at else "in force"
        for p in InternalProcess.objects.filter(procedure=procedure)
    }


def _last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def imported(world, catalog_admin):  # noqa: F811 (the fixture above)
    """The world's catalog as it comes from its own workbook (which needs a level and the
    kind of unit of each step)."""
    ProcedureLevel.objects.create(procedure=world.procedure, level="commune")
    ProcessStep.objects.filter(process__procedure=world.procedure).update(unit_kind="commune")
    result = catalog_import(actor=catalog_admin, data=catalog_export())
    assert result.ok, result.errors
    return world


def test_reimport_of_an_unchanged_workbook_changes_nothing(
    client, imported, catalog_admin, run_jobs, django_capture_on_commit_callbacks
):
    # given a dossier received under the procedure's process, and the workbook exported
    dossier = receive(imported)
    workbook = catalog_export()
    before, last_event = _catalog_rows(), _last_event_id()
    # when the catalog admin imports the same workbook again through the admin page
    catalog_admin.is_staff = True
    catalog_admin.save()
    client.force_login(catalog_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/catalog/procedure/nhap-excel/", {"workbook": io.BytesIO(workbook)}
        )
    run_jobs()  # the import runs in the background (core.jobs)
    # then no server error, no row added, changed or replaced, and one "no change" event
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "không có thay đổi" in page.content.decode()
    assert _catalog_rows() == before
    events = list(Event.objects.filter(id__gt=last_event))
    assert [e.action for e in events] == ["catalog.imported"]
    assert events[0].payload["changes"] == {}
    dossier.refresh_from_db()
    assert dossier.process_id == before["catalog.InternalProcess"][0]["id"]


def test_changed_process_is_a_new_version_for_new_dossiers_only(imported, catalog_admin):
    # given a dossier received under version 1
    old = receive(imported)
    v1 = old.process
    v1_steps = list(v1.steps.values_list("order", "name", "hours"))
    # when the workbook renames the first step and is imported
    workbook = _edit(catalog_export(), "QuyTrinh", "F2", "Tiếp nhận, kiểm tra hồ sơ")
    result = catalog_import(actor=catalog_admin, data=workbook)
    # then version 1 stays, withdrawn, for the dossier received under it
    assert result.ok, result.errors
    assert result.changes["QuyTrinh"] == {"created": 1, "updated": 1, "deleted": 0}
    v1.refresh_from_db()
    assert v1.withdrawn_at is not None
    old.refresh_from_db()
    assert old.process_id == v1.pk
    assert list(v1.steps.values_list("order", "name", "hours")) == v1_steps
    # and a new dossier gets version 2 with the renamed step
    v2 = InternalProcess.objects.get(procedure=imported.procedure, withdrawn_at__isnull=True)
    assert v2.version == 2
    new = receive(imported)
    assert new.process_id == v2.pk
    assert new.process.steps.get(order=1).name == "Tiếp nhận, kiểm tra hồ sơ"
    # and the procedure's history tells both
    actions = Event.objects.filter(subject_type="procedure", subject_id=imported.procedure.code)
    assert {"procedure.process_withdrawn", "procedure.process_approved"} <= set(
        actions.values_list("action", flat=True)
    )
    # when the same changed workbook is imported once more, nothing changes
    before = _catalog_rows()
    again = catalog_import(actor=catalog_admin, data=workbook)
    assert again.ok and again.changes == {}
    assert _catalog_rows() == before


def test_unused_process_is_replaced_and_the_export_round_trips(imported, catalog_admin):
    # given no dossier yet
    v1 = InternalProcess.objects.get(procedure=imported.procedure)
    # when a step is renamed in the workbook
    workbook = _edit(catalog_export(), "QuyTrinh", "F2", "Tiếp nhận hồ sơ")
    result = catalog_import(actor=catalog_admin, data=workbook)
    # then the unused version is replaced by one with the same number (no withdrawn copy)
    assert result.ok, result.errors
    current = InternalProcess.objects.get(procedure=imported.procedure)
    assert current.pk != v1.pk and current.version == 1 and current.withdrawn_at is None
    assert current.steps.get(order=1).name == "Tiếp nhận hồ sơ"
    # and the exported catalog imports back without any change
    before = _catalog_rows()
    assert catalog_import(actor=catalog_admin, data=catalog_export()).changes == {}
    assert _catalog_rows() == before


def test_removed_version_is_withdrawn_and_restored_when_listed_again(imported, catalog_admin):
    # given a dossier under version 1 and a workbook without the procedure's process rows
    receive(imported)
    full = catalog_export()
    workbook = load_workbook(io.BytesIO(full))
    sheet = workbook["QuyTrinh"]
    code = imported.procedure.code
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code]
    first, keep = rows[0], rows[1:]
    for row in reversed(keep):
        sheet.delete_rows(row)
    sheet.cell(first, 2).value = 1
    sheet.cell(first, 6).value = "Một bước duy nhất"
    sheet.cell(first, 10).value = sum(
        float(s.hours) for s in ProcessStep.objects.filter(process__procedure=imported.procedure)
    )
    out = io.BytesIO()
    workbook.save(out)
    # when it is imported, version 1 (in use) is withdrawn and version 2 takes over
    assert catalog_import(actor=catalog_admin, data=out.getvalue()).ok
    assert _versions(imported.procedure) == {1: "withdrawn", 2: "in force"}
    # when the first workbook comes back, version 1 is in force again (not a third copy)
    result = catalog_import(actor=catalog_admin, data=full)
    assert result.ok
    assert _versions(imported.procedure) == {1: "in force"}  # 2 was used by no dossier


def test_a_used_version_is_read_only_in_the_admin(client, imported, catalog_admin):
    # given a dossier received under version 1
    dossier = receive(imported)
    process = dossier.process
    catalog_admin.is_staff = True
    catalog_admin.save()
    client.force_login(catalog_admin)
    url = f"/admin/catalog/internalprocess/{process.pk}"
    # then its admin page may not change or delete it
    assert client.post(f"{url}/change/", {"decision": "sửa"}).status_code == 403
    assert client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    # and the service refuses too, whoever calls it
    with pytest.raises(Conflict):
        process_delete(actor=catalog_admin, instance=process)
    assert InternalProcess.objects.filter(pk=process.pk).exists()
