"""Shared data platforms: identity look-up with consent pre-fills the applicant; a component
taken from the citizen's digitized documents is marked reused and counts as digitized."""

from __future__ import annotations

import pytest

from motcua.core.errors import InvalidInput, NotFound, PermissionDenied
from motcua.core.periods import period_of
from motcua.interop.models import ReusedDocument
from motcua.interop.reuse import interop_identity_prefill, interop_receive_with_reuse
from motcua.interop.shared_data import FakeDocumentStore, FakePopulationDatabase
from motcua.ledger.models import Event
from motcua.reporting.scorecard import Counter
from tests.dossiers.conftest import APPLICANT, at
from tests.samples import SCAN_PDF

pytestmark = pytest.mark.django_db

ID = APPLICANT["id_number"]


@pytest.fixture
def platforms():
    population = FakePopulationDatabase(
        people={
            ID: {
                "ho_ten": "Nguyễn Văn An",
                "ngay_sinh": "1990-05-01",
                "noi_thuong_tru": "Thôn Đông",
            }
        }
    )
    store = FakeDocumentStore()
    store.add(ID, {"ma": "KS-2020-1", "ten": "Giấy chứng sinh", "loai": "chung_sinh"}, SCAN_PDF)
    store.add(ID, {"ma": "HTML-1", "ten": "Trang web", "loai": "khac"}, b"<html>x</html>")
    return population, store


def test_prefill_needs_consent_and_a_desk_officer(world, platforms):
    population, store = platforms
    with pytest.raises(InvalidInput) as no_consent:
        interop_identity_prefill(
            actor=world.desk, id_number=ID, consent=False, population=population, store=store
        )
    assert no_consent.value.code == "interop_consent_required" and population.consents == []
    with pytest.raises(PermissionDenied):
        interop_identity_prefill(
            actor=world.leader, id_number=ID, consent=True, population=population, store=store
        )

    found = interop_identity_prefill(
        actor=world.desk, id_number=ID, consent=True, population=population, store=store
    )
    assert (
        found["applicant"]["name"] == "Nguyễn Văn An"
        and found["applicant"]["address"] == "Thôn Đông"
    )
    assert [d["ma"] for d in found["documents"]] == ["KS-2020-1", "HTML-1"]
    assert population.consents[0][0] == ID and world.desk.username in population.consents[0][1]
    with pytest.raises(NotFound):
        interop_identity_prefill(
            actor=world.desk,
            id_number="001000000000",
            consent=True,
            population=population,
            store=store,
        )
    events = Event.objects.filter(action="interop.identity_checked")
    assert events.count() == 2 and all(ID not in str(e.payload) for e in events)


def test_reuse_needs_the_officers_consented_look_up_first(world, platforms):
    """A hand-made request (page or API) may not skip the consented look-up."""
    population, store = platforms
    components = {c.order: c for c in world.procedure.components.all()}

    def receive():
        return interop_receive_with_reuse(
            actor=world.desk, procedure=world.procedure, applicant=APPLICANT,
            reuse={components[2].pk: "KS-2020-1"},
            checklist=[{"component": components[1].pk, "provided": True,
                        "copy_kind": "electronic", "file": _scan()}],
            store=store, at=at(),
        )  # fmt: skip

    with pytest.raises(InvalidInput) as refused:
        receive()
    assert refused.value.code == "interop_consent_required"
    from motcua.dossiers.models import Dossier

    assert ReusedDocument.objects.count() == 0 and Dossier.objects.count() == 0
    interop_identity_prefill(
        actor=world.desk, id_number=ID, consent=True, population=population, store=store
    )
    assert receive().code == ReusedDocument.objects.get().dossier_code


def test_reused_component_is_marked_and_counts_as_digitized(world, platforms):
    population, store = platforms
    components = {c.order: c for c in world.procedure.components.all()}
    interop_identity_prefill(
        actor=world.desk, id_number=ID, consent=True, population=population, store=store
    )
    dossier = interop_receive_with_reuse(
        actor=world.desk,
        procedure=world.procedure,
        applicant=APPLICANT,
        reuse={components[2].pk: "KS-2020-1"},
        checklist=[
            {
                "component": components[1].pk,
                "provided": True,
                "copy_kind": "electronic",
                "file": _scan(),
            },
        ],
        store=store,
        at=at(),
    )
    item = dossier.checklist.get(component=components[2])
    assert item.provided and item.digitized and item.file.read().startswith(b"%PDF")
    mark = ReusedDocument.objects.get(dossier_code=dossier.code)
    assert mark.document_id == "KS-2020-1" and mark.component_id == components[2].pk
    assert Event.objects.filter(action="interop.documents_reused").count() == 1
    period = period_of("quarter", at().date())
    share = Counter().value("dossiers_digitized_share", {}, period, world.commune.pk)
    assert (share.num, share.den) == (1, 1)


def test_unknown_or_unsafe_document_changes_nothing(world, platforms):
    population, store = platforms
    interop_identity_prefill(
        actor=world.desk, id_number=ID, consent=True, population=population, store=store
    )
    from motcua.dossiers.models import Dossier

    components = {c.order: c for c in world.procedure.components.all()}
    for document in ("KHONG-CO", "HTML-1"):
        with pytest.raises(InvalidInput):
            interop_receive_with_reuse(
                actor=world.desk,
                procedure=world.procedure,
                applicant=APPLICANT,
                reuse={components[2].pk: document},
                checklist=[{"component": components[1].pk, "provided": True}],
                store=store,
            )
    assert Dossier.objects.count() == 0 and ReusedDocument.objects.count() == 0


def _scan():
    from django.core.files.base import ContentFile

    return ContentFile(SCAN_PDF, name="to-khai.pdf")


def test_prefill_api(world, client, platforms, monkeypatch):
    from tests.dossiers.test_api import bearer

    population, store = platforms
    monkeypatch.setattr("motcua.interop.reuse.get_population_database", lambda: population)
    monkeypatch.setattr("motcua.interop.reuse.get_document_store", lambda: store)
    url = "/api/interop/citizens/prefill"
    r = client.post(url, {"id_number": ID}, content_type="application/json", **bearer(world.desk))
    assert r.status_code == 400 and r.json()["code"] == "interop_consent_required"
    r = client.post(
        url,
        {"id_number": ID, "consent": True},
        content_type="application/json",
        **bearer(world.desk),
    )
    assert r.status_code == 200 and r.json()["applicant"]["name"] == "Nguyễn Văn An"
    monkeypatch.setattr("motcua.interop.reuse.LOOKUPS_PER_MINUTE", 1)
    r = client.post(
        url,
        {"id_number": ID, "consent": True},
        content_type="application/json",
        **bearer(world.desk),
    )
    assert r.status_code == 429
