"""A refused file no longer empties the other file fields of the online submission form
(issue 16, item 7): the accepted files are kept, the citizen replaces only the refused one."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from motcua.dossiers.models import Dossier
from tests.portal.conftest import PDF, citizen, png_bytes, world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_refused_file_keeps_the_accepted_ones(page, world, citizen, media):  # noqa: F811
    client = Client()
    client.force_login(citizen.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base}]
    )
    first, second, _ = world.components
    page.goto(page.base + f"/nop-ho-so/{world.procedure.code}/")
    page.get_by_label("Số định danh cá nhân (12 số)").fill("038090001234")
    page.locator(f"#file_{first.pk}").set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator(f"#file_{second.pk}").set_input_files(  # a program renamed .pdf: refused
        {"name": "chung-sinh.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 50}
    )
    page.get_by_label("Tôi cam đoan").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    assert "không phải PDF, JPEG hoặc PNG" in page.content()
    # the accepted file is kept; only the refused one is asked again
    assert "to-khai.pdf" in page.locator(f"#giu-lai-{first.pk}").inner_text()
    assert page.locator(f"#giu-lai-{second.pk}").count() == 0
    page.locator(f"#file_{second.pk}").set_input_files(
        {"name": "chung-sinh.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    if not page.get_by_label("Tôi cam đoan").is_checked():
        page.get_by_label("Tôi cam đoan").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/bien-nhan/")
    dossier = Dossier.objects.get()
    files = {i.component_id: i.file for i in dossier.checklist.all()}
    assert files[first.pk].read() == PDF  # the kept file, not chosen a second time
    # images are re-encoded on upload (core.files.check_content): the same picture, new bytes
    stored, sent = (Image.open(io.BytesIO(b)) for b in (files[second.pk].read(), png_bytes()))
    assert stored.size == sent.size
    assert stored.convert("RGB").tobytes() == sent.convert("RGB").tobytes()
