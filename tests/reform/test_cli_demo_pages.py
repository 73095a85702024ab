"""The command line, the demo loader and the pages (Django test client)."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from motcua.organization.models import Role
from motcua.reform import demo, services
from motcua.reform.models import Plan, Result, Task, TaskStatus
from motcua.reform.sample_plan import SAMPLE_XLSX
from tests.samples import pdf

pytestmark = pytest.mark.django_db


def test_cli_previews_then_commits(departments, frameworks):
    out = io.StringIO()
    call_command("reform", "import-plan", str(SAMPLE_XLSX), stdout=out)
    text = out.getvalue()
    assert "Tổng: 57 nhiệm vụ." in text and "Thời hạn chưa hiểu được: 1" in text
    assert "UBMTTQ tỉnh" in text and "Chưa ghi gì" in text
    assert not Plan.objects.exists()
    call_command("reform", "import-plan", str(SAMPLE_XLSX), "--commit", stdout=io.StringIO())
    assert Task.objects.count() == 57
    with pytest.raises(CommandError):
        call_command("reform", "import-plan", str(SAMPLE_XLSX), "--commit", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("reform", "import-plan", "/khong/co.xlsx", stdout=io.StringIO())


def test_demo_loads_frameworks_results_and_the_sample_plan(departments, make_user):
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STP"])
    demo.load(rng=random.Random(1), stdout=io.StringIO(), options={"small": True})
    par = Result.objects.get(index__code="par-index", year=2020)
    assert (float(par.total), par.rank, par.rank_of) == (85.31, 16, 63)
    assert par.scores.filter(node__level="area").count() == 8
    assert "MÔ PHỎNG" in par.source
    sipas = Result.objects.get(index__code="sipas", year=2020)
    papi = Result.objects.get(index__code="papi", year=2020)
    assert (float(sipas.total), sipas.rank) == (89.13, 11)
    assert (float(papi.total), papi.rank) == (45.005, 5)
    assert Task.objects.count() == 57
    assert Task.objects.filter(lead_unit__code="STP", progress__author=officer).exists()


@pytest.fixture
def officer_client(client, small_plan, make_user, departments):
    user = make_user(Role.REFORM_OFFICER, unit=departments["STTTT"])
    client.force_login(user)
    return client


def test_pages_render_for_officers(
    officer_client, small_plan, django_assert_max_num_queries, settings
):
    settings.MOTCUA = {**settings.MOTCUA, "PAGE_SIZE": 8}
    services.result_record(actor=None, index_code="par-index", year=2020, total="85.31", rank=16,
                           scores={"1": "12", "7": "10"}, check_permission=False)  # fmt: skip
    c = officer_client
    assert "Theo dõi cải cách" in c.get("/cai-cach/").content.decode()
    page = c.get("/cai-cach/chi-so/par-index/?nam=2020").content.decode()
    assert "85,310" in page and "16/63" in page and "Điểm bị mất theo lĩnh vực" in page
    with django_assert_max_num_queries(20):
        board = c.get(f"/cai-cach/nhiem-vu/?ke_hoach={small_plan.pk}&page=2")
    assert board.status_code == 200 and "Trang 2 / 3" in board.content.decode()
    filtered = c.get("/cai-cach/nhiem-vu/?don_vi=STTTT", HTTP_HX_REQUEST="true").content.decode()
    assert "PLII-VII.1.1" in filtered and "<form" not in filtered
    by_deadline = c.get("/cai-cach/nhiem-vu/?sap_xep=han", HTTP_HX_REQUEST="true").content.decode()
    assert by_deadline.index("PLII-IV.1.1") < by_deadline.index("PLII-II.1.1")  # 30/9 first
    assert "Theo đơn vị chủ trì" in by_deadline
    unit = c.get("/cai-cach/don-vi/STTTT/").content.decode()
    assert "Triển khai Kiến trúc Chính quyền điện tử" in unit
    assert c.get("/cai-cach/chi-so/khong-co/").status_code == 404
    assert c.get(f"/cai-cach/ke-hoach/{small_plan.pk}/bao-cao.pdf").status_code == 404
    docx = c.get(f"/cai-cach/ke-hoach/{small_plan.pk}/bao-cao.docx")
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")


def test_task_page_records_progress(officer_client, small_plan):
    task = small_plan.tasks.get(text__startswith="Hoàn thiện, trình UBND tỉnh phê duyệt")
    url = f"/cai-cach/nhiem-vu/{task.pk}/"
    assert "Báo cáo tiến độ" in officer_client.get(url).content.decode()
    response = officer_client.post(url, {"text": "Đã trình UBND tỉnh", "percent": "60",
                                         "evidence": SimpleUploadedFile("a.pdf", pdf("a"))})  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.progress_percent == 60
    page = officer_client.get(url).content.decode()
    assert "Đã trình UBND tỉnh" in page and "a.pdf" in page
    other = small_plan.tasks.get(text__startswith="- Tăng cường tuyên truyền, phổ biến quan điểm")
    assert (
        'id="bao-cao-tien-do"'
        not in officer_client.get(f"/cai-cach/nhiem-vu/{other.pk}/").content.decode()
    )


def test_import_page_previews_then_writes(client, home_affairs_officer, frameworks, sample_bytes):
    client.force_login(home_affairs_officer)
    page = client.post(
        "/cai-cach/ke-hoach/nhap/", {"workbook": SimpleUploadedFile("359.xlsx", sample_bytes)}
    )
    html = page.content.decode()
    assert "57</strong> nhiệm vụ" in html and "UBMTTQ tỉnh" in html and not Plan.objects.exists()
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.post("/cai-cach/ke-hoach/nhap/", {"token": token, "filename": "359.xlsx"})
    assert done.status_code == 302 and Task.objects.count() == 57


def test_pages_need_login(client):
    assert client.get("/cai-cach/nhiem-vu/").status_code == 302
