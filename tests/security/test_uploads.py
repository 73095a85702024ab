# ruff: noqa: F811 - pytest fixtures imported from other test packages
"""Every upload path checks files by their content (motcua.core.files): a PDF must parse,
images are re-encoded, SVG/HTML/scripts and a PDF header over an HTML body are refused,
and the files of a refused request are not left behind."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from motcua.core.errors import InvalidInput
from motcua.core.files import check_content, minimal_pdf
from motcua.organization.models import Role
from motcua.reform.models import Evidence
from tests.dossiers.conftest import _fast_passwords, world  # noqa: F401
from tests.reform.conftest import departments, frameworks, home_affairs_officer, small_plan  # noqa: F401
from tests.samples import pdf, png

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML_IN_PDF = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"


def polyglot() -> bytes:
    """A PDF that parses, with an HTML page in its first bytes (a browser would render it)."""
    real = pdf("x")
    return real[:9] + b"%<html><script>alert(1)</script></html>\n" + real[9:]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize(
    "data",
    [
        SVG,
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        HTML_IN_PDF,
        b"%PDF-1.4\n(truncated",
        b"MZ\x90\x00\x03 program renamed to .pdf",
        b"\x89PNG\r\n\x1a\n<script>not an image</script>",
        b"\xff\xd8\xff\xe0 broken jpeg",
    ],
    ids=["svg", "html", "pdf-header-html-body", "truncated-pdf", "exe", "fake-png", "fake-jpeg"],
)
def test_content_that_is_not_a_real_pdf_or_image_is_refused(data):
    with pytest.raises(InvalidInput) as refused:
        check_content(data, label="giấy tờ")
    assert refused.value.code == "file_type" and "kiểm tra nội dung" in refused.value.message


def test_a_pdf_with_script_or_markup_is_refused_and_a_plain_pdf_accepted():
    scripted = minimal_pdf().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    for data in (scripted, polyglot()):
        with pytest.raises(InvalidInput):
            check_content(data, label="x")
    checked = check_content(minimal_pdf("Giay to"), label="x")
    assert checked.kind == "pdf" and checked.data == minimal_pdf("Giay to")


def test_images_are_re_encoded_dropping_metadata_and_trailing_bytes():
    image = Image.new("RGB", (8, 8), "blue")
    exif = Image.Exif()
    exif[0x010E] = "toa do GPS bi mat"  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    jpeg = out.getvalue() + b"<html><script>alert(1)</script></html>"
    checked = check_content(jpeg, label="anh")
    assert checked.kind == "jpeg" and b"<script>" not in checked.data
    assert b"toa do GPS" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as again:
        assert again.size == (8, 8)
    assert check_content(png() + b"<script>", label="anh").data.endswith(b"IEND\xaeB`\x82")


def test_the_default_storage_checks_every_upload_folder_and_names_by_content():
    from django.core.files.storage import default_storage

    with pytest.raises(InvalidInput):
        default_storage.save("dossiers/results/ket-qua.pdf", ContentFile(SVG))
    with pytest.raises(InvalidInput):
        default_storage.save("reform/evidence/a.pdf", ContentFile(HTML_IN_PDF))
    name = default_storage.save("dossiers/files/anh.pdf", ContentFile(png()))
    assert name.endswith(".png")  # served by what it is, not by what it was called
    assert default_storage.save("reform/imports/x.xlsx", ContentFile(b"PK")).endswith(".xlsx")


def test_an_officer_result_in_svg_is_refused(world, _media):
    from motcua.dossiers.services import dossier_approve
    from tests.dossiers.conftest import receive, to_leader, to_specialist

    dossier = to_leader(world, to_specialist(world, receive(world)))
    with pytest.raises(InvalidInput) as refused:
        dossier_approve(
            actor=world.leader,
            dossier=dossier,
            number="12/QĐ",
            date=dossier.received_at.date(),
            signer="Chủ tịch",
            file=SimpleUploadedFile("ket-qua.pdf", SVG, "application/pdf"),
        )
    assert refused.value.code == "file_type"
    dossier.refresh_from_db()
    assert not dossier.result_file and not list((_media / "dossiers").rglob("*.*"))


def test_reform_evidence_refused_leaves_no_file_behind(
    client, small_plan, make_user, departments, _media
):
    officer = make_user(Role.REFORM_OFFICER, unit=departments["STP"], username="cchc_stp")
    task = small_plan.tasks.get(
        text__startswith="Nâng cao trình độ chuyên môn, kiến thức pháp luật"
    )
    client.force_login(officer)
    response = client.post(
        f"/api/reform/tasks/{task.pk}/progress",
        {
            "text": "Báo cáo",
            "percent": 50,
            "evidence": [
                SimpleUploadedFile("cong-van.pdf", pdf("that"), "application/pdf"),
                SimpleUploadedFile("anh.svg", SVG, "image/svg+xml"),
            ],
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "file_type"
    assert not Evidence.objects.exists()
    # the first (valid) file was written before the second was refused: the rolled-back
    # request's file is deleted when the response is ready
    assert not [p for p in (_media / "reform").rglob("*") if p.is_file()]


def test_a_real_world_pdf_with_text_and_fonts_is_accepted():
    from weasyprint import HTML

    data = HTML(string="<h1>Giấy khai sinh</h1><p>Nguyễn Thị Hoa</p>").write_pdf()
    assert check_content(data, label="giay-khai-sinh.pdf").kind == "pdf"
