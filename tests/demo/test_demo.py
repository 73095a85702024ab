import random

from motcua.catalog.models import Procedure
from motcua.demo import province as demo
from motcua.organization.models import StaffRole, Unit, UnitKind, UnitSuccession


def test_small_demo_province_has_both_structures(demo_province):
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() == 21
    old = Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=False).count()
    new = Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=True).count()
    assert old == 18 and 0 < new < old
    assert UnitSuccession.objects.filter(predecessor__kind=UnitKind.DISTRICT).count() == 3
    assert set(StaffRole.objects.values_list("role", flat=True)) >= {
        "desk_officer", "specialist", "unit_leader", "catalog_admin", "reform_officer",
        "inspector", "province_admin",
    }  # fmt: skip
    assert Procedure.objects.count() == 60


def test_demo_catalog_is_deterministic_for_a_seed():
    first = demo.catalog_rows(random.Random(3), small=True)
    second = demo.catalog_rows(random.Random(3), small=True)
    assert first == second
    assert len(first["ThuTuc"]) == 60


def test_demo_logins_file_lists_the_password(demo_province, settings):
    text = (settings.VAR_DIR / demo.LOGINS_FILE).read_text()
    assert text.startswith("Mật khẩu chung")
    assert "quantri" in text
