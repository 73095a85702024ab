"""The HTTP adapter against the fake portal served over HTTP by the test."""

from __future__ import annotations

import pytest

from motcua.interop.fake_portal import serve
from motcua.interop.models import SyncRecord, SyncState
from motcua.interop.portal_http import HttpNationalPortal
from motcua.interop.selectors import reconcile
from motcua.interop.services import interop_sync
from tests.interop.test_outbox import full_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    server, app, url = serve()
    yield app, url
    server.shutdown()
    server.server_close()


def test_records_travel_over_http_idempotently(world, fake):
    app, url = fake
    adapter = HttpNationalPortal(url, token="thu-nghiem")
    dossier = full_path(world)
    app.portal.fail_next = 1  # the portal answers 503 once
    first = interop_sync(portal=adapter)
    assert first.failed == 1 and first.sent == 0
    assert "HTTP 503" in SyncRecord.objects.get(state=SyncState.FAILED).last_error
    SyncRecord.objects.update(next_attempt_at=None)
    assert interop_sync(portal=adapter).sent == 4
    assert adapter.list_dossiers()[dossier.code]["trang_thai"] == 10
    SyncRecord.objects.update(state=SyncState.PENDING)  # acknowledgements lost: sent again
    again = interop_sync(portal=adapter)
    assert again.sent == again.duplicates == 4 and len(app.portal.received) == 4
    assert reconcile(portal=adapter).complete


def test_an_unreachable_portal_is_a_retryable_failure(world, fake):
    _, url = fake
    full_path(world)
    adapter = HttpNationalPortal("http://127.0.0.1:9", timeout=1)  # nothing listens there
    assert interop_sync(portal=adapter).failed == 1
    assert "Không kết nối được" in SyncRecord.objects.get(state=SyncState.FAILED).last_error


def test_inbound_and_catalog_over_http_and_the_demo_settings(world, fake, settings, catalog_admin):
    import json
    import urllib.request

    from motcua.interop import catalog_source
    from motcua.interop.catalog_sync import catalog_diff
    from motcua.interop.inbound import interop_inbound_pull
    from tests.interop.test_catalog_sync import BIRTH
    from tests.interop.test_inbound import submission

    app, url = fake
    # the demo's settings: every process talks HTTP to the one fake (make run, MOTCUA_INTEROP_FAKE=1)
    settings.INTEROP_PORTAL_URL = url
    settings.INTEROP_PROCEDURE_DB = "motcua.interop.catalog_source.HttpProcedureDatabase"
    catalog_source._SOURCES.clear()
    adapter = HttpNationalPortal(url)

    def post(path, body):
        request = urllib.request.Request(  # noqa: S310 - the fake, http
            url + path, data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - the fake
            return json.loads(response.read())

    assert post("/ho-so-moi", submission(world))["stt"] == 1
    assert interop_inbound_pull(portal=adapter).taken == 1
    assert adapter.list_submissions(1) == []  # the cursor: nothing after the first

    post("/thu-tuc", [{**BIRTH, "thoi_han": "5"}])
    diff = catalog_diff(user=catalog_admin)
    assert [c.code for c in diff.changes] == [world.procedure.code]
    catalog_source._SOURCES.clear()
