"""``motcua interop catalog`` / ``inbound`` / ``report --save`` from the terminal."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from motcua.interop.catalog_source import get_procedure_database
from motcua.interop.models import ReconciliationRun
from tests.interop.test_catalog_sync import BIRTH
from tests.interop.test_inbound import submission

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("interop", *args, stdout=out)
    return out.getvalue()


def test_catalog_command_shows_then_applies(world, catalog_admin):
    source = get_procedure_database()
    source.publish([{**BIRTH, "thoi_han": "4"}])
    try:
        shown = run("catalog", "--user", catalog_admin.username)
        assert "Sửa đổi: 1.000001" in shown and "time_limit: 3.0 → 4" in shown
        assert Procedure.objects.get(code="1.000001").time_limit == 3
        with pytest.raises(CommandError, match="--date"):
            run("catalog", "--user", catalog_admin.username, "--apply", "--decision", "5/QĐ")
        done = run(
            "catalog",
            "--user",
            catalog_admin.username,
            "--apply",
            "--decision",
            "5/QĐ",
            "--date",
            "01/12/2026",
        )
        assert "Đã áp dụng theo quyết định 5/QĐ" in done
        assert Procedure.objects.get(code="1.000001").time_limit == 4
        with pytest.raises(CommandError, match="không có gì để áp dụng"):
            run(
                "catalog",
                "--user",
                catalog_admin.username,
                "--apply",
                "--decision",
                "6/QĐ",
                "--date",
                "02/12/2026",
            )
    finally:
        source.publish([])


def test_inbound_and_saved_report(world, portal):
    portal.add_submission(submission(world))
    portal.add_submission(submission(world, code="G22-X-0009", ma_thu_tuc="0.0"))
    with pytest.raises(CommandError, match="1 hồ sơ không nhận được"):
        run("inbound")
    with pytest.raises(CommandError, match="chưa khớp"):
        run("report", "--save")  # the new dossier's status 1 is not on the portal yet
    assert ReconciliationRun.objects.count() == 1
