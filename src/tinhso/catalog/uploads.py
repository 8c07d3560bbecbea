"""Upload checks for resource files: the shared helper :mod:`tinhso.core.uploads` (size
limit ``CATALOG_MAX_UPLOAD_BYTES``, type detected from the content), re-exported here for
the catalogue and for code that imported it from here."""

from __future__ import annotations

from tinhso.core.uploads import (
    EXTENSIONS,
    FORMATS,
    FileKind,
    UploadInfo,
    UploadRejected,
    format_from_url,
    inspect_upload,
    max_upload_bytes,
    normalize_format,
    safe_filename,
)

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "FileKind",
    "UploadInfo",
    "UploadRejected",
    "format_from_url",
    "inspect_upload",
    "max_upload_bytes",
    "normalize_format",
    "safe_filename",
]
