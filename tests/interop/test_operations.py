"""The operations page: who sees what (province vs own unit), resend through the service,
the stored reconciliation and its sync ratio, pagination."""

from __future__ import annotations

import pytest

from motcua.core.errors import PermissionDenied
from motcua.interop import selectors
from motcua.interop.models import ReconciliationRun, SyncRecord, SyncState
from motcua.interop.services import interop_reconcile, interop_sync
from motcua.ledger.models import Event
from motcua.organization.models import Role
from tests.dossiers.conftest import receive
from tests.interop.test_outbox import full_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(world, portal):
    dossier = full_path(world)  # 4 records at the commune
    other = receive(world, actor=world.other_desk)  # 1 record at the other commune
    interop_sync(portal=portal)
    last = SyncRecord.objects.filter(dossier_code=dossier.code).order_by("-event_seq").first()
    SyncRecord.objects.filter(pk=last.pk).update(state=SyncState.PARKED, last_error="HTTP 503")
    return dossier, other, last


def test_unit_leader_sees_own_unit_only_and_desk_nothing(world, synced):
    dossier, other, last = synced
    mine = selectors.sync_summary(user=world.leader)
    assert {r["unit"] for r in mine} == {world.commune.name}
    assert selectors.state_totals(user=world.leader) == {
        "pending": 0,
        "sent": 3,
        "failed": 0,
        "parked": 1,
    }
    assert selectors.state_totals(user=world.other_leader)["parked"] == 0
    assert list(selectors.records_to_watch(user=world.other_leader)) == []
    with pytest.raises(PermissionDenied):
        selectors.sync_summary(user=world.desk)


def test_page_shows_counts_ratio_and_resends(world, synced, portal, client, make_user, province):
    dossier, other, last = synced
    admin = make_user(Role.PROVINCE_ADMIN, unit=province)
    client.force_login(admin)
    page = client.get("/lien-thong/").content.decode()
    assert "Chưa đối soát lần nào" in page and world.other.name in page

    r = client.post("/lien-thong/doi-soat/", follow=True)
    run = ReconciliationRun.objects.get()
    assert not run.complete and run.dossiers_received == 2 and run.dossiers_known == 2
    assert run.report["events"] == 5 and run.report["acknowledged"] == 4
    text = r.content.decode()
    assert "100,0 %" in text and "chênh lệch" in text
    assert Event.objects.filter(action="interop.reconciled").count() == 1

    listing = client.get("/lien-thong/ban-ghi/?trang_thai=parked").content.decode()
    assert f"{dossier.code}</strong> · sự kiện #{last.event_seq}" in listing
    done = client.post(f"/lien-thong/ban-ghi/{last.pk}/gui-lai/", {"trang_thai": "parked"})
    assert done.status_code == 302 and done["Location"].endswith("?trang_thai=parked")
    assert SyncRecord.objects.get(pk=last.pk).state == SyncState.PENDING
    assert Event.objects.filter(action="interop.resent").count() == 1
    again = client.post(f"/lien-thong/ban-ghi/{last.pk}/gui-lai/", follow=True)
    assert "Chỉ gửi lại được" in again.content.decode()

    interop_sync(portal=portal)
    assert interop_reconcile(portal=portal).complete


def test_other_units_leader_cannot_resend_and_desk_is_refused(world, synced, client):
    dossier, other, last = synced
    client.force_login(world.other_leader)
    assert client.post(f"/lien-thong/ban-ghi/{last.pk}/gui-lai/").status_code == 404
    assert SyncRecord.objects.get(pk=last.pk).state == SyncState.PARKED
    client.force_login(world.desk)
    assert client.get("/lien-thong/").status_code == 403
    client.force_login(world.leader)
    assert client.post(f"/lien-thong/ban-ghi/{last.pk}/gui-lai/").status_code == 302
    assert SyncRecord.objects.get(pk=last.pk).state == SyncState.PENDING
    assert client.post("/lien-thong/doi-soat/", follow=True).status_code == 200
    assert ReconciliationRun.objects.count() == 0  # only the province administrator


def test_summary_is_paginated(world, synced, client, make_user, province, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PAGE_SIZE": 1}
    admin = make_user(Role.INSPECTOR, unit=province)
    client.force_login(admin)
    rows = selectors.sync_summary(user=admin)
    assert len(rows) >= 2
    first = client.get("/lien-thong/").content.decode()
    assert f"Trang 1 / {len(rows)}" in first
    assert "Đối soát ngay" not in first  # an inspector reads, does not act
