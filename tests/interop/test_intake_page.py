"""The desk's intake page with the shared data platforms (docs/interop.md §9): the look-up in
the national population database pre-fills the applicant (only with consent), and a component
the citizen's digitized documents hold is received as reused."""

from __future__ import annotations

import html
import json
import re

import pytest

from motcua.dossiers.models import Dossier
from motcua.interop.models import ReusedDocument
from motcua.interop.reuse import matching_documents
from motcua.interop.shared_data import FakeDocumentStore, FakePopulationDatabase
from motcua.ledger.models import Event
from tests.samples import SCAN_PDF

pytestmark = pytest.mark.django_db

ID = "038090001234"
URL = "/can-bo/tiep-nhan/"


@pytest.fixture
def platforms(monkeypatch):
    population = FakePopulationDatabase(
        people={ID: {"ho_ten": "Nguyễn Văn An", "noi_thuong_tru": "Thôn Đông, xã Số 1"}}
    )
    store = FakeDocumentStore()
    store.add(
        ID,
        {
            "ma": "KS-2020-1",
            "ten": "Giấy chứng sinh",
            "loai": "chung_sinh",
            "ngay_cap": "2020-02-01",
        },
        SCAN_PDF,
    )
    store.add(ID, {"ma": "HK-1", "ten": "Sổ hộ khẩu", "loai": "ho_khau"}, SCAN_PDF)
    monkeypatch.setattr("motcua.interop.reuse.get_population_database", lambda: population)
    monkeypatch.setattr("motcua.interop.reuse.get_document_store", lambda: store)
    return population, store


def _lookup(client, world, **extra):
    data = {"procedure": world.procedure.code, "lookup_id_number": ID, "outcome": "lookup"}
    return client.post(URL, data | extra)


def _value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


def test_lookup_with_consent_fills_the_applicant_and_offers_reuse(client, world, platforms):
    population, _ = platforms
    client.force_login(world.desk)
    page = client.get(f"{URL}?procedure={world.procedure.code}").content.decode()
    assert "Tra cứu CSDL quốc gia về dân cư" in page and "Dùng lại bản số hóa" not in page

    response = _lookup(client, world, lookup_consent="on")
    page = response.content.decode()
    assert response.status_code == 200
    assert _value(page, "applicant_name") == "Nguyễn Văn An"
    assert _value(page, "applicant_id_number") == ID
    assert _value(page, "applicant_address") == "Thôn Đông, xã Số 1"
    # the birth certificate component offers the stored one (its date in dd/mm/yyyy)
    birth = world.procedure.components.get(order=2)
    assert f'name="c{birth.pk}_reuse" id="c{birth.pk}_reuse" value="KS-2020-1"' in page
    assert "Dùng lại bản số hóa: Giấy chứng sinh (cấp 01/02/2020)" in page
    assert page.count("Dùng lại bản số hóa") == 1  # no other component matches
    assert [d["ma"] for d in json.loads(_value(page, "lookup_documents"))] == ["KS-2020-1", "HK-1"]
    assert population.consents[0][0] == ID
    assert Event.objects.filter(action="interop.identity_checked").count() == 1
    assert Dossier.objects.count() == 0


def test_lookup_without_consent_is_refused_and_writes_nothing(client, world, platforms):
    population, _ = platforms
    client.force_login(world.desk)
    before = Event.objects.count()
    response = _lookup(client, world)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Cần sự đồng ý của công dân" in page
    assert _value(page, "applicant_name") == ""
    assert population.consents == []  # the national side was not asked
    assert Event.objects.count() == before and Dossier.objects.count() == 0

    bad = _lookup(client, world, lookup_id_number="12ab", lookup_consent="on")
    assert bad.status_code == 400 and "12 chữ số" in bad.content.decode()
    unknown = _lookup(client, world, lookup_id_number="001000000000", lookup_consent="on")
    assert unknown.status_code == 404 and "không có số định danh" in unknown.content.decode()


def test_lookup_is_rate_limited_on_the_page(client, world, platforms, monkeypatch):
    monkeypatch.setattr("motcua.interop.reuse.LOOKUPS_PER_MINUTE", 1)
    client.force_login(world.desk)
    assert _lookup(client, world, lookup_consent="on").status_code == 200
    refused = _lookup(client, world, lookup_consent="on")
    assert refused.status_code == 429 and "quá nhiều lần" in refused.content.decode()


def test_only_a_desk_officer_is_offered_the_lookup(client, world, platforms):
    client.force_login(world.leader)
    before = Event.objects.count()
    page = client.get(f"{URL}?procedure={world.procedure.code}").content.decode()
    assert "Tra cứu CSDL quốc gia về dân cư" not in page
    response = _lookup(client, world, lookup_consent="on")
    assert response.status_code == 403 and Event.objects.count() == before
    assert "alert-danger" in response.content.decode()


def _receive_data(world, documents: str, **extra) -> dict:
    data = {
        "procedure": world.procedure.code,
        "intake_key": "khoa-tiep-nhan-1",
        "lookup_documents": documents,
        "applicant_kind": "person",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": ID,
        "channel": "in_person",
        "return_method": "desk",
        "outcome": "receive",
    }
    for c in world.procedure.components.all():
        data[f"c{c.pk}_provided"] = "on"
        data[f"c{c.pk}_copy"] = "original"
    return data | extra


def test_receive_with_reuse_marks_the_component_reused(client, world, platforms):
    client.force_login(world.desk)
    page = _lookup(client, world, lookup_consent="on").content.decode()
    birth = world.procedure.components.get(order=2)
    data = _receive_data(world, _value(page, "lookup_documents"))
    response = client.post(URL, data | {f"c{birth.pk}_reuse": "KS-2020-1"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{dossier.code}/")
    item = dossier.checklist.get(component=birth)
    assert item.provided and item.digitized and item.file.read().startswith(b"%PDF")
    mark = ReusedDocument.objects.get()
    assert (mark.dossier_code, mark.component_id, mark.document_id) == (
        dossier.code,
        birth.pk,
        "KS-2020-1",
    )
    assert Event.objects.filter(action="interop.documents_reused").count() == 1
    # the dossier page lists the reused file like an upload
    detail = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f"/can-bo/ho-so/{dossier.code}/tep/{item.pk}/" in detail


def test_a_document_not_offered_for_the_component_is_not_reused(client, world, platforms):
    client.force_login(world.desk)
    page = _lookup(client, world, lookup_consent="on").content.decode()
    form = world.procedure.components.get(order=1)
    data = _receive_data(world, _value(page, "lookup_documents"))
    client.post(URL, data | {f"c{form.pk}_reuse": "KS-2020-1"})  # not a match: ignored
    assert Dossier.objects.count() == 1 and ReusedDocument.objects.count() == 0


def test_a_document_of_another_citizen_is_refused(client, world, platforms):
    """The carried list is the form's: the store decides what the applicant holds."""
    client.force_login(world.desk)
    birth = world.procedure.components.get(order=2)
    forged = json.dumps([{"ma": "KS-9", "ten": "Giấy chứng sinh"}])
    # without a consented look-up first, nothing is fetched at all
    response = client.post(URL, _receive_data(world, forged) | {f"c{birth.pk}_reuse": "KS-9"})
    assert response.status_code == 400 and "sự đồng ý của công dân" in response.content.decode()
    _lookup(client, world, lookup_consent="on")
    response = client.post(URL, _receive_data(world, forged) | {f"c{birth.pk}_reuse": "KS-9"})
    assert response.status_code == 400
    assert "không có trong kho dữ liệu" in response.content.decode()
    assert Dossier.objects.count() == 0 and ReusedDocument.objects.count() == 0


def test_matching_is_by_whole_words_accents_aside(world):
    components = list(world.procedure.components.all())  # tờ khai, giấy chứng sinh, tùy thân
    documents = [
        {"ma": "1", "ten": "GIAY CHUNG SINH"},
        {"ma": "2", "ten": "Giấy"},
        {"ma": "3", "ten": "Tờ khai đăng ký khai sinh của bé"},
    ]
    found = matching_documents(components, documents)
    by_order = {c.order: [d["ma"] for d in found.get(c.pk, [])] for c in components}
    assert by_order == {1: ["3"], 2: ["1"], 3: []}
