"""Catalog sync with the national procedure database: the differences before applying, the
apply as a publication decision through the catalog's import (ledger events), local additions
kept, nothing refused silently."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import FeeItem, Procedure, PublicationDecision
from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.interop.catalog_source import FakeProcedureDatabase
from motcua.interop.catalog_sync import catalog_diff, interop_catalog_apply
from motcua.ledger.models import Event
from tests.dossiers.conftest import make_procedure

pytestmark = pytest.mark.django_db

BIRTH = {
    "ma": "1.000001",
    "ten": "Đăng ký khai sinh",
    "linh_vuc": {"ma": "HT", "ten": "Hộ tịch"},
    "cap": ["commune"],
    "co_quan_tham_quyen": "commune",
    "loai_thoi_han": "working_days",
    "thoi_han": "3",
    "dvc_truc_tuyen": "full",
    "tinh_trang": "active",
    "thanh_phan": [
        {"stt": 1, "ten": "Tờ khai đăng ký khai sinh", "ban_chinh": 1, "bat_buoc": True},
        {"stt": 2, "ten": "Giấy chứng sinh", "ban_chinh": 1, "bat_buoc": True},
        {"stt": 3, "ten": "Giấy tờ tùy thân (xuất trình)", "ban_chinh": 1, "bat_buoc": False},
    ],
    "phi": [{"stt": 1, "loai": "charge", "ten": "Lệ phí", "muc_thu": "8000"}],
}


def national(**changes) -> dict:
    return {**BIRTH, **changes}


@pytest.fixture
def ours(db):
    procedure = make_procedure()
    make_procedure(code="1.000009")  # ours only: not in the export
    old = make_procedure(code="1.000100")
    return procedure, old


@pytest.fixture
def source():
    return FakeProcedureDatabase()


def test_first_sync_shows_and_applies_added_changed_abolished(ours, source, catalog_admin):
    procedure, old = ours
    source.publish(
        [
            national(
                thoi_han="2",
                phi=[
                    *BIRTH["phi"],
                    {"stt": 2, "loai": "fee", "ten": "Phí bản sao", "muc_thu": "3000"},
                ],
            ),
            {
                **BIRTH,
                "ma": "2.000002",
                "ten": "Đăng ký kết hôn",
                "thanh_phan": BIRTH["thanh_phan"][:1],
                "phi": [],
            },
            {**BIRTH, "ma": "1.000100", "tinh_trang": "abolished"},
            {**BIRTH, "ma": "9.9", "thoi_han": "ba ngày"},  # unreadable: named, not applied
        ]
    )
    diff = catalog_diff(user=catalog_admin, source=source)
    assert [c.code for c in diff.of_kind("added")] == ["2.000002"]
    assert [c.code for c in diff.of_kind("abolished")] == ["1.000100"]
    changed = diff.of_kind("amended")[0]
    assert changed.code == "1.000001"
    assert "time_limit: 3.0 → 2" in changed.details
    assert "Thêm phí, lệ phí STT 2: «Phí bản sao»" in changed.details
    assert any("1.000009" in line for line in diff.not_in_export)
    assert len(diff.errors) == 1 and "9.9" in diff.errors[0] and "thoi_han" in diff.errors[0]
    assert Procedure.objects.filter(code="2.000002").count() == 0  # nothing written yet

    # the unreadable entry is not dropped silently: applying is refused until it is fixed
    with pytest.raises(InvalidInput) as refused:
        interop_catalog_apply(
            actor=catalog_admin,
            digest=diff.digest,
            number="01/QĐ-UBND",
            date=dt.date(2026, 12, 1),
            source=source,
        )
    assert "9.9" in refused.value.message
    source.publish(source.export()[:3])
    diff = catalog_diff(user=catalog_admin, source=source)
    with pytest.raises(Conflict):
        interop_catalog_apply(
            actor=catalog_admin,
            digest="0" * 64,
            number="01/QĐ-UBND",
            date=dt.date(2026, 12, 1),
            source=source,
        )

    run = interop_catalog_apply(
        actor=catalog_admin,
        digest=diff.digest,
        number="01/QĐ-UBND",
        date=dt.date(2026, 12, 1),
        source=source,
    )
    procedure.refresh_from_db()
    old.refresh_from_db()
    assert procedure.time_limit == Decimal("2") and old.status == "abolished"
    assert Procedure.objects.get(code="2.000002").components.count() == 1
    assert list(procedure.fees.values_list("order", "amount")) == [(1, 8000), (2, 3000)]
    decision = PublicationDecision.objects.get(number="01/QĐ-UBND")
    assert sorted(decision.entries.values_list("procedure__code", "action")) == [
        ("1.000001", "amended"),
        ("1.000100", "abolished"),
        ("2.000002", "added"),
    ]
    assert run.summary["added"] == ["2.000002"]
    assert Event.objects.filter(action="catalog.imported").count() == 1
    assert Event.objects.filter(action="interop.catalog_applied").count() == 1
    assert procedure.processes.count() == 1  # internal processes untouched

    # the same export again: nothing to apply
    again = catalog_diff(user=catalog_admin, source=source)
    assert again.changes == []
    with pytest.raises(InvalidInput):
        interop_catalog_apply(
            actor=catalog_admin,
            digest=again.digest,
            number="02/QĐ-UBND",
            date=dt.date(2026, 12, 2),
            source=source,
        )


def test_local_fees_are_kept_and_national_removals_applied(ours, source, catalog_admin):
    procedure, _ = ours
    source.publish(
        [
            national(
                phi=[*BIRTH["phi"], {"stt": 2, "loai": "fee", "ten": "Phí A", "muc_thu": "1000"}]
            )
        ]
    )
    first = catalog_diff(user=catalog_admin, source=source)
    interop_catalog_apply(
        actor=catalog_admin,
        digest=first.digest,
        number="01/QĐ",
        date=dt.date(2026, 12, 1),
        source=source,
    )
    # the province sets its own fee at order 3
    FeeItem.objects.create(
        procedure=procedure, order=3, kind="fee", name="Phí của tỉnh", amount=Decimal(5000)
    )
    # the national side drops fee 2 and adds a new one at order 3
    source.publish(
        [
            national(
                phi=[*BIRTH["phi"], {"stt": 3, "loai": "fee", "ten": "Phí B", "muc_thu": "2000"}]
            )
        ]
    )
    diff = catalog_diff(user=catalog_admin, source=source)
    details = diff.of_kind("amended")[0].details
    assert "Bỏ phí, lệ phí STT 2: «Phí A»" in details
    assert "Thêm phí, lệ phí STT 3: «Phí B»" in details
    assert diff.kept_local == ["1.000001: phí, lệ phí «Phí của tỉnh» (chuyển sang STT 4)"]
    interop_catalog_apply(
        actor=catalog_admin,
        digest=diff.digest,
        number="02/QĐ",
        date=dt.date(2026, 12, 2),
        source=source,
    )
    assert list(procedure.fees.values_list("order", "name")) == [
        (1, "Lệ phí"),
        (3, "Phí B"),
        (4, "Phí của tỉnh"),
    ]


def test_a_procedure_whose_national_fees_all_went_is_left_with_none(ours, source, catalog_admin):
    """Nothing is refused or kept silently: when the export drops every fee of a procedure
    (it became free), the apply removes them all, as the difference said."""
    procedure, _ = ours
    source.publish([national()])
    first = catalog_diff(user=catalog_admin, source=source)
    interop_catalog_apply(actor=catalog_admin, digest=first.digest, number="01/QĐ",
                          date=dt.date(2026, 12, 1), source=source)  # fmt: skip
    assert procedure.fees.count() == 1
    source.publish([national(phi=[])])
    diff = catalog_diff(user=catalog_admin, source=source)
    assert "Bỏ phí, lệ phí STT 1: «Lệ phí»" in diff.of_kind("amended")[0].details
    interop_catalog_apply(actor=catalog_admin, digest=diff.digest, number="02/QĐ",
                          date=dt.date(2026, 12, 2), source=source)  # fmt: skip
    assert procedure.fees.count() == 0
    assert procedure.components.count() == 3  # the parts still in the export stay


def test_only_catalog_roles(world, source, province_admin):
    with pytest.raises(PermissionDenied):
        catalog_diff(user=world.desk, source=source)
    source.publish([national(thoi_han="1")])
    diff = catalog_diff(user=province_admin, source=source)
    with pytest.raises(PermissionDenied):
        interop_catalog_apply(
            actor=world.leader,
            digest=diff.digest,
            number="03/QĐ",
            date=dt.date(2026, 12, 3),
            source=source,
        )
    assert Procedure.objects.get(code="1.000001").time_limit == Decimal(3)
