"""The operators' API: counts per unit and day, reconciliation, resend; roles checked."""

from __future__ import annotations

import pytest

from motcua.interop.models import SyncRecord, SyncState
from motcua.interop.services import interop_sync
from motcua.organization.models import Role
from tests.dossiers.test_api import bearer
from tests.interop.test_outbox import full_path

pytestmark = pytest.mark.django_db


def test_summary_reconciliation_and_resend(world, portal, client, make_user, province):
    admin = make_user(Role.PROVINCE_ADMIN, unit=province)
    dossier = full_path(world)
    interop_sync(portal=portal)
    last = SyncRecord.objects.order_by("-event_seq").first()
    SyncRecord.objects.filter(pk=last.pk).update(state=SyncState.PARKED, last_error="hỏng")

    rows = client.get("/api/interop/summary", **bearer(admin)).json()
    assert sum(r["sent"] for r in rows) == 3 and sum(r["parked"] for r in rows) == 1
    assert {r["unit"] for r in rows} == {world.commune.name}

    report = client.get("/api/interop/reconciliation", **bearer(admin)).json()
    assert report["events"] == 4 and report["acknowledged"] == 3
    assert report["sync_ratio"] == 1.0 and report["complete"] is False

    desk = client.post(f"/api/interop/records/{last.pk}/resend", **bearer(world.desk))
    assert desk.status_code == 403 and desk.json()["code"]
    assert client.get("/api/interop/summary", **bearer(world.desk)).status_code == 403

    r = client.post(f"/api/interop/records/{last.pk}/resend", **bearer(admin))
    assert r.status_code == 200 and r.json()["state"] == "pending"
    assert interop_sync(portal=portal).sent == 1
    assert portal.list_dossiers()[dossier.code]["trang_thai"] == 10
    again = client.post(f"/api/interop/records/{last.pk}/resend", **bearer(admin))
    assert again.status_code == 400 and again.json()["code"] == "interop_not_parked"
    assert "gửi lại" in again.json()["message"]
