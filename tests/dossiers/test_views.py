"""Officer pages: queue, intake, dossier page with actions, profile tokens, statistics."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.organization.models import ApiToken
from tests.dossiers.conftest import receive
from tests.samples import RESULT_PDF

pytestmark = pytest.mark.django_db


def test_the_officer_area_root_is_the_work_queue(client, world):
    assert client.get("/can-bo/").status_code == 302  # login first
    client.force_login(world.desk)
    for _ in range(3):
        receive(world)
    response = client.get("/can-bo/")
    assert response.status_code == 200
    assert "Hồ sơ của đơn vị" in response.content.decode()
    # each dossier once as a table row and once as a card (shown on phones instead)
    assert response.content.decode().count("/can-bo/ho-so/") == 6


def test_queue_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world.desk)
    receive(world)
    client.get("/can-bo/?queue=")  # warm the process caches (calendar, content types…)
    with CaptureQueriesContext(connection) as few:
        client.get("/can-bo/?queue=")
    for _ in range(10):
        receive(world)
    with CaptureQueriesContext(connection) as many:
        client.get("/can-bo/?queue=")

    def per_request(captured):  # the work calendar's change check runs every 3 s, not per request
        return [q for q in captured.captured_queries if "workcalendar_" not in q["sql"]]

    assert len(per_request(many)) == len(per_request(few))


def test_intake_page_receives_and_links_the_receipt(client, world):
    client.force_login(world.desk)
    page = client.get(f"/can-bo/tiep-nhan/?procedure={world.procedure.code}")
    assert "Giấy chứng sinh" in page.content.decode()
    data = {
        "procedure": world.procedure.code,
        "applicant_name": "Lê Thị Bình",
        "applicant_id_number": "001199012345",
        "channel": "in_person",
        "return_method": "desk",
        "outcome": "receive",
    }
    for c in world.procedure.components.all():
        data[f"c{c.pk}_provided"] = "on"
        data[f"c{c.pk}_copy"] = "original"
    response = client.post("/can-bo/tiep-nhan/", data, follow=True)
    dossier = Dossier.objects.get()
    html = response.content.decode()
    assert dossier.applicant_name == "Lê Thị Bình"
    assert f"/can-bo/ho-so/{dossier.code}/mau-01.pdf" in html
    pdf = client.get(f"/can-bo/ho-so/{dossier.code}/mau-01.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_actions_from_the_dossier_page(client, world):
    dossier = receive(world)
    client.force_login(world.desk)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'data-action="transfer"' in html
    assert 'data-action="approve"' not in html  # a desk officer does not approve
    client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/transfer/", {"version": dossier.version})
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_ASSIGNMENT
    # a stale form shows the conflict message and changes nothing
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/withdraw/",
        {"version": dossier.version - 1, "reason": "Rút"},
        follow=True,
    )
    assert "vừa được người khác cập nhật" in response.content.decode()
    client.force_login(world.specialist)
    client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/self_assign/", {})
    client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/complete_step/",
        {"next_assignee": world.leader.username},
    )
    client.force_login(world.leader)
    client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/approve/",
        {
            "number": "7/QĐ",
            "date": "2026-03-03",
            "signer": "Phạm Hùng",
            "file": SimpleUploadedFile("kq.pdf", RESULT_PDF),
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


def test_profile_creates_and_revokes_tokens(client, world):
    client.force_login(world.desk)
    html = client.post("/can-bo/ca-nhan/", {"name": "Tích hợp"}).content.decode()
    token = ApiToken.objects.get(user=world.desk)
    assert 'id="new-token"' in html and token.prefix in html
    client.post(f"/can-bo/ca-nhan/ma-truy-cap/{token.pk}/thu-hoi/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_stats_page_uses_the_shared_selector(client, world):
    from django.utils import timezone

    receive(world, when=timezone.now())  # inside the default period (the year so far)
    client.force_login(world.leader)
    html = client.get("/can-bo/thong-ke/?group_by=field").content.decode()
    assert "Hộ tịch" in html  # the field's row
    # every grouping is offered by its Vietnamese name, the chosen one selected
    assert 'value="field" selected>Lĩnh vực</option>' in html
    assert ">Cơ quan giải quyết</option>" in html and ">unit<" not in html
    html = client.get("/can-bo/thong-ke/?group_by=unit").content.decode()
    assert world.commune.name in html


def test_the_timeline_shows_what_was_asked_and_never_the_raw_payload(client, world):
    from motcua.dossiers import services
    from tests.dossiers.conftest import at, to_specialist

    dossier = to_specialist(world, receive(world))
    services.dossier_request_supplement(
        actor=world.specialist,
        dossier=dossier,
        items=["Bản sao giấy chứng sinh", "Tờ khai có chữ ký"],
        at=at(0, 10),
    )
    client.force_login(world.desk)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert html.count("Yêu cầu:") == 1
    assert "Yêu cầu: Bản sao giấy chứng sinh; Tờ khai có chữ ký" in html
    assert "status_from" not in html


def test_stats_say_a_dash_when_nothing_was_resolved(client, world):
    import re

    from django.utils import timezone

    receive(world, when=timezone.now())  # received, nothing resolved yet
    client.force_login(world.leader)
    html = client.get("/can-bo/thong-ke/?group_by=unit").content.decode()
    cells = re.findall(r"<td data-on-time>([^<]*)</td>", html)
    assert cells and all(c == "—" for c in cells), cells
    assert "0%<" not in html  # the old "{% widthratio %}%" rendering


def test_stats_default_to_the_year_so_far_with_a_unit_picker_and_excel(client, world):
    import io
    import re

    from django.utils import timezone
    from openpyxl import load_workbook

    receive(world, when=timezone.now())
    client.force_login(world.leader)
    html = client.get("/can-bo/thong-ke/").content.decode()
    today = timezone.localdate()
    assert f'id="from" name="from" value="{today.year}-01-01"' in html
    assert f'id="to" name="to" value="{today:%Y-%m-%d}"' in html
    assert re.search(
        rf'<option value="{world.commune.code}"\s*>{world.commune.name}</option>', html
    )
    assert "Quý này" in html and "Năm trước" in html
    link = re.search(r'id="xuat-excel" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get("/can-bo/thong-ke/" + link)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[1][0] == "Cơ quan giải quyết" and rows[1][1] == "Tiếp nhận"
    assert rows[-1][0] == "Tổng" and rows[-1][1] == 1
    assert rows[-1][-1] == "—"  # nothing resolved yet
