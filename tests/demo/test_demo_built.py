"""One small demo province built once for this module, then read by every test here: the
ledger sealed and verified, the citizen's logins, the refusal of a second demo, the khống
detector finding exactly what the demo plants, the province inspector's view.

The province is built inside a transaction that is rolled back when the module ends; each test
runs in a savepoint inside it (pytest-django's own), so what a test writes is undone before the
next one and nothing is left for the rest of the suite. Building it once instead of once per
test saves ~30 s of the suite per test on each database.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from motcua.audit import demo as audit_demo
from motcua.audit import selectors
from motcua.audit.integrity import Kind
from motcua.dossiers.models import Dossier
from motcua.ledger.models import DailyRoot, Event, Seal, VerifyRun
from motcua.organization.models import Role, StaffRole, UnitKind
from motcua.portal import demo as portal_demo
from motcua.portal.models import Citizen

DOSSIERS = 60
PLANTED_TOTAL = sum(audit_demo.PLANTED.values())  # the khống leads the demo plants

# one worker builds it once; the module's tests run there, each in its own savepoint
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_built")]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    var = tmp_path_factory.mktemp("demo-built")
    out = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media", MOTCUA_ENV="development"),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("demo", "--small", "--dossiers", str(DOSSIERS), stdout=out)
            yield SimpleNamespace(var=var, out=out.getvalue())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_small_demo_province_ends_sealed_published_and_verified(built, client):
    assert Dossier.objects.count() == DOSSIERS + 3 + PLANTED_TOTAL  # citizen's three, leads
    assert Seal.objects.count() == Event.objects.count() > DOSSIERS
    assert DailyRoot.objects.exists()
    assert VerifyRun.objects.get().ok
    assert "Sổ cái:" in built.out and "kiểm tra: toàn vẹn" in built.out
    # each stage says how long it took as it ends (make run is never silent for minutes)
    stages = re.findall(r"\[\s*[\d.]+ giây\] (\S+)", built.out)
    assert {"dossiers", "reform", "ledger"} <= set(stages), stages
    page = client.get("/so-cai/").content.decode()
    assert "Chưa có gốc ngày nào được công bố." not in page
    assert DailyRoot.objects.order_by("-day").first().merkle_root in page


def test_the_demo_citizen_can_try_every_part_of_the_portal(built, client):
    logins = io.StringIO()
    call_command("logins", stdout=logins)
    assert "congdan@example.vn" in logins.getvalue()
    password = logins.getvalue().split("tài khoản mẫu: ")[1].split()[0]
    # the printed password logs the citizen in on the citizen login page
    response = client.post(
        "/tai-khoan/dang-nhap/", {"identifier": "congdan@example.vn", "password": password}
    )
    assert response.status_code == 302 and response["Location"] == "/ca-nhan/"
    citizen = Citizen.objects.get(user__email="congdan@example.vn")
    mine = {d.status: d for d in Dossier.objects.filter(portal_submission__user=citizen.user)}
    assert set(mine) == {"submitted", "supplement_requested", "returned"}
    page = client.get(f"/ca-nhan/ho-so/{mine['supplement_requested'].code}/").content.decode()
    assert "Nộp bổ sung trực tuyến" in page
    result = client.get(f"/ca-nhan/ho-so/{mine['returned'].code}/ket-qua/")
    assert result.status_code == 200 and b"".join(result.streaming_content).startswith(b"%PDF")


def test_a_second_demo_on_a_loaded_database_is_refused_with_what_to_do(built):
    skipped = io.StringIO()
    call_command("demo", "--if-empty", stdout=skipped)  # what `make run` does every time
    assert "không nạp tỉnh mẫu" in skipped.getvalue()
    with pytest.raises(CommandError, match="cơ sở dữ liệu trống"):
        call_command("demo", "--dossiers", "100", stdout=io.StringIO())
    assert Dossier.objects.count() == DOSSIERS + 3 + PLANTED_TOTAL


def test_the_detector_finds_exactly_the_planted_irregularities(built):
    # the portal's demo citizen's dossiers too (handled hours apart, in the past days)
    assert Dossier.objects.filter(applicant_email=portal_demo.EMAIL).count() == 3
    by_kind: dict[str, set[str]] = defaultdict(set)
    for finding in selectors.findings_list():
        by_kind[finding.kind].add(finding.code)
    # every kind is shown, with as many dossiers as were planted …
    assert {kind: len(codes) for kind, codes in by_kind.items()} == {
        str(kind): count for kind, count in audit_demo.PLANTED.items()
    }
    assert set(by_kind) == set(Kind.values)
    # … each dossier planted for one kind only: nothing else in the history is flagged
    flagged = [code for codes in by_kind.values() for code in codes]
    assert len(flagged) == len(set(flagged)) == PLANTED_TOTAL


def test_the_demo_inspector_sees_every_communes_findings(built, client):
    """The demo's province inspector covers the whole province (Thanh tra tỉnh: every
    department, district and commune), so the integrity report shows the communes' dossiers."""
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
