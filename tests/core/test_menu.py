"""The officer menu offers what the signed-in user's roles allow."""

import pytest

from motcua.organization.models import Role

pytestmark = pytest.mark.django_db

FINDINGS = "/so-cai/kiem-tra/"


def test_the_menu_follows_the_roles(client, make_user, make_unit, province):
    unit = make_unit("UBND xã Một")
    assert "Hồ sơ cần xử lý" not in client.get("/").content.decode()  # a visitor
    client.force_login(make_user(Role.SPECIALIST, unit=unit))
    html = client.get("/").content.decode()
    assert "Hồ sơ cần xử lý" in html and FINDINGS not in html
    client.force_login(make_user(Role.INSPECTOR, unit=province))
    assert FINDINGS in client.get("/").content.decode()
