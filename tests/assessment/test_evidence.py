"""Evidence file checks: the shared upload checks (tinhso.core.uploads) narrowed to the
evidence formats, with the evidence size limit and the declared media type checked."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.assessment.evidence import EvidenceRejected, check_upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_real_docx_is_accepted_with_its_hash_and_media_type() -> None:
    data = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    checked = check_upload(SimpleUploadedFile("bao-cao.docx", data, content_type=DOCX))
    assert checked.content_type == DOCX
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.size == len(data)
    assert checked.extension == "docx"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32),
        ("anh.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32),
        ("qd.pdf", b"%PDF-1.7\nnoi dung"),
    ],
)
def test_images_and_pdf_are_accepted(name: str, content: bytes) -> None:
    checked = check_upload(SimpleUploadedFile(name, content, content_type=""))
    assert checked.extension == name.rsplit(".", 1)[1].lower()


def test_a_zip_named_docx_without_a_word_document_is_refused() -> None:
    data = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    with pytest.raises(EvidenceRejected, match="không phải DOCX") as refused:
        check_upload(SimpleUploadedFile("bao-cao.docx", data))
    assert refused.value.field == "file"


def test_html_named_pdf_is_refused() -> None:
    with pytest.raises(EvidenceRejected, match="không phải PDF"):
        check_upload(SimpleUploadedFile("qd.pdf", b"<html><script>alert(1)</script></html>"))


def test_a_csv_is_not_evidence_even_though_uploads_accept_it() -> None:
    with pytest.raises(EvidenceRejected, match="chỉ nhận PDF"):
        check_upload(SimpleUploadedFile("so-lieu.csv", b"a,b\n1,2\n"))


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(EvidenceRejected, match="rỗng"):
        check_upload(SimpleUploadedFile("qd.pdf", b""))


def test_a_file_larger_than_its_declared_size_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASSESSMENT_EVIDENCE_MAX_BYTES = 1024
    upload = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    upload.size = 100  # the client lied
    with pytest.raises(EvidenceRejected, match="vượt quá"):
        check_upload(upload)


def test_a_declared_media_type_contradicting_the_content_is_refused() -> None:
    with pytest.raises(EvidenceRejected, match="text/html"):
        check_upload(SimpleUploadedFile("qd.pdf", b"%PDF-1.4 ok", content_type="text/html"))
