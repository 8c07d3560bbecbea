"""Evidence file checks: size limit and type detected from the content, not the name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tinhso.core.services import DomainError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# extension → (media type, family detected from content)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
}
# Media types a browser may send for these files without being wrong.
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/zip"}


class EvidenceRejected(DomainError):
    """The file is too large, of a type we do not accept, or not what its name says."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    extension: str


def max_bytes() -> int:
    return int(getattr(settings, "ASSESSMENT_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _family(head: bytes, data_for_zip: bytes | None) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04") and data_for_zip is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data_for_zip)) as zf:
                names = set(zf.namelist())
                if "[Content_Types].xml" in names:
                    return "ooxml"
                if "mimetype" in names and zf.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument"
                ):
                    return "odf"
        except zipfile.BadZipFile:
            return "unknown"
    return "unknown"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Refuse files that are too large, of an unlisted type, or disguised as another type."""
    limit = max_bytes()
    size = upload.size or 0
    if size > limit:
        raise EvidenceRejected(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {
                "name": upload.name,
                "size": f"{size / 1048576:.1f}",
                "max": f"{limit / 1048576:.0f}",
            },
            field="file",
        )
    if size == 0:
        raise EvidenceRejected(_("Tệp “%(name)s” rỗng.") % {"name": upload.name}, field="file")
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise EvidenceRejected(
            _("Không nhận tệp “%(name)s”: chỉ nhận PDF, ảnh PNG/JPEG, DOCX, XLSX, PPTX, ODT, ODS.")
            % {"name": name},
            field="file",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if len(data) > limit:  # the declared size may lie
        raise EvidenceRejected(
            _("Tệp “%(name)s” quá lớn; tối đa %(max)s MB.")
            % {"name": name, "max": f"{limit / 1048576:.0f}"},
            field="file",
        )
    media_type, family = ALLOWED[ext]
    detected = _family(data[:16], data if data.startswith(b"PK\x03\x04") else None)
    if detected != family:
        raise EvidenceRejected(
            _(
                "Nội dung tệp “%(name)s” không khớp với phần mở rộng .%(ext)s "
                "(tệp bị đổi tên hoặc bị hỏng)."
            )
            % {"name": name, "ext": ext},
            field="file",
        )
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in GENERIC_TYPES and declared != media_type:
        raise EvidenceRejected(
            _("Kiểu tệp khai báo (%(declared)s) không khớp với nội dung tệp “%(name)s”.")
            % {"declared": declared, "name": name},
            field="file",
        )
    return CheckedFile(
        content_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        extension=ext,
    )
