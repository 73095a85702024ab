"""`motcua demo --small`: every app's demo runs, and the ledger publishes their history."""

import io

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Dossier
from motcua.ledger.models import DailyRoot, Event, Seal, VerifyRun

pytestmark = pytest.mark.django_db


def test_the_small_demo_province_ends_sealed_published_and_verified(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the demo logins file
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("demo", "--small", "--dossiers", "60", stdout=out)
    assert Dossier.objects.count() == 60
    assert Seal.objects.count() == Event.objects.count() > 60
    assert DailyRoot.objects.exists()
    assert VerifyRun.objects.get().ok
    assert "Sổ cái:" in out.getvalue() and "kiểm tra: toàn vẹn" in out.getvalue()
    page = client.get("/so-cai/").content.decode()
    assert "Chưa có gốc ngày nào được công bố." not in page
    assert DailyRoot.objects.order_by("-day").first().merkle_root in page
