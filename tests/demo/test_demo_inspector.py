"""The demo's province inspector covers the whole province (Thanh tra tỉnh: every department,
district and commune), so the integrity report shows the communes' dossiers to them."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from motcua.audit import selectors
from motcua.dossiers.models import Dossier
from motcua.organization.models import Role, StaffRole, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path, development):  # `motcua demo` is a development choice
    settings.VAR_DIR = tmp_path  # the demo logins file
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--small", "--dossiers", "60", stdout=io.StringIO())


def test_the_demo_inspector_sees_every_communes_findings(client, demo):
    inspector = get_user_model().objects.get(username="thanhtra")
    [role] = StaffRole.objects.filter(user=inspector, role=Role.INSPECTOR)
    assert role.unit.parent_id is None  # the province: everything is below it
    client.force_login(inspector)
    # the whole province's findings, as the integrity module computes them
    everything = {(f.kind, f.code, f.seq) for f in selectors.findings_list()}
    communes = {f.code for f in selectors.findings_list() if f.unit_id is not None} & set(
        Dossier.objects.filter(competent_unit__kind=UnitKind.COMMUNE).values_list("code", flat=True)
    )
    assert everything and communes  # the demo has findings, some at communes
    response = client.get("/api/integrity/findings", {"page_size": 200})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(everything)
    assert communes <= {f["code"] for f in body["items"]}
    # and each commune with dossiers can be asked for alone, on the API and the page
    units = (
        Dossier.objects.filter(competent_unit__kind=UnitKind.COMMUNE)
        .values_list("competent_unit__code", flat=True)
        .distinct()
    )
    for code in units:
        assert client.get("/api/integrity/findings", {"unit": code}).status_code == 200, code
        assert client.get("/so-cai/kiem-tra/", {"unit": code}).status_code == 200, code
