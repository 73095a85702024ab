"""Evidence files of progress reports are served to the province's staff only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.organization.models import Role
from motcua.reform import services
from tests.samples import pdf

pytestmark = pytest.mark.django_db

PDF = pdf("cong van minh chung")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_staff_download_evidence_citizens_and_visitors_do_not(
    client, small_plan, make_user, departments, django_user_model
):
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STP"], username="cchc_stp")
    task = small_plan.tasks.get(
        text__startswith="Nâng cao trình độ chuyên môn, kiến thức pháp luật"
    )
    progress = services.task_report_progress(
        actor=officer, task=task, text="Đã ban hành Công văn", percent=40,
        files=[SimpleUploadedFile("cong-van.pdf", PDF, "application/pdf")],
    )  # fmt: skip
    evidence = progress.evidence.get()
    url = f"/cai-cach/minh-chung/{evidence.pk}/"
    # the task page links to the checked view, never to the stored file
    client.force_login(officer)
    page = client.get(f"/cai-cach/nhiem-vu/{task.pk}/").content.decode()
    assert url in page and evidence.file.name not in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert 'filename="cong-van.pdf"' in response["Content-Disposition"]
    assert client.get("/cai-cach/minh-chung/999999/").status_code == 404
    # a signed-in account without any staff role is refused, a visitor must log in
    client.force_login(django_user_model.objects.create_user("cong.dan", password="x"))
    refused = client.get(url)
    assert refused.status_code == 403
    assert "chỉ dành cho cán bộ, công chức" in refused.content.decode()
    client.logout()
    assert client.get(url).status_code == 302
