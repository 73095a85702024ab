"""What an integrating program needs: component ids, scans per component, a quick token."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand

from motcua.dossiers.models import Dossier
from motcua.organization.services import api_token_authenticate, api_token_create
from tests.dossiers.conftest import APPLICANT
from tests.samples import pdf

TO_KHAI, CHUNG_SINH = pdf("to khai"), pdf("chung sinh")

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, raw = api_token_create(actor=user, user=user, name="kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_procedure_api_gives_component_ids_usable_at_intake(client, world):
    components = client.get(f"/api/procedures/{world.procedure.code}").json()["components"]
    ids = {c["name"]: c["id"] for c in components}
    assert set(ids.values()) == set(world.procedure.components.values_list("pk", flat=True))
    # a checklist built from them is accepted as is
    checklist = [{"component": i, "provided": True} for i in ids.values()]
    r = client.post(
        "/api/dossiers",
        data={"procedure": world.procedure.code, "applicant": APPLICANT, "checklist": checklist},
        content_type="application/json",
        **bearer(world.desk),
    )
    assert r.status_code == 201, r.content


def test_intake_through_the_api_with_a_scan_per_component(client, world):
    components = client.get(f"/api/procedures/{world.procedure.code}").json()["components"]
    first, second = components[0]["id"], components[1]["id"]
    data = {"procedure": world.procedure.code, "applicant": APPLICANT}
    r = client.post(
        "/api/dossiers/with-scans",
        data={
            "data": json.dumps(data),
            f"scan_{first}": SimpleUploadedFile("to-khai.pdf", TO_KHAI),
            f"scan_{second}": SimpleUploadedFile("chung-sinh.pdf", CHUNG_SINH),
        },
        **bearer(world.desk),
    )
    assert r.status_code == 201, r.content
    dossier = Dossier.objects.get(code=r.json()["code"])
    items = {i.component_id: i for i in dossier.checklist.all()}
    assert items[first].file.read() == TO_KHAI
    assert items[second].file.read() == CHUNG_SINH
    assert not items[components[2]["id"]].file
    # and the officer reads the scan back through the API
    item_id = items[first].pk
    scan = client.get(
        f"/api/dossiers/{dossier.code}/checklist/{item_id}/file", **bearer(world.desk)
    )
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == TO_KHAI


def test_a_scan_for_a_component_not_in_the_checklist_is_refused(client, world):
    other = client.get(f"/api/procedures/{world.procedure.code}").json()["components"][1]["id"]
    data = {
        "procedure": world.procedure.code,
        "applicant": APPLICANT,
        "checklist": [{"name": "Giấy tờ khác", "provided": True}],
    }
    r = client.post(
        "/api/dossiers/with-scans",
        data={"data": json.dumps(data), f"scan_{other}": SimpleUploadedFile("x.pdf", b"%PDF")},
        **bearer(world.desk),
    )
    assert r.status_code == 400 and r.json()["code"] == "component_unknown"
    assert not Dossier.objects.exists()
    bad = client.post("/api/dossiers/with-scans", data={"data": "{}"}, **bearer(world.desk)).json()
    assert bad["code"] == "invalid_input"
    assert {f["field"] for f in bad["details"]["fields"]} >= {"data.procedure", "data.applicant"}


def test_token_create_skips_the_system_checks(world, monkeypatch):
    """The checks import every URL and the whole API: seconds for one row (it took ~13 s)."""

    def checked(*args, **kwargs):
        raise AssertionError("system checks run for `motcua token create`")

    monkeypatch.setattr(BaseCommand, "check", checked)
    from motcua.dossiers.management.commands.token import Command

    out = io.StringIO()
    command = Command(stdout=out, stderr=io.StringIO())
    # what run_from_argv does, without its closing of every connection (the test's own)
    options = vars(command.create_parser("motcua", "token").parse_args(
        ["create", "--user", world.desk.username]
    ))  # fmt: skip
    command.execute(*options.pop("args", ()), **options)
    assert api_token_authenticate(out.getvalue().strip()) == world.desk
