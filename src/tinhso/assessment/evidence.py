"""Evidence file checks: size limit and type detected from the content, not the name
(the shared upload checks of :mod:`tinhso.core.uploads`, narrowed to the formats an
assessment accepts), and a declared media type that contradicts the content is refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tinhso.core.services import DomainError
from tinhso.core.uploads import EXTENSIONS, UploadRejected, inspect_upload

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Formats (tinhso.core.uploads.FileKind.format) accepted as evidence.
ACCEPTED_FORMATS = frozenset({"PDF", "PNG", "JPEG", "DOCX", "XLSX", "PPTX", "ODT", "ODS"})
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


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Refuse files that are too large, of an unlisted type, or disguised as another type."""
    limit = max_bytes()
    name = upload.name or ""
    size = upload.size or 0
    if size > limit:
        raise EvidenceRejected(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {
                "name": name,
                "size": f"{size / 1048576:.1f}",
                "max": f"{limit / 1048576:.0f}",
            },
            field="file",
        )
    ext = PurePosixPath(name.replace("\\", "/")).suffix.lower().lstrip(".")
    kind = EXTENSIONS.get(ext)
    if kind is None or kind.format not in ACCEPTED_FORMATS:
        raise EvidenceRejected(
            _("Không nhận tệp “%(name)s”: chỉ nhận PDF, ảnh PNG/JPEG, DOCX, XLSX, PPTX, ODT, ODS.")
            % {"name": name},
            field="file",
        )
    try:
        # Reads the bytes themselves: the declared size may lie.
        info = inspect_upload(upload, max_bytes=limit)
    except UploadRejected as exc:
        raise EvidenceRejected(exc.message, field="file") from None
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in GENERIC_TYPES and declared != info.mimetype:
        raise EvidenceRejected(
            _("Kiểu tệp khai báo (%(declared)s) không khớp với nội dung tệp “%(name)s”.")
            % {"declared": declared, "name": name},
            field="file",
        )
    return CheckedFile(content_type=info.mimetype, size=info.size, sha256=info.hash, extension=ext)
