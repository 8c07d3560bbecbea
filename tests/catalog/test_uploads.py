"""Resource uploads: size limit, type from content, disguised files refused, nothing stored."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.catalog.factories import DatasetFactory
from tinhso.catalog import services
from tinhso.catalog.models import Activity, Resource
from tinhso.catalog.services import CatalogValidationError
from tinhso.catalog.uploads import normalize_format

pytestmark = pytest.mark.django_db

CSV = "mã xã,tên xã,dân số\n38001,Phường Hạc Thành,120000\n".encode()


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def _upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _create(name: str, content: bytes, **kwargs: object) -> Resource:
    dataset = kwargs.pop("dataset", None) or DatasetFactory()
    return services.resource_create(
        user=None,
        dataset=dataset,  # type: ignore[arg-type]
        upload=_upload(name, content),
        check_permission=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_csv_upload_stores_file_hash_size_mimetype_and_format(media: Path) -> None:
    resource = _create("Dân số 2024.csv", CSV)
    assert resource.format == "CSV"
    assert resource.mimetype == "text/csv"
    assert resource.size == len(CSV)
    assert resource.hash == hashlib.sha256(CSV).hexdigest()
    assert resource.url == ""
    assert resource.upload.name.endswith("/dan-so-2024.csv")
    assert resource.upload.read() == CSV
    assert resource.name == "Dân số 2024.csv"


def test_upload_is_recorded_in_the_dataset_revision() -> None:
    resource = _create("a.csv", CSV)
    data = Activity.objects.filter(dataset=resource.dataset).order_by("-revision").first().data
    assert data["resources"][0]["hash"] == resource.hash


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bang.csv", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # Windows executable
        ("bang.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),  # Linux executable
        ("bang.csv", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("bang.csv", b"  <html><head></head></html>"),
        ("bang.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("bang.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        ("bang.csv", b'{"a": 1}'),
        ("bang.json", b"{not json"),
        ("bang.json", b"<html></html>"),
        ("bang.xlsx", CSV),
        ("bang.xlsx", b"PK\x03\x04" + b"\x00" * 40),
        ("bang.pdf", CSV),
        ("bang.txt", bytes(range(256)) * 4),
        ("bang.exe", b"MZ\x90\x00"),
        ("bang", CSV),
    ],
)
def test_disguised_or_unsupported_files_are_refused_and_nothing_is_stored(
    media: Path, name: str, content: bytes
) -> None:
    dataset = DatasetFactory()
    revisions = Activity.objects.filter(dataset=dataset).count()
    with pytest.raises(CatalogValidationError) as excinfo:
        _create(name, content, dataset=dataset)
    assert "upload" in excinfo.value.errors
    assert excinfo.value.errors["upload"][0]  # a Vietnamese sentence
    assert Resource.objects.count() == 0
    assert Activity.objects.filter(dataset=dataset).count() == revisions
    assert _files(media) == []


def test_executable_renamed_csv_names_the_real_type() -> None:
    with pytest.raises(CatalogValidationError) as excinfo:
        _create("du-lieu.csv", b"MZ\x90\x00" + b"\x00" * 64)
    assert "thực thi" in excinfo.value.errors["upload"][0]


def test_html_named_csv_is_reported_as_html() -> None:
    with pytest.raises(CatalogValidationError) as excinfo:
        _create("du-lieu.csv", b"<!doctype html><title>x</title>")
    assert "HTML" in excinfo.value.errors["upload"][0]


def test_real_xlsx_json_and_pdf_are_accepted() -> None:
    dataset = DatasetFactory()
    xlsx = _create("bang.xlsx", _xlsx(), dataset=dataset)
    data = _create("du-lieu.json", json.dumps({"tên": "Thanh Hóa"}).encode(), dataset=dataset)
    pdf = _create("bao-cao.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", dataset=dataset)
    assert [(r.format, r.position) for r in (xlsx, data, pdf)] == [
        ("XLSX", 0),
        ("JSON", 1),
        ("PDF", 2),
    ]
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")


def test_utf16_and_legacy_encoded_csv_are_accepted() -> None:
    dataset = DatasetFactory()
    utf16 = _create("a.csv", "tên,số\nHà Nội,1\n".encode("utf-16"), dataset=dataset)
    legacy = _create("b.csv", "tên,ghi chú\ncafé,naïve été\n".encode("cp1252"), dataset=dataset)
    assert (utf16.format, legacy.format) == ("CSV", "CSV")


def test_declared_format_must_agree_with_the_file() -> None:
    with pytest.raises(CatalogValidationError) as excinfo:
        _create("bang.csv", CSV, format="PDF")
    assert "upload" in excinfo.value.errors
    assert _create("bang.csv", CSV, format="csv").format == "CSV"


def test_upload_above_the_size_limit_is_refused(settings: object, media: Path) -> None:
    settings.CATALOG_MAX_UPLOAD_BYTES = 10  # type: ignore[attr-defined]
    with pytest.raises(CatalogValidationError) as excinfo:
        _create("bang.csv", CSV)
    assert "MB" in excinfo.value.errors["upload"][0]
    assert _files(media) == []


def test_empty_file_is_refused() -> None:
    with pytest.raises(CatalogValidationError):
        _create("rong.csv", b"")


def test_url_and_upload_together_are_refused() -> None:
    dataset = DatasetFactory()
    with pytest.raises(CatalogValidationError) as excinfo:
        services.resource_create(
            user=None,
            dataset=dataset,
            url="https://x.vn/a.csv",
            upload=_upload("a.csv", CSV),
            check_permission=False,
        )
    assert "url" in excinfo.value.errors


def test_replacing_an_upload_with_a_url_removes_the_file(
    media: Path, django_capture_on_commit_callbacks: object
) -> None:
    resource = _create("a.csv", CSV)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.resource_update(
            user=None, resource=resource, check_permission=False, url="https://x.vn/b.csv"
        )
    resource.refresh_from_db()
    assert (resource.url, resource.upload.name, resource.hash) == ("https://x.vn/b.csv", "", "")
    assert _files(media) == []


def test_failed_replacement_keeps_the_old_file(media: Path) -> None:
    resource = _create("a.csv", CSV)
    with pytest.raises(CatalogValidationError):
        services.resource_update(
            user=None, resource=resource, check_permission=False, upload=_upload("b.csv", b"MZ\x00")
        )
    resource.refresh_from_db()
    assert resource.upload.read() == CSV
    assert len(_files(media)) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("csv", "CSV"),
        (".xlsx", "XLSX"),
        ("text/csv", "CSV"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
        ("jpg", "JPEG"),
        ("GeoJSON", "GEOJSON"),
        ("wms", "WMS"),
        ("", ""),
    ],
)
def test_normalize_format(value: str, expected: str) -> None:
    assert normalize_format(value) == expected
