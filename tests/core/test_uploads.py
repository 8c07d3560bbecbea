"""The shared upload helper itself (catalogue behaviour: tests/catalog/test_uploads.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.catalog import uploads as catalog_uploads
from tinhso.core import uploads


def test_the_catalog_module_re_exports_the_core_helper() -> None:
    assert catalog_uploads.inspect_upload is uploads.inspect_upload
    assert catalog_uploads.UploadRejected is uploads.UploadRejected


def test_a_caller_limit_overrides_the_catalogue_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CATALOG_MAX_UPLOAD_BYTES = 10
    data = b"%PDF-1.7\n" + b"x" * 100
    info = uploads.inspect_upload(SimpleUploadedFile("a.pdf", data), max_bytes=1000)
    assert info.size == len(data) and info.format == "PDF"
    with pytest.raises(uploads.UploadRejected, match="vượt quá"):
        uploads.inspect_upload(SimpleUploadedFile("a.pdf", data))
    with pytest.raises(uploads.UploadRejected, match="vượt quá"):
        uploads.inspect_upload(SimpleUploadedFile("a.pdf", data), max_bytes=50)


def test_the_upload_is_rewound_after_the_check() -> None:
    upload = SimpleUploadedFile("a.csv", "a,b\n1,Hà Nội\n".encode())
    info = uploads.inspect_upload(upload)
    assert info.encoding == "utf-8"
    assert upload.read() == "a,b\n1,Hà Nội\n".encode()
