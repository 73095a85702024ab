"""Indicators, targets and 766 criteria change only through services (admin included),
each change recorded in the history; targets are versions."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.ledger.models import Event
from motcua.reporting import services
from motcua.reporting.models import IndexCriterion, Indicator
from motcua.reporting.scorecard import target_for


@pytest.mark.django_db
def test_targets_are_versions_with_a_legal_source(province_admin):
    land = Indicator.objects.get(code="dat-dai-tre-han")
    seeded = target_for(land, level="commune", year=2026, as_of=dt.date(2026, 6, 1))
    assert float(seeded.value) == 5.0 and "dưới 5%" in seeded.source
    services.target_set(
        actor=province_admin, indicator=land, year=2026, level="commune", value="3",
        source="Quyết định 99/QĐ-UBND", effective_from=dt.date(2026, 7, 1),
    )  # fmt: skip
    assert float(target_for(land, level="commune", year=2026, as_of=dt.date(2026, 6, 1)).value) == 5
    assert float(target_for(land, level="commune", year=2026, as_of=dt.date(2026, 8, 1)).value) == 3
    event = Event.objects.get(subject_type="indicator", action="indicator.target_set")
    assert event.payload["value"] == "3" and event.subject_id == "dat-dai-tre-han"


@pytest.mark.django_db
def test_only_the_province_office_changes_indicators(world, province_admin):
    land = Indicator.objects.get(code="dat-dai-tre-han")
    with pytest.raises(PermissionDenied):
        services.indicator_save(actor=world.leader, indicator=land, name="x")
    with pytest.raises(PermissionDenied):
        services.target_set(actor=world.leader, indicator=land, year=2026, level="commune",
                            value=1, source="x")  # fmt: skip
    with pytest.raises(InvalidInput):
        services.indicator_save(actor=province_admin, indicator=land, formula="khong_co")
    with pytest.raises(InvalidInput):
        services.target_set(actor=province_admin, indicator=land, year=2026, level="commune",
                            value=120, source="x")  # fmt: skip
    services.indicator_save(actor=province_admin, indicator=land, amber_margin=2)
    assert Event.objects.filter(action="indicator.saved", subject_id=land.code).exists()


@pytest.mark.django_db
def test_admin_saves_through_the_service(client, django_user_model):
    admin = django_user_model.objects.create_superuser("qt", "qt@example.vn", "Mk-kiem-thu-2026")
    client.force_login(admin)
    criterion = IndexCriterion.objects.get(code="TT2")
    response = client.post(
        f"/admin/reporting/indexcriterion/{criterion.pk}/change/",
        {"name": criterion.name, "formula": "online_share", "max_points": "6",
         "threshold": "0.6", "confirmed": "on", "note": "Theo văn bản mới", "order": "6"},
    )  # fmt: skip
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert float(criterion.threshold) == 0.6
    event = Event.objects.get(action="index_rule_set.criterion_saved")
    assert event.payload["criterion"] == "TT2" and event.payload["before"]["threshold"] == "0.5000"
