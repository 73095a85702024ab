"""`motcua demo --small`: every app's demo runs, and the ledger publishes their history."""

import io
import re

import pytest
from django.core.management import call_command

from motcua.audit.demo import PLANTED
from motcua.dossiers.models import Dossier
from motcua.ledger.models import DailyRoot, Event, Seal, VerifyRun

PLANTED_TOTAL = sum(PLANTED.values())  # the khống leads the demo plants

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("development")]


def test_the_small_demo_province_ends_sealed_published_and_verified(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the demo logins file
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("demo", "--small", "--dossiers", "60", stdout=out)
    assert Dossier.objects.count() == 60 + 3 + PLANTED_TOTAL  # citizen's three, planted leads
    assert Seal.objects.count() == Event.objects.count() > 60
    assert DailyRoot.objects.exists()
    assert VerifyRun.objects.get().ok
    assert "Sổ cái:" in out.getvalue() and "kiểm tra: toàn vẹn" in out.getvalue()
    # each stage says how long it took as it ends (make run is never silent for minutes)
    stages = re.findall(r"\[\s*[\d.]+ giây\] (\S+)", out.getvalue())
    assert {"dossiers", "reform", "ledger"} <= set(stages), stages
    page = client.get("/so-cai/").content.decode()
    assert "Chưa có gốc ngày nào được công bố." not in page
    assert DailyRoot.objects.order_by("-day").first().merkle_root in page


def test_the_demo_citizen_can_try_every_part_of_the_portal(client, settings, tmp_path):
    from motcua.portal.models import Citizen

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--small", "--dossiers", "20", stdout=io.StringIO())
    logins = io.StringIO()
    call_command("logins", stdout=logins)
    assert "congdan@example.vn" in logins.getvalue()
    password = logins.getvalue().split("tài khoản mẫu: ")[1].split()[0]
    # the printed password logs the citizen in on the citizen login page
    response = client.post(
        "/tai-khoan/dang-nhap/", {"identifier": "congdan@example.vn", "password": password}
    )
    assert response.status_code == 302 and response["Location"] == "/ca-nhan/"
    citizen = Citizen.objects.get(user__email="congdan@example.vn")
    mine = {d.status: d for d in Dossier.objects.filter(portal_submission__user=citizen.user)}
    assert set(mine) == {"submitted", "supplement_requested", "returned"}
    page = client.get(f"/ca-nhan/ho-so/{mine['supplement_requested'].code}/").content.decode()
    assert "Nộp bổ sung trực tuyến" in page
    result = client.get(f"/ca-nhan/ho-so/{mine['returned'].code}/ket-qua/")
    assert result.status_code == 200 and b"".join(result.streaming_content).startswith(b"%PDF")


def test_a_second_demo_on_a_loaded_database_is_refused_with_what_to_do(settings, tmp_path):
    from django.core.management import CommandError

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--small", "--dossiers", "5", stdout=io.StringIO())
    skipped = io.StringIO()
    call_command("demo", "--if-empty", stdout=skipped)  # what `make run` does every time
    assert "không nạp tỉnh mẫu" in skipped.getvalue()
    with pytest.raises(CommandError, match="cơ sở dữ liệu trống"):
        call_command("demo", "--dossiers", "100", stdout=io.StringIO())
    assert Dossier.objects.count() == 5 + 3 + PLANTED_TOTAL
