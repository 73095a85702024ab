import datetime as dt

import pytest

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.ledger.models import Event
from motcua.organization import selectors
from motcua.organization.models import Role, UnitKind, UnitSuccession
from motcua.organization.permissions import has_role, require_role
from motcua.organization.services import unit_create, units_merge

REORG = dt.date(2025, 7, 1)


@pytest.fixture
def district(make_unit):
    return make_unit("UBND huyện Thạch Hà", kind=UnitKind.DISTRICT)


@pytest.fixture
def communes(make_unit, district):
    return [
        make_unit(f"UBND xã {n}", parent=district) for n in ("Thạch Kênh", "Thạch Liên", "Ích Hậu")
    ]


def test_merge_creates_successor_and_ends_old_units(province_admin, communes, province):
    # when three communes merge into a new one on 1/7/2025
    new = units_merge(
        actor=province_admin,
        units=communes,
        effective_on=REORG,
        new_code="XM001",
        new_name="UBND xã Thạch Khê",
        new_parent=province,
        new_electronic_id="000.61.01.H99",
        decision="NQ 1665/NQ-UBTVQH15",
    )
    # then the old units end the day before, each with one succession row
    for unit in communes:
        unit.refresh_from_db()
        assert unit.valid_to == dt.date(2025, 6, 30)
        assert unit.successions.get().successor == new
    assert new.valid_from == REORG and new.valid_to is None
    assert new.parent == province
    # and both structures can be listed
    old = selectors.unit_list(kind=UnitKind.COMMUNE, on=dt.date(2025, 6, 30))
    assert set(old) == set(communes)
    assert list(selectors.unit_list(kind=UnitKind.COMMUNE, on=REORG)) == [new]
    assert selectors.unit_successor_on(communes[1], REORG) == new
    assert set(selectors.unit_predecessors(new)) == set(communes)
    # and every change is in the history
    actions = set(Event.objects.filter(subject_type="unit").values_list("action", flat=True))
    assert {"unit.ended", "unit.merged_into", "unit.created"} <= actions


def test_merge_into_existing_unit_follows_chains(province_admin, communes, district):
    units_merge(actor=province_admin, units=communes[:2], effective_on=REORG, into=communes[2])
    units_merge(
        actor=province_admin, units=[communes[2]], effective_on=dt.date(2026, 1, 1), into=district
    )
    communes[0].refresh_from_db()
    assert selectors.unit_successor_on(communes[0], dt.date(2026, 2, 1)) == district


def test_merge_refuses_bad_input_and_changes_nothing(province_admin, communes):
    with pytest.raises(InvalidInput) as error:
        units_merge(actor=province_admin, units=communes, effective_on=REORG)
    assert error.value.code == "merge_successor_required"
    with pytest.raises(InvalidInput):
        units_merge(actor=province_admin, units=communes, effective_on=REORG, into=communes[0])
    assert UnitSuccession.objects.count() == 0
    assert all(u.valid_to is None for u in communes)


def test_merge_refuses_already_ended_units(province_admin, communes):
    units_merge(actor=province_admin, units=[communes[0]], effective_on=REORG, into=communes[1])
    communes[0].refresh_from_db()
    with pytest.raises(InvalidInput) as error:
        units_merge(
            actor=province_admin,
            units=[communes[0]],
            effective_on=dt.date(2026, 1, 1),
            into=communes[2],
        )
    assert error.value.code == "merge_unit_inactive"


def test_only_province_admin_merges(make_user, communes):
    officer = make_user(Role.DESK_OFFICER, unit=communes[0])
    with pytest.raises(PermissionDenied):
        units_merge(actor=officer, units=communes[1:], effective_on=REORG, into=communes[0])
    assert UnitSuccession.objects.count() == 0


def test_roles_are_scoped_to_unit_and_its_children(make_user, district, communes, make_unit):
    leader = make_user(Role.UNIT_LEADER, unit=district)
    other = make_unit("UBND xã Khác")
    assert has_role(leader, [Role.UNIT_LEADER], communes[0])
    assert not has_role(leader, [Role.UNIT_LEADER], other)
    assert not has_role(leader, [Role.DESK_OFFICER], communes[0])
    with pytest.raises(PermissionDenied) as error:
        require_role(leader, [Role.DESK_OFFICER], communes[0])
    assert "Cán bộ một cửa" in error.value.message


def test_unit_code_must_be_unique(province_admin, province):
    with pytest.raises(InvalidInput) as error:
        unit_create(
            actor=province_admin,
            code=province.code,
            name="Trùng",
            kind=UnitKind.OTHER,
            valid_from=dt.date(2020, 1, 1),
        )
    assert error.value.code == "unit_code_taken"


def test_admin_merge_action_calls_the_service(client, province_admin, communes):
    # given the province admin in Django admin
    province_admin.is_staff = True
    province_admin.save()
    client.force_login(province_admin)
    ids = [str(u.pk) for u in communes[:2]]
    # when two communes are merged into the third
    response = client.post(
        "/admin/organization/unit/",
        {
            "action": "merge_units",
            "_selected_action": ids,
            "apply": "1",
            "effective_on": "01/07/2025",
            "into": communes[2].pk,
            "decision": "NQ số 1/2025",
        },
    )
    # then they are ended with a succession row each
    assert response.status_code == 302
    assert UnitSuccession.objects.filter(successor=communes[2]).count() == 2


def test_admin_merge_action_shows_the_service_error(client, province_admin, communes):
    province_admin.is_staff = True
    province_admin.save()
    client.force_login(province_admin)
    response = client.post(
        "/admin/organization/unit/",
        {
            "action": "merge_units",
            "_selected_action": [str(communes[0].pk)],
            "apply": "1",
            "effective_on": "01/07/2025",
        },
        follow=True,
    )
    assert "Chọn một đơn vị kế thừa có sẵn" in response.content.decode()
    assert UnitSuccession.objects.count() == 0
